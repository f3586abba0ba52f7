package io.promethium.config.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A whole, validated config file.
 *
 * @param file the file it was loaded from
 * @param sections the top-level lists plugins own ({@code remote_write:}, ...), routed to them
 * @param redactedYaml the file's content with secrets replaced by {@code <secret>}, for the status API
 */
public record PrometheusConfig(
        Path file,
        GlobalConfig global,
        List<String> ruleFiles,
        List<ScrapeConfig> scrapeConfigs,
        AlertingConfig alerting,
        ConfigSections sections,
        StorageConfig storage,
        String redactedYaml) {

    public PrometheusConfig {
        Objects.requireNonNull(global, "global is null");
        ruleFiles = List.copyOf(ruleFiles);
        scrapeConfigs = List.copyOf(scrapeConfigs);
        Objects.requireNonNull(alerting, "alerting is null");
        sections = sections == null ? ConfigSections.NONE : sections;
        Objects.requireNonNull(storage, "storage is null");
        redactedYaml = redactedYaml == null ? "" : redactedYaml;
    }

    public ScrapeConfig scrapeConfig(String jobName) {
        for (ScrapeConfig config : scrapeConfigs) {
            if (config.jobName().equals(jobName)) {
                return config;
            }
        }
        return null;
    }
}
