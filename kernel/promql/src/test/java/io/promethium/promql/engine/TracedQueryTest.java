package io.promethium.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.promethium.api.model.Labels;
import io.promethium.promql.engine.testing.InMemoryStorage;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.internal.RecordingTracer;
import org.junit.jupiter.api.Test;

/**
 * The spans of a query's stages, named and nested as Prometheus's engine makes them, recorded in
 * memory by the tracing bundle's tracer over the OpenTelemetry SDK.
 */
class TracedQueryTest {

    private static InMemoryStorage counters() {
        InMemoryStorage storage = new InMemoryStorage();
        for (int s = 0; s < 4; s++) {
            Labels labels = Labels.of("__name__", "x_total", "job", "j" + (s % 2), "instance", "i" + s);
            for (int i = 0; i <= 20; i++) {
                storage.add(labels, i * 60_000L, i * (s + 1));
            }
        }
        return storage;
    }

    private static String string(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    private static Long number(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.longKey(key));
    }

    private static void assertChild(SpanData child, SpanData parent) {
        assertThat(child.getParentSpanId()).as(child.getName() + " under " + parent.getName()).isEqualTo(parent.getSpanId());
    }

    @Test
    void aRangeQueryRecordsItsStagesUnderPromqlExecAndTheStatementOnTheCallersSpan() {
        try (RecordingTracer recording = new RecordingTracer()) {
            QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS, recording.tracer());
            try (TraceSpan request = recording.tracer().start("GET /api/v1/query_range")) {
                QueryResult r = engine.rangeQuery(counters(), "sum by (job) (rate(x_total[5m]))", 600_000, 1_200_000, 60_000);
                assertThat(((RangeMatrix) r.value()).series()).hasSize(2);
            }
            SpanData request = recording.span("GET /api/v1/query_range");
            SpanData exec = recording.span("promqlExec");
            SpanData eval = recording.span("promqlEval");
            SpanData inner = recording.span("promqlInnerEval");
            assertThat(string(request, "query")).isEqualTo("EVAL sum by (job) (rate(x_total[5m]))");
            assertChild(exec, request);
            assertChild(recording.span("promqlExecQueue"), exec);
            assertChild(eval, exec);
            assertChild(recording.span("promqlPrepare"), eval);
            assertChild(inner, eval);
            assertChild(recording.span("promqlSort"), eval);

            SpanData sum = recording.span("promqlInnerEval eval *parser.AggregateExpr");
            SpanData rate = recording.span("promqlInnerEval eval *parser.Call");
            assertChild(sum, inner);
            assertChild(rate, sum);
            assertThat(string(sum, "operation")).isEqualTo("sum by (job) ");
            assertThat(string(rate, "operation")).isEqualTo("rate");

            // The storage is opened and read while the selector is evaluated, so both are under the node that reads it.
            SpanData select = recording.span("querierSelect");
            assertThat(string(select, "selector")).isEqualTo("x_total");
            assertThat(number(select, "start")).isEqualTo(600_000 - 300_000 + 1);
            assertThat(number(select, "end")).isEqualTo(1_200_000);
            assertThat(recording.parent(select).orElseThrow().getName()).startsWith("promqlInnerEval eval ");
            SpanData querier = recording.span("Querier");
            assertThat(number(querier, "maxt")).isEqualTo(1_200_000);
            assertThat(recording.parent(querier).orElseThrow().getName()).startsWith("promqlInnerEval eval ");
        }
    }

    @Test
    void nodeSpansCarryPrometheusShortStringsAndLiteralValues() {
        try (RecordingTracer recording = new RecordingTracer()) {
            QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS, recording.tracer());
            engine.instantQuery(counters(), "max_over_time(x_total[10m:1m] offset 1m) * on (job) group_left () -sum by (job) (x_total)", 1_200_000);
            engine.instantQuery(counters(), "x_total[5m] offset 1m", 1_200_000);
            // A subquery as a range function's argument is read as its matrix (no span of its own, as in Prometheus); alone it has one.
            engine.instantQuery(counters(), "x_total[10m:1m] offset 1m", 1_200_000);
            engine.instantQuery(counters(), "2.5", 1_200_000);
            assertThat(string(recording.span("promqlInnerEval eval *parser.BinaryExpr"), "operation")).isEqualTo("* on (job) group_left ()");
            assertThat(string(recording.span("promqlInnerEval eval *parser.SubqueryExpr"), "operation")).isEqualTo("[10m:1m] offset 1m");
            assertThat(string(recording.span("promqlInnerEval eval *parser.UnaryExpr"), "operation")).isEqualTo("-");
            assertThat(string(recording.span("promqlInnerEval eval *parser.MatrixSelector"), "operation")).isEqualTo("[5m] offset 1m");
            assertThat(recording.span("promqlInnerEval eval *parser.NumberLiteral").getAttributes()
                    .get(AttributeKey.doubleKey("value"))).isEqualTo(2.5);
            // Only a range query's result is sorted.
            assertThat(recording.spans("promqlSort")).isEmpty();
            assertThat(recording.spans("promqlExec")).hasSize(4);
        }
    }

    @Test
    void withTracingOffAQueryRecordsNothing() {
        try (RecordingTracer recording = new RecordingTracer()) {
            recording.off();
            QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS, recording.tracer());
            QueryResult r = engine.rangeQuery(counters(), "sum by (job) (rate(x_total[5m]))", 600_000, 1_200_000, 60_000);
            assertThat(((RangeMatrix) r.value()).series()).hasSize(2);
            assertThat(recording.spans()).isEmpty();
        }
    }
}
