package io.promethium.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.MetricNameScheme;
import io.promethium.config.model.MetricNameScheme.Escaping;
import io.promethium.config.model.MetricNameScheme.Validation;
import io.promethium.config.model.PrometheusConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code metric_name_validation_scheme} and {@code metric_name_escaping_scheme} with Prometheus
 * 3's defaults, inheritance and errors ({@code config/config.go}: {@code GlobalConfig},
 * {@code ScrapeConfig.Validate}; {@code model/relabel}: {@code Config.Validate}).
 */
class MetricNameSchemeConfigTest {

    private static PrometheusConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(PluginKeys.NONE).parse(Path.of("prometheus.yml"), yaml);
    }

    private static void assertRejected(String yaml, String location, String meaning) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("prometheus.yml:" + location + ": ").hasMessageContaining(meaning);
    }

    private static MetricNameScheme job(String global, String job) throws ConfigException {
        return parse("global:\n  scrape_interval: 1m\n" + global + "scrape_configs:\n  - job_name: j\n" + job)
                .scrapeConfigs().get(0).metricNames();
    }

    @Test
    void defaultsAreUtf8AndAllowUtf8() throws Exception {
        PrometheusConfig c = parse("scrape_configs:\n  - job_name: j\n");
        assertThat(c.global().metricNames()).isEqualTo(MetricNameScheme.DEFAULT);
        assertThat(c.scrapeConfigs().get(0).metricNames()).isEqualTo(new MetricNameScheme(Validation.UTF8, Escaping.ALLOW_UTF8));
    }

    @Test
    void legacyValidationDefaultsToUnderscoreEscaping() throws Exception {
        assertThat(job("  metric_name_validation_scheme: legacy\n", ""))
                .isEqualTo(new MetricNameScheme(Validation.LEGACY, Escaping.UNDERSCORES));
        assertThat(job("", "    metric_name_validation_scheme: legacy\n"))
                .isEqualTo(new MetricNameScheme(Validation.LEGACY, Escaping.UNDERSCORES));
    }

    @Test
    void aJobInheritsTheGlobalSchemesItDoesNotSet() throws Exception {
        assertThat(job("  metric_name_escaping_scheme: dots\n", ""))
                .isEqualTo(new MetricNameScheme(Validation.UTF8, Escaping.DOTS));
        // A job that writes only its validation scheme takes that scheme's default escaping.
        assertThat(job("  metric_name_escaping_scheme: values\n", "    metric_name_validation_scheme: utf8\n"))
                .isEqualTo(new MetricNameScheme(Validation.UTF8, Escaping.ALLOW_UTF8));
        assertThat(job("  metric_name_validation_scheme: legacy\n",
                "    metric_name_validation_scheme: utf8\n    metric_name_escaping_scheme: allow-utf-8\n"))
                .isEqualTo(MetricNameScheme.DEFAULT);
    }

    @Test
    void unknownOrContradictorySchemesAreRefusedAtTheKey() {
        assertRejected("global:\n  metric_name_validation_scheme: ascii\n", "2:3",
                "unknown name validation method specified, must be either '', 'legacy' or 'utf8', got \"ascii\"");
        assertRejected("scrape_configs:\n  - job_name: j\n    metric_name_escaping_scheme: dashes\n", "3:5",
                "must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got \"dashes\"");
        assertRejected("global:\n  metric_name_validation_scheme: legacy\n  metric_name_escaping_scheme: allow-utf-8\n", "3:3",
                "utf8 metric names requested but validation scheme is not set to UTF8");
        assertRejected("scrape_configs:\n  - job_name: j\n    metric_name_validation_scheme: legacy\n"
                        + "    metric_name_escaping_scheme: allow-utf-8\n", "4:5",
                "utf8 metric names requested but validation scheme is not set to UTF8");
    }

    @Test
    void legacyValidationAppliesToRelabelTargetsAndExternalLabels() throws Exception {
        String rule = "scrape_configs:\n  - job_name: j\n    metric_name_validation_scheme: %s\n"
                + "    relabel_configs:\n      - {source_labels: [a], target_label: %s}\n";
        parse(rule.formatted("utf8", "\"a.b\""));
        assertRejected(rule.formatted("legacy", "\"a.b\""), "5:9", "\"a.b\" is invalid 'target_label' for replace action");
        parse(rule.formatted("legacy", "\"x_${1}_$2\""));
        assertRejected(rule.formatted("legacy", "\"1_$1\""), "5:9", "is invalid 'target_label'");
        String labelmap = "scrape_configs:\n  - job_name: j\n    metric_name_validation_scheme: legacy\n"
                + "    metric_relabel_configs:\n      - {action: labelmap, regex: 'x_(.*)', replacement: '%s'}\n";
        parse(labelmap.formatted("y_$1"));
        assertRejected(labelmap.formatted("y.$1"), "5:9", "\"y.$1\" is invalid 'replacement' for labelmap action");
        // Remote write and alerting relabel by the global scheme.
        assertRejected("global:\n  metric_name_validation_scheme: legacy\nalerting:\n  alert_relabel_configs:\n"
                + "    - {action: lowercase, source_labels: [a], target_label: \"a-b\"}\n", "5:7", "is invalid 'target_label' for lowercase action");
        assertRejected("global:\n  metric_name_validation_scheme: legacy\n  external_labels:\n    \"dc.name\": x\n", "4:5",
                "\"dc.name\" is not a valid label name");
        assertThat(parse("global:\n  external_labels:\n    \"dc.name\": x\n").global().externalLabels().get("dc.name")).isEqualTo("x");
    }

    @Test
    void legacyTargetTemplatesDoNotBacktrackForever() {
        String target = "a".repeat(5000) + "!";
        assertRejected("global:\n  metric_name_validation_scheme: legacy\nscrape_configs:\n  - job_name: j\n"
                + "    relabel_configs:\n      - {source_labels: [a], target_label: \"$x" + target + "\"}\n", "6:9", "is invalid 'target_label'");
    }

    /** Owns otlp and remote_write as their bundles do; remote_write compiles its write_relabel_configs. */
    private static final PluginKeys OWNERS = new PluginKeys() {
        @Override
        public java.util.Set<String> discoveryTypes() {
            return java.util.Set.of();
        }

        @Override
        public void validateDiscovery(String type, io.promethium.api.config.PluginConfig config) {
        }

        @Override
        public java.util.Set<String> sectionKeys() {
            return java.util.Set.of("otlp", "remote_write");
        }

        @Override
        public void validateSection(String key, java.util.List<io.promethium.api.config.PluginConfig> entries,
                io.promethium.api.config.SectionContext context) throws ConfigException {
            if (key.equals("remote_write")) {
                for (var entry : entries) {
                    context.relabeling(entry, "write_relabel_configs");
                }
            }
        }
    };

    @Test
    void underGlobalLegacyValidationUtf8OtlpStrategiesAndRemoteWriteTargetsAreRefused() throws Exception {
        String legacy = "global:\n  metric_name_validation_scheme: legacy\n";
        ConfigLoader loader = new ConfigLoader(OWNERS);
        Path file = Path.of("prometheus.yml");
        assertThatThrownBy(() -> loader.parse(file, legacy + "otlp:\n  translation_strategy: NoUTF8EscapingWithSuffixes\n"))
                .hasMessageStartingWith("prometheus.yml:4:3: ")
                .hasMessageContaining("OTLP translation strategy \"NoUTF8EscapingWithSuffixes\" is not allowed when UTF8 is disabled");
        loader.parse(file, legacy + "otlp:\n  translation_strategy: UnderscoreEscapingWithSuffixes\n");
        loader.parse(file, "otlp:\n  translation_strategy: NoTranslation\n");
        String rw = "remote_write:\n  - url: http://x\n    write_relabel_configs:\n      - {source_labels: [a], target_label: \"a.b\"}\n";
        loader.parse(file, rw);
        assertThatThrownBy(() -> loader.parse(file, legacy + rw)).hasMessageContaining("\"a.b\" is invalid 'target_label' for replace action");
    }
}
