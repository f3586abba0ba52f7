package io.promethium.config.model;

import io.promethium.api.model.Labels;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code global:} section. Limits of 0 mean "no limit", as in Prometheus.
 *
 * @param extraScrapeMetrics {@code extra_scrape_metrics}, or null when not set (the scrape
 *                           bundle's default applies: false, true with {@code --enable-feature=extra-scrape-metrics})
 * @param metricNames {@code metric_name_validation_scheme} and {@code metric_name_escaping_scheme},
 *                    the defaults of every scrape config
 */
public record GlobalConfig(
        Duration scrapeInterval,
        Duration scrapeTimeout,
        List<String> scrapeProtocols,
        Duration evaluationInterval,
        Duration ruleQueryOffset,
        Labels externalLabels,
        String queryLogFile,
        ScrapeLimits limits,
        boolean convertClassicHistogramsToNhcb,
        Boolean extraScrapeMetrics,
        MetricNameScheme metricNames) {

    /** Prometheus's default protocol preference. */
    public static final List<String> DEFAULT_SCRAPE_PROTOCOLS =
            List.of("OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0", "PrometheusText0.0.4");

    public static final GlobalConfig DEFAULT = new GlobalConfig(Duration.ofMinutes(1), Duration.ofSeconds(10),
            DEFAULT_SCRAPE_PROTOCOLS, Duration.ofMinutes(1), Duration.ZERO, Labels.EMPTY, "", ScrapeLimits.NONE, false, null, MetricNameScheme.DEFAULT);

    public GlobalConfig {
        Objects.requireNonNull(scrapeInterval, "scrapeInterval is null");
        Objects.requireNonNull(scrapeTimeout, "scrapeTimeout is null");
        scrapeProtocols = List.copyOf(scrapeProtocols);
        Objects.requireNonNull(evaluationInterval, "evaluationInterval is null");
        Objects.requireNonNull(ruleQueryOffset, "ruleQueryOffset is null");
        Objects.requireNonNull(externalLabels, "externalLabels is null");
        queryLogFile = queryLogFile == null ? "" : queryLogFile;
        Objects.requireNonNull(limits, "limits is null");
        metricNames = metricNames == null ? MetricNameScheme.DEFAULT : metricNames;
    }

    /** With Prometheus 3's default name schemes (UTF-8, {@code allow-utf-8}). */
    public GlobalConfig(Duration scrapeInterval, Duration scrapeTimeout, List<String> scrapeProtocols, Duration evaluationInterval,
                        Duration ruleQueryOffset, Labels externalLabels, String queryLogFile, ScrapeLimits limits,
                        boolean convertClassicHistogramsToNhcb, Boolean extraScrapeMetrics) {
        this(scrapeInterval, scrapeTimeout, scrapeProtocols, evaluationInterval, ruleQueryOffset, externalLabels, queryLogFile, limits,
                convertClassicHistogramsToNhcb, extraScrapeMetrics, MetricNameScheme.DEFAULT);
    }

    /** Without {@code extra_scrape_metrics} (not set). */
    public GlobalConfig(Duration scrapeInterval, Duration scrapeTimeout, List<String> scrapeProtocols, Duration evaluationInterval,
                        Duration ruleQueryOffset, Labels externalLabels, String queryLogFile, ScrapeLimits limits,
                        boolean convertClassicHistogramsToNhcb) {
        this(scrapeInterval, scrapeTimeout, scrapeProtocols, evaluationInterval, ruleQueryOffset, externalLabels, queryLogFile, limits,
                convertClassicHistogramsToNhcb, null);
    }

    /** Without {@code convert_classic_histograms_to_nhcb} (its default, false). */
    public GlobalConfig(Duration scrapeInterval, Duration scrapeTimeout, List<String> scrapeProtocols, Duration evaluationInterval,
                        Duration ruleQueryOffset, Labels externalLabels, String queryLogFile, ScrapeLimits limits) {
        this(scrapeInterval, scrapeTimeout, scrapeProtocols, evaluationInterval, ruleQueryOffset, externalLabels, queryLogFile, limits, false);
    }
}
