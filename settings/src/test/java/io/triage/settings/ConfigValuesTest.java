package io.triage.settings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

class ConfigValuesTest {
    private static final DocumentedSettings CATALOGUE = new DocumentedSettings("App", ConfigValues.ENV_PREFIX, List.of(
            new Setting(ConfigValues.BOOTSTRAP_SERVERS, "localhost:9092", "brokers"),
            new Setting("batch.max.size", "64", "flush size"),
            new Setting("holdout.fraction", "0.2", "share held out"),
            new Setting("data.dir", "", "folder")),
            List.of(new PassThrough(ConfigValues.KAFKA_PREFIX, "to Kafka")));

    private static final class App extends ConfigValues {
        App(Properties values) {
            super(values);
        }
    }

    @Test
    void theFileOverridesTheDefaultsAndTheEnvironmentOverridesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "batch.max.size=32\nholdout.fraction=0.3\nkafka.security.protocol=SSL\n");

        App app = new App(ConfigValues.read(CATALOGUE, file, Map.of("TRIAGE_BATCH_MAX_SIZE", "16", "PATH", "/bin",
                "TRIAGE_KAFKA_SASL_MECHANISM", "PLAIN")));

        assertEquals(16, app.getInt("batch.max.size", 1));
        assertEquals(0.3, app.getDouble("holdout.fraction", 0, 1));
        assertEquals(Map.of("bootstrap.servers", "localhost:9092", "security.protocol", "SSL", "sasl.mechanism", "PLAIN"),
                app.clientConfig());
    }

    @Test
    void badValuesAreErrorsThatNameTheKey() {
        App app = new App(ConfigValues.merged(CATALOGUE, Map.of("batch.max.size", "many", "holdout.fraction", "1.5")));

        assertTrue(assertThrows(IllegalArgumentException.class, () -> app.getInt("batch.max.size", 1)).getMessage()
                .contains("'batch.max.size' must be an integer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> app.getDouble("holdout.fraction", 0, 1)).getMessage()
                .contains("'holdout.fraction' must be in [0.0, 1.0]"));
        assertThrows(IllegalArgumentException.class, () -> app.get("no.such.key"));
    }

    @Test
    void anEmptyFolderSettingMeansOneInTheTemporaryFolder() {
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "triage-x"),
                new App(ConfigValues.merged(CATALOGUE, Map.of())).getFolderOrTemp("data.dir", "triage-x"));
        assertEquals(Path.of("/data"),
                new App(ConfigValues.merged(CATALOGUE, Map.of("data.dir", "/data"))).getFolderOrTemp("data.dir", "triage-x"));
    }
}
