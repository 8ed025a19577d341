package io.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code triage produce} and {@code triage consume} against a real broker and registry. */
class ProduceConsumeCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run triage(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TriageCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void textAndJsonValuesComeBackAsTheyWereSent() throws Exception {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        Run produced = triage("produce", "--bootstrap", kafka.bootstrapServers(), "--topic", "pc.text", "i feel great", "so tired");
        assertEquals(0, produced.exit(), produced.err());
        assertEquals(List.of("pc.text-0@0  i feel great", "pc.text-0@1  so tired"), produced.out().lines().toList());
        assertEquals(0, triage("produce", "--bootstrap", kafka.bootstrapServers(), "--topic", "pc.text", "--format", "json",
                "a \"quoted\" text").exit());

        Run consumed = triage("consume", "--bootstrap", kafka.bootstrapServers(), "--topic", "pc.text", "-n", "3");

        assertEquals(0, consumed.exit(), consumed.err());
        List<String> lines = consumed.out().lines().toList();
        assertEquals(List.of("i feel great", "so tired"), lines.subList(0, 2));
        JsonNode json = new ObjectMapper().readTree(lines.get(2));
        assertEquals("a \"quoted\" text", json.get("text").asText());
        assertEquals(36, json.get("id").asText().length(), "a UUID: " + json);
    }

    @Test
    void avroTextEventsNeedTheRegistryToBeRead() {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        Run produced = triage("produce", "--bootstrap", kafka.bootstrapServers(), "--topic", "pc.avro", "--format", "avro",
                "--registry", registry.apiV2Url(), "WIN a FREE cruise");
        assertEquals(0, produced.exit(), produced.err());

        Run withRegistry = triage("consume", "--bootstrap", kafka.bootstrapServers(), "--topic", "pc.avro",
                "--registry", registry.apiV2Url(), "-n", "1");
        assertEquals(0, withRegistry.exit(), withRegistry.err());
        String line = withRegistry.out().strip();
        assertTrue(line.startsWith("{\"id\":\"") && line.contains("\"text\":\"WIN a FREE cruise\"")
                && line.contains("\"event_time\":"), line);

        Run without = triage("consume", "--bootstrap", kafka.bootstrapServers(), "--topic", "pc.avro", "-n", "1");
        assertNotEquals(0, without.exit());
        assertTrue(without.err().contains("pass --registry URL"), without.err());
    }

    @Test
    void avroNeedsARegistryUrl() {
        Run run = triage("produce", "--bootstrap", "localhost:1", "--format", "avro", "x");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--format avro needs --registry URL"), run.err());
    }
}
