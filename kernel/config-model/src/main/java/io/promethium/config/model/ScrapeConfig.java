package io.promethium.config.model;

import io.promethium.api.config.PluginConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of {@code scrape_configs:}, with global defaults applied.
 *
 * @param discoveryConfigs blocks under plugin-owned {@code <type>_sd_configs} keys, in file order
 * @param extraScrapeMetrics {@code extra_scrape_metrics} (the global one when the job does not set
 *                           it), or null when set nowhere: the scrape bundle's default applies
 * @param metricNames {@code metric_name_validation_scheme} and {@code metric_name_escaping_scheme}
 *                    (the global ones when the job sets neither)
 * @param directory the folder its relative paths (files of its HTTP client and discovery blocks)
 *                  resolve against when not the main config file's: that of the
 *                  {@code scrape_config_files} file it was read from, as Prometheus's; null for
 *                  one of the main file (since 2.4)
 */
public record ScrapeConfig(
        String jobName,
        Duration scrapeInterval,
        Duration scrapeTimeout,
        List<String> scrapeProtocols,
        String fallbackScrapeProtocol,
        String metricsPath,
        String scheme,
        Map<String, List<String>> params,
        boolean honorLabels,
        boolean honorTimestamps,
        boolean trackTimestampsStaleness,
        boolean enableCompression,
        HttpClientConfig httpClient,
        ScrapeLimits limits,
        List<StaticConfig> staticConfigs,
        List<PluginConfig> discoveryConfigs,
        List<RelabelConfig> relabelConfigs,
        List<RelabelConfig> metricRelabelConfigs,
        HistogramScrapeSettings histograms,
        Boolean extraScrapeMetrics,
        MetricNameScheme metricNames,
        Path directory) {

    /** A scrape config of the main config file (no {@link #directory() directory} of its own). */
    public ScrapeConfig(String jobName, Duration scrapeInterval, Duration scrapeTimeout, List<String> scrapeProtocols,
                        String fallbackScrapeProtocol, String metricsPath, String scheme, Map<String, List<String>> params,
                        boolean honorLabels, boolean honorTimestamps, boolean trackTimestampsStaleness, boolean enableCompression,
                        HttpClientConfig httpClient, ScrapeLimits limits, List<StaticConfig> staticConfigs,
                        List<PluginConfig> discoveryConfigs, List<RelabelConfig> relabelConfigs, List<RelabelConfig> metricRelabelConfigs,
                        HistogramScrapeSettings histograms, Boolean extraScrapeMetrics, MetricNameScheme metricNames) {
        this(jobName, scrapeInterval, scrapeTimeout, scrapeProtocols, fallbackScrapeProtocol, metricsPath, scheme, params, honorLabels,
                honorTimestamps, trackTimestampsStaleness, enableCompression, httpClient, limits, staticConfigs, discoveryConfigs,
                relabelConfigs, metricRelabelConfigs, histograms, extraScrapeMetrics, metricNames, null);
    }

    /** A scrape config with Prometheus 3's default name schemes (UTF-8, {@code allow-utf-8}). */
    public ScrapeConfig(String jobName, Duration scrapeInterval, Duration scrapeTimeout, List<String> scrapeProtocols,
                        String fallbackScrapeProtocol, String metricsPath, String scheme, Map<String, List<String>> params,
                        boolean honorLabels, boolean honorTimestamps, boolean trackTimestampsStaleness, boolean enableCompression,
                        HttpClientConfig httpClient, ScrapeLimits limits, List<StaticConfig> staticConfigs,
                        List<PluginConfig> discoveryConfigs, List<RelabelConfig> relabelConfigs, List<RelabelConfig> metricRelabelConfigs,
                        HistogramScrapeSettings histograms, Boolean extraScrapeMetrics) {
        this(jobName, scrapeInterval, scrapeTimeout, scrapeProtocols, fallbackScrapeProtocol, metricsPath, scheme, params, honorLabels,
                honorTimestamps, trackTimestampsStaleness, enableCompression, httpClient, limits, staticConfigs, discoveryConfigs,
                relabelConfigs, metricRelabelConfigs, histograms, extraScrapeMetrics, MetricNameScheme.DEFAULT);
    }

    /** A scrape config without {@code extra_scrape_metrics} (not set). */
    public ScrapeConfig(String jobName, Duration scrapeInterval, Duration scrapeTimeout, List<String> scrapeProtocols,
                        String fallbackScrapeProtocol, String metricsPath, String scheme, Map<String, List<String>> params,
                        boolean honorLabels, boolean honorTimestamps, boolean trackTimestampsStaleness, boolean enableCompression,
                        HttpClientConfig httpClient, ScrapeLimits limits, List<StaticConfig> staticConfigs,
                        List<PluginConfig> discoveryConfigs, List<RelabelConfig> relabelConfigs, List<RelabelConfig> metricRelabelConfigs,
                        HistogramScrapeSettings histograms) {
        this(jobName, scrapeInterval, scrapeTimeout, scrapeProtocols, fallbackScrapeProtocol, metricsPath, scheme, params, honorLabels,
                honorTimestamps, trackTimestampsStaleness, enableCompression, httpClient, limits, staticConfigs, discoveryConfigs,
                relabelConfigs, metricRelabelConfigs, histograms, null);
    }

    /** A scrape config with Prometheus's default native histogram settings. */
    public ScrapeConfig(String jobName, Duration scrapeInterval, Duration scrapeTimeout, List<String> scrapeProtocols,
                        String fallbackScrapeProtocol, String metricsPath, String scheme, Map<String, List<String>> params,
                        boolean honorLabels, boolean honorTimestamps, boolean trackTimestampsStaleness, boolean enableCompression,
                        HttpClientConfig httpClient, ScrapeLimits limits, List<StaticConfig> staticConfigs,
                        List<PluginConfig> discoveryConfigs, List<RelabelConfig> relabelConfigs, List<RelabelConfig> metricRelabelConfigs) {
        this(jobName, scrapeInterval, scrapeTimeout, scrapeProtocols, fallbackScrapeProtocol, metricsPath, scheme, params, honorLabels,
                honorTimestamps, trackTimestampsStaleness, enableCompression, httpClient, limits, staticConfigs, discoveryConfigs,
                relabelConfigs, metricRelabelConfigs, HistogramScrapeSettings.DEFAULT);
    }

    public ScrapeConfig {
        Objects.requireNonNull(jobName, "jobName is null");
        Objects.requireNonNull(scrapeInterval, "scrapeInterval is null");
        Objects.requireNonNull(scrapeTimeout, "scrapeTimeout is null");
        scrapeProtocols = List.copyOf(scrapeProtocols);
        fallbackScrapeProtocol = fallbackScrapeProtocol == null ? "" : fallbackScrapeProtocol;
        Objects.requireNonNull(metricsPath, "metricsPath is null");
        Objects.requireNonNull(scheme, "scheme is null");
        params = Map.copyOf(params);
        Objects.requireNonNull(httpClient, "httpClient is null");
        Objects.requireNonNull(limits, "limits is null");
        staticConfigs = List.copyOf(staticConfigs);
        discoveryConfigs = List.copyOf(discoveryConfigs);
        relabelConfigs = List.copyOf(relabelConfigs);
        metricRelabelConfigs = List.copyOf(metricRelabelConfigs);
        histograms = histograms == null ? HistogramScrapeSettings.DEFAULT : histograms;
        metricNames = metricNames == null ? MetricNameScheme.DEFAULT : metricNames;
    }

    /** The folder its relative paths resolve against: its {@link #directory()}, else {@code mainDirectory}. */
    public Path directoryOr(Path mainDirectory) {
        return directory == null ? mainDirectory : directory;
    }

    /** This scrape config read from a file in {@code folder}. */
    public ScrapeConfig withDirectory(Path folder) {
        return new ScrapeConfig(jobName, scrapeInterval, scrapeTimeout, scrapeProtocols, fallbackScrapeProtocol, metricsPath, scheme,
                params, honorLabels, honorTimestamps, trackTimestampsStaleness, enableCompression, httpClient, limits, staticConfigs,
                discoveryConfigs, relabelConfigs, metricRelabelConfigs, histograms, extraScrapeMetrics, metricNames, folder);
    }
}
