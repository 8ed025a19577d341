package io.triage.training.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import io.triage.model.train.TrainingMode;
import io.triage.training.data.Dataset;
import io.triage.training.report.HtmlReport;
import io.triage.training.report.TrainingProjection;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real (tiny) head run's metrics, completed with the feature projection, give a report with every chart. */
class TrainingReportTest {

    @Test
    void theReportOfATrainingRunPlotsItsValidationExamples(@TempDir Path dir) throws Exception {
        Dataset train = PhraseData.sample(96, 5);
        Dataset validation = PhraseData.sample(40, 6);
        TrainingSettings options = TrainingSettings.defaults(TrainingMode.HEAD).withEpochs(3);
        TrainingResult result;
        try (ClassifierModel model = ModelLoader.loadBundled(
                ModelOverrides.NONE.withLabels(PhraseData.LABELS).withMaxLength(32), Device.cpu())) {
            result = FineTuner.run(model, train, validation, options, TrainingListener.NONE);
        }

        assertTrue(TrainingProjection.addTo(result, train.labels(), options.seed()));
        JsonNode points = result.metrics().get("projection").get("points");
        assertEquals(validation.size(), points.size());
        Set<Double> xs = new HashSet<>();
        for (int i = 0; i < points.size(); i++) {
            String gold = PhraseData.LABELS.get(validation.examples().get(i).label());
            assertEquals(gold, points.get(i).get("label").asText(), "point " + i);
            xs.add(points.get(i).get("x").asDouble());
        }
        assertTrue(xs.size() > 1, "the projection spreads the examples: " + points);

        Path report = dir.resolve(HtmlReport.FILE_NAME);
        HtmlReport.write(result.metrics(), report);
        Document html = Jsoup.parse(report.toFile());
        assertEquals(validation.size(), html.select("#chart-projection g.points > *").size(), "one marker per example");
        for (String chart : new String[] {"chart-loss", "chart-quality", "chart-confusion", "chart-class-distribution",
            "chart-token-lengths", "chart-projection"}) {
            assertEquals(1, html.select("svg#" + chart).size(), chart);
        }
        assertTrue(html.select(".na").isEmpty(), "every section has its data: " + html.select(".na").eachText());
        List<String> settings = html.select("#training dt").eachText();
        assertTrue(settings.contains("head learning rate"), settings.toString());
        assertTrue(settings.stream().noneMatch(name -> name.contains("_")), "every setting has a readable name: " + settings);
    }
}
