package io.triage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.model.io.ModelArtifact;
import io.triage.training.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code triage report}: renders the HTML evaluation report again from an existing metrics.json. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Render the self-contained HTML evaluation report (inline SVG, no scripts, opens offline) "
                + "from a model artifact's metrics.json and print its path.",
            "In a model artifact folder report.html is one of the files its SHA-256 covers; a changed report "
                + "changes the SHA-256 (the command says so)."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARTIFACT_DIR|metrics.json", description = "A model artifact folder or a metrics.json file.")
    Path source;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the report (default: report.html beside metrics.json).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Path metricsFile = (Files.isDirectory(source) ? source.resolve("metrics.json") : source).toAbsolutePath();
        if (!Files.isRegularFile(metricsFile)) {
            err.println("triage report: no metrics.json at " + metricsFile);
            return 2;
        }
        JsonNode metrics;
        try {
            metrics = new ObjectMapper().readTree(metricsFile.toFile());
        } catch (JsonProcessingException e) {
            err.println("triage report: " + metricsFile + " is not valid JSON: " + e.getOriginalMessage());
            return 2;
        }
        if (metrics == null || !metrics.isObject()) {
            err.println("triage report: " + metricsFile + " does not hold a JSON object");
            return 2;
        }
        Path report = (out != null ? out : metricsFile.resolveSibling(HtmlReport.FILE_NAME)).toAbsolutePath();
        Path folder = report.getParent();
        String shaBefore = isModelArtifact(folder) ? ModelArtifact.sha256(folder) : null;
        Files.createDirectories(folder);
        HtmlReport.write(metrics, report);
        spec.commandLine().getOut().println(report);
        if (shaBefore != null) {
            String shaAfter = ModelArtifact.sha256(folder);
            if (!shaAfter.equals(shaBefore)) {
                err.println("triage report: the SHA-256 of the model artifact " + folder + " changed from "
                        + shaBefore + " to " + shaAfter + "; a model update that announced the old one will be "
                        + "rejected (use --out to write the report elsewhere)");
            }
        }
        return 0;
    }

    private static boolean isModelArtifact(Path folder) {
        return Files.isRegularFile(folder.resolve("config.json")) && Files.isRegularFile(folder.resolve("model.safetensors"));
    }
}
