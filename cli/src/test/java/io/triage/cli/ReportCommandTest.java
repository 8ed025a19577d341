package io.triage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code triage report} renders report.html from an existing metrics.json. */
class ReportCommandTest {
    private static final List<String> LABELS = List.of("complaint", "praise", "question");
    private static final int POINTS = 30;

    @Test
    void writesTheReportBesideMetricsOfAFolder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("metrics.json"), metrics().toString());

        CliRun run = CliRun.triage("report", dir.toString());

        Path report = dir.resolve("report.html");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(report.toAbsolutePath().toString(), run.out().strip());
        Document html = Jsoup.parse(report.toFile());
        assertEquals(POINTS, html.select("#chart-projection g.points > *").size(), "one marker per projected point");
        assertEquals(LABELS, html.select("#chart-projection g.points > * > title").eachText().stream().distinct().toList());
        assertFalse(html.select("#chart-loss").isEmpty(), "the history's curves");
    }

    @Test
    void writesWhereOutSaysCreatingFolders(@TempDir Path dir) throws Exception {
        Path metrics = dir.resolve("run/metrics.json");
        Files.createDirectories(metrics.getParent());
        Files.writeString(metrics, metrics().toString());
        Path out = dir.resolve("reports/emotion/index.html");

        CliRun run = CliRun.triage("report", metrics.toString(), "--out", out.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.isRegularFile(out));
        assertFalse(Files.exists(metrics.resolveSibling("report.html")), "nothing beside metrics.json");
    }

    @Test
    void saysWhenTheReportChangesAModelArtifactsHash(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve("metrics.json"), metrics().toString());

        CliRun first = CliRun.triage("report", dir.toString());
        CliRun again = CliRun.triage("report", dir.toString());

        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.err().contains("SHA-256 of the model artifact"), first.err());
        assertEquals(0, again.exitCode(), again.err());
        assertEquals("", again.err(), "the same metrics give the same report and leave the hash alone");
    }

    @Test
    void refusesMissingOrBrokenMetrics(@TempDir Path dir) throws Exception {
        CliRun missing = CliRun.triage("report", dir.toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no metrics.json at " + dir.resolve("metrics.json").toAbsolutePath()), missing.err());

        Files.writeString(dir.resolve("metrics.json"), "{\"model\": ");
        CliRun broken = CliRun.triage("report", dir.toString());
        assertEquals(2, broken.exitCode());
        assertTrue(broken.err().contains("is not valid JSON"), broken.err());
        assertFalse(Files.exists(dir.resolve("report.html")));
    }

    /** A small metrics.json: the model block, a one-epoch history and a projection of three labelled clusters. */
    private static ObjectNode metrics() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode model = root.putObject("model");
        model.put("name", "minilm").put("version", "v1").putNull("parent_version");
        model.put("mode", "head").put("created_at", "2026-01-01T00:00:00Z");
        LABELS.forEach(model.putArray("labels")::add);
        root.putArray("history").addObject().put("epoch", 1).put("train_loss", 0.9).put("val_loss", 0.7)
                .put("val_accuracy", 0.8).put("val_weighted_f1", 0.79).put("val_macro_f1", 0.78)
                .put("examples_per_second", 500.0).put("seconds", 1.2);
        ObjectNode projection = root.putObject("projection");
        projection.put("method", "pca").put("features", "pooled encoder output");
        ArrayNode points = projection.putArray("points");
        for (int i = 0; i < POINTS; i++) {
            int label = i % LABELS.size();
            points.addObject().put("x", label * 3 + 0.1 * i).put("y", label - 0.05 * i).put("label", LABELS.get(label));
        }
        return root;
    }
}
