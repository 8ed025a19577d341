package io.triage.training.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens the fixture report in a real browser: headless Chromium when a {@code chromium} binary is on the PATH
 * (Debian: {@code apt-get install chromium}), skipped otherwise.
 */
class ChromiumRenderTest {
    /** Generous: a guard against a hung browser, not a performance assertion. */
    private static final long BROWSER_LIMIT_SECONDS = 300;

    @Test
    void chromiumParsesTheChartsAndPaintsThem(@TempDir Path dir) throws Exception {
        Path chromium = onPath("chromium");
        assumeTrue(chromium != null, "no chromium on the PATH");
        ObjectNode metrics = ReportFixtures.emotionMetrics();
        Path report = dir.resolve("report.html");
        HtmlReport.write(metrics, report);

        Document dom = Jsoup.parse(chromium(chromium, dir, "--dump-dom", report.toUri().toString()));
        assertEquals(List.of("chart-loss", "chart-quality", "chart-confusion", "chart-class-distribution",
                "chart-token-lengths", "chart-projection"), dom.select("svg").eachAttr("id"));
        assertEquals(metrics.path("projection").path("points").size(),
                dom.select("#chart-projection circle title").size());
        assertEquals(36, dom.select("#chart-confusion text.value").size());
        assertTrue(dom.select("script, img, [onerror]").isEmpty(), "the fixture's hostile texts stayed text");
        assertTrue(dom.select("#errors td.example").first().text().startsWith("i feel <script>"));

        Path png = dir.resolve("report.png");
        chromium(chromium, dir, "--screenshot=" + png, "--window-size=1280,3000", report.toUri().toString());
        assertTrue(Files.size(png) > 50_000, "a screenshot of charts, not a blank page: " + Files.size(png) + " bytes");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        assertEquals(3000, image.getHeight());
        // the confusion matrix's darkest cell (sadness, 0.96) and the training bars were painted
        assertTrue(contains(image, Palette.sequential(0.96)), "heatmap cell colour");
        assertTrue(contains(image, Palette.TRAIN), "class balance bar colour");
    }

    private static String chromium(Path chromium, Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile")));
        command.addAll(List.of(args));
        Path stdout = dir.resolve("chromium.out");
        Path stderr = dir.resolve("chromium.err");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile()).start();
        if (!process.waitFor(BROWSER_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("chromium did not finish: " + Files.readString(stderr));
        }
        assertEquals(0, process.exitValue(), () -> "chromium failed: " + readQuietly(stderr));
        return Files.readString(stdout);
    }

    private static boolean contains(BufferedImage image, String hexColour) {
        int rgb = Integer.parseInt(hexColour.substring(1), 16);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(no output: " + e + ")";
        }
    }
}
