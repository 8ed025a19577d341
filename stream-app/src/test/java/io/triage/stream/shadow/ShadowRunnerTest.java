package io.triage.stream.shadow;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.model.text.TextInput;
import io.triage.schemas.ShadowReport;
import io.triage.service.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.triage.stream.ops.StreamMetrics;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** The runner's reports on the real broker and registry: what the trainer adds up. */
class ShadowRunnerTest {
    @Test
    void sampledEventsAreComparedAndReportedUnderVersionAndInstance() {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        String topic = "shr1.shadow-reports";
        kafka.createTopic(topic, 1);
        ShadowSample half = new ShadowSample(0.5);
        List<String> ids = IntStream.range(0, 200).mapToObj(i -> "event-" + i).toList();
        long sampled = ids.stream().filter(half::includes).count();
        List<TextInput> inputs = ShadowTrialTest.texts(ids.size());
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry());
        try (ShadowRunner runner = new ShadowRunner(half, 8, "app-1", () -> KafkaClients.producer(
                kafka.bootstrapServers(), KafkaClients.avroSerializer(registry.apiV2Url())), topic, 200, 60_000,
                metrics.shadow());
             KafkaConsumer<byte[], ShadowReport> reports = KafkaClients.committedReader(kafka.bootstrapServers(), topic,
                     KafkaClients.avroDeserializer(registry.apiV2Url()))) {
            runner.offer(ids, inputs, ShadowTrialTest.served(inputs)); // no candidate yet: nothing happens
            runner.begin(new ShadowTrialTest.Head("v2", text -> "pos"), List.of("neg", "pos"), "v1");
            assertEquals("v2", runner.candidateVersion());
            runner.offer(ids, inputs, ShadowTrialTest.served(inputs));
            List<ConsumerRecord<byte[], ShadowReport>> read = KafkaClients.readUntil(reports,
                    r -> !r.isEmpty() && r.get(r.size() - 1).value().getEvents() == sampled, Duration.ofSeconds(60),
                    new ArrayList<>());
            ConsumerRecord<byte[], ShadowReport> last = read.get(read.size() - 1);
            assertEquals("v2/app-1", new String(last.key(), StandardCharsets.UTF_8));
            ShadowReport r = last.value();
            assertEquals(sampled, r.getEvents(), "only the sampled events: " + r);
            assertTrue(sampled > 60 && sampled < 140, "about half: " + sampled);
            assertEquals(List.of(0L, sampled), r.getCandidateLabelCounts(), "the candidate answered pos for all");
            assertEquals(r.getServingLabelCounts().get(1), r.getAgreed());
            assertEquals("v1", r.getServingVersion());
            assertEquals(sampled, metrics.shadow().events("v2"), "triage_shadow_events_total{version=v2}");
            runner.end("test over");
            assertNull(runner.candidateVersion());
            assertEquals(sampled, metrics.shadow().events("v2"), "the ended trial's counts stay");
        }
    }
}
