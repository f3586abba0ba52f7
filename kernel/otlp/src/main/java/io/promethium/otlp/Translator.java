package io.promethium.otlp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Prometheus 3's OTLP translation ({@code storage/remote/otlptranslator/prometheusremotewrite}):
 * one export request to samples, histograms, exemplars and metadata on an {@link Appender}.
 * Errors do not stop the translation (as there, the other metrics still go through); the caller
 * gets them all and decides the answer. Not thread-safe: one per request.
 */
final class Translator {

    /** What the server's flags and features give the translation. */
    record Options(boolean allowDelta, boolean ingestStartTimestamps, long lookbackDeltaMillis, Labels externalLabels,
                   boolean typeAndUnitLabels) {

        Options(boolean allowDelta, boolean ingestStartTimestamps, long lookbackDeltaMillis, Labels externalLabels) {
            this(allowDelta, ingestStartTimestamps, lookbackDeltaMillis, externalLabels, false);
        }
    }

    /** A translation warning with Prometheus's category ({@code prometheus_api_otlp_translation_warnings_total}). */
    record Warning(String category, String message) {
    }

    /** The outcome: the errors (in order), the warnings (dropped empty metrics, ...), exemplars refused as out of order. */
    record Result(List<String> errors, boolean storageRejected, List<Warning> warnings, int samples, int outOfOrderExemplars) {
    }

    static final String TARGET_INFO = "target_info";
    private static final long MAX_AHEAD_MILLIS = 10 * 60 * 1000L;
    private static final double DEFAULT_ZERO_THRESHOLD = 1e-128;
    private static final int MAX_EXEMPLAR_RUNES = 128;
    private static final Set<String> IDENTIFYING = Set.of("service.namespace", "service.name", "service.instance.id");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Appender appender;
    private final OtlpConfig config;
    private final Options options;
    private final long maxTime;
    private final Names.LabelRules labelRules;
    private final Map<String, String> labelNames = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final List<Warning> warnings = new ArrayList<>();
    private final Set<String> collisions = new java.util.HashSet<>();
    private int outOfOrderExemplars;
    private boolean storageRejected;
    private int samples;

    // The current resource's and scope's labels.
    private String job;
    private String instance;
    private Map<String, String> promoted;
    private Map<String, String> scopeLabels;

    Translator(Appender appender, OtlpConfig config, Options options, long nowMillis) {
        this.appender = appender;
        this.config = config;
        this.options = options;
        this.maxTime = nowMillis + MAX_AHEAD_MILLIS;
        this.labelRules = new Names.LabelRules(!config.strategy().escape(), config.labelNameUnderscoreSanitization(),
                config.labelNamePreserveMultipleUnderscores());
    }

    /** Storage refusals that end one metric's translation, as Prometheus's appender errors do. */
    private static final class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    Result translate(ExportMetricsServiceRequest request) {
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            List<KeyValue> resource = rm.getResource().getAttributesList();
            try {
                setResource(resource);
            } catch (Names.InvalidName e) {
                errors.add(e.getMessage());
                continue;
            }
            long earliest = Long.MAX_VALUE;
            long latest = Long.MIN_VALUE;
            boolean any = false;
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                try {
                    setScope(sm);
                } catch (Names.InvalidName e) {
                    errors.add(e.getMessage());
                    continue;
                }
                for (Metric metric : sm.getMetricsList()) {
                    for (long ts : timestamps(metric)) {
                        earliest = Long.compareUnsigned(ts, earliest) < 0 ? ts : earliest;
                        latest = !any || Long.compareUnsigned(ts, latest) > 0 ? ts : latest;
                        any = true;
                    }
                    try {
                        metric(metric);
                    } catch (Names.InvalidName e) {
                        errors.add(e.getMessage());
                    } catch (Rejected e) {
                        errors.add(e.getMessage());
                    }
                }
            }
            if (any) {
                try {
                    targetInfo(resource, earliest / 1_000_000, latest / 1_000_000);
                } catch (Names.InvalidName | Rejected e) {
                    errors.add(e.getMessage());
                }
            }
        }
        return new Result(List.copyOf(errors), storageRejected, List.copyOf(warnings), samples, outOfOrderExemplars);
    }

    private void setResource(List<KeyValue> attributes) throws Names.InvalidName {
        Map<String, AnyValue> attrs = new LinkedHashMap<>();
        for (KeyValue kv : attributes) {
            attrs.put(kv.getKey(), kv.getValue());
        }
        job = null;
        instance = null;
        AnyValue name = attrs.get("service.name");
        if (name != null) {
            AnyValue ns = attrs.get("service.namespace");
            job = ns != null ? asString(ns) + "/" + asString(name) : asString(name);
        }
        AnyValue id = attrs.get("service.instance.id");
        if (id != null) {
            instance = asString(id);
        }
        promoted = new LinkedHashMap<>();
        for (Map.Entry<String, AnyValue> e : attrs.entrySet()) {
            boolean listed = config.promoteAll() ? config.ignore().contains(e.getKey()) : config.promote().contains(e.getKey());
            if (listed != config.promoteAll()) {
                putLabel(promoted, labelName(e.getKey()), asString(e.getValue()));
            }
        }
    }

    private void setScope(ScopeMetrics sm) throws Names.InvalidName {
        scopeLabels = null;
        if (!config.promoteScopeMetadata() || sm.getScope().getName().isEmpty()) {
            return;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (KeyValue kv : sm.getScope().getAttributesList()) {
            putLabel(labels, labelName("otel_scope_" + kv.getKey()), asString(kv.getValue()));
        }
        putLabel(labels, "otel_scope_name", sm.getScope().getName());
        putLabel(labels, "otel_scope_version", sm.getScope().getVersion());
        putLabel(labels, "otel_scope_schema_url", sm.getSchemaUrl());
        scopeLabels = labels;
    }

    private static void putLabel(Map<String, String> labels, String name, String value) {
        if (value.isEmpty()) {
            labels.remove(name);
        } else {
            labels.put(name, value);
        }
    }

    private String labelName(String key) throws Names.InvalidName {
        String cached = labelNames.get(key);
        if (cached == null) {
            cached = Names.labelName(key, labelRules);
            labelNames.put(key, cached);
        }
        return cached;
    }

    private static Names.Kind kind(Metric m) {
        return switch (m.getDataCase()) {
            case GAUGE -> Names.Kind.GAUGE;
            case SUM -> m.getSum().getIsMonotonic() ? Names.Kind.MONOTONIC_COUNTER : Names.Kind.NON_MONOTONIC_COUNTER;
            case HISTOGRAM -> Names.Kind.HISTOGRAM;
            case EXPONENTIAL_HISTOGRAM -> Names.Kind.EXPONENTIAL_HISTOGRAM;
            case SUMMARY -> Names.Kind.SUMMARY;
            default -> Names.Kind.UNKNOWN;
        };
    }

    /** Prometheus's {@code otelMetricTypeToPromMetricType}: delta sums and histograms (native delta ingestion) are of unknown type. */
    private static MetricType promType(Metric m) {
        AggregationTemporality delta = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        return switch (m.getDataCase()) {
            case GAUGE -> MetricType.GAUGE;
            case SUM -> m.getSum().getAggregationTemporality() == delta ? MetricType.UNKNOWN
                    : m.getSum().getIsMonotonic() ? MetricType.COUNTER : MetricType.GAUGE;
            case HISTOGRAM -> m.getHistogram().getAggregationTemporality() == delta ? MetricType.UNKNOWN : MetricType.HISTOGRAM;
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getAggregationTemporality() == delta ? MetricType.UNKNOWN
                    : MetricType.HISTOGRAM;
            case SUMMARY -> MetricType.SUMMARY;
            default -> MetricType.UNKNOWN;
        };
    }

    private void metric(Metric m) throws Names.InvalidName, Rejected {
        AggregationTemporality temporality;
        switch (m.getDataCase()) {
            case SUM -> temporality = m.getSum().getAggregationTemporality();
            case HISTOGRAM -> temporality = m.getHistogram().getAggregationTemporality();
            case EXPONENTIAL_HISTOGRAM -> temporality = m.getExponentialHistogram().getAggregationTemporality();
            case GAUGE, SUMMARY -> temporality = null;
            default -> {
                errors.add("could not get aggregation temporality for " + m.getName() + " as it has unsupported metric type Empty");
                return;
            }
        }
        if (temporality != null && !(temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
                || options.allowDelta() && temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)) {
            errors.add("invalid temporality and type combination for metric \"" + m.getName() + "\"");
            return;
        }
        String family = Names.metricName(m.getName(), m.getUnit(), kind(m), config.strategy());
        Metadata metadata = new Metadata(promType(m), m.getDescription(), Names.unit(m.getUnit()));
        current = metadata;
        boolean delta = temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        int points = switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsCount();
            case SUM -> m.getSum().getDataPointsCount();
            case HISTOGRAM -> m.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> m.getSummary().getDataPointsCount();
            default -> 0;
        };
        if (points == 0) {
            warnings.add(new Warning("empty_data_points", "empty data points. " + m.getName() + " is dropped"));
            return;
        }
        switch (m.getDataCase()) {
            case GAUGE -> {
                for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                    number(family, metadata, p, false);
                }
            }
            case SUM -> {
                for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                    number(family, metadata, p, true);
                }
            }
            case HISTOGRAM -> {
                for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                    if (config.convertHistogramsToNhcb()) {
                        customBuckets(family, metadata, p, delta);
                    } else {
                        classic(family, metadata, p);
                    }
                }
            }
            case EXPONENTIAL_HISTOGRAM -> {
                for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
                    exponential(family, metadata, p, delta);
                }
            }
            case SUMMARY -> {
                for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
                    summary(family, metadata, p);
                }
            }
            default -> errors.add("unsupported metric type");
        }
    }

    /**
     * The series' labels, as Prometheus's {@code createAttributes}: the point's attributes sorted
     * by key and sanitized (keys that collide get their values joined with {@code ;}), promoted
     * resource attributes where not set, {@code job}/{@code instance}, external labels where not
     * set, scope labels, then {@code extras} (name/value pairs).
     */
    private Labels labels(List<KeyValue> attributes, Set<String> ignore, Map<String, String> promotedLabels, Metadata metadata,
                          String... extras) throws Names.InvalidName {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (KeyValue kv : attributes) {
            if (!ignore.contains(kv.getKey())) {
                sorted.put(kv.getKey(), asString(kv.getValue()));
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (labelRules.utf8()) {
                putLabel(out, e.getKey(), e.getValue());
                continue;
            }
            String key = labelName(e.getKey());
            String existing = out.get(key);
            if (existing != null) {
                collision(sorted.keySet(), key, metadata == null && promotedLabels == null ? "resource" : "data point");
            }
            putLabel(out, key, existing != null ? existing + ";" + e.getValue() : e.getValue());
        }
        if (promotedLabels != null) {
            for (Map.Entry<String, String> e : promotedLabels.entrySet()) {
                out.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        if (job != null && !job.isEmpty()) {
            out.put("job", job);
        }
        if (instance != null && !instance.isEmpty()) {
            out.put("instance", instance);
        }
        options.externalLabels().forEach((n, v) -> out.putIfAbsent(n, v));
        if (scopeLabels != null) {
            out.putAll(scopeLabels);
        }
        // --enable-feature=type-and-unit-labels: the family's type and unit as __type__ and __unit__.
        if (options.typeAndUnitLabels() && metadata != null) {
            if (metadata.type() != MetricType.UNKNOWN) {
                out.put("__type__", metadata.type().text());
            }
            if (!metadata.unit().isEmpty()) {
                out.put("__unit__", labelRules.utf8() ? metadata.unit() : Names.unit(metadata.unit()));
            }
        }
        for (int i = 0; i + 1 < extras.length; i += 2) {
            String name = extras[i];
            if (name.length() <= 4 || !name.startsWith("__") || !name.endsWith("__")) {
                name = labelName(name);
            }
            putLabel(out, name, extras[i + 1]);
        }
        Labels.Builder b = Labels.builder();
        out.forEach(b::set);
        return b.build();
    }

    private Metadata current;

    /** Prometheus's warning for attribute keys that sanitize to one label name, once per name and request. */
    private void collision(Set<String> keys, String label, String source) throws Names.InvalidName {
        if (!collisions.add(label)) {
            return;
        }
        List<String> colliding = new ArrayList<>();
        for (String k : keys) {
            if (labelName(k).equals(label)) {
                colliding.add("\"" + k + "\"");
            }
        }
        warnings.add(new Warning("label_name_collision", "OTLP " + source + " attributes " + String.join(", ", colliding)
                + " collide as label \"" + label + "\" after name sanitization, values are concatenated with ';'"));
    }

    private Labels pointLabels(List<KeyValue> attributes, String name, String... extras) throws Names.InvalidName {
        return withName(baseLabels(attributes), name, extras);
    }

    /** A point's labels without its name: computed once for the several series of a histogram or summary point. */
    private Labels baseLabels(List<KeyValue> attributes) throws Names.InvalidName {
        return labels(attributes, Set.of(Labels.METRIC_NAME), promoted, current);
    }

    private static Labels withName(Labels base, String name, String... extras) {
        Labels.Builder b = base.toBuilder();
        for (int i = 0; i + 1 < extras.length; i += 2) {
            b.set(extras[i], extras[i + 1]);
        }
        return b.set(Labels.METRIC_NAME, name).build();
    }

    private static boolean noRecordedValue(int flags) {
        return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
    }

    private long start(long startNanos) {
        return options.ingestStartTimestamps() ? startNanos / 1_000_000 : 0;
    }

    private void number(String family, Metadata metadata, NumberDataPoint p, boolean withExemplars) throws Names.InvalidName, Rejected {
        Labels labels = pointLabels(p.getAttributesList(), family);
        double v = p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? (double) p.getAsInt() : p.getAsDouble();
        if (noRecordedValue(p.getFlags())) {
            v = StaleMarker.STALE_NAN;
        }
        long ref = appendFloat(labels, start(p.getStartTimeUnixNano()), p.getTimeUnixNano() / 1_000_000, v, metadata);
        if (withExemplars) {
            exemplars(ref, labels, exemplars(p.getExemplarsList()));
        }
    }

    private void classic(String family, Metadata metadata, HistogramDataPoint p) throws Names.InvalidName, Rejected {
        long t = p.getTimeUnixNano() / 1_000_000;
        long st = start(p.getStartTimeUnixNano());
        boolean stale = noRecordedValue(p.getFlags());
        Labels base = baseLabels(p.getAttributesList());
        if (p.hasSum()) {
            appendFloat(withName(base, family + "_sum"), st, t, stale ? StaleMarker.STALE_NAN : p.getSum(), metadata);
        }
        double count = stale ? StaleMarker.STALE_NAN : (double) p.getCount();
        appendFloat(withName(base, family + "_count"), st, t, count, metadata);
        List<Exemplar> exemplars = exemplars(p.getExemplarsList());
        int next = 0;
        long cumulative = 0;
        for (int i = 0; i < p.getExplicitBoundsCount() && i < p.getBucketCountsCount(); i++) {
            double bound = p.getExplicitBounds(i);
            cumulative += p.getBucketCounts(i);
            int from = next;
            while (next < exemplars.size() && exemplars.get(next).value() <= bound) {
                next++;
            }
            Labels labels = withName(base, family + "_bucket", "le", formatFloat(bound));
            long ref = appendFloat(labels, st, t, stale ? StaleMarker.STALE_NAN : (double) cumulative, metadata);
            exemplars(ref, labels, exemplars.subList(from, next));
        }
        Labels inf = withName(base, family + "_bucket", "le", "+Inf");
        long ref = appendFloat(inf, st, t, count, metadata);
        exemplars(ref, inf, exemplars.subList(next, exemplars.size()));
    }

    private void summary(String family, Metadata metadata, SummaryDataPoint p) throws Names.InvalidName, Rejected {
        long t = p.getTimeUnixNano() / 1_000_000;
        long st = start(p.getStartTimeUnixNano());
        boolean stale = noRecordedValue(p.getFlags());
        Labels base = baseLabels(p.getAttributesList());
        appendFloat(withName(base, family + "_sum"), st, t, stale ? StaleMarker.STALE_NAN : p.getSum(), metadata);
        appendFloat(withName(base, family + "_count"), st, t, stale ? StaleMarker.STALE_NAN : (double) p.getCount(),
                metadata);
        for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
            Labels labels = withName(base, family, "quantile", formatFloat(q.getQuantile()));
            appendFloat(labels, st, t, stale ? StaleMarker.STALE_NAN : q.getValue(), metadata);
        }
    }

    private void exponential(String family, Metadata metadata, ExponentialHistogramDataPoint p, boolean delta)
            throws Names.InvalidName, Rejected {
        int scale = p.getScale();
        if (scale < Histogram.MIN_SCHEMA) {
            throw new Rejected("cannot convert exponential to native histogram. Scale must be >= " + Histogram.MIN_SCHEMA + ", was " + scale);
        }
        int scaleDown = 0;
        if (scale > Histogram.MAX_SCHEMA) {
            scaleDown = scale - Histogram.MAX_SCHEMA;
            scale = Histogram.MAX_SCHEMA;
        }
        Layout pos = layout(p.getPositive().getBucketCountsList(), p.getPositive().getOffset(), scaleDown, true);
        Layout neg = layout(p.getNegative().getBucketCountsList(), p.getNegative().getOffset(), scaleDown, true);
        Labels labels = pointLabels(p.getAttributesList(), family);
        long t = p.getTimeUnixNano() / 1_000_000;
        if (noRecordedValue(p.getFlags())) {
            appendFloat(labels, 0, t, StaleMarker.STALE_NAN, metadata);
            return;
        }
        double sum = p.hasSum() ? p.getSum() : 0;
        if (p.getCount() == 0 && sum != 0) {
            warnings.add(new Warning("histogram_zero_count_non_zero_sum",
                    "exponential histogram data point has zero count, but non-zero sum: " + String.format("%f", sum)));
        }
        Histogram h = new Histogram(delta ? CounterResetHint.GAUGE : CounterResetHint.UNKNOWN, scale, DEFAULT_ZERO_THRESHOLD,
                p.getZeroCount(), p.getCount(), sum, pos.spans(), pos.deltas(), neg.spans(), neg.deltas(), null);
        long ref = appendHistogram(labels, start(p.getStartTimeUnixNano()), t, h, metadata);
        exemplars(ref, labels, exemplars(p.getExemplarsList()));
    }

    private void customBuckets(String family, Metadata metadata, HistogramDataPoint p, boolean delta) throws Names.InvalidName, Rejected {
        int offset = 0;
        while (offset < p.getBucketCountsCount() && p.getBucketCounts(offset) == 0) {
            offset++;
        }
        Layout pos = layout(p.getBucketCountsList().subList(offset, p.getBucketCountsCount()), offset, 0, false);
        Labels labels = pointLabels(p.getAttributesList(), family);
        long t = p.getTimeUnixNano() / 1_000_000;
        if (noRecordedValue(p.getFlags())) {
            appendFloat(labels, 0, t, StaleMarker.STALE_NAN, metadata);
            return;
        }
        double sum = p.hasSum() ? p.getSum() : 0;
        if (p.getCount() == 0 && sum != 0) {
            warnings.add(new Warning("histogram_zero_count_non_zero_sum",
                    "histogram data point has zero count, but non-zero sum: " + String.format("%f", sum)));
        }
        double[] bounds = new double[p.getExplicitBoundsCount()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = p.getExplicitBounds(i);
        }
        Histogram h = new Histogram(delta ? CounterResetHint.GAUGE : CounterResetHint.UNKNOWN, Histogram.CUSTOM_BUCKETS_SCHEMA, 0, 0,
                p.getCount(), sum, pos.spans(), pos.deltas(), HistogramSpans.EMPTY, new long[0], bounds);
        long ref = appendHistogram(labels, start(p.getStartTimeUnixNano()), t, h, metadata);
        exemplars(ref, labels, exemplars(p.getExemplarsList()));
    }

    /** Spans and bucket deltas of a native histogram. */
    record Layout(HistogramSpans spans, long[] deltas) {
    }

    /**
     * OTLP's dense bucket counts (from {@code offset}) as Prometheus's spans and deltas, merging
     * {@code 2^scaleDown} neighbours when the scale is above the largest native schema; gaps of
     * up to two empty buckets are filled with zeros rather than starting a span, as Prometheus's
     * {@code convertBucketsLayout}.
     */
    static Layout layout(List<Long> counts, int offset, int scaleDown, boolean adjustOffset) {
        if (counts.isEmpty()) {
            return new Layout(HistogramSpans.EMPTY, new long[0]);
        }
        List<int[]> spans = new ArrayList<>(); // {offset, length}
        long[] deltas = new long[counts.size() + 8];
        int[] n = {0};
        long[] prev = {0};
        int bucketIdx = (offset >> scaleDown) + 1;
        int initial = adjustOffset ? (offset >> scaleDown) + 1 : offset;
        spans.add(new int[] {initial, 0});
        long count = 0;
        for (int i = 0; i < counts.size(); i++) {
            int nextIdx = ((i + offset) >> scaleDown) + 1;
            if (bucketIdx == nextIdx) {
                count += counts.get(i);
                continue;
            }
            if (count == 0) {
                count = counts.get(i);
                continue;
            }
            int gap = nextIdx - bucketIdx - 1;
            if (gap > 2) {
                spans.add(new int[] {gap, 0});
            } else {
                for (int g = 0; g < gap; g++) {
                    deltas = appendDelta(spans, deltas, n, prev, 0);
                }
            }
            deltas = appendDelta(spans, deltas, n, prev, count);
            count = counts.get(i);
            bucketIdx = nextIdx;
        }
        int gap = ((counts.size() + offset - 1) >> scaleDown) + 1 - bucketIdx;
        if (gap > 2) {
            spans.add(new int[] {gap, 0});
        } else {
            for (int g = 0; g < gap; g++) {
                deltas = appendDelta(spans, deltas, n, prev, 0);
            }
        }
        deltas = appendDelta(spans, deltas, n, prev, count);
        int[] offsets = new int[spans.size()];
        int[] lengths = new int[spans.size()];
        for (int i = 0; i < spans.size(); i++) {
            offsets[i] = spans.get(i)[0];
            lengths[i] = spans.get(i)[1];
        }
        return new Layout(HistogramSpans.of(offsets, lengths), java.util.Arrays.copyOf(deltas, n[0]));
    }

    private static long[] appendDelta(List<int[]> spans, long[] deltas, int[] n, long[] prev, long count) {
        spans.get(spans.size() - 1)[1]++;
        if (n[0] == deltas.length) {
            deltas = java.util.Arrays.copyOf(deltas, deltas.length * 2);
        }
        deltas[n[0]++] = count - prev[0];
        prev[0] = count;
        return deltas;
    }

    private void targetInfo(List<KeyValue> resource, long earliestMillis, long latestMillis) throws Names.InvalidName, Rejected {
        int nonIdentifying = 0;
        for (KeyValue kv : resource) {
            if (!IDENTIFYING.contains(kv.getKey())) {
                nonIdentifying++;
            }
        }
        if (nonIdentifying == 0) {
            return;
        }
        Map<String, String> savedScope = scopeLabels;
        scopeLabels = null;
        Labels labels;
        try {
            labels = labels(resource, config.keepIdentifyingResourceAttributes() ? Set.of() : IDENTIFYING, null, null,
                    Labels.METRIC_NAME, TARGET_INFO);
        } finally {
            scopeLabels = savedScope;
        }
        if (!labels.has("job") && !labels.has("instance")) {
            return;
        }
        Metadata metadata = new Metadata(MetricType.GAUGE, "Target metadata", "");
        long interval = options.lookbackDeltaMillis() / 2;
        long ref = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long ts = earliestMillis; ts < latestMillis; ts += interval) {
            if (seen.add(ts)) {
                ref = appendTargetInfo(ref, labels, ts, metadata);
            }
        }
        if (seen.add(latestMillis)) {
            appendTargetInfo(ref, labels, latestMillis, metadata);
        }
    }

    private final Map<Labels, java.util.Set<Long>> targetInfoSeen = new java.util.HashMap<>();

    private long appendTargetInfo(long ref, Labels labels, long ts, Metadata metadata) throws Rejected {
        // Two resources with the same labels within one request share their target_info samples.
        if (!targetInfoSeen.computeIfAbsent(labels, k -> new java.util.HashSet<>()).add(ts)) {
            return ref;
        }
        return appendFloat(labels, 0, ts, 1.0, metadata);
    }

    private long appendFloat(Labels labels, long start, long t, double v, Metadata metadata) throws Rejected {
        if (t > maxTime) {
            storageRejected = true;
            throw new Rejected("out of bounds: timestamp is too far in the future");
        }
        try {
            long ref = 0;
            if (start != 0 && start < t) {
                ref = createdZero(labels, start, t, null);
            }
            ref = start != 0 ? appender.appendWithStart(ref, labels, start, t, v) : appender.append(ref, labels, t, v);
            samples++;
            return appender.updateMetadata(ref, labels, metadata);
        } catch (StorageException e) {
            throw rejected(e);
        }
    }

    private long appendHistogram(Labels labels, long start, long t, Histogram h, Metadata metadata) throws Rejected {
        if (t > maxTime) {
            storageRejected = true;
            throw new Rejected("out of bounds: timestamp is too far in the future");
        }
        try {
            long ref = 0;
            if (start != 0 && start < t) {
                ref = createdZero(labels, start, t, h);
            }
            ref = start != 0 ? appender.appendHistogramWithStart(ref, labels, start, t, h) : appender.appendHistogram(ref, labels, t, h);
            samples++;
            return appender.updateMetadata(ref, labels, metadata);
        } catch (StorageException e) {
            throw rejected(e);
        }
    }

    /** Prometheus's start-timestamp zero sample (best effort: one the series already has data at or after is skipped). */
    private long createdZero(Labels labels, long created, long t, Histogram like) {
        try {
            if (like == null) {
                return appender.append(0, labels, created, 0.0);
            }
            Histogram zero = like.usesCustomBuckets()
                    ? Histogram.custom(like.customValues(), 0, 0, HistogramSpans.EMPTY)
                    : Histogram.exponential(like.schema(), like.zeroThreshold(), 0, 0, 0, HistogramSpans.EMPTY);
            return appender.appendHistogram(0, labels, created, zero);
        } catch (StorageException e) {
            switch (e.reason()) {
                case OUT_OF_ORDER, OUT_OF_BOUNDS, DUPLICATE_TIMESTAMP -> {
                    return 0;
                }
                default -> throw e;
            }
        }
    }

    private Rejected rejected(StorageException e) {
        switch (e.reason()) {
            case OUT_OF_ORDER, OUT_OF_BOUNDS, DUPLICATE_TIMESTAMP -> storageRejected = true;
            default -> throw e;
        }
        return new Rejected(e.getMessage());
    }

    /** Exemplars are advisory, as in Prometheus: one the storage refuses is skipped. */
    private void exemplars(long ref, Labels labels, List<Exemplar> exemplars) {
        for (Exemplar e : exemplars) {
            try {
                ref = appender.appendExemplar(ref, labels, e);
            } catch (StorageException refused) {
                // Prometheus counts these (prometheus_api_otlp_out_of_order_exemplars_total) and keeps the samples.
                if (refused.reason() == StorageException.Reason.OUT_OF_ORDER) {
                    outOfOrderExemplars++;
                }
            }
        }
    }

    private static List<Exemplar> exemplars(List<io.opentelemetry.proto.metrics.v1.Exemplar> in) {
        if (in.isEmpty()) {
            return List.of();
        }
        List<Exemplar> out = new ArrayList<>(in.size());
        HexFormat hex = HexFormat.of();
        for (io.opentelemetry.proto.metrics.v1.Exemplar ex : in) {
            long ts = ex.getTimeUnixNano() / 1_000_000;
            double value = ex.getValueCase() == io.opentelemetry.proto.metrics.v1.Exemplar.ValueCase.AS_INT ? ex.getAsInt() : ex.getAsDouble();
            Labels.Builder b = Labels.builder();
            int runes = 0;
            if (!ex.getTraceId().isEmpty() && !allZero(ex.getTraceId().toByteArray())) {
                String v = hex.formatHex(ex.getTraceId().toByteArray());
                runes += "trace_id".length() + v.length();
                b.set("trace_id", v);
            }
            if (!ex.getSpanId().isEmpty() && !allZero(ex.getSpanId().toByteArray())) {
                String v = hex.formatHex(ex.getSpanId().toByteArray());
                runes += "span_id".length() + v.length();
                b.set("span_id", v);
            }
            for (KeyValue kv : ex.getFilteredAttributesList()) {
                runes += kv.getKey().codePointCount(0, kv.getKey().length());
                String v = asString(kv.getValue());
                runes += v.codePointCount(0, v.length());
            }
            if (runes <= MAX_EXEMPLAR_RUNES) {
                for (KeyValue kv : ex.getFilteredAttributesList()) {
                    b.set(kv.getKey(), asString(kv.getValue()));
                }
            }
            out.add(new Exemplar(b.build(), value, ts, ts != 0));
        }
        return out;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static long[] timestamps(Metric m) {
        return switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsList().stream().mapToLong(NumberDataPoint::getTimeUnixNano).toArray();
            case SUM -> m.getSum().getDataPointsList().stream().mapToLong(NumberDataPoint::getTimeUnixNano).toArray();
            case HISTOGRAM -> m.getHistogram().getDataPointsList().stream().mapToLong(HistogramDataPoint::getTimeUnixNano).toArray();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsList().stream()
                    .mapToLong(ExponentialHistogramDataPoint::getTimeUnixNano).toArray();
            case SUMMARY -> m.getSummary().getDataPointsList().stream().mapToLong(SummaryDataPoint::getTimeUnixNano).toArray();
            default -> new long[0];
        };
    }

    /** Go's {@code strconv.FormatFloat(f, 'f', -1, 64)}: the shortest digits, never an exponent. */
    static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return (1 / d) < 0 ? "-0" : "0";
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    /** pdata's {@code Value.AsString}: attribute values of every type as label values. */
    static String asString(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> es6Number(v.getDoubleValue());
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE, KVLIST_VALUE -> json(v).toString();
            default -> "";
        };
    }

    private static com.fasterxml.jackson.databind.JsonNode json(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> JSON.getNodeFactory().textNode(v.getStringValue());
            case BOOL_VALUE -> JSON.getNodeFactory().booleanNode(v.getBoolValue());
            case INT_VALUE -> JSON.getNodeFactory().numberNode(v.getIntValue());
            case DOUBLE_VALUE -> JSON.getNodeFactory().rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(es6Number(v.getDoubleValue())));
            case BYTES_VALUE -> JSON.getNodeFactory().textNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                ArrayNode a = JSON.createArrayNode();
                v.getArrayValue().getValuesList().forEach(x -> a.add(json(x)));
                yield a;
            }
            case KVLIST_VALUE -> {
                ObjectNode o = JSON.createObjectNode();
                v.getKvlistValue().getValuesList().forEach(kv -> o.set(kv.getKey(), json(kv.getValue())));
                yield o;
            }
            default -> JSON.getNodeFactory().nullNode();
        };
    }

    /** A double as JavaScript prints it (pdata's rule): plain between 1e-6 and 1e21, else with an exponent. */
    static String es6Number(double f) {
        if (Double.isNaN(f) || Double.isInfinite(f)) {
            return "json: unsupported value: " + (Double.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf");
        }
        double abs = Math.abs(f);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
            BigDecimal bd = new BigDecimal(Double.toString(f)).stripTrailingZeros();
            String digits = bd.unscaledValue().abs().toString();
            int exp = digits.length() - 1 - bd.scale();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (f < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + Math.abs(exp);
        }
        return formatFloat(f);
    }
}
