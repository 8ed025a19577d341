package io.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code triage explain} on the bundled MiniLM: the JSON it prints and the errors it gives for bad input. */
class ExplainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LABELS = "complaint,praise,question";
    private static final String TEXT = "the parcel arrived broken and late";

    @Test
    void printsEveryTokensAttributionPerLabelTheCompletenessGapAndTheNearestExamples(@TempDir Path dir)
            throws Exception {
        Path examples = dir.resolve("train.csv");
        Files.writeString(examples, "text,label\n"
                + "\"where is my order, it has been two weeks\",question\n"
                + "lovely service and quick delivery,praise\n"
                + TEXT + ",complaint\n"
                + "can I change the address,question\n");

        CliRun run = CliRun.triage("explain", "--labels", LABELS, "--examples", examples.toString(), "--nearest", "2", TEXT);

        assertEquals(0, run.exitCode(), run.err());
        JsonNode out = JSON.readTree(run.out());
        List<String> labels = List.of(LABELS.split(","));
        assertEquals("minilm", out.path("model").path("name").asText());
        assertEquals(TEXT, out.path("input").path("text").asText());
        assertFalse(out.path("input").path("truncated").asBoolean());
        assertTrue(labels.contains(out.path("prediction").path("label").asText()));
        assertEquals(labels, names(out.path("prediction").path("scores")));

        JsonNode tokens = out.path("tokens");
        assertEquals("[CLS]", tokens.get(0).path("token").asText());
        assertEquals("[SEP]", tokens.get(tokens.size() - 1).path("token").asText());
        assertEquals(out.path("input").path("tokens").asInt(), tokens.size());
        for (JsonNode token : tokens) {
            assertEquals(labels, names(token.path("attributions")));
            double acrossLabels = 0;
            for (String label : labels) {
                acrossLabels += token.path("attributions").path(label).asDouble();
            }
            // softmax probabilities always sum to 1, so no token can move their sum
            assertEquals(0, acrossLabels, 1e-5, token.toString());
        }
        JsonNode attribution = out.path("attribution");
        assertEquals("integrated_gradients", attribution.path("method").asText());
        assertEquals(32, attribution.path("steps").asInt(), "the default steps");
        for (String label : labels) {
            JsonNode check = attribution.path("completeness").path(label);
            double sum = 0;
            for (JsonNode token : tokens) {
                sum += token.path("attributions").path(label).asDouble();
            }
            assertEquals(check.path("sum_of_attributions").asDouble(), sum, 1e-5);
            double moved = check.path("score").asDouble() - check.path("baseline_score").asDouble();
            assertEquals(moved, sum, 1e-3, label + ": completeness at 32 steps (measured: about 2e-5)");
        }
        assertTrue(attribution.path("max_abs_completeness_gap").asDouble() < 1e-3, run.out());

        JsonNode nearest = out.path("nearest_examples");
        assertEquals(2, nearest.size());
        assertEquals(TEXT, nearest.get(0).path("text").asText());
        assertEquals("complaint", nearest.get(0).path("label").asText());
        assertEquals(1.0, nearest.get(0).path("similarity").asDouble(), 1e-4);
        assertTrue(nearest.get(1).path("similarity").asDouble() < 1.0);
    }

    @Test
    void oneLabelOnlyAPairAndAHugeTextTruncatedAsTheModelTruncates() throws Exception {
        CliRun run = CliRun.triage("explain", "--labels", LABELS, "--label", "praise", "--steps", "4",
                "--pair", "thanks a lot", "is this the right shop");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode out = JSON.readTree(run.out());
        assertEquals("thanks a lot", out.path("input").path("pair").asText());
        assertEquals(List.of("praise"), names(out.path("tokens").get(0).path("attributions")));
        assertEquals(List.of("praise"), names(out.path("attribution").path("completeness")));
        long separators = 0;
        for (JsonNode token : out.path("tokens")) {
            separators += token.path("token").asText().equals("[SEP]") ? 1 : 0;
        }
        assertEquals(2, separators, "[CLS] text [SEP] pair [SEP]");

        CliRun huge = CliRun.triage("explain", "--labels", LABELS, "--steps", "2", "word ".repeat(50_000));
        assertEquals(0, huge.exitCode(), huge.err());
        JsonNode hugeOut = JSON.readTree(huge.out());
        assertTrue(hugeOut.path("input").path("truncated").asBoolean());
        assertEquals(hugeOut.path("input").path("max_length").asInt(), hugeOut.path("tokens").size());
    }

    @Test
    void refusesAnEmptyTextAnUnknownLabelABadBaselineAndAMissingExamplesFileClearly() {
        CliRun empty = CliRun.triage("explain", "--labels", LABELS, "  ");
        assertEquals(2, empty.exitCode());
        assertTrue(empty.err().contains("nothing to explain: TEXT is empty"), empty.err());

        CliRun unknown = CliRun.triage("explain", "--labels", LABELS, "--label", "spam", TEXT);
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown label 'spam': the model's labels are [complaint, praise, question]"),
                unknown.err());

        CliRun baseline = CliRun.triage("explain", "--baseline", "mean", TEXT);
        assertEquals(2, baseline.exitCode());
        assertTrue(baseline.err().contains("unknown baseline 'mean'"), baseline.err());
        CliRun missing = CliRun.triage("explain", "--examples", "/nonexistent/train.csv", TEXT);
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("cannot read --examples /nonexistent/train.csv"), missing.err());
        assertEquals("", empty.out() + unknown.out() + baseline.out() + missing.out(), "no JSON on errors");
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
