package io.promethium.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.model.Labels;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.ScrapeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static final Path FILE = Path.of("prometheus.yml");

    private static final PluginKeys FILE_SD = new PluginKeys() {
        @Override
        public Set<String> discoveryTypes() {
            return Set.of("file");
        }

        @Override
        public void validateDiscovery(String type, PluginConfig config) throws ConfigException {
            config.requireOnly(Set.of("files", "refresh_interval"));
            if (config.strings("files").isEmpty()) {
                throw config.error("file_sd_configs: files is required");
            }
        }
    };

    private static PrometheusConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(FILE_SD).parse(FILE, yaml);
    }

    @Test
    void extraScrapeMetricsIsInheritedFromGlobalAndSetPerJobOrLeftUnset() throws Exception {
        PrometheusConfig config = parse("""
                global:
                  extra_scrape_metrics: true
                scrape_configs:
                  - job_name: inherits
                  - job_name: off
                    extra_scrape_metrics: false
                """);
        assertThat(config.global().extraScrapeMetrics()).isTrue();
        assertThat(config.scrapeConfigs().get(0).extraScrapeMetrics()).isTrue();
        assertThat(config.scrapeConfigs().get(1).extraScrapeMetrics()).isFalse();
        PrometheusConfig unset = parse("""
                scrape_configs:
                  - job_name: a
                """);
        assertThat(unset.scrapeConfigs().get(0).extraScrapeMetrics()).as("the feature flag's default applies").isNull();
        assertThatThrownBy(() -> parse("""
                scrape_configs:
                  - job_name: a
                    extra_scrape_metrics: sometimes
                """)).hasMessageContaining("extra_scrape_metrics");
    }

    @Test
    void typicalConfigLoadsWithGlobalDefaultsInherited() throws Exception {
        PrometheusConfig config = parse("""
                global:
                  scrape_interval: 15s
                  evaluation_interval: 30s
                  external_labels:
                    cluster: eu-1
                rule_files:
                  - "rules/*.yml"
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ["localhost:9093"]
                scrape_configs:
                  - job_name: prometheus
                    static_configs:
                      - targets: ["localhost:9090"]
                        labels:
                          env: prod
                  - job_name: node
                    scrape_interval: 5s
                    metrics_path: /probe
                    params:
                      module: [http_2xx]
                    basic_auth:
                      username: admin
                      password: s3cret
                    file_sd_configs:
                      - files: ["targets/*.json"]
                        refresh_interval: 1m
                    relabel_configs:
                      - source_labels: [__address__]
                        regex: "(.*):9100"
                        target_label: host
                      - action: labeldrop
                        regex: tmp_.*
                """);
        assertThat(config.global().scrapeInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.global().externalLabels()).isEqualTo(Labels.of("cluster", "eu-1"));
        assertThat(config.ruleFiles()).containsExactly("rules/*.yml");
        ScrapeConfig prometheus = config.scrapeConfig("prometheus");
        assertThat(prometheus.scrapeInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(prometheus.scrapeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(prometheus.metricsPath()).isEqualTo("/metrics");
        assertThat(prometheus.honorTimestamps()).isTrue();
        assertThat(prometheus.staticConfigs().get(0).labels()).isEqualTo(Labels.of("env", "prod"));
        ScrapeConfig node = config.scrapeConfig("node");
        assertThat(node.scrapeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(node.scrapeTimeout()).as("timeout capped by a shorter interval").isEqualTo(Duration.ofSeconds(5));
        assertThat(node.params()).containsEntry("module", java.util.List.of("http_2xx"));
        assertThat(node.httpClient().basicAuth().password()).isEqualTo("s3cret");
        assertThat(node.discoveryConfigs()).hasSize(1);
        assertThat(node.discoveryConfigs().get(0).key()).isEqualTo("file_sd_configs");
        assertThat(node.discoveryConfigs().get(0).location()).isEqualTo("prometheus.yml:27:9");
        assertThat(node.relabelConfigs()).extracting(r -> r.action()).containsExactly(RelabelAction.REPLACE, RelabelAction.LABELDROP);
        assertThat(node.relabelConfigs().get(0).regex().matcher("host:9100").matches()).isTrue();
        assertThat(config.alerting().alertmanagers()).hasSize(1);
        assertThat(config.redactedYaml()).contains("password: <secret>").doesNotContain("s3cret");
    }

    @Test
    void unknownKeyIsNamedWithItsLine() {
        assertThatThrownBy(() -> parse("""
                global:
                  scrape_interval: 15s
                scrape_configs:
                  - job_name: x
                    scrape_intervall: 10s
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("prometheus.yml:5:5")
                .hasMessageContaining("scrape_intervall");
    }

    @Test
    void wrongTypeIsNamedWithItsLine() {
        assertThatThrownBy(() -> parse("""
                scrape_configs:
                  - job_name: x
                    static_configs:
                      - targets: localhost:9090
                """)).hasMessageContaining("prometheus.yml:4:18").hasMessageContaining("targets");
        assertThatThrownBy(() -> parse("global:\n  scrape_interval: often\n"))
                .hasMessageContaining("prometheus.yml:2:3").hasMessageContaining("often");
    }

    @Test
    void discoveryKeyWithoutPluginIsAnErrorNamingTheKey() {
        assertThatThrownBy(() -> parse("""
                scrape_configs:
                  - job_name: x
                    consul_sd_configs:
                      - server: localhost:8500
                """)).hasMessageContaining("consul_sd_configs").hasMessageContaining("prometheus.yml:3:5");
    }

    @Test
    void pluginValidationErrorCarriesTheBlockLocation() {
        assertThatThrownBy(() -> parse("""
                scrape_configs:
                  - job_name: x
                    file_sd_configs:
                      - refresh_interval: 1m
                """)).hasMessageContaining("prometheus.yml:4:9").hasMessageContaining("files is required");
    }

    @Test
    void timeoutLongerThanIntervalIsRejected() {
        assertThatThrownBy(() -> parse("""
                scrape_configs:
                  - job_name: x
                    scrape_interval: 5s
                    scrape_timeout: 10s
                """)).hasMessageContaining("scrape timeout greater than scrape interval");
    }

    @Test
    void duplicateJobNamesAndBadRegexAndBadActionAreRejected() {
        assertThatThrownBy(() -> parse("scrape_configs:\n  - job_name: a\n  - job_name: a\n"))
                .hasMessageContaining("multiple scrape configs with job name \"a\"");
        assertThatThrownBy(() -> parse("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regex: '('\n"))
                .hasMessageContaining("invalid regex");
        assertThatThrownBy(() -> parse("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: explode\n"))
                .hasMessageContaining("explode");
        assertThatThrownBy(() -> parse("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n        target_label: x\n"))
                .hasMessageContaining("modulus");
    }

    @Test
    void relabelRegexAcceptsRe2NamedGroups() throws Exception {
        PrometheusConfig config = parse("scrape_configs:\n  - job_name: a\n    relabel_configs:\n"
                + "      - source_labels: [__address__]\n        regex: '(?P<host>[^:]+):.*'\n        target_label: host\n");
        assertThat(config.scrapeConfig("a").relabelConfigs().get(0).regex().matcher("db:9100").matches()).isTrue();
    }

    @Test
    void malformedYamlNamesTheLine() {
        assertThatThrownBy(() -> parse("global:\n  scrape_interval: [\n")).hasMessageContaining("prometheus.yml:");
        assertThatThrownBy(() -> parse("global: {}\nglobal: {}\n")).hasMessageContaining("already defined");
    }

    @Test
    void emptyFileIsTheDefaultConfig() throws Exception {
        PrometheusConfig config = parse("");
        assertThat(config.scrapeConfigs()).isEmpty();
        assertThat(config.global().scrapeInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    /** Owns remote_write the way a plugin's ConfigSection does, refusing an entry without url. */
    private static final PluginKeys REMOTE_WRITE_OWNER = new PluginKeys() {
        @Override
        public Set<String> discoveryTypes() {
            return Set.of();
        }

        @Override
        public void validateDiscovery(String type, PluginConfig config) {
        }

        @Override
        public Set<String> sectionKeys() {
            return Set.of("remote_write");
        }

        @Override
        public void validateSection(String key, java.util.List<PluginConfig> entries, io.promethium.api.config.SectionContext context)
                throws ConfigException {
            for (PluginConfig entry : entries) {
                entry.requiredString("url");
                context.relabeling(entry, "write_relabel_configs");
            }
        }
    };

    @Test
    void ownedTopLevelListsAreRoutedToTheirPluginWithRelabelingCompiled() throws Exception {
        PrometheusConfig config = new ConfigLoader(REMOTE_WRITE_OWNER).parse(Path.of("prometheus.yml"), """
                global:
                  external_labels: {replica: a}
                remote_write:
                  - url: http://mimir:9009/api/v1/push
                    queue_config:
                      max_shards: 10
                    write_relabel_configs:
                      - source_labels: [__name__]
                        regex: go_.*
                        action: drop
                storage:
                  tsdb:
                    out_of_order_time_window: 30m
                """);
        PluginConfig entry = config.sections().entries("remote_write").get(0);
        assertThat(entry.string("url", "")).isEqualTo("http://mimir:9009/api/v1/push");
        assertThat(entry.location()).isEqualTo("prometheus.yml:4:5");
        io.promethium.api.config.LabelRewriter rewriter = config.sections().context().relabeling(entry, "write_relabel_configs");
        assertThat(rewriter.rewrite(Labels.of("__name__", "go_goroutines"))).isNull();
        assertThat(rewriter.rewrite(Labels.of("__name__", "up"))).isEqualTo(Labels.of("__name__", "up"));
        assertThat(config.sections().context().externalLabels()).isEqualTo(Labels.of("replica", "a"));
        assertThat(config.storage().outOfOrderTimeWindow()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void badRelabelRuleInAnOwnedSectionIsAnErrorWithItsLocation() {
        assertThatThrownBy(() -> new ConfigLoader(REMOTE_WRITE_OWNER).parse(Path.of("prometheus.yml"), """
                remote_write:
                  - url: http://mimir:9009/api/v1/push
                    write_relabel_configs:
                      - action: nonsense
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("prometheus.yml:4").hasMessageContaining("nonsense");
    }

    @Test
    void topLevelListNoInstalledPluginOwnsIsAnError() {
        assertThatThrownBy(() -> parse("""
                remote_write:
                  - url: http://mimir:9009/api/v1/push
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("remote_write");
    }

    @Test
    void agentModeRefusesRulesAlertingAndRemoteReadButNeedsNoRemoteWrite() throws Exception {
        PluginKeys both = new PluginKeys() {
            @Override
            public Set<String> discoveryTypes() {
                return Set.of();
            }

            @Override
            public void validateDiscovery(String type, PluginConfig config) {
            }

            @Override
            public Set<String> sectionKeys() {
                return Set.of("remote_write", "remote_read");
            }
        };
        ConfigLoader agent = new ConfigLoader(both, true);
        String write = "remote_write:\n  - url: http://vm:8428/api/v1/write\n";
        assertThat(agent.parse(Path.of("a.yml"), write).sections().entries("remote_write")).hasSize(1);
        assertThat(agent.parse(Path.of("a.yml"), "scrape_configs: []\n").scrapeConfigs()).isEmpty();
        assertThatThrownBy(() -> agent.parse(Path.of("a.yml"), write + "rule_files: [r.yml]\n"))
                .hasMessage("a.yml: field rule_files is not allowed in agent mode");
        assertThatThrownBy(() -> agent.parse(Path.of("a.yml"), write + "remote_read:\n  - url: http://x/api/v1/read\n"))
                .hasMessage("a.yml: field remote_read is not allowed in agent mode");
        assertThatThrownBy(() -> agent.parse(Path.of("a.yml"), write + "alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['a:9093']}]\n"))
                .hasMessage("a.yml: field alerting is not allowed in agent mode");
    }
}
