package io.promethium.scrape.internal;

import io.promethium.api.config.PluginConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.RelabelConfig;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.ScrapeLimits;
import io.promethium.config.model.StaticConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Scrape configs for tests: Prometheus defaults, changed one field at a time. */
final class Configs {

    private Configs() {
    }

    static ScrapeConfig job(String name) {
        return new ScrapeConfig(name, Duration.ofMinutes(1), Duration.ofSeconds(10), GlobalConfig.DEFAULT_SCRAPE_PROTOCOLS,
                "", "/metrics", "http", Map.of(), false, true, false, true, HttpClientConfig.DEFAULT, ScrapeLimits.NONE,
                List.of(), List.of(), List.of(), List.of());
    }

    static ScrapeConfig withMetricNames(ScrapeConfig c, io.promethium.config.model.MetricNameScheme names) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                c.metricsPath(), c.scheme(), c.params(), c.honorLabels(), c.honorTimestamps(), c.trackTimestampsStaleness(),
                c.enableCompression(), c.httpClient(), c.limits(), c.staticConfigs(), c.discoveryConfigs(),
                c.relabelConfigs(), c.metricRelabelConfigs(), c.histograms(), c.extraScrapeMetrics(), names);
    }

    static ScrapeConfig withTiming(ScrapeConfig c, Duration interval, Duration timeout) {
        return new ScrapeConfig(c.jobName(), interval, timeout, c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                c.metricsPath(), c.scheme(), c.params(), c.honorLabels(), c.honorTimestamps(), c.trackTimestampsStaleness(),
                c.enableCompression(), c.httpClient(), c.limits(), c.staticConfigs(), c.discoveryConfigs(),
                c.relabelConfigs(), c.metricRelabelConfigs());
    }

    static ScrapeConfig withHistograms(ScrapeConfig c, io.promethium.config.model.HistogramScrapeSettings h) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                c.metricsPath(), c.scheme(), c.params(), c.honorLabels(), c.honorTimestamps(), c.trackTimestampsStaleness(),
                c.enableCompression(), c.httpClient(), c.limits(), c.staticConfigs(), c.discoveryConfigs(),
                c.relabelConfigs(), c.metricRelabelConfigs(), h);
    }

    static ScrapeConfig withExtraScrapeMetrics(ScrapeConfig c, Boolean extra) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                c.metricsPath(), c.scheme(), c.params(), c.honorLabels(), c.honorTimestamps(), c.trackTimestampsStaleness(),
                c.enableCompression(), c.httpClient(), c.limits(), c.staticConfigs(), c.discoveryConfigs(),
                c.relabelConfigs(), c.metricRelabelConfigs(), c.histograms(), extra);
    }

    static ScrapeConfig withMetricsPath(ScrapeConfig c, String metricsPath) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                metricsPath, c.scheme(), c.params(), c.honorLabels(), c.honorTimestamps(), c.trackTimestampsStaleness(),
                c.enableCompression(), c.httpClient(), c.limits(), c.staticConfigs(), c.discoveryConfigs(),
                c.relabelConfigs(), c.metricRelabelConfigs());
    }

    static ScrapeConfig withParams(ScrapeConfig c, Map<String, List<String>> params) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                c.metricsPath(), c.scheme(), params, c.honorLabels(), c.honorTimestamps(), c.trackTimestampsStaleness(),
                c.enableCompression(), c.httpClient(), c.limits(), c.staticConfigs(), c.discoveryConfigs(),
                c.relabelConfigs(), c.metricRelabelConfigs());
    }

    static ScrapeConfig withHonor(ScrapeConfig c, boolean honorLabels, boolean honorTimestamps) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                c.metricsPath(), c.scheme(), c.params(), honorLabels, honorTimestamps, c.trackTimestampsStaleness(),
                c.enableCompression(), c.httpClient(), c.limits(), c.staticConfigs(), c.discoveryConfigs(),
                c.relabelConfigs(), c.metricRelabelConfigs());
    }

    static ScrapeConfig withHttp(ScrapeConfig c, HttpClientConfig http) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                c.metricsPath(), c.scheme(), c.params(), c.honorLabels(), c.honorTimestamps(), c.trackTimestampsStaleness(),
                c.enableCompression(), http, c.limits(), c.staticConfigs(), c.discoveryConfigs(),
                c.relabelConfigs(), c.metricRelabelConfigs());
    }

    static ScrapeConfig withLimits(ScrapeConfig c, ScrapeLimits limits) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                c.metricsPath(), c.scheme(), c.params(), c.honorLabels(), c.honorTimestamps(), c.trackTimestampsStaleness(),
                c.enableCompression(), c.httpClient(), limits, c.staticConfigs(), c.discoveryConfigs(),
                c.relabelConfigs(), c.metricRelabelConfigs());
    }

    static ScrapeConfig withTargets(ScrapeConfig c, List<StaticConfig> statics, List<PluginConfig> discovery) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                c.metricsPath(), c.scheme(), c.params(), c.honorLabels(), c.honorTimestamps(), c.trackTimestampsStaleness(),
                c.enableCompression(), c.httpClient(), c.limits(), statics, discovery,
                c.relabelConfigs(), c.metricRelabelConfigs());
    }

    static ScrapeConfig withRelabel(ScrapeConfig c, List<RelabelConfig> relabel, List<RelabelConfig> metricRelabel) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(), c.fallbackScrapeProtocol(),
                c.metricsPath(), c.scheme(), c.params(), c.honorLabels(), c.honorTimestamps(), c.trackTimestampsStaleness(),
                c.enableCompression(), c.httpClient(), c.limits(), c.staticConfigs(), c.discoveryConfigs(),
                relabel, metricRelabel);
    }

    static RelabelConfig relabel(RelabelAction action, List<String> sources, String regex, String target, String replacement) {
        return new RelabelConfig(sources, ";", regex, RelabelConfig.compile(regex), 0, target, replacement, action);
    }
}
