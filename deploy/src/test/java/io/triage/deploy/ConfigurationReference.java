package io.triage.deploy;

import io.triage.console.ConsoleSettings;
import io.triage.settings.DocumentedSettings;
import io.triage.settings.PassThrough;
import io.triage.settings.Setting;
import io.triage.stream.config.StreamAppSettings;
import io.triage.trainer.service.TrainerSettings;

import java.util.List;
import java.util.Locale;

/** Renders docs/configuration.md from the apps' settings catalogues. */
final class ConfigurationReference {
    static final String FILE = "docs/configuration.md";
    /** The system property that makes ConfigurationReferenceTest write the file instead of comparing it. */
    static final String WRITE_PROPERTY = "triage.docs.write";
    static final String REGENERATE = "mvn -B -ntp -pl deploy -am test -Dtest=ConfigurationReferenceTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE_PROPERTY + "=true";

    /** The catalogues the reference documents, in order. */
    static final List<DocumentedSettings> DOCUMENTED = List.of(StreamAppSettings.SETTINGS, TrainerSettings.SETTINGS,
            ConsoleSettings.SETTINGS);

    private ConfigurationReference() {}

    static String render(List<DocumentedSettings> apps) {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n");
        md.append("<!-- Generated from the apps' settings catalogues (e.g. StreamAppSettings.SETTINGS); do not edit.\n");
        md.append("     Regenerate with: ").append(REGENERATE).append(" -->\n\n");
        md.append("Each app reads its settings from, in increasing priority: the defaults below, a properties file ")
                .append("(`--config FILE`) and environment variables. A variable is the key upper-cased, dots ")
                .append("replaced by underscores, behind the app's prefix: `TRIAGE_BATCH_MAX_SIZE=32` sets ")
                .append("`batch.max.size`.\n");
        for (DocumentedSettings app : apps) {
            md.append("\n## ").append(app.component()).append("\n\n");
            md.append("| key | environment variable | default | description |\n");
            md.append("|---|---|---|---|\n");
            for (Setting s : app.settings()) {
                md.append("| `").append(s.key()).append("` | `").append(app.envVar(s.key())).append("` | ")
                        .append(s.defaultValue().isEmpty() ? "*(empty)*" : "`" + cell(s.defaultValue()) + "`")
                        .append(" | ").append(cell(s.description())).append(" |\n");
            }
            for (PassThrough p : app.passThroughs()) {
                md.append("\n**`").append(p.prefix()).append("*`** (variables `").append(app.envPrefix())
                        .append(p.prefix().toUpperCase(Locale.ROOT).replace('.', '_')).append("*`): ")
                        .append(p.description()).append('\n');
            }
        }
        return md.toString();
    }

    /** A table cell: a pipe would end it. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
