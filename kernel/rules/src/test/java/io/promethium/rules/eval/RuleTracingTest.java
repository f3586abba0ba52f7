package io.promethium.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.promethium.api.model.Labels;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.rules.internal.eval.EngineQueryRunner;
import io.promethium.rules.internal.eval.RuleConcurrency;
import io.promethium.rules.internal.eval.RuleEnvironment;
import io.promethium.rules.internal.eval.RuleGroup;
import io.promethium.rules.internal.file.GroupDef;
import io.promethium.rules.internal.file.RuleFileParser;
import io.promethium.rules.internal.storage.MemoryStorage;
import io.promethium.tracing.internal.RecordingTracer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A group evaluation's spans as Prometheus's rule manager makes them ("rule group", "rule" with
 * the engine's {@code promqlExec} under it, the write's spans), recorded in memory by the tracing
 * bundle's tracer over the OpenTelemetry SDK.
 */
class RuleTracingTest {

    private static final String RULES = """
            groups:
              - name: g
                interval: 1m
                query_offset: 30s
                rules:
                  - record: job:x:sum
                    expr: sum by (job) (x)
                  - alert: Broken
                    expr: x / on() group_left y
            """;

    private final MemoryStorage storage = new MemoryStorage();

    private RuleGroup group(RecordingTracer recording, long now, RuleConcurrency concurrency) throws Exception {
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS, recording.tracer());
        List<GroupDef> defs = new RuleFileParser().parse("rules.yml", RULES);
        RuleEnvironment env = new RuleEnvironment(new EngineQueryRunner(() -> engine, () -> storage), () -> storage, alerts -> { },
                () -> now, Labels.EMPTY, "", Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(10), concurrency,
                recording::tracer);
        return new RuleGroup(defs.get(0), Duration.ofMinutes(1), Duration.ZERO, env, false);
    }

    private void samples() {
        var app = storage.appender();
        app.append(0, Labels.of("__name__", "x", "job", "a", "instance", "1"), 60_000, 1);
        app.append(0, Labels.of("__name__", "x", "job", "a", "instance", "2"), 60_000, 2);
        app.append(0, Labels.of("__name__", "y", "job", "a"), 60_000, 3);
        app.append(0, Labels.of("__name__", "y", "job", "b"), 60_000, 4);
        app.commit();
    }

    private static String string(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    private static Long number(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.longKey(key));
    }

    @Test
    void aGroupEvaluationIsOneTraceWithASpanPerRuleAndTheirQueries() throws Exception {
        samples();
        try (RecordingTracer recording = new RecordingTracer()) {
            // Evaluated 2 s after its slot: the delay shows.
            group(recording, 122_000, RuleConcurrency.SEQUENTIAL).evaluate(120_000);

            SpanData group = recording.span("rule group");
            assertThat(string(group, "name")).isEqualTo("g");
            assertThat(string(group, "file")).isEqualTo("rules.yml");
            assertThat(string(group, "interval")).isEqualTo("1m0s");
            assertThat(string(group, "scheduled")).isEqualTo("1970-01-01T00:02:00Z");
            assertThat(group.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(120_000));
            SpanData delay = recording.span("scheduleDelay");
            assertThat(delay.getParentSpanId()).isEqualTo(group.getSpanId());
            assertThat(delay.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(120_000));

            List<SpanData> rules = recording.spans("rule");
            assertThat(rules).hasSize(2).allSatisfy(r -> assertThat(r.getParentSpanId()).isEqualTo(group.getSpanId()));
            SpanData recorded = rules.stream().filter(r -> "job:x:sum".equals(string(r, "name"))).findFirst().orElseThrow();
            SpanData broken = rules.stream().filter(r -> "Broken".equals(string(r, "name"))).findFirst().orElseThrow();
            assertThat(string(recorded, "group")).isEqualTo("g");
            assertThat(string(recorded, "query_offset")).isEqualTo("30s");
            assertThat(number(recorded, "index")).isEqualTo(0);
            assertThat(number(broken, "index")).isEqualTo(1);
            assertThat(number(recorded, "num_series")).isEqualTo(1);
            // The engine puts the statement on the rule's span and runs its stages under it.
            assertThat(string(recorded, "query")).isEqualTo("EVAL sum by (job) (x)");
            assertThat(recording.spans("promqlExec")).extracting(SpanData::getParentSpanId)
                    .containsExactlyInAnyOrder(recorded.getSpanId(), broken.getSpanId());
            // A failed query: the rule's span says so, nothing is written.
            assertThat(broken.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(broken.getStatus().getDescription()).contains("many-to-many matching not allowed");
            assertThat(recording.spans("ruleAppendResults")).singleElement()
                    .satisfies(s -> assertThat(s.getParentSpanId()).isEqualTo(recorded.getSpanId()));
            assertThat(recording.spans("newAppender")).singleElement()
                    .satisfies(s -> assertThat(s.getParentSpanId()).isEqualTo(recorded.getSpanId()));
            assertThat(recording.spans("ruleCommit")).singleElement()
                    .satisfies(s -> assertThat(s.getParentSpanId()).isEqualTo(recorded.getSpanId()));
            assertThat(recording.spans()).extracting(SpanData::getTraceId).containsOnly(group.getTraceId());
        }
    }

    @Test
    void rulesEvaluatedOnOtherThreadsStayInTheGroupsTrace() throws Exception {
        samples();
        try (RecordingTracer recording = new RecordingTracer()) {
            group(recording, 120_000, new RuleConcurrency(4)).evaluate(120_000);
            SpanData group = recording.span("rule group");
            assertThat(recording.spans("scheduleDelay")).isEmpty();
            assertThat(recording.spans("rule")).hasSize(2)
                    .allSatisfy(r -> assertThat(r.getParentSpanId()).isEqualTo(group.getSpanId()));
        }
    }

    @Test
    void withTracingOffAnEvaluationRecordsNothing() throws Exception {
        samples();
        try (RecordingTracer recording = new RecordingTracer()) {
            recording.off();
            RuleGroup g = group(recording, 120_000, RuleConcurrency.SEQUENTIAL);
            g.evaluate(120_000);
            assertThat(recording.spans()).isEmpty();
            assertThat(g.rules().get(0).lastError()).isEmpty();
        }
    }
}
