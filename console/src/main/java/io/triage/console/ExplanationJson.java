package io.triage.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.ClassifierModel;
import io.triage.model.explain.Attribution;
import io.triage.model.explain.Baseline;
import io.triage.model.explain.Neighbour;

import java.util.List;
import java.util.Locale;

/**
 * An explanation as the Review page renders it: the tokens once, and per label its score, the baseline's, the
 * completeness check and one attribution per token (same order as the tokens). Texts stay texts: the page puts
 * every one of them into the document as text.
 */
final class ExplanationJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExplanationJson() {}

    static ObjectNode of(ClassifierModel model, Attribution a, Baseline baseline, boolean truncated,
                         List<Neighbour> nearest, int searched, long millis) {
        ObjectNode out = JSON.createObjectNode();
        out.putObject("model").put("name", model.config().name()).put("version", model.config().version())
                .put("headTrained", model.headTrained());
        out.put("method", "integrated gradients").put("target", "probability")
                .put("baseline", baseline.name().toLowerCase(Locale.ROOT)).put("steps", a.steps())
                .put("maxAbsGap", a.maxAbsoluteGap()).put("truncated", truncated).put("millis", millis)
                .put("predicted", a.labels().get(a.predicted()));
        ArrayNode tokens = out.putArray("tokens");
        a.tokens().forEach(tokens::add);
        ArrayNode labels = out.putArray("labels");
        for (int j = 0; j < a.labels().size(); j++) {
            ObjectNode label = labels.addObject().put("label", a.labels().get(j)).put("score", a.scores()[j])
                    .put("baselineScore", a.baselineScores()[j]).put("sum", a.total(j)).put("gap", a.gap(j));
            ArrayNode values = label.putArray("attributions");
            for (float v : a.attributions()[j]) {
                values.add(v);
            }
        }
        out.put("examplesSearched", searched);
        ArrayNode near = out.putArray("nearest");
        for (Neighbour n : nearest) {
            near.addObject().put("label", n.example().label()).put("similarity", n.similarity())
                    .put("text", n.example().input().text()).put("textPair", n.example().input().textPair());
        }
        return out;
    }
}
