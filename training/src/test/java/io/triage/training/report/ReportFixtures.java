package io.triage.training.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;

/** The hand-written sample metrics.json and a strict parser for the rendered report. */
final class ReportFixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private ReportFixtures() {
    }

    /** A fresh copy of the 6-label emotion metrics (2 epochs, every block present); tests may modify it. */
    static ObjectNode emotionMetrics() {
        try (InputStream in = ReportFixtures.class.getResourceAsStream("/report/metrics-emotion.json")) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the report as XML: fails on any unclosed element, unquoted attribute or stray '&' or '<'. */
    static Document parseStrictly(String html) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
    }
}
