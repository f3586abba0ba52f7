package io.promethium.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.StorageConfig.RetentionRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionRulesConfigTest {

    private static PrometheusConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(new PluginKeys() {
            @Override
            public java.util.Set<String> discoveryTypes() {
                return java.util.Set.of();
            }

            @Override
            public void validateDiscovery(String type, io.promethium.api.config.PluginConfig config) {
            }
        }).parse(Path.of("prometheus.yml"), yaml);
    }

    @Test
    void rulesKeepTheirOrderSelectorAndRetention() throws ConfigException {
        PrometheusConfig config = parse("""
                storage:
                  tsdb:
                    retention_rules:
                      - selector: '{__name__=~"debug_.*"}'
                        retention: 1d
                      - selector: up{job="batch"}
                        retention: 90d
                """);
        List<RetentionRule> rules = config.storage().retentionRules();
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).selector()).isEqualTo("{__name__=~\"debug_.*\"}");
        assertThat(rules.get(0).matchers()).containsExactly("__name__", "=~", "debug_.*");
        assertThat(rules.get(0).retention()).isEqualTo(Duration.ofDays(1));
        assertThat(rules.get(1).matchers()).containsExactly("job", "=", "batch", "__name__", "=", "up");
        assertThat(rules.get(1).retention()).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void noRulesByDefault() throws ConfigException {
        assertThat(parse("global: {}\n").storage().retentionRules()).isEmpty();
    }

    @Test
    void badSelectorIsAnErrorAtItsLine() {
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    retention_rules:
                      - selector: '{__name__=~"debug_.*"'
                        retention: 1d
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:4:")
                .hasMessageContaining("storage.tsdb.retention_rules[0]: selector");
    }

    @Test
    void selectorMatchingEverythingIsRefused() {
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    retention_rules:
                      - selector: '{job=~".*"}'
                        retention: 1d
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:4:")
                .hasMessageContaining("must contain at least one non-empty matcher");
    }

    @Test
    void badDurationIsAnErrorAtItsLine() {
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    retention_rules:
                      - selector: up
                        retention: 1 day
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:5:")
                .hasMessageContaining("retention");
    }

    @Test
    void zeroRetentionIsRefused() {
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    retention_rules:
                      - selector: up
                        retention: 0s
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:5:")
                .hasMessageContaining("retention must be positive");
    }

    @Test
    void unknownKeyInARuleIsAnErrorAtItsLine() {
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    retention_rules:
                      - selector: up
                        retention: 1d
                        resolution: 5m
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:6:")
                .hasMessageContaining("field resolution not found in storage.tsdb.retention_rules[0]");
    }

    @Test
    void missingRetentionIsAnError() {
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    retention_rules:
                      - selector: up
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:4:")
                .hasMessageContaining("retention is required");
    }
}
