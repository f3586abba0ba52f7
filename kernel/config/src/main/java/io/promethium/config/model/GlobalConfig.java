package io.promethium.config.model;

import io.promethium.api.model.Labels;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The {@code global:} section. Limits of 0 mean "no limit", as in Prometheus. */
public record GlobalConfig(
        Duration scrapeInterval,
        Duration scrapeTimeout,
        List<String> scrapeProtocols,
        Duration evaluationInterval,
        Duration ruleQueryOffset,
        Labels externalLabels,
        String queryLogFile,
        ScrapeLimits limits) {

    /** Prometheus's default protocol preference. */
    public static final List<String> DEFAULT_SCRAPE_PROTOCOLS =
            List.of("OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0", "PrometheusText0.0.4");

    public static final GlobalConfig DEFAULT = new GlobalConfig(Duration.ofMinutes(1), Duration.ofSeconds(10),
            DEFAULT_SCRAPE_PROTOCOLS, Duration.ofMinutes(1), Duration.ZERO, Labels.EMPTY, "", ScrapeLimits.NONE);

    public GlobalConfig {
        Objects.requireNonNull(scrapeInterval, "scrapeInterval is null");
        Objects.requireNonNull(scrapeTimeout, "scrapeTimeout is null");
        scrapeProtocols = List.copyOf(scrapeProtocols);
        Objects.requireNonNull(evaluationInterval, "evaluationInterval is null");
        Objects.requireNonNull(ruleQueryOffset, "ruleQueryOffset is null");
        Objects.requireNonNull(externalLabels, "externalLabels is null");
        queryLogFile = queryLogFile == null ? "" : queryLogFile;
        Objects.requireNonNull(limits, "limits is null");
    }
}
