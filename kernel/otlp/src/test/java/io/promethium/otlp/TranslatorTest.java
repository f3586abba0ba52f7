package io.promethium.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.model.StaleMarker;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The translation against the cases of Prometheus's translator tests
 * ({@code storage/remote/otlptranslator/prometheusremotewrite/*_test.go}): names, labels,
 * values, histograms, {@code target_info}, errors.
 */
class TranslatorTest {

    static final long NOW = 1_700_000_000_000L;
    static final long T = NOW * 1_000_000; // nanoseconds
    static final Translator.Options OPTIONS = new Translator.Options(false, false, 300_000, Labels.EMPTY);

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static Resource resource(KeyValue... attrs) {
        return Resource.newBuilder().addAllAttributes(List.of(attrs)).build();
    }

    static ExportMetricsServiceRequest request(Resource resource, Metric... metrics) {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource)
                .addScopeMetrics(ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().setName("lib").setVersion("1.0"))
                        .addAllMetrics(List.of(metrics)))).build();
    }

    static Metric gauge(String name, String unit, double v, KeyValue... attrs) {
        return Metric.newBuilder().setName(name).setUnit(unit).setGauge(Gauge.newBuilder().addDataPoints(
                NumberDataPoint.newBuilder().setTimeUnixNano(T).setAsDouble(v).addAllAttributes(List.of(attrs)))).build();
    }

    static Metric counter(String name, String unit, AggregationTemporality temporality, long v, long startNanos) {
        return Metric.newBuilder().setName(name).setUnit(unit).setSum(Sum.newBuilder().setIsMonotonic(true)
                .setAggregationTemporality(temporality)
                .addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(startNanos).setTimeUnixNano(T).setAsInt(v))).build();
    }

    static RecordingAppender translate(OtlpConfig config, Translator.Options options, ExportMetricsServiceRequest request,
                                       List<String> errors) {
        RecordingAppender app = new RecordingAppender();
        Translator.Result r = new Translator(app, config, options, NOW).translate(request);
        errors.addAll(r.errors());
        return app;
    }

    static RecordingAppender translate(ExportMetricsServiceRequest request) {
        List<String> errors = new java.util.ArrayList<>();
        RecordingAppender app = translate(OtlpConfig.DEFAULT, OPTIONS, request, errors);
        assertEquals(List.of(), errors);
        return app;
    }

    @Test
    void gaugeGetsJobAndInstanceFromTheServiceAndTargetInfoTheOtherAttributes() {
        RecordingAppender app = translate(request(resource(kv("service.name", "svc"), kv("service.namespace", "ns"),
                kv("service.instance.id", "id1"), kv("host.name", "h1")), gauge("mem.usage", "By", 42, kv("state", "used"))));
        assertEquals(List.of("{__name__=\"mem_usage_bytes\", instance=\"id1\", job=\"ns/svc\", state=\"used\"}",
                "{__name__=\"target_info\", host_name=\"h1\", instance=\"id1\", job=\"ns/svc\"}"), app.series());
        RecordingAppender.Sample s = app.of("{__name__=\"mem_usage_bytes\", instance=\"id1\", job=\"ns/svc\", state=\"used\"}").get(0);
        assertEquals(NOW, s.t());
        assertEquals(42.0, s.v());
        assertEquals(MetricType.GAUGE, app.metadata.get(s.labels()).type());
        assertEquals("bytes", app.metadata.get(s.labels()).unit());
        RecordingAppender.Sample info = app.of("{__name__=\"target_info\", host_name=\"h1\", instance=\"id1\", job=\"ns/svc\"}").get(0);
        assertEquals(1.0, info.v());
        assertEquals(NOW, info.t());
    }

    @Test
    void noTargetInfoWithoutOtherAttributesOrWithoutJobAndInstance() {
        assertEquals(List.of("{__name__=\"g\", job=\"svc\"}"), translate(request(resource(kv("service.name", "svc")), gauge("g", "", 1))).series());
        assertEquals(List.of("{__name__=\"g\"}"), translate(request(resource(kv("host.name", "h")), gauge("g", "", 1))).series());
    }

    @Test
    void keepIdentifyingResourceAttributesKeepsThemOnTargetInfo() {
        OtlpConfig keep = new OtlpConfig(false, Set.of(), Set.of(), TranslationStrategy.UnderscoreEscapingWithSuffixes, true, false, false,
                false, false);
        List<String> errors = new java.util.ArrayList<>();
        RecordingAppender app = translate(keep, OPTIONS, request(resource(kv("service.name", "svc"), kv("service.instance.id", "i"),
                kv("host.name", "h")), gauge("g", "", 1)), errors);
        assertTrue(app.series().contains("{__name__=\"target_info\", host_name=\"h\", instance=\"i\", job=\"svc\", service_instance_id=\"i\", "
                + "service_name=\"svc\"}"), app.series().toString());
    }

    @Test
    void targetInfoIsRepeatedEveryHalfLookbackBetweenTheEarliestAndLatestPoint() {
        Metric m = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T - 600_000_000_000L).setAsDouble(1))
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T).setAsDouble(2))).build();
        RecordingAppender app = translate(request(resource(kv("service.name", "svc"), kv("host.name", "h")), m));
        List<Long> ts = app.of("{__name__=\"target_info\", host_name=\"h\", job=\"svc\"}").stream().map(RecordingAppender.Sample::t).toList();
        assertEquals(List.of(NOW - 600_000, NOW - 450_000, NOW - 300_000, NOW - 150_000, NOW), ts);
    }

    @Test
    void monotonicSumGetsTotalAndUnitAndTheStartTimestampOnlyWithTheFeature() {
        long start = T - 60_000_000_000L;
        RecordingAppender plain = translate(request(resource(), counter("http.requests", "s", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, 7, start)));
        assertEquals(List.of(new RecordingAppender.Sample(Labels.of("__name__", "http_requests_seconds_total"), 0, NOW, 7, null)), plain.samples);
        assertEquals(MetricType.COUNTER, plain.metadata.values().iterator().next().type());

        List<String> errors = new java.util.ArrayList<>();
        RecordingAppender created = translate(OtlpConfig.DEFAULT, new Translator.Options(false, true, 300_000, Labels.EMPTY),
                request(resource(), counter("http.requests", "s", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, 7, start)), errors);
        Labels l = Labels.of("__name__", "http_requests_seconds_total");
        assertEquals(List.of(new RecordingAppender.Sample(l, 0, NOW - 60_000, 0, null), new RecordingAppender.Sample(l, NOW - 60_000, NOW, 7, null)),
                created.samples);
    }

    @Test
    void deltaSumIsRefusedWithoutNativeDeltaIngestion() {
        List<String> errors = new java.util.ArrayList<>();
        translate(OtlpConfig.DEFAULT, OPTIONS, request(resource(),
                counter("reqs", "", AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, 3, 0), gauge("ok", "", 1)), errors);
        assertEquals(List.of("invalid temporality and type combination for metric \"reqs\""), errors);

        errors.clear();
        RecordingAppender app = translate(OtlpConfig.DEFAULT, new Translator.Options(true, false, 300_000, Labels.EMPTY), request(resource(),
                counter("reqs", "", AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, 3, 0)), errors);
        assertEquals(List.of(), errors);
        assertEquals(List.of("{__name__=\"reqs_total\"}"), app.series());
    }

    @Test
    void classicHistogramBecomesCumulativeBucketsSumAndCountWithExemplarsByBucket() {
        Exemplar ex = Exemplar.newBuilder().setAsDouble(1.5).setTimeUnixNano(T)
                .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
                .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})).build();
        Metric h = Metric.newBuilder().setName("latency").setUnit("ms").setHistogram(Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(T).setCount(10).setSum(30.5)
                        .addAllExplicitBounds(List.of(0.5, 1.0, 2.5)).addAllBucketCounts(List.of(1L, 2L, 3L, 4L)).addExemplars(ex))).build();
        RecordingAppender app = translate(request(resource(), h));
        assertEquals(30.5, app.of("{__name__=\"latency_milliseconds_sum\"}").get(0).v());
        assertEquals(10.0, app.of("{__name__=\"latency_milliseconds_count\"}").get(0).v());
        assertEquals(1.0, app.of("{__name__=\"latency_milliseconds_bucket\", le=\"0.5\"}").get(0).v());
        assertEquals(3.0, app.of("{__name__=\"latency_milliseconds_bucket\", le=\"1\"}").get(0).v());
        assertEquals(6.0, app.of("{__name__=\"latency_milliseconds_bucket\", le=\"2.5\"}").get(0).v());
        assertEquals(10.0, app.of("{__name__=\"latency_milliseconds_bucket\", le=\"+Inf\"}").get(0).v());
        var exemplars = app.exemplars.get(Labels.of("__name__", "latency_milliseconds_bucket", "le", "2.5"));
        assertEquals(1, exemplars.size());
        assertEquals(Labels.of("span_id", "0102030405060708", "trace_id", "0102030405060708090a0b0c0d0e0f10"), exemplars.get(0).labels());
        assertEquals(NOW, exemplars.get(0).timestamp());
    }

    @Test
    void classicHistogramAsNativeHistogramWithCustomBuckets() {
        OtlpConfig nhcb = new OtlpConfig(false, Set.of(), Set.of(), TranslationStrategy.UnderscoreEscapingWithSuffixes, false, true, false,
                false, false);
        Metric h = Metric.newBuilder().setName("latency").setHistogram(Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(T).setCount(10).setSum(30.5)
                        .addAllExplicitBounds(List.of(0.5, 1.0, 2.5)).addAllBucketCounts(List.of(0L, 2L, 3L, 5L)))).build();
        List<String> errors = new java.util.ArrayList<>();
        RecordingAppender app = translate(nhcb, OPTIONS, request(resource(), h), errors);
        assertEquals(List.of("{__name__=\"latency\"}"), app.series());
        io.promethium.api.model.Histogram got = app.samples.get(0).h();
        assertEquals(io.promethium.api.model.Histogram.CUSTOM_BUCKETS_SCHEMA, got.schema());
        assertArrayEquals(new double[] {0.5, 1.0, 2.5}, got.customValues());
        assertEquals(HistogramSpans.pairs(1, 3), got.positiveSpans());
        assertArrayEquals(new long[] {2, 1, 2}, got.positiveDeltas());
        assertEquals(10, got.count());
    }

    @Test
    void exponentialBucketsLayoutAsPrometheus() {
        // TestConvertBucketsLayout "zero offset", "offset 1" and "positive offset", downscaled 0, 1 and 2 steps.
        List<Long> counts = List.of(4L, 3L, 2L, 1L);
        assertLayout(Translator.layout(counts, 0, 0, true), HistogramSpans.pairs(1, 4), 4, -1, -1, -1);
        assertLayout(Translator.layout(counts, 0, 1, true), HistogramSpans.pairs(1, 2), 7, -4);
        assertLayout(Translator.layout(counts, 0, 2, true), HistogramSpans.pairs(1, 1), 10);
        assertLayout(Translator.layout(counts, 1, 0, true), HistogramSpans.pairs(2, 4), 4, -1, -1, -1);
        assertLayout(Translator.layout(counts, 1, 1, true), HistogramSpans.pairs(1, 3), 4, 1, -4);
        assertLayout(Translator.layout(counts, 1, 2, true), HistogramSpans.pairs(1, 2), 9, -8);
        List<Long> sparse = List.of(4L, 2L, 0L, 2L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L);
        assertLayout(Translator.layout(sparse, 4, 0, true), HistogramSpans.pairs(5, 4, 12, 1), 4, -2, -2, 2, -1);
        assertLayout(Translator.layout(sparse, 4, 1, true), HistogramSpans.pairs(3, 2, 6, 1), 6, -4, -1);
    }

    @Test
    void mergedBucketsAfterAnEmptyMergedBucketKeepTheirPlace() {
        // Pairs merged: (1+1), (0+0), (1+1) are buckets 1, 2, 3 holding 2, 0, 2. Prometheus's
        // convertBucketsLayout gives 2, 1, 1 here (deltas 2, -1, 0): the third pair's first count
        // lands in the empty second bucket. OpenTelemetrySdkShapesTest meets this with the SDK's own data.
        assertLayout(Translator.layout(List.of(1L, 1L, 0L, 0L, 1L, 1L), 0, 1, true), HistogramSpans.pairs(1, 3), 2, -2, 2);
        assertLayout(Translator.layout(List.of(3L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 5L, 1L), 0, 1, true),
                HistogramSpans.pairs(1, 1, 4, 1), 4, 2); // Prometheus: pairs(1, 1, 3, 2), 4, 1, -4
        assertLayout(Translator.layout(List.of(0L, 0L, 2L, 2L), 1, 1, true), HistogramSpans.pairs(1, 3), 0, 2, 0);
    }

    private static void assertLayout(Translator.Layout got, HistogramSpans spans, long... deltas) {
        assertEquals(spans, got.spans());
        assertArrayEquals(deltas, got.deltas());
    }

    @Test
    void exponentialHistogramBecomesANativeHistogramScaledDownAboveSchema8() {
        Metric m = Metric.newBuilder().setName("size").setUnit("By").setExponentialHistogram(ExponentialHistogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T).setScale(9).setCount(12).setSum(100)
                        .setZeroCount(2).setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(0)
                                .addAllBucketCounts(List.of(4L, 3L, 2L, 1L))))).build();
        RecordingAppender app = translate(request(resource(), m));
        io.promethium.api.model.Histogram h = app.of("{__name__=\"size_bytes\"}").get(0).h();
        assertEquals(8, h.schema());
        assertEquals(1e-128, h.zeroThreshold());
        assertEquals(2, h.zeroCount());
        assertEquals(12, h.count());
        assertEquals(100.0, h.sum());
        assertEquals(HistogramSpans.pairs(1, 2), h.positiveSpans());
        assertArrayEquals(new long[] {7, -4}, h.positiveDeltas());
        assertEquals(CounterResetHint.UNKNOWN, h.counterResetHint());
        assertEquals(MetricType.HISTOGRAM, app.metadata.values().iterator().next().type());
    }

    @Test
    void exponentialHistogramBelowSchemaMinus4IsAnError() {
        Metric m = Metric.newBuilder().setName("size").setExponentialHistogram(ExponentialHistogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T).setScale(-5).setCount(1))).build();
        List<String> errors = new java.util.ArrayList<>();
        translate(OtlpConfig.DEFAULT, OPTIONS, request(resource(), m), errors);
        assertEquals(List.of("cannot convert exponential to native histogram. Scale must be >= -4, was -5"), errors);
    }

    @Test
    void summaryBecomesQuantilesSumAndCount() {
        Metric m = Metric.newBuilder().setName("rpc.duration").setUnit("s").setSummary(Summary.newBuilder().addDataPoints(
                SummaryDataPoint.newBuilder().setTimeUnixNano(T).setCount(5).setSum(2.5)
                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(0.4))
                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.99).setValue(1.2)))).build();
        RecordingAppender app = translate(request(resource(), m));
        assertEquals(List.of("{__name__=\"rpc_duration_seconds\", quantile=\"0.5\"}", "{__name__=\"rpc_duration_seconds\", quantile=\"0.99\"}",
                "{__name__=\"rpc_duration_seconds_count\"}", "{__name__=\"rpc_duration_seconds_sum\"}"), app.series());
        assertEquals(1.2, app.of("{__name__=\"rpc_duration_seconds\", quantile=\"0.99\"}").get(0).v());
    }

    @Test
    void noRecordedValueFlagBecomesAStaleMarker() {
        Metric m = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                .setTimeUnixNano(T).setAsDouble(5).setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE))).build();
        RecordingAppender app = translate(request(resource(), m));
        assertTrue(StaleMarker.isStale(app.samples.get(0).v()));
    }

    @Test
    void promotedResourceAttributesBecomeLabelsUnlessThePointHasThem() {
        OtlpConfig promote = new OtlpConfig(false, Set.of("deployment.environment", "region"), Set.of(),
                TranslationStrategy.UnderscoreEscapingWithSuffixes, false, false, false, false, false);
        List<String> errors = new java.util.ArrayList<>();
        RecordingAppender app = translate(promote, OPTIONS, request(resource(kv("deployment.environment", "prod"), kv("region", "eu"),
                kv("other", "x")), gauge("g", "", 1, kv("region", "us"))), errors);
        assertTrue(app.series().contains("{__name__=\"g\", deployment_environment=\"prod\", region=\"us\"}"), app.series().toString());

        OtlpConfig all = new OtlpConfig(true, Set.of(), Set.of("other"), TranslationStrategy.UnderscoreEscapingWithSuffixes, false, false,
                false, false, false);
        app = translate(all, OPTIONS, request(resource(kv("deployment.environment", "prod"), kv("other", "x")), gauge("g", "", 1)), errors);
        assertEquals(List.of("{__name__=\"g\", deployment_environment=\"prod\"}"), app.series());
        assertEquals(List.of(), errors);
    }

    @Test
    void attributesThatSanitizeToTheSameNameHaveTheirValuesJoined() {
        RecordingAppender app = translate(request(resource(), gauge("g", "", 1, kv("a_b", "2"), kv("a.b", "1"))));
        assertEquals(List.of("{__name__=\"g\", a_b=\"1;2\"}"), app.series());
        Translator.Result r = new Translator(new RecordingAppender(), OtlpConfig.DEFAULT, OPTIONS, NOW)
                .translate(request(resource(), gauge("g", "", 1, kv("a_b", "2"), kv("a.b", "1"))));
        assertEquals(List.of(new Translator.Warning("label_name_collision", "OTLP data point attributes \"a.b\", \"a_b\" collide as label "
                + "\"a_b\" after name sanitization, values are concatenated with ';'")), r.warnings());
    }

    @Test
    void utf8StrategiesKeepNamesAsSent() {
        OtlpConfig utf8 = new OtlpConfig(false, Set.of(), Set.of(), TranslationStrategy.NoUTF8EscapingWithSuffixes, false, false, false,
                false, false);
        List<String> errors = new java.util.ArrayList<>();
        RecordingAppender app = translate(utf8, OPTIONS, request(resource(kv("service.name", "svc")), gauge("mem.usage", "By", 1,
                kv("http.method", "GET"))), errors);
        assertEquals(List.of("{__name__=\"mem.usage_bytes\", http.method=\"GET\", job=\"svc\"}"), app.series());
    }

    @Test
    void scopeMetadataIsPromotedOnlyWhenAskedFor() {
        OtlpConfig scope = new OtlpConfig(false, Set.of(), Set.of(), TranslationStrategy.UnderscoreEscapingWithSuffixes, false, false, true,
                false, false);
        List<String> errors = new java.util.ArrayList<>();
        RecordingAppender app = translate(scope, OPTIONS, request(resource(), gauge("g", "", 1)), errors);
        assertEquals(List.of("{__name__=\"g\", otel_scope_name=\"lib\", otel_scope_version=\"1.0\"}"), app.series());
        assertFalse(translate(request(resource(), gauge("g", "", 1))).series().get(0).contains("otel_scope"));
    }

    @Test
    void externalLabelsFillInWhereAbsent() {
        List<String> errors = new java.util.ArrayList<>();
        RecordingAppender app = translate(OtlpConfig.DEFAULT, new Translator.Options(false, false, 300_000, Labels.of("dc", "x", "region", "r")),
                request(resource(), gauge("g", "", 1, kv("region", "mine"))), errors);
        assertEquals(List.of("{__name__=\"g\", dc=\"x\", region=\"mine\"}"), app.series());
    }

    @Test
    void typeAndUnitLabelsWithTheFeature() {
        List<String> errors = new java.util.ArrayList<>();
        RecordingAppender app = translate(OtlpConfig.DEFAULT, new Translator.Options(false, false, 300_000, Labels.EMPTY, true),
                request(resource(), counter("http.requests", "s", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, 7, 0)), errors);
        assertEquals(List.of("{__name__=\"http_requests_seconds_total\", __type__=\"counter\", __unit__=\"seconds\"}"), app.series());
    }

    @Test
    void sampleTooFarInTheFutureIsOutOfBounds() {
        Metric m = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                .setTimeUnixNano(T + 11 * 60 * 1_000_000_000L).setAsDouble(1))).build();
        RecordingAppender app = new RecordingAppender();
        Translator.Result r = new Translator(app, OtlpConfig.DEFAULT, OPTIONS, NOW).translate(request(resource(), m));
        assertEquals(List.of("out of bounds: timestamp is too far in the future"), r.errors());
        assertTrue(r.storageRejected());
    }

    @Test
    void attributeValuesOfEveryTypeAsPdataPrintsThem() {
        assertEquals("true", Translator.asString(AnyValue.newBuilder().setBoolValue(true).build()));
        assertEquals("-3", Translator.asString(AnyValue.newBuilder().setIntValue(-3).build()));
        assertEquals("1.5", Translator.asString(AnyValue.newBuilder().setDoubleValue(1.5).build()));
        assertEquals("1e-7", Translator.asString(AnyValue.newBuilder().setDoubleValue(1e-7).build()));
        assertEquals("1e+21", Translator.asString(AnyValue.newBuilder().setDoubleValue(1e21).build()));
        assertEquals("[\"a\",1]", Translator.asString(AnyValue.newBuilder().setArrayValue(io.opentelemetry.proto.common.v1.ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setStringValue("a")).addValues(AnyValue.newBuilder().setIntValue(1))).build()));
    }
}
