package io.promethium.rules.internal.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.config.model.ConfigSections;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.StorageConfig;
import io.promethium.rules.RuleHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesComponentTest {

    @TempDir
    Path dir;

    @Test
    void withoutStorageOrEngineRulesReportTheMissingServiceAndResumeWhenBound() throws Exception {
        Files.writeString(dir.resolve("r.yml"), "groups:\n  - name: g\n    interval: 1s\n    rules:\n      - record: one\n        expr: vector(1)\n");
        RulesComponent component = new RulesComponent();
        try {
            component.applyConfig(new PrometheusConfig(dir.resolve("prometheus.yml"), GlobalConfig.DEFAULT, List.of("r.yml"),
                    List.of(), AlertingConfig.EMPTY, ConfigSections.NONE, StorageConfig.DEFAULT, ""));
            // The group's first evaluation may already have run (a 1 s interval): unknown or failed, never OK.
            assertThat(component.groups()).singleElement().satisfies(g -> assertThat(g.rules().get(0).health())
                    .isIn(RuleHealth.UNKNOWN, RuleHealth.ERR));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (component.groups().get(0).rules().get(0).health() != RuleHealth.ERR && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(component.groups().get(0).rules().get(0).lastError()).isEqualTo("no PromQL engine available");
            io.promethium.rules.internal.storage.MemoryStorage storage = new io.promethium.rules.internal.storage.MemoryStorage();
            component.bindStorage(storage);
            component.bindQueryEngine(io.promethium.promql.engine.QueryEngine.create(
                    io.promethium.promql.engine.EngineOptions.DEFAULTS));
            while (component.groups().get(0).rules().get(0).health() != RuleHealth.OK && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(component.groups().get(0).rules().get(0).health()).isEqualTo(RuleHealth.OK);
            assertThat(storage.seriesCounts()).containsKey(Labels.of("__name__", "one"));
        } finally {
            component.deactivate();
        }
    }
}
