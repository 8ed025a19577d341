package io.triage.console;

import io.triage.schemas.LabeledExample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The review page in headless Chromium, driven through Debian's chromedriver ({@code apt-get install chromium
 * chromium-driver}; CI installs both, so these run there; skipped where they are absent). Screenshots of each page
 * go to {@code target/screenshots/}.
 */
class ReviewPageBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<WebDriver> browsers = new ArrayList<>();
    private ConsoleFixture fixture;

    @BeforeEach
    void startConsole() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver");
        fixture = new ConsoleFixture("browser");
        fixture.review("ev-script", "<script>window.pwned = true</script><b>not bold</b>", 0.51f);
        fixture.review("ev-sure", "the app crashes when I log in", 0.7f);
        fixture.start();
        fixture.awaitReady();
    }

    @AfterEach
    void stop() throws Exception {
        browsers.forEach(WebDriver::quit);
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void signInIsRequired() throws Exception {
        WebDriver browser = browser();
        browser.get(fixture.url() + "/review");
        wait(browser).until(ExpectedConditions.urlToBe(fixture.url() + "/login"));
        screenshot(browser, "login");
        signIn(browser, "mallory", "not the token at all");
        wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("failed")));
        screenshot(browser, "login-failed");
        browser.get(fixture.url() + "/review");
        assertEquals(fixture.url() + "/login", browser.getCurrentUrl());
    }

    @Test
    void anUncertainEventIsLabeledWithAKeyAndItsScriptStaysText() throws Exception {
        WebDriver browser = browser();
        signIn(browser, "<i>ana</i>", ConsoleFixture.TOKEN);
        WebElement text = wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("text")));
        assertEquals("<script>window.pwned = true</script><b>not bold</b>", text.getText(), "most uncertain first");
        assertEquals("<i>ana</i>", browser.findElement(By.id("reviewer")).getText(), "the name typed, as text");
        assertTrue(browser.findElements(By.cssSelector("#text b, #text script, #reviewer i")).isEmpty());
        assertEquals(Boolean.FALSE, ((ChromeDriver) browser).executeScript("return window.pwned === true"));
        assertEquals("2", browser.findElement(By.id("waiting")).getText());
        screenshot(browser, "review");

        new Actions(browser).sendKeys("2").perform(); // labels are sorted: 1 = a, 2 = b
        wait(browser).until(ExpectedConditions.textToBe(By.id("text"), "the app crashes when I log in"));
        assertEquals("1", browser.findElement(By.id("done")).getText());
        List<LabeledExample> labels = fixture.feedback(1, new ArrayList<>());
        assertEquals(1, labels.size());
        assertEquals("ev-script", labels.get(0).getId());
        assertEquals("b", labels.get(0).getLabel());
        assertEquals("<i>ana</i>", labels.get(0).getReviewer());
        assertEquals("review", labels.get(0).getSource());

        new Actions(browser).sendKeys("u").perform();
        wait(browser).until(ExpectedConditions.textToBe(By.id("done"), "0"));
        assertEquals("1", browser.findElement(By.id("leased")).getText(), "the event shown before the undo is free again");
        assertEquals("<script>window.pwned = true</script><b>not bold</b>", browser.findElement(By.id("text")).getText());
        screenshot(browser, "review-after-undo");
        browser.findElement(By.cssSelector("button.label[data-label='a']")).click();
        wait(browser).until(ExpectedConditions.textToBe(By.id("done"), "1"));
        fixture.feedback(2, labels);
        assertEquals(List.of("b", "a"), labels.stream().map(LabeledExample::getLabel).toList());
        assertEquals("ev-script", labels.get(1).getId(), "the correction has the same id");

        new Actions(browser).sendKeys("1").perform();
        wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("empty")));
        assertEquals("2", browser.findElement(By.id("done")).getText());
        screenshot(browser, "review-empty");
    }

    /**
     * "Why?" on the review item with a {@code <script>} text: the console loads its version (v3, a real artifact in
     * the allowed store) and the page shows the tokens coloured by how they pushed the chosen label, as text, with a
     * completeness gap under 1e-3, and the nearest labeled examples from the feedback topic, as text too.
     */
    @Test
    void whyShowsTheTokensThatPushedEachLabelAndTheNearestExamplesAsText() throws Exception {
        fixture.publishModel("v3");
        fixture.labeled("l1", "<img src=x onerror=\"window.pwned=true\"> my parcel is late", "b");
        fixture.labeled("l2", "the invoice is wrong", "a");
        WebDriver browser = browser();
        browser.manage().window().setSize(new Dimension(1100, 1500));
        signIn(browser, "ana", ConsoleFixture.TOKEN);
        wait(browser).until(ExpectedConditions.textToBe(By.id("text"),
                "<script>window.pwned = true</script><b>not bold</b>"));
        WebDriverWait slow = new WebDriverWait(browser, Duration.ofSeconds(300)); // loading the version, on a busy CPU
        List<WebElement> nearest = List.of();
        for (int attempt = 0; attempt < 20 && nearest.size() < 2; attempt++) { // until the console has read both
            browser.findElement(By.id("why-button")).click();
            slow.until(ExpectedConditions.or(ExpectedConditions.visibilityOfElementLocated(By.id("why-result")),
                    ExpectedConditions.visibilityOfElementLocated(By.id("why-error"))));
            assertFalse(browser.findElement(By.id("why-error")).isDisplayed(),
                    browser.findElement(By.id("why-error")).getText());
            nearest = browser.findElements(By.cssSelector("#why-nearest li"));
        }
        assertEquals(2, nearest.size());
        assertEquals("triage v3", browser.findElement(By.id("why-version")).getText());
        List<String> tokens = browser.findElements(By.cssSelector("#why-tokens span.token")).stream()
                .map(WebElement::getText).toList();
        assertEquals("[CLS]", tokens.get(0));
        assertTrue(String.join(" ", tokens).contains("< script > window . p"), "the script as tokens: " + tokens);
        assertTrue(browser.findElements(By.cssSelector("#why script, #why b, #why img")).isEmpty(), "never markup");
        assertEquals(Boolean.FALSE, ((ChromeDriver) browser).executeScript("return window.pwned === true"));
        double gap = Double.parseDouble(browser.findElement(By.id("why-gap")).getAttribute("data-gap"));
        assertTrue(gap < 1e-3, "completeness gap " + gap);
        assertTrue(browser.findElement(By.id("why-gap")).getText().startsWith("Completeness check"));

        WebElement script = browser.findElements(By.cssSelector("#why-tokens span.token")).get(2);
        assertEquals("script", script.getText());
        double forA = Double.parseDouble(script.getAttribute("data-attribution"));
        String colour = script.getCssValue("background-color");
        assertTrue(colour.startsWith(forA >= 0 ? "rgba(22, 163, 74" : "rgba(220, 38, 38"), colour);
        assertEquals("a", new Select(browser.findElement(By.id("why-label"))).getFirstSelectedOption()
                .getAttribute("value"), "the model's label first");
        assertTrue(nearest.get(0).getText().contains("my parcel is late")
                || nearest.get(1).getText().contains("my parcel is late"));
        assertTrue(String.join(" ", nearest.stream().map(WebElement::getText).toList())
                .contains("<img src=x onerror=\"window.pwned=true\">"), "an example shown as text");
        screenshot(browser, "review-why");

        new Select(browser.findElement(By.id("why-label"))).selectByValue("b");
        script = browser.findElements(By.cssSelector("#why-tokens span.token")).get(2);
        double forB = Double.parseDouble(script.getAttribute("data-attribution"));
        assertEquals(-forA, forB, 1e-4 + Math.abs(forA) * 1e-2, "two labels' probabilities add up to 1: "
                + "what pushed a up pushed b down");
        screenshot(browser, "review-why-label-b");

        new Actions(browser).sendKeys("1").perform();
        wait(browser).until(ExpectedConditions.textToBe(By.id("text"), "the app crashes when I log in"));
        assertFalse(browser.findElement(By.id("why")).isDisplayed(), "an explanation belongs to its event");
    }

    @Test
    void twoReviewersDoNotGetTheSameEvent() throws Exception {
        WebDriver ana = browser();
        WebDriver bob = browser();
        signIn(ana, "ana", ConsoleFixture.TOKEN);
        WebElement anaText = wait(ana).until(ExpectedConditions.visibilityOfElementLocated(By.id("text")));
        signIn(bob, "bob", ConsoleFixture.TOKEN);
        WebElement bobText = wait(bob).until(ExpectedConditions.visibilityOfElementLocated(By.id("text")));
        assertNotEquals(anaText.getText(), bobText.getText());
        assertEquals("2", bob.findElement(By.id("leased")).getText());
        screenshot(bob, "review-second-reviewer");
        String anasEvent = anaText.getText();
        ana.navigate().refresh();
        assertEquals(anasEvent, wait(ana).until(ExpectedConditions.visibilityOfElementLocated(By.id("text"))).getText(),
                "a reload keeps ana's event");
    }

    @Test
    void theModelsPageListsVersionsWithReportsAndRetrainsThroughTheTrainer(@TempDir Path store) throws Exception {
        Path v1 = Files.createDirectories(store.resolve("v1"));
        Files.writeString(v1.resolve(TrainerClient.REPORT_FILE), "<!DOCTYPE html><h1 id=\"title\">Report of v1</h1>"
                + "<script>document.getElementById('title').textContent = 'script ran'</script>");
        fixture.publish("v1", null, 0.81f, v1);
        fixture.publish("v2", "v1", 0.93f, Files.createDirectories(store.resolve("v2")));
        WebDriver browser = browser();
        signIn(browser, "ana", ConsoleFixture.TOKEN);
        wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("text")));
        browser.findElement(By.linkText("Models")).click();
        wait(browser).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#versions tbody tr"), 2));
        List<WebElement> rows = browser.findElements(By.cssSelector("#versions tbody tr"));
        assertTrue(rows.get(0).getText().startsWith("v2 (serving)"), rows.get(0).getText());
        assertTrue(rows.get(0).getText().contains("accuracy 0.930"), rows.get(0).getText());
        assertTrue(rows.get(1).getText().contains("base model"), rows.get(1).getText());
        assertEquals("v2", browser.findElement(By.id("serving")).getText());
        assertEquals("ready", browser.findElement(By.id("trainer")).getText());
        wait(browser).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#instances tbody tr"), 3));
        List<WebElement> instances = browser.findElements(By.cssSelector("#instances tbody tr"));
        assertTrue(instances.get(0).getText().endsWith("v2"), "the instance's own metrics: " + instances.get(0).getText());
        assertTrue(instances.get(1).getText().endsWith("serves no version of triage yet"), instances.get(1).getText());
        assertTrue(instances.get(2).getText().endsWith(ConsoleFixture.HOSTILE_VERSION),
                "a hostile instance's version, shown as text: " + instances.get(2).getText());
        assertEquals(0, browser.findElements(By.cssSelector("#instances img")).size(), "never as markup");
        assertEquals(Boolean.FALSE, ((ChromeDriver) browser).executeScript("return window.pwned === true"));
        screenshot(browser, "models");

        browser.findElement(By.id("retrain")).click();
        wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
        assertEquals("the trainer answered: 202 retrain requested", browser.findElement(By.id("notice")).getText());
        assertEquals(1, fixture.retrains.get(), "the trainer's POST /retrain was called once");
        screenshot(browser, "models-retrained");

        browser.get(fixture.url() + "/models/v1/report.html");
        assertEquals("Report of v1", browser.findElement(By.id("title")).getText(), "the report's script did not run");
        screenshot(browser, "report-v1");
        browser.get(fixture.url() + "/models/v2/report.html");
        assertTrue(browser.getPageSource().contains("no report for this version here"));
    }

    /**
     * The trainer here is the fixture's stand-in on the real ops server (the real {@code POST /rollback} is tested in
     * the trainer's ManualRollbackIntegrationTest, with a stream app): the click reaches it through the console with
     * the trainer's token, the version is published again on the real update topic, and the page shows it serving.
     */
    @Test
    void rollbackFromTheModelsPageRepublishesTheOlderVersionThroughTheTrainer(@TempDir Path store) throws Exception {
        fixture.publish("v1", null, 0.81f, Files.createDirectories(store.resolve("v1")));
        fixture.publish("v2", "v1", 0.93f, Files.createDirectories(store.resolve("v2")));
        WebDriver browser = browser();
        signIn(browser, "ana", ConsoleFixture.TOKEN);
        wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("text")));
        browser.findElement(By.linkText("Models")).click();
        wait(browser).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#versions tbody tr"), 2));
        List<WebElement> buttons = browser.findElements(By.cssSelector("button.rollback"));
        assertEquals(1, buttons.size(), "no rollback to the version serving");
        assertEquals("v1", buttons.get(0).getAttribute("data-version"));

        buttons.get(0).click();
        wait(browser).until(ExpectedConditions.alertIsPresent()).dismiss();
        Thread.sleep(500);
        assertEquals(List.of(), fixture.rollbacks, "cancelled at the confirm step: the trainer was not called");

        browser.findElement(By.cssSelector("button.rollback")).click();
        wait(browser).until(ExpectedConditions.alertIsPresent()).accept();
        wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
        assertEquals("the trainer answered: 202 rolled back to v1", browser.findElement(By.id("notice")).getText());
        assertEquals(List.of("v1"), fixture.rollbacks, "the trainer's POST /rollback was called once, for v1");
        wait(browser).until(ExpectedConditions.textToBe(By.id("serving"), "v1"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#versions tbody tr"));
        assertEquals(2, rows.size(), "a version announced again is listed once");
        assertTrue(rows.get(0).getText().startsWith("v1 (serving)"), rows.get(0).getText());
        assertEquals("v2", browser.findElement(By.cssSelector("button.rollback")).getAttribute("data-version"));
        screenshot(browser, "models-rolled-back");
    }

    @Test
    void theLivePageShowsEachVersionsFiguresAndDeadLettersAsText() throws Exception {
        for (int i = 0; i < 20; i++) {
            fixture.result("r" + i, i < 15 ? "v2" : "v3", i % 3 == 0 ? "b" : "a", 0.55f + i * 0.02f, 10 + i, 40);
        }
        fixture.deadLetter("<img src=x onerror=\"window.pwned=true\">\u0000\u0007 tail".getBytes(StandardCharsets.UTF_8),
                "UNDECODABLE: not an Avro TextEvent");
        WebDriver browser = browser();
        signIn(browser, "ana", ConsoleFixture.TOKEN);
        wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("text")));
        browser.findElement(By.linkText("Live")).click();
        wait(browser).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("section.version"), 2));
        wait(browser).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#dead-letters tbody tr"), 1));
        List<WebElement> versions = browser.findElements(By.cssSelector("section.version"));
        assertTrue(versions.get(0).getText().startsWith("v2"), versions.get(0).getText());
        assertTrue(versions.get(0).getText().contains("events 15"), versions.get(0).getText());
        assertTrue(versions.get(1).getText().contains("events 5"), versions.get(1).getText());
        String letter = browser.findElement(By.cssSelector("#dead-letters tbody tr")).getText();
        assertTrue(letter.contains("<img src=x onerror=\"window.pwned=true\">"), letter);
        assertTrue(letter.contains("UNDECODABLE: not an Avro TextEvent"), letter);
        assertTrue(browser.findElements(By.cssSelector("#dead-letters img")).isEmpty());
        assertEquals(Boolean.FALSE, ((ChromeDriver) browser).executeScript("return window.pwned === true"));
        browser.manage().window().setSize(new Dimension(1100, 1500)); // the dead letters too
        screenshot(browser, "live");
    }

    private WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1100,800");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        browsers.add(driver);
        return driver;
    }

    private void signIn(WebDriver browser, String name, String token) {
        browser.get(fixture.url() + "/login");
        browser.findElement(By.id("name")).sendKeys(name);
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in")).click();
    }

    private static WebDriverWait wait(WebDriver browser) {
        return new WebDriverWait(browser, WAIT);
    }

    private static void screenshot(WebDriver browser, String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
