package io.promethium.otlp;

import static io.promethium.otlp.TranslatorTest.kv;
import static io.promethium.otlp.TranslatorTest.request;
import static io.promethium.otlp.TranslatorTest.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code --enable-feature=otlp-deltatocumulative}: the rules of the OpenTelemetry Collector's
 * {@code deltatocumulative} processor (its {@code delta}, {@code data} and {@code expo} tests'
 * cases), then Prometheus's translation of the cumulative result.
 */
class DeltaToCumulativeTest {

    private static final AggregationTemporality DELTA = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    private static final long S = 1_000_000_000L; // a second in nanoseconds
    private static final long BASE = TranslatorTest.T - 100 * S;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final DeltaToCumulative d2c = new DeltaToCumulative(clock::get);

    private static Metric sum(String name, boolean monotonic, long startNanos, long timeNanos, long v, KeyValue... attrs) {
        return Metric.newBuilder().setName(name).setSum(Sum.newBuilder().setIsMonotonic(monotonic).setAggregationTemporality(DELTA)
                .addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(startNanos).setTimeUnixNano(timeNanos).setAsInt(v)
                        .addAllAttributes(List.of(attrs)))).build();
    }

    private static NumberDataPoint point(ExportMetricsServiceRequest r, int metric) {
        return r.getResourceMetrics(0).getScopeMetrics(0).getMetrics(metric).getSum().getDataPoints(0);
    }

    /** Converts then translates with Prometheus's default settings. */
    private RecordingAppender store(ExportMetricsServiceRequest request) {
        ExportMetricsServiceRequest converted = d2c.convert(request);
        List<String> errors = new ArrayList<>();
        RecordingAppender app = TranslatorTest.translate(OtlpConfig.DEFAULT, TranslatorTest.OPTIONS, converted, errors);
        assertEquals(List.of(), errors);
        return app;
    }

    @Test
    void deltaSumsBecomeRunningTotalsKeepingTheFirstStartTime() {
        ExportMetricsServiceRequest first = d2c.convert(request(resource(), sum("reqs", true, BASE, BASE + 10 * S, 3)));
        Metric m = first.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, m.getSum().getAggregationTemporality());
        assertEquals(3, point(first, 0).getAsInt());

        // The SDK's next delta starts where the last ended: the total keeps the series' first start.
        ExportMetricsServiceRequest second = d2c.convert(request(resource(), sum("reqs", true, BASE + 10 * S, BASE + 20 * S, 4)));
        assertEquals(7, point(second, 0).getAsInt());
        assertEquals(BASE, point(second, 0).getStartTimeUnixNano());
        assertEquals(BASE + 20 * S, point(second, 0).getTimeUnixNano());
        assertEquals(1, d2c.size());
    }

    @Test
    void translatedAsACounterWithSuffixAndCounterMetadata() {
        store(request(resource(), sum("reqs", true, BASE, BASE + 10 * S, 3)));
        RecordingAppender app = store(request(resource(), sum("reqs", true, BASE + 10 * S, BASE + 20 * S, 2)));
        RecordingAppender.Sample s = app.of("{__name__=\"reqs_total\"}").get(0);
        assertEquals(5.0, s.v());
        assertEquals((BASE + 20 * S) / 1_000_000, s.t());
        assertEquals(MetricType.COUNTER, app.metadata.get(Labels.of("__name__", "reqs_total")).type());
    }

    @Test
    void nonMonotonicDeltaSumsBecomeGauges() {
        store(request(resource(), sum("queue", false, BASE, BASE + S, 5)));
        RecordingAppender app = store(request(resource(), sum("queue", false, BASE + S, BASE + 2 * S, -2)));
        assertEquals(3.0, app.of("{__name__=\"queue\"}").get(0).v());
        assertEquals(MetricType.GAUGE, app.metadata.get(Labels.of("__name__", "queue")).type());
    }

    @Test
    void outOfOrderAndOlderStartPointsAreDroppedSilently() {
        d2c.convert(request(resource(), sum("reqs", true, BASE + 10 * S, BASE + 20 * S, 3)));
        // Not after the total's time: out of order.
        ExportMetricsServiceRequest same = d2c.convert(request(resource(), sum("reqs", true, BASE + 10 * S, BASE + 20 * S, 9)));
        assertEquals(0, same.getResourceMetrics(0).getScopeMetrics(0).getMetricsCount(), "a metric left without points is removed");
        // Starting before the series: belongs to an older one.
        ExportMetricsServiceRequest older = d2c.convert(request(resource(), sum("reqs", true, BASE, BASE + 30 * S, 9),
                TranslatorTest.gauge("g", "", 1)));
        assertEquals(List.of("g"), older.getResourceMetrics(0).getScopeMetrics(0).getMetricsList().stream().map(Metric::getName).toList());
        // The total is unchanged by either.
        assertEquals(4, point(d2c.convert(request(resource(), sum("reqs", true, BASE + 20 * S, BASE + 40 * S, 1))), 0).getAsInt());
    }

    @Test
    void aLaterStartTimeAddsToTheTotalWithoutAReset() {
        d2c.convert(request(resource(), sum("reqs", true, BASE, BASE + 10 * S, 3)));
        NumberDataPoint p = point(d2c.convert(request(resource(), sum("reqs", true, BASE + 50 * S, BASE + 60 * S, 2))), 0);
        assertEquals(5, p.getAsInt());
        assertEquals(BASE, p.getStartTimeUnixNano());
    }

    @Test
    void streamsAreKeptApartByResourceScopeMetricAndAttributes() {
        d2c.convert(request(resource(kv("service.name", "a")), sum("reqs", true, BASE, BASE + S, 1, kv("path", "/x"))));
        d2c.convert(request(resource(kv("service.name", "b")), sum("reqs", true, BASE, BASE + S, 10, kv("path", "/x"))));
        d2c.convert(request(resource(kv("service.name", "a")), sum("reqs", true, BASE, BASE + S, 100, kv("path", "/y"))));
        d2c.convert(request(resource(kv("service.name", "a")), sum("reqs", false, BASE, BASE + S, 1000, kv("path", "/x"))));
        assertEquals(4, d2c.size());
        NumberDataPoint p = point(d2c.convert(request(resource(kv("service.name", "a")),
                sum("reqs", true, BASE + S, BASE + 2 * S, 2, kv("path", "/x")))), 0);
        assertEquals(3, p.getAsInt());
    }

    @Test
    void streamsNotSeenForFiveMinutesAreForgottenAndStartAgain() {
        d2c.convert(request(resource(), sum("reqs", true, BASE, BASE + S, 3)));
        d2c.convert(request(resource(), sum("other", true, BASE, BASE + S, 1)));
        clock.addAndGet(4 * 60_000);
        d2c.convert(request(resource(), sum("other", true, BASE + S, BASE + 2 * S, 1)));
        clock.addAndGet(90_000); // reqs: 5.5 minutes unseen; other: 1.5
        NumberDataPoint p = point(d2c.convert(request(resource(), sum("reqs", true, BASE + S, BASE + 3 * S, 2))), 0);
        assertEquals(2, p.getAsInt(), "a counter reset");
        assertEquals(BASE + S, p.getStartTimeUnixNano());
        assertEquals(2, d2c.size());
        assertEquals(3, point(d2c.convert(request(resource(), sum("other", true, BASE + 2 * S, BASE + 3 * S, 1))), 0).getAsInt());
    }

    @Test
    void floatAndIntegerPointsAddInTheirOwnKind() {
        NumberDataPoint a = NumberDataPoint.newBuilder().setTimeUnixNano(1).setAsDouble(1.5).build();
        NumberDataPoint b = NumberDataPoint.newBuilder().setTimeUnixNano(2).setAsDouble(2.25).build();
        assertEquals(3.75, DeltaToCumulative.add(a, b).getAsDouble());
        // pdata reads the other kind as 0: an integer point after float ones restarts in integers.
        NumberDataPoint c = NumberDataPoint.newBuilder().setTimeUnixNano(3).setAsInt(4).build();
        assertEquals(4, DeltaToCumulative.add(DeltaToCumulative.add(a, b), c).getAsInt());
    }

    private static Metric histogram(long startNanos, long timeNanos, List<Double> bounds, List<Long> counts, double sum) {
        return Metric.newBuilder().setName("latency").setUnit("s").setHistogram(Histogram.newBuilder().setAggregationTemporality(DELTA)
                .addDataPoints(HistogramDataPoint.newBuilder().setStartTimeUnixNano(startNanos).setTimeUnixNano(timeNanos)
                        .addAllExplicitBounds(bounds).addAllBucketCounts(counts)
                        .setCount(counts.stream().mapToLong(Long::longValue).sum()).setSum(sum))).build();
    }

    @Test
    void histogramsAddBucketByBucketAndRestartOnNewBounds() {
        store(request(resource(), histogram(BASE, BASE + S, List.of(1.0, 5.0), List.of(1L, 2L, 0L), 7)));
        RecordingAppender app = store(request(resource(), histogram(BASE + S, BASE + 2 * S, List.of(1.0, 5.0), List.of(0L, 1L, 3L), 30)));
        assertEquals(1.0, app.of("{__name__=\"latency_seconds_bucket\", le=\"1\"}").get(0).v());
        assertEquals(4.0, app.of("{__name__=\"latency_seconds_bucket\", le=\"5\"}").get(0).v());
        assertEquals(7.0, app.of("{__name__=\"latency_seconds_bucket\", le=\"+Inf\"}").get(0).v());
        assertEquals(7.0, app.of("{__name__=\"latency_seconds_count\"}").get(0).v());
        assertEquals(37.0, app.of("{__name__=\"latency_seconds_sum\"}").get(0).v());
        assertEquals(MetricType.HISTOGRAM, app.metadata.get(Labels.of("__name__", "latency_seconds_count")).type());

        app = store(request(resource(), histogram(BASE + 2 * S, BASE + 3 * S, List.of(2.0), List.of(1L, 1L), 3)));
        assertEquals(1.0, app.of("{__name__=\"latency_seconds_bucket\", le=\"2\"}").get(0).v());
        assertEquals(2.0, app.of("{__name__=\"latency_seconds_count\"}").get(0).v());
    }

    @Test
    void histogramSumIsDroppedOnceAPointHasNone() {
        HistogramDataPoint a = HistogramDataPoint.newBuilder().setTimeUnixNano(1).setCount(1).setSum(2).addBucketCounts(1).build();
        HistogramDataPoint b = HistogramDataPoint.newBuilder().setTimeUnixNano(2).setCount(1).addBucketCounts(1).build();
        HistogramDataPoint total = DeltaToCumulative.add(a, b);
        assertFalse(total.hasSum());
        assertEquals(2, total.getCount());
    }

    private static ExponentialHistogramDataPoint expo(int scale, int offset, double zeroThreshold, long zeroCount, long... counts) {
        ExponentialHistogramDataPoint.Buckets.Builder pos = ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(offset);
        long total = zeroCount;
        for (long c : counts) {
            pos.addBucketCounts(c);
            total += c;
        }
        return ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(1).setScale(scale).setZeroThreshold(zeroThreshold)
                .setZeroCount(zeroCount).setCount(total).setSum(total).setPositive(pos).build();
    }

    @Test
    void exponentialHistogramsMergeAtTheCoarserScale() {
        // scale 1 buckets 0..3 (1,1,1,1) collapse to scale 0 buckets 0..1 (2,2), then add (1,1) at 0..1.
        ExponentialHistogramDataPoint fine = expo(1, 0, 0, 0, 1, 1, 1, 1);
        ExponentialHistogramDataPoint coarse = expo(0, 0, 0, 0, 1, 1).toBuilder().setTimeUnixNano(2).build();
        ExponentialHistogramDataPoint total = DeltaToCumulative.add(fine, coarse);
        assertEquals(0, total.getScale());
        assertEquals(0, total.getPositive().getOffset());
        assertEquals(List.of(3L, 3L), total.getPositive().getBucketCountsList());
        assertEquals(6, total.getCount());
        assertEquals(2, total.getTimeUnixNano());
    }

    @Test
    void collapseAlignsPairsToEvenIndexes() {
        // The processor's scale tests: offset 1 pairs (1),(2,3),(4) as (0,1),(2,3),(4,5).
        DeltaToCumulative.Buckets b = new DeltaToCumulative.Buckets(1, 1, 2, 3, 4);
        b.collapse();
        assertEquals(0, b.offset);
        assertArrayEquals(new long[] {1, 5, 4, 0}, b.counts);
        DeltaToCumulative.Buckets neg = new DeltaToCumulative.Buckets(-3, 1, 1, 1);
        neg.collapse();
        assertEquals(-2, neg.offset);
        assertArrayEquals(new long[] {1, 2, 0}, neg.counts);
    }

    @Test
    void mergedBucketsAreLimitedTo160ByDownscaling() {
        long[] ones = new long[100];
        java.util.Arrays.fill(ones, 1);
        ExponentialHistogramDataPoint a = expo(4, 0, 0, 0, ones);
        ExponentialHistogramDataPoint b = expo(4, 150, 0, 0, ones).toBuilder().setTimeUnixNano(2).build();
        ExponentialHistogramDataPoint total = DeltaToCumulative.add(a, b);
        assertEquals(3, total.getScale());
        assertTrue(total.getPositive().getBucketCountsCount() <= 160, "" + total.getPositive().getBucketCountsCount());
        assertEquals(200, total.getPositive().getBucketCountsList().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void theNarrowerZeroBucketWidensToTheWiderThreshold() {
        // scale 0: bucket i spans (2^i, 2^(i+1)]. Threshold 2 covers buckets up to index 0, so (1,2] joins the zero bucket.
        ExponentialHistogramDataPoint narrow = expo(0, -1, 0, 1, 5, 7, 9);
        ExponentialHistogramDataPoint wide = expo(0, 1, 2.0, 2, 1).toBuilder().setTimeUnixNano(2).build();
        ExponentialHistogramDataPoint total = DeltaToCumulative.add(narrow, wide);
        assertEquals(1 + 5 + 7 + 2, total.getZeroCount());
        assertEquals(2.0, total.getZeroThreshold(), 1e-12);
        assertEquals(1, total.getPositive().getOffset());
        assertEquals(List.of(10L), total.getPositive().getBucketCountsList());
    }

    @Test
    void bucketIndexFollowsTheDataModel() {
        assertEquals(0, DeltaToCumulative.index(0, 2.0)); // powers of two close their bucket
        assertEquals(1, DeltaToCumulative.index(0, 3.0));
        assertEquals(-1, DeltaToCumulative.index(0, 1.0));
        assertEquals(3, DeltaToCumulative.index(1, 4.0));
        assertEquals(0, DeltaToCumulative.index(-1, 4.0));
    }

    @Test
    void exponentialHistogramsThroughTranslationBecomeOneNativeHistogram() {
        Metric first = Metric.newBuilder().setName("size").setExponentialHistogram(ExponentialHistogram.newBuilder()
                .setAggregationTemporality(DELTA).addDataPoints(expo(2, 1, 0, 0, 1, 2).toBuilder()
                        .setStartTimeUnixNano(BASE).setTimeUnixNano(BASE + S))).build();
        Metric second = Metric.newBuilder().setName("size").setExponentialHistogram(ExponentialHistogram.newBuilder()
                .setAggregationTemporality(DELTA).addDataPoints(expo(2, 1, 0, 1, 3).toBuilder()
                        .setStartTimeUnixNano(BASE + S).setTimeUnixNano(BASE + 2 * S))).build();
        store(request(resource(), first));
        RecordingAppender app = store(request(resource(), second));
        io.promethium.api.model.Histogram h = app.of("{__name__=\"size\"}").get(0).h();
        assertEquals(7, h.count());
        assertEquals(1, h.zeroCount());
        assertEquals(io.promethium.api.model.CounterResetHint.UNKNOWN, h.counterResetHint(), "cumulative, not the gauge hint of native deltas");
        assertEquals(MetricType.HISTOGRAM, app.metadata.get(Labels.of("__name__", "size")).type());
    }

    @Test
    void cumulativeOnlyRequestsAreNotDeltaRequests() {
        assertFalse(DeltaToCumulative.hasDelta(request(resource(), TranslatorTest.counter("c", "",
                AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, 1, 0), TranslatorTest.gauge("g", "", 1))));
        assertTrue(DeltaToCumulative.hasDelta(request(resource(), sum("reqs", true, 0, 1, 1))));
    }

    @Test
    void bothDeltaFeaturesAtOnceAreRefusedAsPrometheusDoes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OtlpComponent(name -> switch (name) {
            case "promethium.flag.enable-feature" -> "otlp-native-delta-ingestion,otlp-deltatocumulative";
            default -> null;
        }));
        assertEquals("cannot enable otlp-deltatocumulative and otlp-native-delta-ingestion features at the same time", e.getMessage());
    }
}
