package io.promethium.promql.engine.internal.osgi;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.testing.InMemoryStorage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryEngineComponentTest {

    @Test
    void configurationPropertiesSetTheOptions() {
        EngineOptions o = QueryEngineComponent.options(Map.of("lookbackDelta", "1m", "timeout", "30s", "maxConcurrency", "4",
                "maxSamples", "1000"));
        assertThat(o).isEqualTo(new EngineOptions(Duration.ofMinutes(1), Duration.ofSeconds(30), 4, 1000));
    }

    @Test
    void missingPropertiesKeepTheDefaults() {
        assertThat(QueryEngineComponent.options(Map.of())).isEqualTo(EngineOptions.DEFAULTS);
    }

    @Test
    void badValueNamesTheFlagAndValue() {
        assertThatThrownBy(() -> QueryEngineComponent.options(Map.of("maxSamples", "lots")))
                .hasMessageContaining("--query.max-samples").hasMessageContaining("lots");
        assertThatThrownBy(() -> QueryEngineComponent.options(Map.of("timeout", "soon")))
                .hasMessageContaining("--query.timeout").hasMessageContaining("soon");
    }

    @Test
    void enableFeatureFlagKeepsTheEngineFeaturesOnly() {
        assertThat(QueryEngineComponent.features(" promql-experimental-functions,exemplar-storage, promql-delayed-name-removal"))
                .containsExactly(EngineOptions.DELAYED_NAME_REMOVAL, EngineOptions.EXPERIMENTAL_FUNCTIONS);
        assertThat(QueryEngineComponent.features(null)).isEmpty();
        assertThat(QueryEngineComponent.features("")).isEmpty();
    }

    @Test
    void experimentalFunctionsAreRefusedUnlessEnabled() {
        QueryEngine off = QueryEngine.create(EngineOptions.DEFAULTS);
        assertThatThrownBy(() -> off.instantQuery(new InMemoryStorage(), "sort_by_label(vector(1), \"a\")", 0))
                .hasMessageContaining("function \"sort_by_label\" is not enabled");
        assertThatThrownBy(() -> off.instantQuery(new InMemoryStorage(),
                io.promethium.promql.parser.PromQLParser.parseExpr("limitk(1, vector(1))"), 0))
                .hasMessageContaining("--enable-feature=promql-experimental-functions");
        QueryEngine on = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(java.util.Set.of(EngineOptions.EXPERIMENTAL_FUNCTIONS)));
        assertThat(on.instantQuery(new InMemoryStorage(), "sort_by_label(vector(1), \"a\")", 0).value().toString()).contains("1");
    }

    @Test
    void anchoredAndSmoothedNeedTheExtendedRangeSelectorsFeature() {
        InMemoryStorage storage = new InMemoryStorage();
        for (int i = 0; i < 5; i++) {
            storage.add(io.promethium.api.model.Labels.of("__name__", "c"), i * 60_000L, i);
        }
        QueryEngine off = QueryEngine.create(EngineOptions.DEFAULTS);
        assertThatThrownBy(() -> off.instantQuery(storage, "increase(c[2m] anchored)", 240_000))
                .hasMessageContaining("--enable-feature=promql-extended-range-selectors");
        QueryEngine on = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(java.util.Set.of(EngineOptions.EXTENDED_RANGE_SELECTORS)));
        assertThat(((io.promethium.promql.engine.InstantVector) on.instantQuery(storage, "increase(c[2m] anchored)", 240_000).value())
                .samples()).singleElement().satisfies(s -> assertThat(s.v()).isEqualTo(2.0));
        assertThatThrownBy(() -> on.instantQuery(storage, "max_over_time(c[2m] anchored)", 240_000))
                .hasMessage("anchored modifier can only be used with: changes, delta, increase, rate, resets - not with max_over_time");
    }

    @Test
    void serviceLoaderFindsTheEngine() {
        assertThat(ServiceLoader.load(QueryEngine.class).findFirst()).get().isInstanceOf(QueryEngineComponent.class);
    }

    @Test
    void queryFlagsFromTheFrameworkPropertiesSetTheEngineOptions() {
        Map<String, String> framework = Map.of("promethium.flag.query.lookback-delta", "1m", "promethium.flag.query.timeout", "30s",
                "promethium.flag.query.max-concurrency", "3", "promethium.flag.query.max-samples", "1000");
        var options = QueryEngineComponent.options(QueryEngineComponent.flags(framework::get));
        assertThat(options.lookbackDelta()).isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(options.timeout()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(options.maxSamples()).isEqualTo(1000);
        assertThat(QueryEngineComponent.options(QueryEngineComponent.flags(name -> null)))
                .isEqualTo(io.promethium.promql.engine.EngineOptions.DEFAULTS);
    }

    @Test
    void selfMetricsCountQueriesByPrometheusNames() {
        QueryEngineComponent component = new QueryEngineComponent(Map.of("maxConcurrency", "7"));
        component.instantQuery(new InMemoryStorage(), "1 + 1", 0);
        List<String> lines = new ArrayList<>();
        component.collect(new MetricWriter() {
            @Override
            public void family(String name, MetricType type, String help, String unit) {
                lines.add("# " + name + " " + type);
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                lines.add(name + labels + " " + value);
            }
        });
        assertThat(lines).contains("# prometheus_engine_queries GAUGE", "prometheus_engine_queries{} 0.0",
                "prometheus_engine_queries_concurrent_max{} 7.0",
                "prometheus_engine_query_duration_seconds_count{slice=\"inner_eval\"} 1.0");
    }

    @Test
    void selfMetricsReportTheParseCacheEntriesAndTheirEstimatedBytes() {
        QueryEngineComponent component = new QueryEngineComponent(Map.of());
        component.instantQuery(new InMemoryStorage(), "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))", 0);
        component.instantQuery(new InMemoryStorage(), "1 + 1", 0);
        Map<String, Double> values = new java.util.HashMap<>();
        component.collect(new MetricWriter() {
            @Override
            public void family(String name, MetricType type, String help, String unit) {
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                values.put(name, value);
            }
        });
        assertThat(values).containsEntry("promethium_engine_query_parse_cache_entries", 2.0);
        // Two texts, a selector with a regex matcher, a few nodes: hundreds of bytes, not megabytes.
        assertThat(values.get("promethium_engine_query_parse_cache_bytes")).isBetween(500.0, 10_000.0);
    }
}
