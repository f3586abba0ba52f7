package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.ScrapeLimits;
import io.promethium.config.relabel.Relabeler;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.HistogramOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page's parse and append without a loop, a fetcher or HTTP: a page in memory into {@link MemoryStorage}. */
class PageAppenderTest {

    private final MemoryStorage storage = new MemoryStorage();
    private final SeriesCache cache = new SeriesCache();
    private final int[] counts = new int[3];

    static ScrapeTarget target(ScrapeConfig config) {
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", "127.0.0.1:9100"), Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        return new ScrapeTarget(config.jobName(), result.discovered(), result.labels(), TargetBuilder.publicLabels(result.labels()), url);
    }

    static LoopSettings settings(ScrapeConfig config) {
        return new LoopSettings.Base(config, new Relabeler(config.metricRelabelConfigs()), null, HistogramOptions.CLASSIC)
                .forTarget(config.scrapeInterval(), config.scrapeTimeout());
    }

    static PageFetcher.Page page(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return new PageFetcher.Page("text/plain; version=0.0.4", b, 0, b.length);
    }

    private PageAppender appender(ScrapeLimits limits) {
        ScrapeConfig config = Configs.withLimits(Configs.withTiming(Configs.job("j"), Duration.ofSeconds(10), Duration.ofSeconds(5)), limits);
        return new PageAppender(target(config), settings(config), cache, new ScrapeMetrics());
    }

    private void append(PageAppender pages, String text, long timestamp) throws ScrapeException {
        Appender app = storage.appender();
        pages.append(app, ExpositionFormat.PROMETHEUS_TEXT_0_0_4, page(text), timestamp, Map.of(), counts);
        app.commit();
    }

    private static Labels series(String name, String... labels) {
        Labels.Builder b = Labels.builder().set(Labels.METRIC_NAME, name).set("job", "j").set("instance", "127.0.0.1:9100");
        for (int i = 0; i < labels.length; i += 2) {
            b.set(labels[i], labels[i + 1]);
        }
        return b.build();
    }

    @Test
    void samplesAreAppendedWithTheTargetsLabelsAndNewSeriesAreCounted() throws Exception {
        PageAppender pages = appender(ScrapeLimits.NONE);
        append(pages, "a 1\nb{x=\"y\"} 2\nc 3 5000\n", 10_000);

        assertThat(counts).containsExactly(3, 3, 3);
        assertThat(storage.valueAt(series("a"), 10_000)).isEqualTo(1.0);
        assertThat(storage.valueAt(series("b", "x", "y"), 10_000)).isEqualTo(2.0);
        // A sample's own timestamp is honoured by default.
        assertThat(storage.valueAt(series("c"), 5_000)).isEqualTo(3.0);
        SeriesCache.Entry[] fresh = pages.newEntries();
        assertThat(fresh[0].labels).isEqualTo(series("a"));
        assertThat(fresh[2].explicitTimestamp()).isTrue();
    }

    @Test
    void aSteadyPageAddsNoSeries() throws Exception {
        PageAppender pages = appender(ScrapeLimits.NONE);
        append(pages, "a 1\nb 2\n", 10_000);
        cache.commit(e -> { });
        append(pages, "a 3\nb 4\n", 20_000);

        assertThat(counts).containsExactly(2, 2, 0);
        assertThat(storage.valueAt(series("b"), 20_000)).isEqualTo(4.0);
    }

    @Test
    void theNewSeriesListOfABigFirstPageIsNotKeptThroughSteadyPages() throws Exception {
        PageAppender pages = appender(ScrapeLimits.NONE);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            text.append("m{i=\"").append(i).append("\"} 1\n");
        }
        append(pages, text.toString(), 10_000);
        assertThat(counts[2]).isEqualTo(1_000);
        assertThat(pages.newEntries().length).isGreaterThanOrEqualTo(1_000);
        java.util.Arrays.fill(pages.newEntries(), null);
        cache.commit(e -> { });
        append(pages, text.toString(), 20_000);

        assertThat(counts[2]).isZero();
        assertThat(pages.newEntries().length).as("slots kept for a page that adds none").isLessThan(100);
    }

    @Test
    void theSampleLimitFailsThePage() {
        PageAppender pages = appender(new ScrapeLimits(0, 2, 0, 0, 0, 0, 0));
        assertThatThrownBy(() -> append(pages, "a 1\nb 2\nc 3\n", 10_000))
                .isInstanceOfSatisfying(ScrapeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ScrapeException.Kind.SAMPLE_LIMIT);
                    assertThat(e.getMessage()).isEqualTo("sample limit exceeded (limit: 2)");
                });
        // The series made before the failure are not handed on for metadata.
        assertThat(pages.newEntries()[0]).isNull();
    }

    @Test
    void theLabelLimitFailsANewSeries() {
        PageAppender pages = appender(new ScrapeLimits(0, 0, 3, 0, 0, 0, 0));
        assertThatThrownBy(() -> append(pages, "a{x=\"1\",y=\"2\"} 1\n", 10_000))
                .isInstanceOfSatisfying(ScrapeException.class, e -> assertThat(e.kind()).isEqualTo(ScrapeException.Kind.LABEL_LIMIT));
    }

    @Test
    void aSyntaxErrorIsAParseFailure() {
        PageAppender pages = appender(ScrapeLimits.NONE);
        assertThatThrownBy(() -> append(pages, "a 1\nb{ 2\n", 10_000))
                .isInstanceOfSatisfying(ScrapeException.class, e -> assertThat(e.kind()).isEqualTo(ScrapeException.Kind.PARSE));
    }
}
