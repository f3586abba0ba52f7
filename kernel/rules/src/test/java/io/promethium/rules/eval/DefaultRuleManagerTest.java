package io.promethium.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.config.model.ConfigSections;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.StorageConfig;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.rules.RuleGroupStatus;
import io.promethium.rules.internal.eval.EngineQueryRunner;
import io.promethium.rules.internal.eval.RuleEnvironment;
import io.promethium.rules.internal.manager.DefaultRuleManager;
import io.promethium.rules.internal.storage.MemoryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultRuleManagerTest {

    @TempDir
    Path dir;

    private final MemoryStorage storage = new MemoryStorage();
    private final QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
    private final DefaultRuleManager manager = new DefaultRuleManager(new RuleEnvironment(
            new EngineQueryRunner(() -> engine, () -> storage), () -> storage, alerts -> { },
            System::currentTimeMillis, Labels.EMPTY, "", Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(10)));

    @AfterEach
    void close() {
        manager.close();
    }

    private PrometheusConfig config(String... ruleFiles) {
        return new PrometheusConfig(dir.resolve("prometheus.yml"), GlobalConfig.DEFAULT, List.of(ruleFiles), List.of(),
                AlertingConfig.EMPTY, ConfigSections.NONE, StorageConfig.DEFAULT, "");
    }

    @Test
    void globsAreResolvedAgainstTheConfigFolderInSortedOrder() throws Exception {
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("rules/b.yml"), "groups:\n  - name: b\n    rules:\n      - record: b\n        expr: vector(1)\n");
        Files.writeString(dir.resolve("rules/a.yml"), "groups:\n  - name: a\n    rules:\n      - record: a\n        expr: vector(1)\n");
        Files.writeString(dir.resolve("rules/ignored.txt"), "not rules");
        manager.applyConfig(config("rules/*.yml", "missing/*.yml"));
        assertThat(manager.groups()).extracting(RuleGroupStatus::name).containsExactly("a", "b");
        assertThat(manager.groups().get(0).file()).endsWith("a.yml");
    }

    @Test
    void aBadFileOnReloadKeepsThePreviousRulesRunning() throws Exception {
        Path file = dir.resolve("r.yml");
        Files.writeString(file, "groups:\n  - name: good\n    rules:\n      - alert: A\n        expr: vector(1)\n");
        manager.applyConfig(config("r.yml"));
        Files.writeString(file, "groups:\n  - name: good\n    rules:\n      - alert: A\n        expr: vector(1\n");
        assertThatThrownBy(() -> manager.applyConfig(config("r.yml"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("r.yml:5:").hasMessageContaining("group \"good\", rule 1, \"A\"");
        assertThat(manager.groups()).extracting(RuleGroupStatus::name).containsExactly("good");
        assertThat(manager.groups().get(0).rules().get(0).query()).isEqualTo("vector(1)");
    }

    @Test
    void experimentalPromqlInARuleFileFailsToLoadUnlessItsFeatureIsOn() throws Exception {
        Path file = dir.resolve("r.yml");
        Files.writeString(file, "groups:\n  - name: g\n    rules:\n      - record: sorted\n        expr: sort_by_label(up, \"job\")\n");
        RuleEnvironment env = new RuleEnvironment(new EngineQueryRunner(() -> engine, () -> storage), () -> storage, alerts -> { },
                System::currentTimeMillis, Labels.EMPTY, "", Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(10));
        DefaultRuleManager strict = new DefaultRuleManager(env, io.promethium.promql.parser.ParserOptions.NONE);
        try {
            assertThatThrownBy(() -> strict.applyConfig(config("r.yml"))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("r.yml:5:").hasMessageContaining("function \"sort_by_label\" is not enabled");
            assertThat(strict.groups()).isEmpty();
        } finally {
            strict.close();
        }
        DefaultRuleManager enabled = new DefaultRuleManager(env,
                io.promethium.rules.internal.osgi.RulesComponent.syntax("concurrent-rule-eval, promql-experimental-functions"));
        try {
            enabled.applyConfig(config("r.yml"));
            assertThat(enabled.groups()).extracting(RuleGroupStatus::name).containsExactly("g");
        } finally {
            enabled.close();
        }
    }

    @Test
    void selfMetricsUsePrometheusNamesPerGroup() throws Exception {
        Files.writeString(dir.resolve("r.yml"), "groups:\n  - name: g\n    interval: 15s\n    rules:\n      - record: a\n        expr: vector(1)\n");
        manager.applyConfig(config("r.yml"));
        List<String> lines = new ArrayList<>();
        manager.collect(new MetricWriter() {
            @Override
            public void family(String name, MetricType type, String help, String unit) {
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                lines.add(name + labels + " " + value);
            }
        });
        String key = dir.resolve("r.yml") + ";g";
        assertThat(lines).contains("prometheus_rule_group_interval_seconds{rule_group=\"" + key + "\"} 15.0",
                "prometheus_rule_group_rules{rule_group=\"" + key + "\"} 1.0");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("prometheus_rule_evaluations_total{rule_group="));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("prometheus_rule_evaluation_duration_seconds_count"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("prometheus_rule_evaluation_duration_seconds{quantile=\"0.99\"}"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("prometheus_rule_group_last_duration_seconds{"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("prometheus_rule_evaluation_failures_total{"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("prometheus_rule_group_last_evaluation_timestamp_seconds{"));
    }
}
