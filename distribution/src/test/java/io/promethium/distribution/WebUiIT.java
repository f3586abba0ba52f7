package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.testsupport.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI and the admin console in a real headless Chromium (Debian's {@code chromium}, driven
 * by Selenium through its {@code chromedriver}) against the real server tarball. Screenshots go to
 * {@code target/screenshots/} for a person to review.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final int BULK_SERIES = 10_000;

    private static ServerProcess server;
    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void start() throws Exception {
        Path chromium = Peers.require("chromium");
        Path chromedriver = Peers.require("chromedriver");
        server = ServerProcess.prepare();
        Path rules = server.home.resolve("conf/ui-rules.yml");
        Files.writeString(rules, """
                groups:
                  - name: availability
                    interval: 1s
                    rules:
                      - alert: TargetDown
                        expr: up == 0
                        labels: {severity: page}
                        annotations: {summary: "{{ $labels.instance }} is down"}
                      - alert: NeverFires
                        expr: vector(1) > 2
                      - record: job:up:sum
                        expr: sum by (job) (up)
                """);
        server.config("""
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: [%s]
                scrape_configs:
                  - job_name: promethium
                    static_configs: [{targets: ['127.0.0.1:%d'], labels: {env: test}}]
                  - job_name: broken
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                """.formatted(rules, server.port, ServerProcess.freePort()))
                .start("--web.enable-admin-api", "--web.enable-remote-write-receiver", "--plugins.scan-interval=1s");
        Files.createDirectories(SCREENSHOTS);
        profile = Files.createTempDirectory("promethium-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1280,900", "--lang=en-US");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        // The browser started while the server booted.
        server.awaitReady();
        writeBulkSeries();
        writeNativeHistogram();
        writeUtf8Series();
        server.await(Duration.ofSeconds(30), () -> server.get("/api/v1/query?query=up").body().contains("\"job\":\"broken\""),
                "first scrapes");
    }

    /** 10,000 series by remote write, to check that big results keep the page usable. */
    private static void writeBulkSeries() throws Exception {
        long now = Instant.now().toEpochMilli();
        List<RemoteWriteClient.TimeSeries> series = new ArrayList<>();
        for (int i = 0; i < BULK_SERIES; i++) {
            series.add(new RemoteWriteClient.TimeSeries(Map.of("__name__", "ui_bulk_series", "instance", "i" + i, "job", "bulk"),
                    new long[] {now - 60_000, now}, new double[] {i, i + 1}));
        }
        var response = RemoteWriteClient.send(server.uri("/api/v1/write"), series);
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    /** A native histogram (schema 0: buckets (0.5, 1], (1, 2] ... (16, 32]) every minute over the last 9 minutes. */
    private static void writeNativeHistogram() throws Exception {
        long now = Instant.now().toEpochMilli();
        long[] timestamps = new long[10];
        double[][] counts = new double[10][];
        for (int i = 0; i < 10; i++) {
            timestamps[i] = now - (9 - i) * 60_000L;
            counts[i] = new double[] {1 + i % 3, 4, 9, 16, 6, 2};
        }
        var response = RemoteWriteClient.sendHistograms(server.uri("/api/v1/write"),
                Map.of("__name__", "ui_native_latency_seconds", "job", "native"), timestamps, 0, counts);
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    /** A series with Prometheus 3's UTF-8 names: an OpenTelemetry-style metric and resource label. */
    private static void writeUtf8Series() throws Exception {
        long now = Instant.now().toEpochMilli();
        var response = RemoteWriteClient.send(server.uri("/api/v1/write"), List.of(new RemoteWriteClient.TimeSeries(
                Map.of("__name__", "http.server.duration", "service.name", "checkout", "job", "utf8"),
                new long[] {now - 60_000, now}, new double[] {0.25, 0.5})));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (profile != null) {
            ServerProcess.deleteTree(profile);
        }
    }

    @Test
    @Order(1)
    void everyPageRendersItsDataWithoutConsoleErrors() throws Exception {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("/query?g0.expr=up&g0.tab=graph&g0.range_input=5m", "Load time");
        expected.put("/targets", "broken");
        expected.put("/alerts", "TargetDown");
        expected.put("/rules", "job:up:sum");
        expected.put("/service-discovery", "__address__");
        expected.put("/tsdb-status", "ui_bulk_series");
        expected.put("/status", "Runtime information");
        expected.put("/flags", "web.enable-admin-api");
        expected.put("/config", "job_name: broken");
        expected.put("/admin", "Storage in use");
        for (Map.Entry<String, String> page : expected.entrySet()) {
            consoleErrors();
            open(page.getKey());
            awaitText(page.getValue());
            assertThat(browser.findElements(By.cssSelector(".notice.error"))).as("error notices on " + page.getKey()).isEmpty();
            screenshot(page.getKey().substring(1).replaceAll("\\?.*", ""));
            assertThat(consoleErrors()).as("console errors on " + page.getKey()).isEmpty();
        }
        // The console fills its storage card after the page loads: wait for it, not for the heading.
        awaitText("promethium-tsdb");
    }

    @Test
    @Order(2)
    void failingTargetShowsItsErrorAndTheAlertFires() throws Exception {
        open("/targets");
        WebElement broken = await(d -> d.findElements(By.cssSelector("tr.target")).stream()
                .filter(row -> row.getText().contains("job=\"broken\"") && !row.findElement(By.cssSelector("td.err")).getText().isBlank())
                .findFirst().orElse(null));
        assertThat(broken.findElement(By.cssSelector(".badge")).getText()).isEqualTo("down");
        assertThat(broken.findElement(By.cssSelector("td.err")).getText()).containsIgnoringCase("refused");
        assertThat(text()).contains("1 / 1 up").contains("0 / 1 up");
        find("input[type=search]").sendKeys("broken");
        await(d -> d.findElements(By.cssSelector("tr.target")).size() == 1);
        screenshot("targets-filtered");

        open("/alerts");
        await(d -> d.findElement(By.tagName("main")).getText().contains("firing (1)"));
        browser.findElement(By.cssSelector("[data-state=inactive] input")).click();
        await(d -> !d.findElement(By.tagName("main")).getText().contains("NeverFires"));
        assertThat(browser.getCurrentUrl()).contains("state=pending%2Cfiring");
        screenshot("alerts-firing");
    }

    @Test
    @Order(3)
    void queryShowsATableAndAGraphAndItsLinkReproducesThem() throws Exception {
        // A Prometheus 2 link: /graph with tab=1 (table).
        open("/graph?g0.expr=up&g0.tab=1&g0.range_input=5m");
        assertThat(browser.getCurrentUrl()).contains("/query?");
        awaitText("instance=\"127.0.0.1:" + server.port + "\", job=\"promethium\"}");
        assertThat(rows()).hasSize(2);
        screenshot("query-table");

        find("button[role=tab]:nth-child(2)").click();
        await(d -> !d.findElements(By.cssSelector(".chart canvas")).isEmpty() && !d.findElements(By.cssSelector(".legend .item")).isEmpty());
        assertThat(browser.findElements(By.cssSelector(".legend .item"))).hasSize(2);
        String link = browser.getCurrentUrl();
        assertThat(link).contains("g0.expr=up").contains("g0.tab=graph").contains("g0.range_input=5m");
        hoverChart();
        screenshot("query-graph");

        // Dragging across the graph zooms in: the panel's range and end become the span dragged. The
        // last quarter of the 5 minutes is dragged: the server has run that long, so it has samples.
        WebElement over = browser.findElement(By.cssSelector(".chart .u-over"));
        int width = over.getSize().width;
        new org.openqa.selenium.interactions.Actions(browser).moveToElement(over, width / 4, 0).clickAndHold()
                .moveByOffset(width / 4 - 4, 0).release().perform();
        await(d -> d.getCurrentUrl().contains("g0.end_input=") && !d.getCurrentUrl().contains("g0.range_input=5m"));
        assertThat(java.net.URLDecoder.decode(browser.getCurrentUrl(), java.nio.charset.StandardCharsets.UTF_8))
                .matches(".*g0\\.range_input=1m\\d*s?&.*");
        await(d -> !d.findElements(By.cssSelector(".legend .item")).isEmpty());
        screenshot("query-graph-zoomed");
        browser.findElement(By.xpath("//button[.='Now']")).click();
        await(d -> !d.getCurrentUrl().contains("g0.end_input="));

        await(d -> d.findElement(By.xpath("//button[.='Stacked']"))).click();
        await(d -> d.getCurrentUrl().contains("g0.display_mode=stacked"));

        browser.findElement(By.cssSelector("button.add-panel")).click();
        WebElement second = await(d -> d.findElements(By.cssSelector(".panel .cm-content")).size() == 2
                ? d.findElements(By.cssSelector(".panel .cm-content")).get(1) : null);
        // The editor closes brackets as they open and steps over a closing one typed: the text comes out as typed.
        // Enter after the closing bracket runs the query, though the operators are offered for completion there.
        second.sendKeys("sum by (job) (rate(prometheus_http_requests_total[1m]))", Keys.ENTER);
        await(d -> d.getCurrentUrl().contains("g1.expr="));
        String twoPanels = browser.getCurrentUrl();

        open("/status");
        browser.get(twoPanels);
        awaitText("Load time");
        assertThat(editorText(browser.findElements(By.cssSelector(".panel .cm-content")).get(0))).isEqualTo("up");
        assertThat(editorText(browser.findElements(By.cssSelector(".panel .cm-content")).get(1)))
                .isEqualTo("sum by (job) (rate(prometheus_http_requests_total[1m]))");
        await(d -> d.findElements(By.cssSelector(".legend .item")).size() >= 2);
        assertThat(browser.findElements(By.cssSelector(".tabs button[aria-selected=true]")).get(0).getText()).isEqualTo("Graph");
        assertThat(browser.findElement(By.xpath("//button[.='Stacked']")).getAttribute("aria-pressed")).isEqualTo("true");
        screenshot("query-two-panels");
    }

    @Test
    @Order(4)
    void editorHighlightsLintsCompletesMetricsWithTheirMetadataLabelsAndValuesAndFormats() throws Exception {
        open("/query");
        WebElement editor = find(".panel .cm-content");
        editor.sendKeys("prometheus_http_req");
        await(d -> optionTexts().contains("prometheus_http_requests_total"));
        // The metric's type and help come from /api/v1/metadata.
        while (!selectedOption().equals("prometheus_http_requests_total")) {
            editor.sendKeys(Keys.ARROW_DOWN);
        }
        assertThat(find(".cm-tooltip-autocomplete li[aria-selected] .cm-completionDetail").getText()).isEqualTo("counter");
        await(d -> d.findElement(By.cssSelector(".cm-completionInfo")).getText().contains("HTTP"));
        screenshot("query-completion");
        editor.sendKeys(Keys.ENTER);
        assertThat(editorText(editor)).isEqualTo("prometheus_http_requests_total");
        editor.sendKeys("{");
        await(d -> optionTexts().contains("handler"));
        editor.sendKeys("hand", Keys.TAB);
        editor.sendKeys("=\"");
        await(d -> optionTexts().contains("/api/v1/query"));
        editor.sendKeys("/metrics", Keys.ESCAPE, "\"}");
        assertThat(editorText(editor)).isEqualTo("prometheus_http_requests_total{handler=\"/metrics\"}");
        assertThat(browser.findElements(By.cssSelector(".editor .tok-labelName"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector(".editor .tok-string"))).isNotEmpty();

        // Linting: Prometheus's type checks, marked where they apply, the message on hover.
        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "rate(up", Keys.ESCAPE, ")");
        assertThat(editorText(editor)).isEqualTo("rate(up)");
        editor.sendKeys(Keys.ESCAPE);
        WebElement mark = find(".editor .cm-lintRange-error");
        // The lint tooltip opens when the pointer rests on the mark.
        new org.openqa.selenium.interactions.Actions(browser).moveToElement(mark).pause(Duration.ofMillis(500)).moveByOffset(1, 0).perform();
        await(d -> d.findElements(By.cssSelector(".cm-tooltip-lint")).stream().anyMatch(t -> t.getText().contains("expected type matrix in call to function \"rate\"")));
        screenshot("query-lint");

        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "sum(rat");
        await(d -> optionTexts().contains("rate"));
        while (!selectedOption().equals("rate")) {
            editor.sendKeys(Keys.ARROW_DOWN);
        }
        editor.sendKeys(Keys.ENTER);
        assertThat(editorText(editor)).isEqualTo("sum(rate)");
        editor.sendKeys("(up[5m]", Keys.ESCAPE, Keys.END);
        assertThat(editorText(editor)).isEqualTo("sum(rate(up[5m]))");
        await(d -> d.findElements(By.cssSelector(".editor .cm-lintRange-error")).isEmpty());
        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "sum(rate(up[5m]))");
        browser.findElement(By.cssSelector("button.format")).click();
        await(d -> editorText(editor).equals("sum(rate(up[5m]))"));
    }

    @Test
    @Order(4)
    void explainShowsTheQueryAsATreeWithWhatEachNodeDoesAndSelects() throws Exception {
        String query = "sum by (job) (rate(prometheus_http_requests_total[1m])) or up{job=\"nosuch\"}";
        open("/query?g0.expr=" + url(query) + "&g0.tab=table");
        awaitText("Load time");
        consoleErrors();
        browser.findElement(By.xpath("//button[@role='tab' and .='Explain']")).click();
        await(d -> d.getCurrentUrl().contains("g0.tab=explain"));
        // The tree from /api/v1/parse_query: each node's text written back from the tree, its type and a sentence.
        await(d -> d.findElements(By.cssSelector(".explain-node")).size() == 5);
        List<String> texts = browser.findElements(By.cssSelector(".explain-text")).stream().map(WebElement::getText).toList();
        assertThat(texts).containsExactly(query, "sum by (job) (rate(prometheus_http_requests_total[1m]))",
                "rate(prometheus_http_requests_total[1m])", "prometheus_http_requests_total[1m]", "up{job=\"nosuch\"}");
        WebElement aggregation = node("aggregation");
        assertThat(aggregation.findElement(By.cssSelector(".explain-what")).getText()).isEqualTo("Sums the values of the input series, one result per distinct job.");
        assertThat(node("binaryExpr").findElement(By.cssSelector(".explain-what")).getText()).startsWith("Set operation: keeps all left-hand series");
        assertThat(node("matrixSelector").findElement(By.cssSelector(".explain-what")).getText()).contains("every sample of each in the last 1m");
        // Each node is evaluated at the panel's time: series and the labels seen, or that a selector matches nothing.
        await(d -> node("vectorSelector").findElement(By.cssSelector(".explain-stats")).getText().contains("No series match this selector"));
        await(d -> node("aggregation").findElement(By.cssSelector(".explain-stats")).getText().startsWith("1 series"));
        assertThat(node("aggregation").findElement(By.cssSelector(".explain-stats")).getText()).contains("job=\"promethium\"");
        await(d -> node("matrixSelector").findElement(By.cssSelector(".explain-stats")).getText().matches("\\d+ range series .*handler \\(\\d+ values\\).*"));
        screenshot("query-explain");
        assertThat(consoleErrors()).isEmpty();

        // A link to the tab opens it; a query that does not parse says why.
        open("/query?g0.expr=" + url("sum(up") + "&g0.tab=explain");
        assertThat(find(".notice.error").getText()).contains("Cannot parse the expression");
        assertThat(browser.findElements(By.cssSelector(".tabs button[aria-selected=true]")).get(0).getText()).isEqualTo("Explain");
    }

    @Test
    @Order(4)
    void metricsExplorerListsMetricsWithTypeAndHelpFiltersAndInsertsTheChosenOne() throws Exception {
        open("/query");
        WebElement editor = find(".panel .cm-content");
        editor.sendKeys("rate()");
        editor.sendKeys(Keys.ARROW_LEFT, Keys.ESCAPE);
        find("button.explore").click();
        await(d -> d.findElements(By.cssSelector("dialog.explorer[open] tr.explorer-metric")).size() > 10);
        assertThat(find(".explorer-count").getText()).matches("\\d+ metrics.*");
        find(".explorer-search").sendKeys("http requests");
        await(d -> d.findElements(By.cssSelector("tr.explorer-metric")).stream()
                .allMatch(r -> r.getText().toLowerCase(java.util.Locale.ROOT).contains("http")));
        WebElement row = await(d -> d.findElements(By.cssSelector("tr.explorer-metric")).stream()
                .filter(r -> r.findElement(By.cssSelector("button")).getText().equals("prometheus_http_requests_total")).findFirst().orElse(null));
        // Type and help from /api/v1/metadata.
        assertThat(row.findElement(By.cssSelector(".badge")).getText()).isEqualTo("counter");
        assertThat(row.findElement(By.cssSelector(".explorer-help")).getText()).contains("HTTP");
        assertThat(find(".explorer-count").getText()).matches("\\d+ of \\d+ metrics");
        screenshot("query-metrics-explorer");
        row.findElement(By.cssSelector("button")).click();
        await(d -> d.findElements(By.cssSelector("dialog.explorer")).isEmpty());
        // Inserted where the cursor was.
        assertThat(editorText(editor)).isEqualTo("rate(prometheus_http_requests_total)");
        find("button.explore").click();
        find("dialog.explorer[open] .explorer-search").sendKeys("no_metric_is_called_this");
        awaitDialogText("No metric matches the filter.");
        find(".explorer-search").sendKeys(Keys.ESCAPE);
        await(d -> d.findElements(By.cssSelector("dialog.explorer")).isEmpty());
    }

    @Test
    @Order(4)
    void aNativeHistogramIsDrawnAsAHeatmapOfItsBuckets() throws Exception {
        open("/query?g0.expr=" + url("ui_native_latency_seconds") + "&g0.tab=graph&g0.range_input=10m");
        await(d -> !d.findElements(By.cssSelector(".legend .item")).isEmpty());
        browser.findElement(By.xpath("//button[.='Heatmap']")).click();
        await(d -> d.getCurrentUrl().contains("g0.display_mode=heatmap"));
        await(d -> !d.findElements(By.cssSelector(".chart.heatmap canvas")).isEmpty());
        assertThat(find(".heatmap-scale").getText()).contains("ui_native_latency_seconds{job=\"native\"}").contains("16");
        // The cells are drawn: a good share of the canvas in the palette's colours (axes and grid are grey).
        Long coloured = (Long) ((JavascriptExecutor) browser).executeScript(
                "const c = document.querySelector('.chart.heatmap canvas');"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "let n = 0;"
                + "for (let i = 0; i < d.length; i += 4) {"
                + "  if (d[i + 3] > 200 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;"
                + "}"
                + "return Math.round(1000 * n / (c.width * c.height));");
        assertThat(coloured).as("per mille of the canvas drawn as cells").isGreaterThan(100L);
        WebElement over = browser.findElement(By.cssSelector(".chart.heatmap .u-over"));
        // In the middle of the time span, an eighth below the middle of the log scale from 0.5 to 32 (about 2.4):
        // the bucket (2, 4], of count 9 in every sample (offsets are from the element's centre).
        new org.openqa.selenium.interactions.Actions(browser).moveToElement(over, 0, over.getSize().height / 8).perform();
        await(d -> d.findElement(By.cssSelector(".chart.heatmap .tooltip")).getText().contains("bucket 2 to 4: 9"));
        screenshot("query-heatmap");

        // A result without one native histogram series says what the heatmap needs.
        open("/query?g0.expr=up&g0.tab=graph&g0.range_input=5m&g0.display_mode=heatmap");
        awaitText("The heatmap shows native histograms; this result has none");
    }

    @Test
    @Order(4)
    void utf8NamesAreQuotedInTheLegendTableExplainExplorerAndCompletion() throws Exception {
        String series = "{\"http.server.duration\", job=\"utf8\", \"service.name\"=\"checkout\"}";
        open("/query?g0.expr=" + url("{\"http.server.duration\"}") + "&g0.tab=graph&g0.range_input=10m");
        await(d -> !d.findElements(By.cssSelector(".legend .item")).isEmpty());
        assertThat(find(".legend .item").getText()).isEqualTo(series);

        // The explain tree writes the quoted names back.
        open("/query?g0.expr=" + url("sum by (\"service.name\") ({\"http.server.duration\"})") + "&g0.tab=explain");
        await(d -> d.findElements(By.cssSelector(".explain-node")).size() == 2);
        assertThat(browser.findElements(By.cssSelector(".explain-text")).stream().map(WebElement::getText).toList())
                .containsExactly("sum by (\"service.name\") ({\"http.server.duration\"})", "{\"http.server.duration\"}");
        await(d -> node("vectorSelector").findElement(By.cssSelector(".explain-stats")).getText().contains("\"service.name\"=\"checkout\""));

        // The explorer inserts a selector; completion quotes a UTF-8 label name and completes its values.
        open("/query");
        WebElement editor = find(".panel .cm-content");
        find("button.explore").click();
        find("dialog.explorer[open] .explorer-search").sendKeys("http.server");
        WebElement row = await(d -> d.findElements(By.cssSelector("tr.explorer-metric button")).stream()
                .filter(b -> b.getText().equals("http.server.duration")).findFirst().orElse(null));
        row.click();
        await(d -> d.findElements(By.cssSelector("dialog.explorer")).isEmpty());
        assertThat(editorText(editor)).isEqualTo("{\"http.server.duration\"}");
        editor.sendKeys(Keys.ARROW_LEFT, ", serv");
        await(d -> optionTexts().contains("service.name"));
        acceptCompletion(editor);
        assertThat(editorText(editor)).isEqualTo("{\"http.server.duration\", \"service.name\"}");
        editor.sendKeys("=\"");
        await(d -> optionTexts().contains("checkout"));
        acceptCompletion(editor);
        assertThat(editorText(editor)).isEqualTo("{\"http.server.duration\", \"service.name\"=\"checkout\"}");
        find("button.execute").click();
        await(d -> rows().size() == 1 && rows().get(0).findElement(By.cssSelector("td.series")).getText().equals(series));
        screenshot("query-utf8-names");
    }

    /**
     * Accepts the selected completion with Tab. CodeMirror ignores a keyboard accept within its
     * {@code interactionDelay} (75 ms) of the list opening or changing (the values arrive
     * asynchronously), so a Tab sent the moment the option shows can be lost: wait that out first.
     */
    private static void acceptCompletion(WebElement editor) throws InterruptedException {
        Thread.sleep(200);
        editor.sendKeys(Keys.TAB);
    }

    private static void awaitDialogText(String text) {
        await(d -> d.findElement(By.cssSelector("dialog.explorer")).getText().contains(text));
    }

    /** The first Explain tree node of a type (its own box, not its children). */
    private static WebElement node(String type) {
        return browser.findElement(By.cssSelector(".explain-node[data-type=" + type + "] > .explain-box"));
    }

    @Test
    @Order(5)
    void queryErrorsAndWarningsAreShownOnThePage() throws Exception {
        open("/query?g0.expr=" + url("sum(up") + "&g0.tab=table");
        WebElement error = await(d -> d.findElements(By.cssSelector(".notice.error")).stream().findFirst().orElse(null));
        assertThat(error.getText()).contains("bad_data").contains("parse error");
        screenshot("query-error");
        open("/query?g0.expr=" + url("rate(ui_bulk_series{instance=\"i1\"}[5m])") + "&g0.tab=table");
        WebElement info = await(d -> d.findElements(By.cssSelector(".notice.info, .notice.warning")).stream().findFirst().orElse(null));
        assertThat(info.getText()).containsIgnoringCase("counter");
    }

    @Test
    @Order(6)
    void aResultOfTenThousandSeriesIsPagedAndTheGraphTruncatedWithANotice() throws Exception {
        open("/query?g0.expr=ui_bulk_series&g0.tab=table");
        WebElement info = await(d -> d.findElements(By.cssSelector(".page-info")).stream().findFirst().orElse(null));
        assertThat(info.getText()).isEqualTo("Showing 1–100 of 10000 series");
        assertThat(rows()).hasSize(100);
        // Paging must not refetch or re-render everything; that is a matter for a benchmark, so here
        // only the behaviour is checked (no wall-clock assert on a shared machine).
        browser.findElement(By.xpath("(//button[contains(.,'Next')])[1]")).click();
        await(d -> d.findElement(By.cssSelector(".page-info")).getText().startsWith("Showing 101–200"));
        assertThat(rows()).hasSize(100);
        screenshot("query-10000-series");
        find("button[role=tab]:nth-child(2)").click();
        awaitText("Showing the first 500 of 10000 series");
        assertThat(((JavascriptExecutor) browser).executeScript("return 1 + 1")).isEqualTo(2L);
    }

    @Test
    @Order(7)
    void adminConsoleInstallsStopsStartsAndUninstallsTheExamplePlugin() throws Exception {
        open("/admin");
        // The tarball ships exporter plugins; the list is there once it shows them or says there are none.
        find("tr.plugin, .plugins .empty");
        Path jar = Files.copy(server.home.resolve("examples/plugins/promethium-example-hello.jar"),
                server.home.resolve("ui-hello.jar"));
        find("input.upload-file").sendKeys(jar.toString());
        clickCentered(browser.findElement(By.cssSelector("button.install")));
        await(d -> {
            WebElement row = pluginRow("ui-hello.jar", "ACTIVE");
            return row != null && row.getText().contains("io.promethium.api.collect.Collector")
                    && row.findElement(By.cssSelector("td.signature")).getText().equals("unsigned");
        });
        server.await(Duration.ofSeconds(10), () -> server.get("/metrics").body().contains("promethium_example_hello 1"), "plugin metric");
        awaitText("Installed ");
        screenshot("admin-installed");

        clickInRow("ui-hello.jar", "ACTIVE", "button.stop");
        await(d -> pluginRow("ui-hello.jar", "RESOLVED"));
        assertThat(server.get("/metrics").body()).doesNotContain("promethium_example_hello");
        awaitText("ACTIVE → RESOLVED");
        clickInRow("ui-hello.jar", "RESOLVED", "button.start");
        await(d -> pluginRow("ui-hello.jar", "ACTIVE"));
        assertThat(server.get("/metrics").body()).contains("promethium_example_hello 1");

        await(d -> {
            WebElement row = pluginRow("ui-hello.jar", "ACTIVE");
            if (row != null) {
                row.findElement(By.cssSelector("input.update-file")).sendKeys(jar.toString());
            }
            return row != null;
        });
        find("dialog[open] button.confirm-yes").click();
        awaitText("Updating promethium-example-hello: done");
        await(d -> pluginRow("ui-hello.jar", "ACTIVE"));
        assertThat(server.get("/metrics").body()).contains("promethium_example_hello 1");

        clickInRow("ui-hello.jar", "ACTIVE", "button.uninstall");
        WebElement confirm = await(d -> d.findElements(By.cssSelector("dialog[open] button.confirm-yes")).stream().findFirst().orElse(null));
        screenshot("admin-confirm-uninstall");
        confirm.click();
        await(d -> d.findElements(By.cssSelector("tr.plugin[data-file='ui-hello.jar']")).isEmpty());
        awaitText("Removed ");
        assertThat(server.get("/metrics").body()).doesNotContain("promethium_example_hello");
        assertThat(Files.exists(server.home.resolve("plugins/ui-hello.jar"))).isFalse();

        Path notAJar = Files.writeString(server.home.resolve("notes.jar"), "this is not a bundle");
        find("input.upload-file").sendKeys(notAJar.toString());
        clickCentered(browser.findElement(By.cssSelector("button.install")));
        WebElement error = await(d -> d.findElements(By.cssSelector(".notice.error")).stream().findFirst().orElse(null));
        assertThat(error.getText()).contains("notes.jar");
        screenshot("admin-bad-upload");
    }

    @Test
    @Order(8)
    void pagesWorkOnANarrowScreenAndInTheDarkTheme() throws Exception {
        browser.manage().window().setSize(new Dimension(400, 860));
        try {
            for (String page : List.of("/query?g0.expr=up&g0.tab=graph&g0.range_input=5m", "/targets", "/admin")) {
                open(page);
                awaitText(page.startsWith("/admin") ? "Storage in use" : "up");
                Long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                assertThat(overflow).as("horizontal overflow on " + page).isLessThanOrEqualTo(1L);
            }
            screenshot("narrow-admin");
            open("/targets");
            awaitText("broken");
            screenshot("narrow-targets");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
        open("/query?g0.expr=" + url("rate(prometheus_http_requests_total[1m])") + "&g0.tab=graph&g0.range_input=5m");
        browser.findElement(By.id("theme")).click();
        assertThat(browser.findElement(By.tagName("html")).getAttribute("data-theme")).isEqualTo("dark");
        await(d -> !d.findElements(By.cssSelector(".legend .item")).isEmpty());
        hoverChart();
        screenshot("dark-query-graph");
        open("/rules");
        awaitText("job:up:sum");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("data-theme")).as("theme kept").isEqualTo("dark");
        screenshot("dark-rules");
        browser.findElement(By.id("theme")).click();
    }

    @Test
    @Order(9)
    void aServerThatStopsAnsweringIsReportedOnThePage() throws Exception {
        open("/query?g0.expr=up&g0.tab=table");
        awaitText("Load time");
        server.signal("KILL");
        server.process().waitFor();
        find("button.execute").click();
        WebElement error = await(d -> d.findElements(By.cssSelector(".notice.error")).stream().findFirst().orElse(null));
        assertThat(error.getText()).contains("did not answer");
        screenshot("server-gone");
    }

    // ---- helpers ----

    private static void open(String path) {
        browser.get("http://127.0.0.1:" + server.port + path);
    }

    private static String url(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class).until(d -> {
            T value = condition.apply(d);
            return value instanceof Boolean b && !b ? null : value;
        });
    }

    private static void awaitText(String text) {
        try {
            await(d -> d.findElement(By.tagName("main")).getText().contains(text));
        } catch (RuntimeException e) {
            throw new AssertionError("page " + browser.getCurrentUrl() + " never showed \"" + text + "\"; it shows:\n" + text(), e);
        }
    }

    private static String text() {
        return browser.findElement(By.tagName("main")).getText();
    }

    private static List<WebElement> rows() {
        return browser.findElements(By.cssSelector(".result tbody tr"));
    }

    private static List<String> optionTexts() {
        return browser.findElements(By.cssSelector(".cm-tooltip-autocomplete li .cm-completionLabel")).stream()
                .map(WebElement::getText).toList();
    }

    private static String selectedOption() {
        return browser.findElement(By.cssSelector(".cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel")).getText();
    }

    /** The text in a query editor (its CodeMirror content; the placeholder of an empty one is no text). */
    private static String editorText(WebElement content) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(arguments[0].querySelectorAll('.cm-line'))"
                        + ".map(l => l.querySelector('.cm-placeholder') ? '' : l.textContent).join('\\n');", content);
    }

    /** The console's row of a plugin file in a state, or null; a row replaced meanwhile counts as not there yet. */
    private static WebElement pluginRow(String file, String state) {
        for (WebElement row : browser.findElements(By.cssSelector("tr.plugin[data-file='" + file + "']"))) {
            if (row.findElement(By.cssSelector(".badge")).getText().equals(state)) {
                return row;
            }
        }
        return null;
    }

    /**
     * Scrolls an element to the middle of the window before clicking it: scrolled to the top, it
     * sits under the sticky navigation bar once the plugin list makes the page taller than the window.
     */
    private static void clickCentered(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
        element.click();
    }

    private static void clickInRow(String file, String state, String button) {
        await(d -> {
            WebElement row = pluginRow(file, state);
            if (row == null) {
                return false;
            }
            row.findElement(By.cssSelector(button)).click();
            return true;
        });
    }

    private static WebElement find(String css) {
        return await(d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
    }

    private static void hoverChart() {
        WebElement canvas = browser.findElement(By.cssSelector(".chart canvas"));
        new org.openqa.selenium.interactions.Actions(browser).moveToElement(canvas, canvas.getSize().width / 2 - 40, 0).perform();
    }

    private static List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(entry.getMessage());
            }
        }
        return errors;
    }

    private static void screenshot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name.replace('/', '-') + ".png"), png);
    }
}
