package io.triage.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.triage.model.io.ModelArtifact;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The trainer's evaluation report: one self-contained HTML file rendered from a model's {@code metrics.json}
 * (see the metrics contract). Charts are inline SVG drawn here, styles are inline, and there is no script and
 * no external resource, so the file opens offline and can be mailed or archived as is. A content security
 * policy forbids scripts and fetches as a second line of defence behind escaping every dataset string.
 *
 * <p>The markup is well-formed XML (every element closed, every attribute quoted) as well as HTML, so tests can
 * check it with a strict parser.
 */
public final class HtmlReport {
    /** The report's file name beside {@code metrics.json} in a model artifact. */
    public static final String FILE_NAME = ModelArtifact.REPORT;

    private static final String STYLE = """
            :root { color-scheme: light; }
            body { margin: 0; background: #ffffff; color: #1a1a1a;
                   font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 40px; }
            h1 { font-size: 28px; margin: 0 0 8px; }
            .kicker { margin: 12px 0 0; color: #5a5a5a; font-size: 13px; text-transform: uppercase; letter-spacing: 0.06em; }
            h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e3e3e3; }
            h3 { font-size: 15px; margin: 18px 0 6px; }
            .muted { color: #5a5a5a; }
            dl.facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 4px 0; }
            dl.facts div { display: flex; gap: 6px; }
            dl.facts dt { color: #5a5a5a; }
            dl.facts dd { margin: 0; font-weight: 600; }
            dl.settings { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); }
            .labels { margin: 6px 0; }
            .chip { white-space: nowrap; }
            .swatch { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 2px; }
            .swatch.shape0 { border-radius: 50%; }
            .swatch.shape2 { clip-path: polygon(50% 0, 100% 100%, 0 100%); }
            .swatch.shape3 { clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%); }
            .cards { display: flex; flex-wrap: wrap; gap: 14px; }
            .card { border: 1px solid #d6d6d6; border-radius: 8px; padding: 10px 16px; min-width: 170px; flex: 1; }
            .card-title { color: #5a5a5a; }
            .big { font-size: 28px; font-weight: 650; font-variant-numeric: tabular-nums; }
            .grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 28px; align-items: start; }
            figure { margin: 8px 0 16px; }
            figcaption { color: #5a5a5a; margin-bottom: 6px; }
            svg.chart { display: block; max-width: 100%; height: auto; fill: #1a1a1a; }
            svg .tick { font-size: 11px; }
            svg .label { font-size: 12px; }
            svg .axis-title { font-size: 12px; font-weight: 600; }
            svg .value { font-weight: 600; }
            svg .count { font-size: 10.5px; }
            svg .points > * { fill-opacity: 0.75; }
            table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
            th, td { padding: 4px 10px; border-bottom: 1px solid #e6e6e6; text-align: right; vertical-align: top; }
            th { border-bottom: 2px solid #cfcfcf; font-weight: 600; }
            th.text, td.text { text-align: left; }
            table.examples { width: 100%; table-layout: fixed; }
            col.rank { width: 44px; }
            col.label { width: 150px; }
            col.loss { width: 96px; }
            td.example { overflow-wrap: anywhere; white-space: pre-wrap; max-width: 760px; }
            .pair { margin-top: 4px; }
            td.wrong { color: #B34700; font-weight: 600; }
            td.right { color: #00734F; }
            .bar { display: inline-block; width: 60px; height: 8px; margin-right: 8px; background: #eeeeee; }
            .bar span { display: block; height: 8px; background: #0072B2; }
            .na { color: #6b4400; background: #fff6e0; border-left: 4px solid #E69F00; padding: 8px 12px; margin: 8px 0; }
            .explain { max-width: 900px; }
            footer { margin-top: 40px; color: #5a5a5a; font-size: 12px; }
            """;

    private HtmlReport() {
    }

    /** The report for {@code metrics} (a parsed metrics.json); absent or malformed blocks read "not available". */
    public static String render(JsonNode metrics) {
        Objects.requireNonNull(metrics, "metrics");
        ReportSections sections = new ReportSections(metrics);
        return "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';"
                + " img-src data:\"/>"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
                + "<title>" + Html.escape(sections.title()) + "</title><style>" + STYLE + "</style></head>\n<body><main>"
                + sections.header() + "\n"
                + sections.headline() + "\n"
                + sections.trainingSettings() + "\n"
                + sections.trainingCurves() + "\n"
                + sections.confusionAndPerClass() + "\n"
                + sections.tokenLengths() + "\n"
                + sections.featureProjection() + "\n"
                + sections.errorAnalysis() + "\n"
                + "<footer>Generated by Triage from metrics.json. This file is self-contained: no scripts, no"
                + " external resources.</footer></main></body></html>\n";
    }

    /** The report as an extra file of a model artifact (see {@code ModelArtifact.save}), hashed with the rest. */
    public static Map<String, byte[]> asArtifactFile(JsonNode metrics) {
        return Map.of(FILE_NAME, render(metrics).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the report to {@code file} atomically: a temporary file in the same folder is written, synced and
     * renamed over {@code file}, so readers never see half a report.
     */
    public static void write(JsonNode metrics, Path file) throws IOException {
        byte[] html = render(metrics).getBytes(StandardCharsets.UTF_8);
        Path target = file.toAbsolutePath();
        // not Files.createTempFile: its owner-only permissions would stay on the renamed report
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                out.write(html);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + tmp + " atomically to " + target, e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
