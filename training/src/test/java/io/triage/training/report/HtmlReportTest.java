package io.triage.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    private static final List<String> CHART_IDS = List.of("chart-loss", "chart-quality", "chart-confusion",
            "chart-class-distribution", "chart-token-lengths", "chart-projection");

    @Test
    void richMetricsGiveOneWellFormedSvgPerChart() throws Exception {
        ObjectNode metrics = ReportFixtures.emotionMetrics();
        String html = HtmlReport.render(metrics);
        Document doc = ReportFixtures.parseStrictly(html);

        List<String> ids = new ArrayList<>();
        NodeList svgs = doc.getElementsByTagName("svg");
        for (int i = 0; i < svgs.getLength(); i++) {
            ids.add(((Element) svgs.item(i)).getAttribute("id"));
        }
        assertEquals(CHART_IDS, ids);
        assertFalse(html.contains("not available"), "every block of the fixture is present");
        // self-contained: nothing runs and nothing is fetched
        assertEquals(0, doc.getElementsByTagName("script").getLength());
        for (Element e : descendants(doc.getDocumentElement(), "*")) {
            for (String attribute : List.of("src", "href", "xlink:href")) {
                assertFalse(e.hasAttribute(attribute), e.getTagName() + " has " + attribute);
            }
        }
        assertFalse(html.contains("url("), "no style sheet fetches");

        Element scatter = chart(doc, "chart-projection");
        int points = metrics.path("projection").path("points").size();
        assertEquals(points, descendants(scatter, "title").size() - 1, "one marker with a tooltip per point");
        Element tokens = chart(doc, "chart-token-lengths");
        List<String> captions = descendants(tokens, "text").stream().map(Element::getTextContent).toList();
        for (String label : List.of("sadness", "joy", "love", "anger", "fear", "surprise")) {
            int n = metrics.path("data").path("token_lengths").path(label).size();
            int title = captions.indexOf(label);
            assertTrue(title >= 0, label);
            assertTrue(captions.get(title + 1).startsWith("n " + n + " \u00b7 median"), captions.get(title + 1));
        }
    }

    @Test
    void confusionCellsShowTheirRowShareAndCount() throws Exception {
        ObjectNode metrics = ReportFixtures.emotionMetrics();
        Element heatmap = chart(ReportFixtures.parseStrictly(HtmlReport.render(metrics)), "chart-confusion");
        JsonNode normalized = metrics.path("validation").path("confusion_normalized");
        JsonNode counts = metrics.path("validation").path("confusion_counts");
        List<Element> values = withClass(heatmap, "text", "value");
        List<Element> countTexts = withClass(heatmap, "text", "count");
        assertEquals(36, values.size());
        assertEquals(36, countTexts.size());
        for (int gold = 0; gold < 6; gold++) {
            for (int predicted = 0; predicted < 6; predicted++) {
                double share = normalized.get(gold).get(predicted).asDouble();
                String expected = share == 0 ? "0" : String.format(Locale.ROOT, "%.2f", share);
                assertEquals(expected, values.get(gold * 6 + predicted).getTextContent(), gold + "," + predicted);
                assertEquals(counts.get(gold).get(predicted).asText(),
                        countTexts.get(gold * 6 + predicted).getTextContent());
            }
        }
        assertEquals("0.96", values.get(0).getTextContent());
        List<String> tooltips = descendants(heatmap, "title").stream().map(Element::getTextContent).toList();
        assertTrue(tooltips.contains("gold love, predicted joy: 0.208 (37)"), tooltips.toString());
        // gold labels label the rows (left, right-aligned), predicted labels the columns
        List<Element> labels = withClass(heatmap, "text", "label");
        assertEquals("sadness", labels.get(0).getTextContent());
        assertEquals("end", labels.get(0).getAttribute("text-anchor"));
        assertEquals(12, labels.size());
    }

    @Test
    void tablesListPerClassNumbersAndTheExtremeLossExamples() {
        ObjectNode metrics = ReportFixtures.emotionMetrics();
        org.jsoup.nodes.Document page = Jsoup.parse(HtmlReport.render(metrics));

        List<String> perClassRows = page.select("#classes table tbody tr").eachText();
        assertEquals(6, perClassRows.size());
        assertEquals("love 0.856 0.770 0.811 178", perClassRows.get(2));

        List<org.jsoup.nodes.Element> tables = page.select("#errors table");
        assertEquals(2, tables.size());
        JsonNode highest = metrics.path("validation").path("highest_loss");
        List<org.jsoup.nodes.Element> rows = tables.get(0).select("tbody tr");
        assertEquals(highest.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(highest.get(i).path("text").asText(), rows.get(i).select("td.example").text());
            assertEquals(highest.get(i).path("gold").asText(), rows.get(i).select("td").get(2).text());
            assertTrue(rows.get(i).select("td").get(3).hasClass("wrong"));
        }
        assertEquals("0.00041", tables.get(1).select("tbody tr").get(0).select("td").last().text());
        assertTrue(page.select("#errors .explain").text().contains("mislabeled data"));
        assertTrue(page.select("#headline").text().contains("0.912"));
        assertTrue(page.select("#headline").text().contains("always predicts \u201cjoy\u201d"));
        assertTrue(page.select("#training").text().contains("learning rate 2e-05"));
    }

    @Test
    void datasetTextsCannotInjectMarkup() throws Exception {
        ObjectNode metrics = ReportFixtures.emotionMetrics();
        String hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>\"' & </td></table><b>";
        ObjectNode first = (ObjectNode) metrics.path("validation").path("highest_loss").get(0);
        first.put("text", hostile + "\u0000\u0007\ud800");
        first.put("text_pair", "<svg onload=alert(3)>");
        first.put("predicted", "<i>x</i>");
        ((ArrayNode) metrics.path("model").path("labels")).set(0, "<b onmouseover=alert(4)>sad</b>");
        ((ObjectNode) metrics.path("model")).put("name", "</title><script>alert(5)</script>");
        ((ObjectNode) metrics.path("training")).put("device", "<iframe src=x>");

        String html = HtmlReport.render(metrics);
        ReportFixtures.parseStrictly(html);
        org.jsoup.nodes.Document page = Jsoup.parse(html);
        for (String tag : List.of("script", "img", "iframe", "b", "i")) {
            assertTrue(page.select(tag).isEmpty(), tag + " got in");
        }
        assertTrue(page.select("[onerror], [onload], [onmouseover]").isEmpty());
        assertEquals(CHART_IDS.size(), page.select("svg").size(), "only the report's own SVGs");
        String firstText = page.select("#errors td.example").first().ownText();
        assertTrue(firstText.startsWith(hostile), firstText);
        assertTrue(firstText.endsWith("\ufffd\ufffd\ufffd"), "control characters and lone surrogates are replaced");
        assertEquals("pair: <svg onload=alert(3)>", page.select("#errors .pair").first().text());
        assertTrue(page.title().contains("</title><script>alert(5)</script>"));
        // long names are cut in the chart and kept whole in the tooltips
        assertTrue(page.select("#chart-confusion text").eachText().stream()
                .anyMatch(t -> t.startsWith("<b onmouseover=") && t.endsWith("\u2026")));
        assertTrue(page.select("#chart-confusion title").eachText()
                .contains("gold <b onmouseover=alert(4)>sad</b>, predicted joy: 0.016 (9)"));
    }

    @Test
    void onlyTheModelBlockRendersNotAvailableEverywhereElse() throws Exception {
        ObjectNode metrics = ReportFixtures.JSON.createObjectNode();
        metrics.set("model", ReportFixtures.emotionMetrics().path("model"));
        String html = HtmlReport.render(metrics);
        Document doc = ReportFixtures.parseStrictly(html);
        assertEquals(0, doc.getElementsByTagName("svg").getLength());

        org.jsoup.nodes.Document page = Jsoup.parse(html);
        assertEquals("minilm v3", page.select("h1").text());
        for (String section : List.of("#headline", "#training", "#curves", "#token-lengths", "#projection")) {
            assertEquals(1, page.select(section + " .na").size(), section);
            assertTrue(page.select(section + " .na").text().startsWith("not available"), section);
        }
        // confusion matrix, per-class table and class balance; both error tables
        assertEquals(3, page.select("#classes .na").size());
        assertEquals(2, page.select("#errors .na").size());

        String empty = HtmlReport.render(ReportFixtures.JSON.createObjectNode());
        ReportFixtures.parseStrictly(empty);
        assertTrue(Jsoup.parse(empty).select("header .na").text().contains("no model block"));
    }

    @Test
    void malformedBlocksDegradeInsteadOfFailing() throws Exception {
        ObjectNode metrics = ReportFixtures.emotionMetrics();
        ObjectNode validation = (ObjectNode) metrics.path("validation");
        ((ArrayNode) validation.path("confusion_normalized")).remove(5);
        validation.put("accuracy", "high");
        ((ObjectNode) metrics.path("history").get(0)).putNull("val_loss");
        ((ObjectNode) metrics.path("data").path("token_lengths")).put("joy", "long");
        ((ObjectNode) metrics.path("projection").path("points").get(0)).remove("x");
        metrics.put("training", 42);

        String html = HtmlReport.render(metrics);
        Document doc = ReportFixtures.parseStrictly(html);
        org.jsoup.nodes.Document page = Jsoup.parse(html);
        assertTrue(page.select("#classes .na").text().contains("not a 6 x 6 matrix"));
        assertTrue(page.select("#training .na").text().contains("no training block"));
        assertTrue(page.select("#headline").text().contains("accuracy not available"));
        // validation loss keeps its one valid epoch: a marker and no line segment to the missing epoch
        Element loss = chart(doc, "chart-loss");
        assertEquals(3, descendants(loss, "title").size() - 1, "2 training-loss markers + 1 validation-loss marker");
        Element tokens = chart(doc, "chart-token-lengths");
        assertFalse(tokens.getTextContent().contains("joy"), "the malformed joy lengths are left out");
        int points = metrics.path("projection").path("points").size();
        assertEquals(points - 1, descendants(chart(doc, "chart-projection"), "title").size() - 1);
    }

    @Test
    void aSingleEpochAndATextPairStillRender() throws Exception {
        ObjectNode metrics = ReportFixtures.emotionMetrics();
        ((ArrayNode) metrics.path("history")).remove(1);
        ((ObjectNode) metrics.path("validation").path("lowest_loss").get(0)).put("text_pair", "and the second sentence");
        Document doc = ReportFixtures.parseStrictly(HtmlReport.render(metrics));
        assertEquals(2, descendants(chart(doc, "chart-loss"), "title").size() - 1);
        assertEquals(3, descendants(chart(doc, "chart-quality"), "title").size() - 1);
        String page = Jsoup.parse(HtmlReport.render(metrics)).select("#errors").text();
        assertTrue(page.contains("i feel so miserable and lonely tonight pair: and the second sentence"), page);
    }

    @Test
    void manyLabelsWidenTheMatrixAndVaryMarkerShapes() throws Exception {
        int n = 12;
        ObjectNode metrics = ReportFixtures.JSON.createObjectNode();
        ArrayNode labels = metrics.putObject("model").put("name", "tickets").putArray("labels");
        ArrayNode matrix = metrics.putObject("validation").putArray("confusion_normalized");
        ArrayNode points = metrics.putObject("projection").put("method", "pca").putArray("points");
        for (int i = 0; i < n; i++) {
            labels.add("a_rather_long_ticket_category_" + i);
            ArrayNode row = matrix.addArray();
            for (int j = 0; j < n; j++) {
                row.add(i == j ? 1.0 : 0.0);
            }
            points.addObject().put("x", i).put("y", -i).put("label", "a_rather_long_ticket_category_" + i);
        }
        Document doc = ReportFixtures.parseStrictly(HtmlReport.render(metrics));

        double width = Double.parseDouble(chart(doc, "chart-confusion").getAttribute("width"));
        assertTrue(width > 560 && width <= 1120, "the matrix takes the page's width: " + width);
        Element scatter = chart(doc, "chart-projection");
        // labels 0-7 are circles; 8-11 reuse the colours as squares (point and legend marker each)
        assertEquals(2 * 8, descendants(scatter, "circle").size());
        assertEquals(2 * 4, descendants(scatter, "rect").size());
    }

    @Test
    void writeReplacesTheFileAtomicallyAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.html");
        Files.writeString(file, "an older report");
        ObjectNode metrics = ReportFixtures.emotionMetrics();
        HtmlReport.write(metrics, file);
        assertEquals(HtmlReport.render(metrics), Files.readString(file, StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    private static Element chart(Document doc, String id) {
        NodeList svgs = doc.getElementsByTagName("svg");
        for (int i = 0; i < svgs.getLength(); i++) {
            if (id.equals(((Element) svgs.item(i)).getAttribute("id"))) {
                return (Element) svgs.item(i);
            }
        }
        throw new AssertionError("no SVG with id " + id);
    }

    private static List<Element> descendants(Element root, String tag) {
        NodeList nodes = root.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    private static List<Element> withClass(Element root, String tag, String cssClass) {
        return descendants(root, tag).stream().filter(e -> cssClass.equals(e.getAttribute("class"))).toList();
    }
}
