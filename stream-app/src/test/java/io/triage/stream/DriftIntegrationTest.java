package io.triage.stream;

import ai.djl.Device;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.model.config.ModelOverrides;
import io.triage.model.drift.DriftBins;
import io.triage.model.drift.DriftCounts;
import io.triage.model.drift.ReferenceProfile;
import io.triage.model.infer.Classification;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import io.triage.service.KafkaClients;
import io.triage.stream.config.StreamAppSettings;
import io.triage.stream.ops.DriftMonitor;
import io.triage.stream.ops.StreamMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import static io.triage.stream.config.StreamAppSettings.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Drift on the real broker and registry: a version whose reference comes from one data set (emotion tweets) shows
 * flat drift while more of the same arrives, and drift that moves once a different data set (SST-2 movie-review
 * phrases) replaces it in the window. Without ../shared/datasets, synthetic short and long texts stand in.
 */
class DriftIntegrationTest {
    private static final List<String> LABELS = List.of("a", "b", "c");
    private static final int WINDOW = 300;
    private static final Path DATASETS = Path.of(System.getProperty("triage.shared.dir", "../shared"), "datasets");
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void infrastructure() {
        kafka = SharedInfrastructure.kafka();
        registry = SharedInfrastructure.registry();
    }

    @Test
    void driftStaysFlatOnTheReferenceMixAndMovesWhenTheInputShifts() throws Exception {
        List<String> same = texts("emotion/validation.txt", ';', false, 2 * WINDOW,
                i -> "i feel rather " + (i % 7 == 0 ? "good" : "tired") + " today number " + i);
        List<String> shifted = texts("sst2/train.tsv", '\t', true, WINDOW,
                i -> ("a long and winding review of film " + i + " that goes on ").repeat(1 + i % 9));
        Path artifact = TestArtifacts.save(dir.resolve("models"), "v1", LABELS).dir();
        ReferenceProfile reference = reference(artifact, same.subList(0, WINDOW));
        Files.write(artifact.resolve(ReferenceProfile.FILE), reference.toJson());

        Map<String, String> settings = new HashMap<>(KafkaFixture.appSettings(kafka.bootstrapServers(),
                registry.apiV2Url(), "drift1"));
        settings.putAll(Map.of(TOPIC_INPUT, "drift1.in", TOPIC_OUTPUT, "drift1.out", TOPIC_DEAD_LETTER, "drift1.dlq",
                INPUT_FORMAT, "text", MODEL_SOURCE, artifact.toString(), HTTP_PORT, "0",
                DRIFT_WINDOW_EVENTS, String.valueOf(WINDOW), DRIFT_MIN_EVENTS, String.valueOf(WINDOW),
                "kafka.state.dir", dir.resolve("state").toString()));
        try (TriageStreamApp app = TriageStreamApp.start(StreamAppSettings.of(settings))) {
            StreamAppIntegrationTest.assertEventually(app::isReady, Duration.ofSeconds(60), "the app becomes ready");
            DriftMonitor drift = app.metrics().drift();
            assertTrue(Double.isNaN(drift.psi("label")), "no value before the window holds drift.min.events");

            send(same.subList(WINDOW, 2 * WINDOW));
            awaitClassified(app, WINDOW);
            double[] flat = psis(drift);
            String scrape = scrape(app.httpPort());
            System.out.printf(Locale.ROOT, "drift, same mix as the reference: label %.4f confidence %.4f length %.4f%n",
                    flat[0], flat[1], flat[2]);
            for (double psi : flat) {
                assertTrue(psi < 0.1, "flat on the reference's mix: " + java.util.Arrays.toString(flat));
            }
            assertTrue(scrape.lines().anyMatch(l -> l.startsWith("triage_drift_length_psi{")
                    && l.contains("version=\"v1\"") && !l.endsWith("NaN")), "the gauge on /metrics: " + scrape);

            send(shifted);
            awaitClassified(app, 2 * WINDOW);
            double[] moved = psis(drift);
            System.out.printf(Locale.ROOT, "drift, shifted input: label %.4f confidence %.4f length %.4f%n",
                    moved[0], moved[1], moved[2]);
            assertTrue(moved[2] > 0.25, "token lengths shifted: " + java.util.Arrays.toString(moved));
            assertTrue(moved[2] > 5 * flat[2], "length drift moved: " + flat[2] + " → " + moved[2]);
        }
    }

    /** What the version predicts on its "validation set", binned as the trainer does (ModelScorer.profile). */
    private static ReferenceProfile reference(Path artifact, List<String> texts) throws IOException {
        try (TextClassifier classifier = TextClassifier.of(ModelLoader.load(artifact.toString(), ModelOverrides.NONE,
                Device.cpu()), Precision.FP32)) {
            DriftCounts counts = new DriftCounts(LABELS.size());
            List<Classification> results = classifier.classifyGroupedByLength(
                    texts.stream().map(t -> new TextInput(t, null)).toList(), 32);
            for (Classification c : results) {
                counts.add(LABELS.indexOf(c.label()), DriftBins.confidence(c.score()),
                        DriftBins.length(c.inputTokens()), 1);
            }
            return ReferenceProfile.of(LABELS, counts);
        }
    }

    private static void send(List<String> texts) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.rawProducer(kafka.bootstrapServers())) {
            for (int i = 0; i < texts.size(); i++) {
                producer.send(new ProducerRecord<>("drift1.in", ("k" + i % 5).getBytes(StandardCharsets.UTF_8),
                        texts.get(i).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static void awaitClassified(TriageStreamApp app, int total) throws InterruptedException {
        StreamAppIntegrationTest.assertEventually(() -> app.metrics().registry().find(StreamMetrics.CLASSIFIED)
                .counter().count() >= total, Duration.ofSeconds(240), total + " events classified");
    }

    private static double[] psis(DriftMonitor drift) {
        return new double[] {drift.psi("label"), drift.psi("confidence"), drift.psi("length")};
    }

    private static String scrape(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * The first {@code n} texts of a data set file (the text is the first column), or synthetic ones when the
     * data sets are absent.
     */
    private static List<String> texts(String file, char separator, boolean header, int n,
                                      java.util.function.IntFunction<String> synthetic) throws IOException {
        Path path = DATASETS.resolve(file);
        if (!Files.isRegularFile(path)) {
            System.out.println(path + " is absent: synthetic texts instead");
            return IntStream.range(0, n).mapToObj(synthetic).toList();
        }
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            if (header) {
                header = false;
                continue;
            }
            int end = line.lastIndexOf(separator);
            String text = (end < 0 ? line : line.substring(0, end)).strip();
            if (!text.isEmpty()) {
                out.add(text);
            }
            if (out.size() == n) {
                break;
            }
        }
        return out;
    }
}
