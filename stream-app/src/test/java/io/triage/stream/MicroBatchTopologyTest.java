package io.triage.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.Classification;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import io.triage.stream.batch.BatchClassifier;
import io.triage.stream.batch.InferenceWorker;
import io.triage.stream.batch.ModelBatchClassifier;
import io.triage.stream.config.StreamAppSettings;
import io.triage.stream.ops.StreamMetrics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.triage.stream.config.StreamAppSettings.*;
import static org.junit.jupiter.api.Assertions.*;

/** The topology on Kafka's TopologyTestDriver with the real bundled model: batching rules and dead letters. */
class MicroBatchTopologyTest {
    private static final List<String> LABELS = List.of("neg", "neu", "pos");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ModelBatchClassifier model;

    @BeforeAll
    static void loadModel() throws IOException {
        TextClassifier c = TextClassifier.of(
                ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(LABELS).withVersion("v-test"), ai.djl.Device.cpu()),
                Precision.FP32);
        model = new ModelBatchClassifier(c, 4);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    /** A driver over the real topology, text or JSON input, JSON output (no registry needed). */
    private static final class Harness implements AutoCloseable {
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> input;
        final TestOutputTopic<byte[], byte[]> output;
        final TestOutputTopic<byte[], byte[]> deadLetters;
        final StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry());
        final StreamAppSettings config;
        final AtomicLong clock = new AtomicLong();

        Harness(Map<String, String> settings, BatchClassifier classifier) {
            this(settings, InferenceWorker.direct(classifier));
        }

        Harness(Map<String, String> settings, InferenceWorker worker) {
            // idle dispatch off unless a test turns it on: these tests are about the size and wait rules
            Map<String, String> s = new HashMap<>(Map.of(INPUT_FORMAT, "text", OUTPUT_FORMAT, "json",
                    BATCH_IDLE_DISPATCH, "false"));
            s.putAll(settings);
            config = StreamAppSettings.of(s);
            Properties props = new Properties();
            props.put("application.id", "topology-test");
            props.put("bootstrap.servers", "unused:9092");
            driver = new TopologyTestDriver(TriageTopology.build(config, worker, metrics, clock::get), props, Instant.EPOCH);
            input = driver.createInputTopic(config.get(TOPIC_INPUT), new ByteArraySerializer(), new ByteArraySerializer());
            output = driver.createOutputTopic(config.get(TOPIC_OUTPUT), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            deadLetters = driver.createOutputTopic(config.get(TOPIC_DEAD_LETTER), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        Harness(Map<String, String> settings) {
            this(settings, model);
        }

        /** Moves the processor's clock and the driver's wall clock (which fires punctuators) together. */
        void advance(long millis) {
            clock.addAndGet(millis);
            driver.advanceWallClockTime(Duration.ofMillis(millis));
        }

        void text(String key, String text) {
            input.pipeInput(key.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8));
        }

        List<JsonNode> results() {
            return read(output);
        }

        List<JsonNode> deadLetters() {
            return read(deadLetters);
        }

        private static List<JsonNode> read(TestOutputTopic<byte[], byte[]> topic) {
            List<JsonNode> out = new ArrayList<>();
            for (TestRecord<byte[], byte[]> r : topic.readRecordsToList()) {
                out.add(json(r.value()));
            }
            return out;
        }

        static JsonNode json(byte[] value) {
            try {
                return JSON.readTree(value);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    @Test
    void flushesWhenTheBatchIsFull() {
        try (Harness h = new Harness(Map.of(BATCH_MAX_SIZE, "4", BATCH_MAX_WAIT_MS, "60000"))) {
            for (int i = 0; i < 3; i++) {
                h.text("k" + i, "text number " + i);
            }
            assertTrue(h.output.isEmpty(), "a batch of 3 out of 4 must wait");
            h.text("k3", "text number 3");
            List<JsonNode> results = h.results();
            assertEquals(4, results.size());
            for (int i = 0; i < 4; i++) {
                JsonNode r = results.get(i);
                assertEquals(h.config.get(TOPIC_INPUT) + "-0-" + i, r.get("input_id").asText(),
                        "results keep input order; text input gets topic-partition-offset ids");
                assertEquals(4, r.get("timings").get("batch_size").asInt());
                assertEquals("v-test", r.get("model_version").asText());
                assertTrue(LABELS.contains(r.get("label").asText()));
                double sum = 0;
                for (String label : LABELS) {
                    sum += r.get("scores").get(label).asDouble();
                }
                assertEquals(1.0, sum, 1e-5);
                assertEquals(r.get("scores").get(r.get("label").asText()).asDouble(), r.get("score").asDouble(), 1e-7);
            }
        }
    }

    @Test
    void flushesWhenTheOldestEventHasWaitedLongEnough() {
        try (Harness h = new Harness(Map.of(BATCH_MAX_SIZE, "64", BATCH_MAX_WAIT_MS, "10"))) {
            h.text("a", "i feel great");
            h.advance(4);
            h.text("b", "i feel awful");
            h.advance(4);
            assertTrue(h.output.isEmpty(), "8 ms < 10 ms: still waiting");
            h.advance(3);
            List<JsonNode> results = h.results();
            assertEquals(2, results.size(), "11 ms after the oldest event the batch must be out");
            assertEquals(2, results.get(0).get("timings").get("batch_size").asInt());
            assertTrue(results.get(0).get("timings").get("queue_ms").asLong() >= 10);
            h.text("c", "a third one");
            h.advance(11);
            assertEquals(1, h.results().get(0).get("timings").get("batch_size").asInt(), "a new batch starts empty");
        }
    }

    /** The shared model, holding every batch until {@code release} opens; {@code started} opens at the first. */
    private static BatchClassifier heldUntil(CountDownLatch started, CountDownLatch release) {
        return new DelegatingClassifier(model) {
            @Override
            public List<Classification> classify(List<TextInput> inputs) {
                started.countDown();
                await(release);
                return model.classify(inputs);
            }
        };
    }

    @Test
    void theNextBatchFillsWhileTheModelWorksOnTheCurrentOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        BatchClassifier slow = heldUntil(firstBatchStarted, release);
        InferenceWorker worker = InferenceWorker.start(slow);
        try (Harness h = new Harness(Map.of(BATCH_MAX_SIZE, "3", BATCH_MAX_WAIT_MS, "60000"), worker)) {
            for (int i = 0; i < 3; i++) {
                h.text("k" + i, "first batch " + i);
            }
            assertTrue(firstBatchStarted.await(30, TimeUnit.SECONDS));
            for (int i = 3; i < 5; i++) {
                h.text("k" + i, "second batch " + i); // accepted while the model is busy
            }
            assertTrue(h.output.isEmpty(), "nothing is out before the model answers");
            release.countDown();
            List<JsonNode> results = new ArrayList<>();
            for (int tries = 0; results.size() < 3 && tries < 3000; tries++) {
                h.advance(5); // the punctuator forwards the finished batch
                results.addAll(h.results());
                Thread.sleep(10);
            }
            assertEquals(3, results.size(), "the first batch comes out whole");
            h.text("k5", "second batch 5"); // completes the second batch
            for (int tries = 0; results.size() < 6 && tries < 3000; tries++) {
                h.advance(5);
                results.addAll(h.results());
                Thread.sleep(10);
            }
            assertEquals(List.of(3, 3, 3, 3, 3, 3), results.stream().map(r -> r.get("timings").get("batch_size").asInt()).toList());
            for (int i = 0; i < 6; i++) {
                assertEquals(h.config.get(TOPIC_INPUT) + "-0-" + i, results.get(i).get("input_id").asText());
            }
        } finally {
            release.countDown();
            worker.close(); // closes `slow`, which leaves the shared model open
        }
    }

    @Test
    void aLoneEventGoesToAnIdleModelAtOnce() {
        try (Harness h = new Harness(Map.of(BATCH_MAX_SIZE, "64", BATCH_MAX_WAIT_MS, "60000", BATCH_IDLE_DISPATCH, "true"))) {
            h.text("a", "i feel great");
            List<JsonNode> results = h.results();
            assertEquals(1, results.size(), "the model had nothing to do: the event must not wait for more or for 60 s");
            assertEquals(1, results.get(0).get("timings").get("batch_size").asInt());
            assertEquals(0, results.get(0).get("timings").get("queue_ms").asLong());
        }
    }

    @Test
    void eventsThatArriveWhileTheModelIsBusyGoAsOneBatchWhenItIsDone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        BatchClassifier slow = heldUntil(firstBatchStarted, release);
        InferenceWorker worker = InferenceWorker.start(slow);
        try (Harness h = new Harness(Map.of(BATCH_MAX_SIZE, "64", BATCH_MAX_WAIT_MS, "60000", BATCH_IDLE_DISPATCH, "true"),
                worker)) {
            h.text("k0", "goes alone");
            assertTrue(firstBatchStarted.await(30, TimeUnit.SECONDS), "a lone event goes to an idle model at once");
            for (int i = 1; i < 4; i++) {
                h.text("k" + i, "waits for the model " + i);
            }
            release.countDown();
            List<JsonNode> results = new ArrayList<>();
            for (int tries = 0; results.size() < 4 && tries < 3000; tries++) {
                h.advance(2); // the punctuator picks up the finished batch and dispatches the next
                results.addAll(h.results());
                Thread.sleep(10);
            }
            assertEquals(List.of(1, 3, 3, 3), results.stream().map(r -> r.get("timings").get("batch_size").asInt()).toList(),
                    "the three that came while the model was busy form the next batch, without waiting for 60 s");
        } finally {
            release.countDown();
            worker.close();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test latch never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Passes everything to another classifier; tests override what they need. */
    private static class DelegatingClassifier implements BatchClassifier {
        private final BatchClassifier target;

        DelegatingClassifier(BatchClassifier target) {
            this.target = target;
        }

        @Override
        public List<Classification> classify(List<TextInput> inputs) {
            return target.classify(inputs);
        }

        @Override
        public String modelName() {
            return target.modelName();
        }

        @Override
        public String modelVersion() {
            return target.modelVersion();
        }

        @Override
        public void close() {
            // the shared test model outlives every test
        }
    }

    @Test
    void aBatchOfMixedLengthsIsGroupedButAnsweredInInputOrder() {
        List<String> texts = List.of("short", "a much longer text that goes on and on about many different things indeed",
                "mid length text here", "tiny", "another fairly long sentence with quite a few tokens in it", "ok");
        try (Harness h = new Harness(Map.of(BATCH_MAX_SIZE, String.valueOf(texts.size()), BATCH_MAX_WAIT_MS, "60000"))) {
            for (int i = 0; i < texts.size(); i++) {
                h.text("k" + i, texts.get(i));
            }
            List<JsonNode> results = h.results();
            assertEquals(texts.size(), results.size());
            for (int i = 0; i < texts.size(); i++) {
                Classification alone = model.textClassifier().classify(List.of(TextInput.of(texts.get(i)))).get(0);
                for (String label : LABELS) {
                    assertEquals(alone.scores().get(label), results.get(i).get("scores").get(label).floatValue(), 1e-4,
                            "result " + i + " must be the one of text " + i);
                }
            }
        }
    }

    @Test
    void badInputBecomesDeadLettersAndProcessingGoesOn() {
        Map<String, String> settings = Map.of(INPUT_FORMAT, "json", BATCH_MAX_SIZE, "1", MAX_TEXT_BYTES, "100");
        try (Harness h = new Harness(settings)) {
            byte[][] bad = {
                    null,
                    "{not json".getBytes(StandardCharsets.UTF_8),
                    {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                    "{\"id\": \"x\"}".getBytes(StandardCharsets.UTF_8),
                    "{\"text\": \"   \"}".getBytes(StandardCharsets.UTF_8),
                    ("{\"text\": \"" + "a".repeat(101) + "\"}").getBytes(StandardCharsets.UTF_8),
                    "[1, 2]".getBytes(StandardCharsets.UTF_8),
            };
            String[][] expected = { // reason, stage
                    {"NULL_VALUE", "DESERIALIZE"}, {"UNDECODABLE", "DESERIALIZE"}, {"INVALID_UTF8", "DESERIALIZE"},
                    {"MISSING_TEXT", "VALIDATE"}, {"EMPTY_TEXT", "VALIDATE"}, {"TEXT_TOO_LARGE", "VALIDATE"},
                    {"UNDECODABLE", "DESERIALIZE"},
            };
            for (int i = 0; i < bad.length; i++) {
                h.input.pipeInput(("bad" + i).getBytes(StandardCharsets.UTF_8), bad[i]);
                h.input.pipeInput(("good" + i).getBytes(StandardCharsets.UTF_8),
                        ("{\"id\": \"good-" + i + "\", \"text\": \"fine text " + i + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            List<JsonNode> letters = h.deadLetters();
            assertEquals(bad.length, letters.size());
            for (int i = 0; i < bad.length; i++) {
                JsonNode l = letters.get(i);
                assertTrue(l.get("message").asText().startsWith(expected[i][0]), l.toString());
                assertEquals(expected[i][1], l.get("stage").asText(), l.toString());
                assertEquals(2L * i, l.get("source_offset").asLong(), "the dead letter points at the bad record");
                assertEquals(h.config.get(TOPIC_INPUT), l.get("source_topic").asText());
                if (bad[i] != null) {
                    byte[] original = l.get("original_value").get("bytes").asText().getBytes(StandardCharsets.ISO_8859_1);
                    assertArrayEquals(bad[i], original, "the original bytes are kept for replay");
                } else {
                    assertTrue(l.get("original_value").isNull());
                }
            }
            List<JsonNode> results = h.results();
            assertEquals(bad.length, results.size(), "every good record after a bad one is still classified");
            for (int i = 0; i < bad.length; i++) {
                assertEquals("good-" + i, results.get(i).get("input_id").asText());
            }
            assertEquals(bad.length, h.metrics.deadLetterCount());
        }
    }

    @Test
    void aHugeBadRecordBecomesADeadLetterCutToTheLimit() {
        Map<String, String> settings = Map.of(INPUT_FORMAT, "json", BATCH_MAX_SIZE, "1", DEAD_LETTER_MAX_VALUE_BYTES, "1000");
        try (Harness h = new Harness(settings)) {
            byte[] huge = ("{not json" + "x".repeat(1_048_576)).getBytes(StandardCharsets.UTF_8);
            h.input.pipeInput("bad".getBytes(StandardCharsets.UTF_8), huge);

            JsonNode letter = h.deadLetters().get(0);
            byte[] kept = letter.get("original_value").get("bytes").asText().getBytes(StandardCharsets.ISO_8859_1);
            assertArrayEquals(java.util.Arrays.copyOf(huge, 1000), kept, "the value's first dead.letter.max.value.bytes");
            assertEquals(huge.length, letter.get("original_value_size").get("long").asLong(), "marked as cut");
            assertTrue(letter.get("original_key_size").isNull(), "the short key is whole: " + letter.get("original_key_size"));
        }
    }

    @Test
    void aModelFailureSendsOnlyTheFailingEventToTheDeadLetters() {
        AtomicInteger calls = new AtomicInteger();
        BatchClassifier failingOnPoison = new DelegatingClassifier(model) {
            @Override
            public List<Classification> classify(List<TextInput> inputs) {
                calls.incrementAndGet();
                if (inputs.stream().anyMatch(in -> in.text().contains("POISON"))) {
                    throw new IllegalStateException("model cannot handle POISON");
                }
                return model.classify(inputs);
            }
        };
        try (Harness h = new Harness(Map.of(BATCH_MAX_SIZE, "3", BATCH_MAX_WAIT_MS, "60000"), failingOnPoison)) {
            h.text("a", "first");
            h.text("b", "POISON pill");
            h.text("c", "third");
            assertEquals(4, calls.get(), "one batch call, then one retry per event");
            List<JsonNode> results = h.results();
            assertEquals(List.of(0L, 2L), results.stream()
                    .map(r -> Long.parseLong(r.get("input_id").asText().replaceAll(".*-", ""))).toList());
            List<JsonNode> letters = h.deadLetters();
            assertEquals(1, letters.size());
            assertEquals("CLASSIFY", letters.get(0).get("stage").asText());
            assertEquals(1L, letters.get(0).get("source_offset").asLong());
            assertEquals(IllegalStateException.class.getName(), letters.get(0).get("error_type").asText());
        }
    }

    @Test
    void routesEachResultToItsLabelsTopic() {
        Map<String, String> settings = Map.of(ROUTING_ENABLED, "true", BATCH_MAX_SIZE, "8", BATCH_MAX_WAIT_MS, "60000");
        try (Harness h = new Harness(settings)) {
            Map<String, TestOutputTopic<byte[], byte[]>> routed = new HashMap<>();
            for (String label : LABELS) {
                routed.put(label, h.driver.createOutputTopic(LabelTopics.topicFor(h.config.get(TOPIC_ROUTE_PREFIX), label),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            }
            for (int i = 0; i < 8; i++) {
                h.text("k" + i, "text " + i + " " + "word ".repeat(i));
            }
            List<JsonNode> all = h.results();
            assertEquals(8, all.size());
            int routedCount = 0;
            for (String label : LABELS) {
                for (TestRecord<byte[], byte[]> r : routed.get(label).readRecordsToList()) {
                    JsonNode node;
                    try {
                        node = JSON.readTree(r.value());
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                    assertEquals(label, node.get("label").asText());
                    routedCount++;
                }
            }
            assertEquals(8, routedCount, "every result also lands on exactly one label topic");
        }
    }

    @Test
    void unsureResultsGoToTheReviewTopicWithTheirReasons() {
        // scores chosen per text: sure, low top score, close top two, and both
        Map<String, Map<String, Float>> byText = Map.of(
                "sure", Map.of("neg", 0.9f, "pos", 0.1f),
                "low", Map.of("neg", 0.5f, "neu", 0.3f, "pos", 0.2f),
                "close", Map.of("neg", 0.66f, "pos", 0.6f),
                "<script>both</script>", Map.of("neg", 0.51f, "pos", 0.49f));
        BatchClassifier fixed = new DelegatingClassifier(model) {
            @Override
            public List<Classification> classify(List<TextInput> inputs) {
                return inputs.stream().map(in -> {
                    Map<String, Float> scores = byText.get(in.text());
                    String top = scores.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                    return new Classification(top, scores.get(top), scores, "v-test");
                }).toList();
            }
        };
        Map<String, String> settings = Map.of(BATCH_MAX_SIZE, "4", BATCH_MAX_WAIT_MS, "60000", REVIEW_THRESHOLD, "0.6",
                REVIEW_MARGIN, "0.1", REVIEW_SAMPLE, "0");
        try (Harness h = new Harness(settings, fixed)) {
            TestOutputTopic<byte[], byte[]> review = h.driver.createOutputTopic(h.config.get(REVIEW_TOPIC),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            for (String text : List.of("sure", "low", "close", "<script>both</script>")) {
                h.text("key-" + text, text);
            }
            assertEquals(4, h.results().size());
            Map<String, List<String>> reasons = new HashMap<>();
            for (TestRecord<byte[], byte[]> r : review.readRecordsToList()) {
                JsonNode item = Harness.json(r.value());
                assertEquals("key-" + item.get("text").asText(), new String(r.key(), StandardCharsets.UTF_8),
                        "a review item keeps its event's key");
                assertEquals("v-test", item.get("model_version").asText());
                List<String> why = new ArrayList<>();
                item.get("reasons").forEach(n -> why.add(n.asText()));
                reasons.put(item.get("text").asText(), why);
            }
            assertEquals(Map.of("low", List.of("LOW_SCORE"), "close", List.of("SMALL_MARGIN"),
                    "<script>both</script>", List.of("LOW_SCORE", "SMALL_MARGIN")), reasons);
        }
    }

    @Test
    void anEmptyReviewTopicMeansNoReviewQueue() {
        Map<String, String> settings = Map.of(REVIEW_TOPIC, "", REVIEW_THRESHOLD, "1", BATCH_MAX_SIZE, "1");
        try (Harness h = new Harness(settings)) {
            h.text("k", "some text");
            assertEquals(1, h.results().size());
            assertFalse(h.driver.producedTopicNames().contains("triage.review"));
        }
    }
}
