package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.config.model.ScrapeConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScrapeReportTest {

    private final MemoryStorage storage = new MemoryStorage();
    private final Labels target = Labels.of("job", "j", "instance", "h:1");

    private static LoopSettings settings(Boolean extra) {
        ScrapeConfig config = Configs.withExtraScrapeMetrics(
                Configs.withTiming(Configs.job("j"), Duration.ofSeconds(10), Duration.ofSeconds(4)), extra);
        return PageAppenderTest.settings(config);
    }

    private Double value(String name, long t) {
        return storage.valueAt(target.toBuilder().set(Labels.METRIC_NAME, name).build(), t);
    }

    @Test
    void everyScrapeReportsTheFiveBasicSeries() {
        ScrapeReport report = new ScrapeReport(target, settings(null), new ScrapeMetrics(), null);
        Appender app = storage.appender();
        report.append(app, 1_000, 1, 0.25, new int[] {7, 6, 2}, 1234);
        app.commit();

        assertThat(value("up", 1_000)).isEqualTo(1.0);
        assertThat(value("scrape_duration_seconds", 1_000)).isEqualTo(0.25);
        assertThat(value("scrape_samples_scraped", 1_000)).isEqualTo(7.0);
        assertThat(value("scrape_samples_post_metric_relabeling", 1_000)).isEqualTo(6.0);
        assertThat(value("scrape_series_added", 1_000)).isEqualTo(2.0);
        assertThat(value("scrape_body_size_bytes", 1_000)).isNull();
        assertThat(report.refs()).hasSize(ScrapeReport.BASIC);
    }

    @Test
    void extraScrapeMetricsAddTimeoutSampleLimitAndBodySize() {
        ScrapeReport report = new ScrapeReport(target, settings(true), new ScrapeMetrics(), null);
        Appender app = storage.appender();
        report.append(app, 1_000, 0, 0.5, new int[3], -1);
        app.commit();

        assertThat(value("up", 1_000)).isEqualTo(0.0);
        assertThat(value("scrape_timeout_seconds", 1_000)).isEqualTo(4.0);
        assertThat(value("scrape_sample_limit", 1_000)).isEqualTo(0.0);
        assertThat(value("scrape_body_size_bytes", 1_000)).isEqualTo(-1.0);
    }

    @Test
    void handedOverRefsCarryOverAndGrowWithExtraScrapeMetrics() {
        ScrapeReport basic = new ScrapeReport(target, settings(null), new ScrapeMetrics(), null);
        Appender app = storage.appender();
        basic.append(app, 1_000, 1, 0.1, new int[3], 10);
        app.commit();

        ScrapeReport extra = new ScrapeReport(target, settings(true), new ScrapeMetrics(), basic.refs());
        assertThat(extra.refs()).hasSize(ScrapeReport.NAMES.length);
        assertThat(extra.refs()).startsWith(basic.refs());
        ScrapeReport same = new ScrapeReport(target, settings(null), new ScrapeMetrics(), basic.refs());
        assertThat(same.refs()).isSameAs(basic.refs());
    }

    @Test
    void theEndOfRunMarksEveryReportSeriesStale() {
        ScrapeReport report = new ScrapeReport(target, settings(null), new ScrapeMetrics(), null);
        Appender app = storage.appender();
        report.append(app, 1_000, 1, 0.1, new int[3], 10);
        report.appendStale(app, 2_000);
        app.commit();

        for (String name : new String[] {"up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added"}) {
            assertThat(storage.samples(target.toBuilder().set(Labels.METRIC_NAME, name).build()))
                    .last().satisfies(s -> assertThat(s.isStale()).isTrue());
        }
    }

    @Test
    void aRefusedReportSampleIsCountedAndTheOthersAreAppended() {
        ScrapeMetrics metrics = new ScrapeMetrics();
        ScrapeReport report = new ScrapeReport(target, settings(null), metrics, null);
        Appender app = storage.appender();
        report.append(app, 2_000, 1, 0.1, new int[3], 10);
        app.commit();
        app = storage.appender();
        // Older than the newest sample: out of order, for every series but none stops the others.
        report.append(app, 1_000, 1, 0.1, new int[3], 10);
        app.commit();

        assertThat(metrics.outOfOrder.sum()).isEqualTo(ScrapeReport.BASIC);
        assertThat(value("up", 2_000)).isEqualTo(1.0);
    }
}
