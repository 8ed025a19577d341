package io.triage.settings;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class DocumentedSettingsTest {
    private static final DocumentedSettings APP = new DocumentedSettings("App", "TRIAGE_",
            List.of(new Setting("batch.max.size", "64", "flush at this many events"),
                    new Setting("model.labels", "", "labels; empty: the model's own")),
            List.of(new PassThrough("kafka.", "to Kafka's clients")));

    @Test
    void environmentVariablesAndKeysMapBothWays() {
        assertEquals("TRIAGE_BATCH_MAX_SIZE", APP.envVar("batch.max.size"));
        assertEquals(Optional.of("batch.max.size"), APP.keyOf("TRIAGE_BATCH_MAX_SIZE"));
        assertEquals(Optional.of("kafka.sasl.jaas.config"), APP.keyOf("TRIAGE_KAFKA_SASL_JAAS_CONFIG"));
        assertEquals(Optional.of("batch.max.size"), APP.keyOf("TRIAGE_Batch_Max_Size"), "the name is lower-cased");
    }

    @Test
    void variablesWithoutThePrefixAreNoSettings() {
        assertEquals(Optional.empty(), APP.keyOf("PATH"));
        assertEquals(Optional.empty(), APP.keyOf("TRIAGE_"));
        assertEquals(Optional.empty(), APP.keyOf("XTRIAGE_BATCH_MAX_SIZE"));
    }

    @Test
    void acceptsItsKeysAndPassThroughKeysOnly() {
        assertTrue(APP.accepts("batch.max.size"));
        assertTrue(APP.accepts("kafka.security.protocol"));
        assertFalse(APP.accepts("kafka."), "the bare prefix names no Kafka setting");
        assertFalse(APP.accepts("batch.max.sise"));
        assertEquals("kafka.", APP.passThroughOf("kafka.state.dir").orElseThrow().prefix());
    }

    @Test
    void defaultsKeepTheListedOrder() {
        assertEquals(List.of(Map.entry("batch.max.size", "64"), Map.entry("model.labels", "")),
                List.copyOf(APP.defaults().entrySet()));
    }

    @Test
    void rejectsKeysNoEnvironmentVariableCouldSet() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Setting("batch_max", "1", "d"));
        assertTrue(e.getMessage().contains("batch_max"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Setting("Batch.max", "1", "d"));
        assertThrows(IllegalArgumentException.class, () -> new Setting("batch-max", "1", "d"));
        assertThrows(IllegalArgumentException.class, () -> new Setting("batch..max", "1", "d"));
    }

    @Test
    void rejectsMissingOrMultiLineDescriptions() {
        assertThrows(IllegalArgumentException.class, () -> new Setting("a.b", "1", " "));
        assertThrows(IllegalArgumentException.class, () -> new Setting("a.b", "1", "one\ntwo"));
    }

    @Test
    void rejectsDuplicateKeysAndKeysUnderAPassThroughPrefix() {
        var twice = assertThrows(IllegalArgumentException.class, () -> new DocumentedSettings("App", "TRIAGE_",
                List.of(new Setting("a", "1", "d"), new Setting("a", "2", "d")), List.of()));
        assertTrue(twice.getMessage().contains("'a' is listed twice"), twice.getMessage());
        var shadowed = assertThrows(IllegalArgumentException.class, () -> new DocumentedSettings("App", "TRIAGE_",
                List.of(new Setting("kafka.acks", "all", "d")), List.of(new PassThrough("kafka.", "d"))));
        assertTrue(shadowed.getMessage().contains("pass-through"), shadowed.getMessage());
    }

    @Test
    void rejectsMalformedPrefixes() {
        assertThrows(IllegalArgumentException.class,
                () -> new DocumentedSettings("App", "triage_", List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new DocumentedSettings("App", "TRIAGE", List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PassThrough("kafka", "d"));
    }
}
