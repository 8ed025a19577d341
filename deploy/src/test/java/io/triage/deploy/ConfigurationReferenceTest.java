package io.triage.deploy;

import io.triage.settings.DocumentedSettings;
import io.triage.settings.PassThrough;
import io.triage.settings.Setting;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ConfigurationReferenceTest {
    @Test
    void docsMatchTheSettingsCatalogues() throws IOException {
        String generated = ConfigurationReference.render(ConfigurationReference.DOCUMENTED);
        Path file = Repo.root().resolve(ConfigurationReference.FILE);
        if (Boolean.getBoolean(ConfigurationReference.WRITE_PROPERTY)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        assertEquals(generated, committed, ConfigurationReference.FILE + " is not what the settings catalogues "
                + "say; regenerate it with: " + ConfigurationReference.REGENERATE);
    }

    @Test
    void rendersOneRowPerSettingWithItsVariableAndDefault() {
        DocumentedSettings app = new DocumentedSettings("Demo", "TRIAGE_", List.of(
                new Setting("batch.max.size", "64", "Flush at this many events."),
                new Setting("model.labels", "", "Labels `a|b`; empty: the model's own.")),
                List.of(new PassThrough("kafka.", "Given to Kafka's clients.")));

        List<String> lines = ConfigurationReference.render(List.of(app)).lines().toList();

        assertTrue(lines.contains("## Demo"), lines.toString());
        assertTrue(lines.contains("| `batch.max.size` | `TRIAGE_BATCH_MAX_SIZE` | `64` | Flush at this many events. |"),
                lines.toString());
        assertTrue(lines.contains("| `model.labels` | `TRIAGE_MODEL_LABELS` | *(empty)* | Labels `a\\|b`; empty: the "
                + "model's own. |"), "an empty default is named, a pipe does not end the cell: " + lines);
        assertTrue(lines.contains("**`kafka.*`** (variables `TRIAGE_KAFKA_*`): Given to Kafka's clients."),
                lines.toString());
    }

    @Test
    void rendersEachAppInItsOwnSectionInTheGivenOrder() {
        DocumentedSettings first = new DocumentedSettings("First", "TRIAGE_",
                List.of(new Setting("a", "1", "A.")), List.of());
        DocumentedSettings second = new DocumentedSettings("Second", "TRIAGE_",
                List.of(new Setting("b", "2", "B.")), List.of());

        String md = ConfigurationReference.render(List.of(first, second));

        int firstAt = md.indexOf("## First"), secondAt = md.indexOf("## Second");
        assertTrue(firstAt > 0 && secondAt > firstAt, md);
        assertTrue(md.indexOf("| `a` |") < secondAt && md.indexOf("| `b` |") > secondAt, md);
    }
}
