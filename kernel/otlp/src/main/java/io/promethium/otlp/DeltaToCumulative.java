package io.promethium.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@code --enable-feature=otlp-deltatocumulative}: delta sums, histograms and exponential
 * histograms made cumulative before translation, as Prometheus 3 does with the OpenTelemetry
 * Collector's {@code deltatocumulative} processor at its default settings. Written here because
 * that processor is Go; its rules, kept exactly:
 *
 * <ul>
 *   <li>A stream is the resource's attributes, the scope (name, version, attributes), the metric
 *       (name, unit, type, monotonicity, temporality) and the point's attributes.
 *   <li>The first point of a stream becomes its state as it is (start time, exemplars and flags
 *       included: later points only add their values, so the stored point keeps the first one's
 *       exemplars and flags, as there).
 *   <li>A later point whose start time is before the state's is dropped (it belongs to an older
 *       series); one whose time is not after the state's is dropped as out of order. A later start
 *       time does not reset the total. Dropped points vanish silently: the request still succeeds.
 *   <li>Numbers add (an integer point to the integer total, a float point to the float total);
 *       histograms add bucket by bucket, count and sum (the sum only while every point has one),
 *       and start afresh from the point when its bounds differ; exponential histograms are brought
 *       to the coarser scale, downscaled further so that at most 160 buckets span both, the zero
 *       bucket widened to the wider threshold, then merged.
 *   <li>The metric leaves cumulative; a metric left without points is removed.
 *   <li>A stream not seen for 5 minutes ({@code max_stale}) is forgotten, its total starting again
 *       from the next point (a counter reset); the sweep runs at most once a minute, at the start of
 *       a request (Prometheus's runs on a one-minute timer). A restart forgets every stream.
 * </ul>
 *
 * Thread-safe: requests are converted one at a time, as the processor's lock does.
 */
final class DeltaToCumulative {

    /** The processor's default {@code max_stale}. */
    static final long MAX_STALE_MILLIS = 5 * 60_000L;
    /** The processor's stale-sweep period. */
    static final long SWEEP_MILLIS = 60_000L;
    /** The most buckets a merged exponential histogram spans (the processor's {@code maxBuckets}). */
    static final int MAX_BUCKETS = 160;

    private record Stream(Map<String, AnyValue> resource, String scopeName, String scopeVersion, Map<String, AnyValue> scopeAttributes,
                          String name, String unit, Metric.DataCase type, boolean monotonic, int temporality,
                          Map<String, AnyValue> attributes) {
    }

    /** A stream's running total (one of the three point types) and when it was last seen (wall clock). */
    private static final class State {
        Object point;
        long seenMillis;
    }

    private final Map<Stream, State> streams = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private long lastSweep;

    DeltaToCumulative(LongSupplier clock) {
        this.clock = clock;
        this.lastSweep = clock.getAsLong();
    }

    /** How many streams are tracked. */
    int size() {
        return streams.size();
    }

    /** Whether any sum or histogram of the request has delta temporality (only those requests take this path, as in Prometheus). */
    static boolean hasDelta(ExportMetricsServiceRequest request) {
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    if (isDelta(m)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isDelta(Metric m) {
        AggregationTemporality t = switch (m.getDataCase()) {
            case SUM -> m.getSum().getAggregationTemporality();
            case HISTOGRAM -> m.getHistogram().getAggregationTemporality();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getAggregationTemporality();
            default -> AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED;
        };
        return t == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    }

    /** The request with its delta metrics made cumulative (the others untouched), the state updated. */
    synchronized ExportMetricsServiceRequest convert(ExportMetricsServiceRequest request) {
        long now = clock.getAsLong();
        if (now - lastSweep >= SWEEP_MILLIS) {
            streams.values().removeIf(s -> now - s.seenMillis > MAX_STALE_MILLIS);
            lastSweep = now;
        }
        ExportMetricsServiceRequest.Builder out = request.toBuilder();
        for (ResourceMetrics.Builder rm : out.getResourceMetricsBuilderList()) {
            Map<String, AnyValue> resource = attributes(rm.getResource().getAttributesList());
            for (ScopeMetrics.Builder sm : rm.getScopeMetricsBuilderList()) {
                Map<String, AnyValue> scopeAttributes = attributes(sm.getScope().getAttributesList());
                for (int i = 0; i < sm.getMetricsCount(); i++) {
                    Metric m = sm.getMetrics(i);
                    if (!isDelta(m)) {
                        continue;
                    }
                    Metric converted = metric(m, resource, sm.getScope().getName(), sm.getScope().getVersion(), scopeAttributes, now);
                    if (converted == null) {
                        sm.removeMetrics(i--);
                    } else {
                        sm.setMetrics(i, converted);
                    }
                }
            }
        }
        return out.build();
    }

    /** Clears every stream (the bundle stopping). */
    void clear() {
        streams.clear();
    }

    private Metric metric(Metric m, Map<String, AnyValue> resource, String scopeName, String scopeVersion,
                          Map<String, AnyValue> scopeAttributes, long now) {
        int temporality = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA_VALUE;
        Metric.Builder b = m.toBuilder();
        int kept;
        switch (m.getDataCase()) {
            case SUM -> {
                Sum.Builder sum = b.getSumBuilder().clearDataPoints()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
                for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                    Stream id = new Stream(resource, scopeName, scopeVersion, scopeAttributes, m.getName(), m.getUnit(), m.getDataCase(),
                            m.getSum().getIsMonotonic(), temporality, attributes(p.getAttributesList()));
                    NumberDataPoint total = (NumberDataPoint) aggregate(id, p, now);
                    if (total != null) {
                        sum.addDataPoints(total);
                    }
                }
                kept = sum.getDataPointsCount();
            }
            case HISTOGRAM -> {
                Histogram.Builder h = b.getHistogramBuilder().clearDataPoints()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
                for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                    Stream id = new Stream(resource, scopeName, scopeVersion, scopeAttributes, m.getName(), m.getUnit(), m.getDataCase(),
                            true, temporality, attributes(p.getAttributesList()));
                    HistogramDataPoint total = (HistogramDataPoint) aggregate(id, p, now);
                    if (total != null) {
                        h.addDataPoints(total);
                    }
                }
                kept = h.getDataPointsCount();
            }
            case EXPONENTIAL_HISTOGRAM -> {
                ExponentialHistogram.Builder h = b.getExponentialHistogramBuilder().clearDataPoints()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
                for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
                    Stream id = new Stream(resource, scopeName, scopeVersion, scopeAttributes, m.getName(), m.getUnit(), m.getDataCase(),
                            true, temporality, attributes(p.getAttributesList()));
                    ExponentialHistogramDataPoint total = (ExponentialHistogramDataPoint) aggregate(id, p, now);
                    if (total != null) {
                        h.addDataPoints(total);
                    }
                }
                kept = h.getDataPointsCount();
            }
            default -> throw new IllegalStateException("not a delta metric: " + m.getDataCase());
        }
        return kept == 0 ? null : b.build();
    }

    /** The stream's new total to store, or null when the point is dropped (older start, out of order). */
    private Object aggregate(Stream id, Object point, long now) {
        State state = streams.computeIfAbsent(id, k -> new State());
        state.seenMillis = now;
        if (state.point == null) {
            state.point = point;
            return point;
        }
        if (before(start(point), start(state.point))) {
            return null; // "dropped sample with start_time=..., because series only starts at start_time=..."
        }
        if (Long.compareUnsigned(time(point), time(state.point)) <= 0) {
            return null; // "out of order: dropped sample from time=..., because series is already at time=..."
        }
        Object total = switch (point) {
            case NumberDataPoint p -> add((NumberDataPoint) state.point, p);
            case HistogramDataPoint p -> add((HistogramDataPoint) state.point, p);
            case ExponentialHistogramDataPoint p -> add((ExponentialHistogramDataPoint) state.point, p);
            default -> throw new IllegalStateException(point.getClass().getName());
        };
        state.point = total;
        return total;
    }

    private static long start(Object p) {
        return switch (p) {
            case NumberDataPoint n -> n.getStartTimeUnixNano();
            case HistogramDataPoint h -> h.getStartTimeUnixNano();
            case ExponentialHistogramDataPoint e -> e.getStartTimeUnixNano();
            default -> 0;
        };
    }

    private static long time(Object p) {
        return switch (p) {
            case NumberDataPoint n -> n.getTimeUnixNano();
            case HistogramDataPoint h -> h.getTimeUnixNano();
            case ExponentialHistogramDataPoint e -> e.getTimeUnixNano();
            default -> 0;
        };
    }

    /** Start times compare unsigned, as Go's uint64 timestamps. */
    private static boolean before(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    static NumberDataPoint add(NumberDataPoint state, NumberDataPoint p) {
        NumberDataPoint.Builder b = state.toBuilder().setTimeUnixNano(p.getTimeUnixNano());
        // As pdata: reading the other kind of value gives 0, so a point of the other kind restarts the total in its kind.
        switch (p.getValueCase()) {
            case AS_DOUBLE -> b.setAsDouble((state.getValueCase() == NumberDataPoint.ValueCase.AS_DOUBLE ? state.getAsDouble() : 0)
                    + p.getAsDouble());
            case AS_INT -> b.setAsInt((state.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? state.getAsInt() : 0) + p.getAsInt());
            default -> {
            }
        }
        return b.build();
    }

    static HistogramDataPoint add(HistogramDataPoint state, HistogramDataPoint p) {
        if (!state.getExplicitBoundsList().equals(p.getExplicitBoundsList())) {
            return p; // new bounds: the total starts again from this point
        }
        HistogramDataPoint.Builder b = state.toBuilder().setTimeUnixNano(p.getTimeUnixNano());
        int n = Math.min(state.getBucketCountsCount(), p.getBucketCountsCount());
        for (int i = 0; i < n; i++) {
            b.setBucketCounts(i, state.getBucketCounts(i) + p.getBucketCounts(i));
        }
        b.setCount(state.getCount() + p.getCount());
        if (state.hasSum() && p.hasSum()) {
            b.setSum(state.getSum() + p.getSum());
        } else {
            b.clearSum();
        }
        if (state.hasMin() && p.hasMin()) {
            b.setMin(Math.min(state.getMin(), p.getMin()));
        } else {
            b.clearMin();
        }
        if (state.hasMax() && p.hasMax()) {
            b.setMax(Math.max(state.getMax(), p.getMax()));
        } else {
            b.clearMax();
        }
        return b.build();
    }

    static ExponentialHistogramDataPoint add(ExponentialHistogramDataPoint state, ExponentialHistogramDataPoint p) {
        Expo a = new Expo(state);
        Expo d = new Expo(p);
        if (a.scale != d.scale) {
            Expo hi = a.scale > d.scale ? a : d;
            Expo lo = hi == a ? d : a;
            hi.downscale(lo.scale);
        }
        int to = Math.min(limit(a.scale, a.positive, d.positive), limit(a.scale, a.negative, d.negative));
        if (to != a.scale) {
            a.downscale(to);
            d.downscale(to);
        }
        if (a.zeroThreshold != d.zeroThreshold) {
            Expo hi = a.zeroThreshold > d.zeroThreshold ? a : d;
            Expo lo = hi == a ? d : a;
            lo.widenZero(hi.zeroThreshold);
        }
        a.positive.merge(d.positive);
        a.negative.merge(d.negative);
        ExponentialHistogramDataPoint.Builder b = state.toBuilder().setTimeUnixNano(p.getTimeUnixNano())
                .setScale(a.scale).setZeroThreshold(a.zeroThreshold)
                .setCount(state.getCount() + p.getCount()).setZeroCount(a.zeroCount + d.zeroCount);
        b.setPositive(a.positive.proto());
        b.setNegative(a.negative.proto());
        if (state.hasSum() && p.hasSum()) {
            b.setSum(state.getSum() + p.getSum());
        } else {
            b.clearSum();
        }
        if (state.hasMin() && p.hasMin()) {
            b.setMin(Math.min(state.getMin(), p.getMin()));
        } else {
            b.clearMin();
        }
        if (state.hasMax() && p.hasMax()) {
            b.setMax(Math.max(state.getMax(), p.getMax()));
        } else {
            b.clearMax();
        }
        return b.build();
    }

    /** The scale at which the buckets of {@code a} and {@code b} together span at most {@link #MAX_BUCKETS}. */
    static int limit(int scale, Buckets a, Buckets b) {
        int lo = Math.min(a.lower(), b.lower());
        int up = Math.max(a.upper(), b.upper());
        while (lo < up && a.at(lo) == 0 && b.at(lo) == 0) {
            lo++;
        }
        while (lo < up - 1 && a.at(up - 1) == 0 && b.at(up - 1) == 0) {
            up--;
        }
        while (up - lo > MAX_BUCKETS) {
            lo /= 2; // truncating toward zero, as Go
            up /= 2;
            scale--;
        }
        return scale;
    }

    /** An exponential histogram point being merged. */
    private static final class Expo {
        int scale;
        double zeroThreshold;
        long zeroCount;
        final Buckets positive;
        final Buckets negative;

        Expo(ExponentialHistogramDataPoint p) {
            scale = p.getScale();
            zeroThreshold = p.getZeroThreshold();
            zeroCount = p.getZeroCount();
            positive = new Buckets(p.getPositive());
            negative = new Buckets(p.getNegative());
        }

        void downscale(int to) {
            positive.downscale(scale, to);
            negative.downscale(scale, to);
            scale = to;
        }

        /** Moves the buckets at or below {@code width} into the zero bucket, whose threshold becomes that bucket's upper bound. */
        void widenZero(double width) {
            int zero = index(scale, width);
            zeroCount += positive.dropUpTo(zero);
            zeroCount += negative.dropUpTo(zero);
            zeroThreshold = lowerBound(scale, zero + 1);
        }
    }

    /** The bucket index of {@code v} at {@code scale}, as the OpenTelemetry data model defines it. */
    static int index(int scale, double v) {
        long bits = Double.doubleToRawLongBits(v);
        boolean powerOfTwo = (bits & 0x000FFFFFFFFFFFFFL) == 0 && Math.getExponent(v) >= Double.MIN_EXPONENT;
        if (powerOfTwo) {
            int exp = Math.getExponent(v) + 1; // Go's Frexp: v = 0.5 * 2^exp
            return (scale >= 0 ? (exp - 1) << scale : (exp - 1) >> -scale) - 1;
        }
        double factor = Math.scalb(1 / Math.log(2), scale);
        return (int) Math.floor(Math.log(v) * factor);
    }

    /** The lower bound of bucket {@code index} at {@code scale}. */
    static double lowerBound(int scale, int index) {
        return Math.exp(index * Math.scalb(Math.log(2), -scale));
    }

    /** One side's buckets: counts from an absolute index {@code offset}. */
    static final class Buckets {
        int offset;
        long[] counts;

        Buckets(ExponentialHistogramDataPoint.Buckets b) {
            offset = b.getOffset();
            counts = new long[b.getBucketCountsCount()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = b.getBucketCounts(i);
            }
        }

        Buckets(int offset, long... counts) {
            this.offset = offset;
            this.counts = counts;
        }

        int lower() {
            return offset;
        }

        int upper() {
            return offset + counts.length;
        }

        long at(int index) {
            int i = index - offset;
            return i >= 0 && i < counts.length ? counts[i] : 0;
        }

        void downscale(int from, int to) {
            if (from < to) {
                throw new IllegalStateException("cannot upscale without introducing error (" + from + " -> " + to + ")");
            }
            for (int at = from; at > to; at--) {
                collapse();
            }
        }

        /** Merges neighbours pairwise (aligned to even absolute indexes); the freed tail stays, zeroed, as there. */
        void collapse() {
            int size = counts.length / 2;
            if (counts.length % 2 != 0 || offset % 2 != 0) {
                size++;
            }
            int shift = 0;
            if (offset % 2 != 0) {
                offset--;
                shift--;
            }
            offset /= 2;
            for (int i = 0; i < size; i++) {
                int k = i * 2 + shift;
                if (i == 0 && k == -1) {
                    continue; // counts[0] stays: the left half of the new bucket was never stored
                }
                counts[i] = counts[k] + (k + 1 < counts.length ? counts[k + 1] : 0);
            }
            for (int i = size; i < counts.length; i++) {
                counts[i] = 0;
            }
        }

        /** Adds {@code other}'s counts (same scale), over the range both span, leading and trailing zeros trimmed. */
        void merge(Buckets other) {
            if (other.counts.length == 0) {
                return;
            }
            if (counts.length == 0) {
                offset = other.offset;
                counts = other.counts.clone();
                return;
            }
            int lo = Math.min(lower(), other.lower());
            int up = Math.max(upper(), other.upper());
            while (lo < up && at(lo) == 0 && other.at(lo) == 0) {
                lo++;
            }
            while (lo < up - 1 && at(up - 1) == 0 && other.at(up - 1) == 0) {
                up--;
            }
            long[] merged = new long[up - lo];
            for (int i = 0; i < merged.length; i++) {
                merged[i] = at(lo + i) + other.at(lo + i);
            }
            offset = lo;
            counts = merged;
        }

        /** Removes the buckets at indexes up to {@code zero} and returns their total count. */
        long dropUpTo(int zero) {
            long moved = 0;
            for (int i = lower(); i <= zero && i < upper(); i++) {
                moved += at(i);
            }
            int from = Math.max(lower(), Math.min(zero + 1, upper()));
            counts = java.util.Arrays.copyOfRange(counts, from - offset, counts.length);
            offset = from;
            return moved;
        }

        ExponentialHistogramDataPoint.Buckets proto() {
            ExponentialHistogramDataPoint.Buckets.Builder b = ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(offset);
            for (long c : counts) {
                b.addBucketCounts(c);
            }
            return b.build();
        }
    }

    private static Map<String, AnyValue> attributes(List<KeyValue> list) {
        if (list.isEmpty()) {
            return Map.of();
        }
        Map<String, AnyValue> m = new HashMap<>(list.size() * 2);
        for (KeyValue kv : list) {
            m.put(kv.getKey(), kv.getValue());
        }
        return m;
    }
}
