package io.promethium.rules.bench;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.rules.internal.eval.EngineQueryRunner;
import io.promethium.rules.internal.eval.RuleEnvironment;
import io.promethium.rules.internal.eval.RuleGroup;
import io.promethium.rules.internal.file.RuleFileParser;
import io.promethium.rules.internal.storage.MemoryStorage;
import io.promethium.rules.internal.template.Expander;
import io.promethium.templates.QueryFunction;
import io.promethium.templates.Template;
import io.promethium.rules.internal.template.TemplateData;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * What one rule evaluation costs: expanding a typical annotation template, and evaluating a group
 * with an alerting rule over 1,000 firing series (query, templates, state, ALERTS and
 * ALERTS_FOR_STATE written to the in-memory storage). Run {@link #main} for the figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RuleEvalBenchmark {

    private static final int SERIES = 1_000;

    private Template template;
    private TemplateData data;
    private RuleGroup group;
    private long t;

    @Setup
    public void setup() throws Exception {
        template = Expander.parse("__alert_HighLatency",
                "{{ $labels.instance }} of {{ $labels.job }} has latency {{ $value | humanizeDuration }} "
                        + "({{ printf \"%.2f\" $value }}s) in {{ $externalLabels.cluster }}");
        data = new TemplateData(Map.of("instance", "host-17:9100", "job", "node"), Map.of("cluster", "eu1"), "", 1.2345);
        MemoryStorage storage = new MemoryStorage();
        Appender app = storage.appender();
        for (int i = 0; i < SERIES; i++) {
            app.append(0, Labels.of("__name__", "latency_seconds", "instance", "host-" + i, "job", "node"), 0, 1.5);
        }
        app.commit();
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
        RuleEnvironment env = new RuleEnvironment(new EngineQueryRunner(() -> engine, () -> storage), () -> storage,
                alerts -> { }, () -> t, Labels.of("cluster", "eu1"), "http://prom:9090", Duration.ofMinutes(1),
                Duration.ofHours(1), Duration.ofMinutes(10));
        group = new RuleGroup(new RuleFileParser().parse("bench.yml", """
                groups:
                  - name: bench
                    rules:
                      - alert: HighLatency
                        expr: latency_seconds > 1
                        labels:
                          severity: page
                        annotations:
                          summary: "{{ $labels.instance }} of {{ $labels.job }} has latency {{ $value | humanizeDuration }}"
                """).get(0), Duration.ofMinutes(1), Duration.ZERO, env, false);
    }

    @Benchmark
    public String expandTemplate() throws Exception {
        return template.execute(data, QueryFunction.NONE, "");
    }

    /** One evaluation at a fixed time (the query looks back 5 m; samples at equal timestamps are ignored). */
    @Benchmark
    public RuleGroup evaluateAlertingGroupOf1000Series() {
        t = 60_000;
        group.evaluate(t);
        return group;
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(RuleEvalBenchmark.class.getName()).build()).run();
    }
}
