package io.promethium.exposition.internal;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionParser;
import io.promethium.exposition.HistogramOptions;
import io.promethium.exposition.internal.ProtoInput.DoubleList;
import io.promethium.exposition.internal.ProtoInput.LongList;
import io.promethium.exposition.internal.ProtoInput.ProtoFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Prometheus's protobuf exposition format: length-delimited {@code io.prometheus.client.MetricFamily}
 * messages, presented as the entries of the text formats. A family yields its TYPE, HELP (and UNIT)
 * entries, then its series: counters, gauges and untyped values as one series each; summaries as
 * {@code _count}, {@code _sum} and one series per quantile; histograms as a {@link Entry#HISTOGRAM}
 * when they are native and native histograms are on, and as classic {@code _count}, {@code _sum}
 * and {@code _bucket} series when they are not (or {@code always_scrape_classic_histograms}).
 *
 * <p>A series' identity bytes are built in a scratch buffer (the page's bytes name no series
 * directly); {@link #buffer()} is that buffer, valid until the next entry. The line number of an
 * entry is the number of its family message in the page.
 */
public final class ProtobufParser implements ExpositionParser {

    private static final int COUNTER = 0;
    private static final int GAUGE = 1;
    private static final int SUMMARY = 2;
    private static final int UNTYPED = 3;
    private static final int HISTOGRAM = 4;
    private static final int GAUGE_HISTOGRAM = 5;

    /** One entry of the current family, in order. */
    private record Item(Entry kind, String name, String[] labels, double value, boolean hasTimestamp, long timestamp, Exemplar exemplar,
                        Object histogram, List<Exemplar> histogramExemplars, long created) {
    }

    /** The created timestamp of the metric being read (ms, 0: none): counters', summaries' and histograms' {@code created_timestamp}. */
    private long created;

    /** A {@code google.protobuf.Timestamp} ({@code seconds = 1, nanos = 2}) in milliseconds. */
    private static long timestampMillis(ProtoInput t) {
        long seconds = 0;
        long nanos = 0;
        while (t.hasMore()) {
            long tag = t.varint();
            if ((tag >>> 3) == 1 && (tag & 7) == ProtoInput.VARINT) {
                seconds = t.varint();
            } else if ((tag >>> 3) == 2 && (tag & 7) == ProtoInput.VARINT) {
                nanos = t.varint();
            } else {
                t.skip((int) (tag & 7));
            }
        }
        return seconds * 1000 + nanos / 1_000_000;
    }

    @Override
    public long createdTimestamp() {
        return current == null || (entry != Entry.SERIES && entry != Entry.HISTOGRAM) ? 0 : current.created();
    }

    private final byte[] page;
    private final ProtoInput in;
    private final HistogramOptions options;
    private final List<Item> items = new ArrayList<>();
    private int itemIndex;
    private int family;
    private String familyName = "";
    private String help = "";
    private String unit = "";
    private int type = UNTYPED;
    private Item current;
    private Entry entry;
    private byte[] key = new byte[256];
    private int keyLength;

    public ProtobufParser(byte[] buf, int offset, int length, HistogramOptions options) {
        this.page = buf;
        this.in = new ProtoInput(buf, offset, offset + length);
        this.options = options;
    }

    @Override
    public Entry next() throws ExpositionException {
        if (entry == Entry.EOF) {
            return entry;
        }
        try {
            while (itemIndex >= items.size()) {
                if (!in.hasMore()) {
                    current = null;
                    return entry = Entry.EOF;
                }
                readFamily();
            }
        } catch (ProtoFormatException e) {
            throw new ExpositionException(family, "protobuf MetricFamily message " + family + ": " + e.getMessage());
        }
        current = items.get(itemIndex++);
        if (current.kind() == Entry.SERIES || current.kind() == Entry.HISTOGRAM) {
            buildKey(current);
        }
        return entry = current.kind();
    }

    private void readFamily() throws ExpositionException {
        family++;
        items.clear();
        itemIndex = 0;
        ProtoInput m = in.message();
        String name = "";
        String helpText = "";
        String unitText = "";
        int kind = COUNTER; // the proto default
        List<ProtoInput> metrics = new ArrayList<>();
        while (m.hasMore()) {
            long tag = m.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> name = expect(wire, ProtoInput.LENGTH, "name") ? m.string() : name;
                case 2 -> helpText = expect(wire, ProtoInput.LENGTH, "help") ? m.string() : helpText;
                case 3 -> kind = expect(wire, ProtoInput.VARINT, "type") ? (int) m.varint() : kind;
                case 4 -> metrics.add(expect(wire, ProtoInput.LENGTH, "metric") ? m.message() : null);
                case 5 -> unitText = expect(wire, ProtoInput.LENGTH, "unit") ? m.string() : unitText;
                default -> m.skip(wire);
            }
        }
        if (name.isEmpty()) {
            throw new ExpositionException(family, "protobuf MetricFamily message " + family + " has no name");
        }
        if (kind < COUNTER || kind > GAUGE_HISTOGRAM) {
            throw new ExpositionException(family, "metric family " + name + " has unknown type " + kind);
        }
        familyName = name;
        help = helpText;
        unit = unitText;
        type = kind;
        items.add(new Item(Entry.TYPE, name, null, 0, false, 0, null, null, null, 0));
        if (!helpText.isEmpty()) {
            items.add(new Item(Entry.HELP, name, null, 0, false, 0, null, null, null, 0));
        }
        if (!unitText.isEmpty()) {
            items.add(new Item(Entry.UNIT, name, null, 0, false, 0, null, null, null, 0));
        }
        for (ProtoInput metric : metrics) {
            readMetric(metric);
        }
    }

    private static boolean expect(int wire, int want, String field) {
        if (wire != want) {
            throw new ProtoFormatException("field " + field + " has wire type " + wire + ", expected " + want);
        }
        return true;
    }

    private void readMetric(ProtoInput m) throws ExpositionException {
        created = 0;
        List<String> labels = new ArrayList<>();
        double value = Double.NaN;
        boolean hasValue = false;
        Exemplar exemplar = null;
        ProtoInput summary = null;
        ProtoInput histogram = null;
        boolean hasTimestamp = false;
        long timestamp = 0;
        while (m.hasMore()) {
            long tag = m.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> {
                    expect(wire, ProtoInput.LENGTH, "label");
                    ProtoInput pair = m.message();
                    String n = "";
                    String v = "";
                    while (pair.hasMore()) {
                        long t = pair.varint();
                        int f = (int) (t >>> 3);
                        if (f == 1 && (t & 7) == ProtoInput.LENGTH) {
                            n = pair.string();
                        } else if (f == 2 && (t & 7) == ProtoInput.LENGTH) {
                            v = pair.string();
                        } else {
                            pair.skip((int) (t & 7));
                        }
                    }
                    labels.add(n);
                    labels.add(v);
                }
                case 2, 5 -> { // gauge, untyped: {1: value}
                    expect(wire, ProtoInput.LENGTH, "value");
                    value = singleValue(m.message());
                    hasValue = true;
                }
                case 3 -> { // counter: {1: value, 2: exemplar}
                    expect(wire, ProtoInput.LENGTH, "counter");
                    ProtoInput c = m.message();
                    value = 0;
                    while (c.hasMore()) {
                        long t = c.varint();
                        int f = (int) (t >>> 3);
                        if (f == 1 && (t & 7) == ProtoInput.FIXED64) {
                            value = c.fixed64Double();
                        } else if (f == 2 && (t & 7) == ProtoInput.LENGTH) {
                            exemplar = exemplar(c.message());
                        } else if (f == 3 && (t & 7) == ProtoInput.LENGTH) {
                            created = timestampMillis(c.message());
                        } else {
                            c.skip((int) (t & 7));
                        }
                    }
                    hasValue = true;
                }
                case 4 -> summary = expect(wire, ProtoInput.LENGTH, "summary") ? m.message() : null;
                case 7 -> histogram = expect(wire, ProtoInput.LENGTH, "histogram") ? m.message() : null;
                case 6 -> {
                    expect(wire, ProtoInput.VARINT, "timestamp_ms");
                    timestamp = m.varint();
                    hasTimestamp = true;
                }
                default -> m.skip(wire);
            }
        }
        String[] pairs = labels.toArray(new String[0]);
        switch (type) {
            case SUMMARY -> {
                if (summary != null) {
                    summary(summary, pairs, hasTimestamp, timestamp);
                }
            }
            case HISTOGRAM, GAUGE_HISTOGRAM -> {
                if (histogram != null) {
                    histogram(histogram, pairs, hasTimestamp, timestamp);
                }
            }
            default -> {
                if (hasValue) {
                    items.add(new Item(Entry.SERIES, familyName, pairs, value, hasTimestamp, timestamp, exemplar, null, null, created));
                }
            }
        }
    }

    private static double singleValue(ProtoInput g) {
        double v = 0;
        while (g.hasMore()) {
            long t = g.varint();
            if ((t >>> 3) == 1 && (t & 7) == ProtoInput.FIXED64) {
                v = g.fixed64Double();
            } else {
                g.skip((int) (t & 7));
            }
        }
        return v;
    }

    private Exemplar exemplar(ProtoInput e) {
        Labels.Builder labels = Labels.builder();
        double value = 0;
        boolean hasTimestamp = false;
        long ms = 0;
        while (e.hasMore()) {
            long t = e.varint();
            int f = (int) (t >>> 3);
            int wire = (int) (t & 7);
            if (f == 1 && wire == ProtoInput.LENGTH) {
                ProtoInput pair = e.message();
                String n = "";
                String v = "";
                while (pair.hasMore()) {
                    long pt = pair.varint();
                    if ((pt >>> 3) == 1 && (pt & 7) == ProtoInput.LENGTH) {
                        n = pair.string();
                    } else if ((pt >>> 3) == 2 && (pt & 7) == ProtoInput.LENGTH) {
                        v = pair.string();
                    } else {
                        pair.skip((int) (pt & 7));
                    }
                }
                labels.set(n, v);
            } else if (f == 2 && wire == ProtoInput.FIXED64) {
                value = e.fixed64Double();
            } else if (f == 3 && wire == ProtoInput.LENGTH) {
                ProtoInput ts = e.message();
                long seconds = 0;
                long nanos = 0;
                while (ts.hasMore()) {
                    long tt = ts.varint();
                    if ((tt >>> 3) == 1 && (tt & 7) == ProtoInput.VARINT) {
                        seconds = ts.varint();
                    } else if ((tt >>> 3) == 2 && (tt & 7) == ProtoInput.VARINT) {
                        nanos = ts.varint();
                    } else {
                        ts.skip((int) (tt & 7));
                    }
                }
                ms = seconds * 1000 + nanos / 1_000_000;
                hasTimestamp = true;
            } else {
                e.skip(wire);
            }
        }
        return new Exemplar(labels.build(), value, ms, hasTimestamp);
    }

    private void summary(ProtoInput s, String[] pairs, boolean hasTs, long ts) {
        long count = 0;
        double sum = 0;
        List<double[]> quantiles = new ArrayList<>();
        while (s.hasMore()) {
            long t = s.varint();
            int f = (int) (t >>> 3);
            int wire = (int) (t & 7);
            if (f == 1 && wire == ProtoInput.VARINT) {
                count = s.varint();
            } else if (f == 2 && wire == ProtoInput.FIXED64) {
                sum = s.fixed64Double();
            } else if (f == 4 && wire == ProtoInput.LENGTH) {
                created = timestampMillis(s.message());
            } else if (f == 3 && wire == ProtoInput.LENGTH) {
                ProtoInput q = s.message();
                double quantile = 0;
                double value = 0;
                while (q.hasMore()) {
                    long qt = q.varint();
                    if ((qt >>> 3) == 1 && (qt & 7) == ProtoInput.FIXED64) {
                        quantile = q.fixed64Double();
                    } else if ((qt >>> 3) == 2 && (qt & 7) == ProtoInput.FIXED64) {
                        value = q.fixed64Double();
                    } else {
                        q.skip((int) (qt & 7));
                    }
                }
                quantiles.add(new double[] {quantile, value});
            } else {
                s.skip(wire);
            }
        }
        items.add(new Item(Entry.SERIES, familyName + "_count", pairs, unsignedToDouble(count),
                hasTs, ts, null, null, null, created));
        items.add(new Item(Entry.SERIES, familyName + "_sum", pairs, sum, hasTs, ts, null, null, null, created));
        for (double[] q : quantiles) {
            items.add(new Item(Entry.SERIES, familyName, with(pairs, "quantile", FloatFormat.labelFloat(q[0])), q[1], hasTs, ts, null, null,
                    null, created));
        }
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    private static String[] with(String[] pairs, String name, String value) {
        String[] out = Arrays.copyOf(pairs, pairs.length + 2);
        out[pairs.length] = name;
        out[pairs.length + 1] = value;
        return out;
    }

    private void histogram(ProtoInput h, String[] pairs, boolean hasTs, long ts) throws ExpositionException {
        long count = 0;
        double countFloat = 0;
        double sum = 0;
        int schema = 0;
        double zeroThreshold = 0;
        long zeroCount = 0;
        double zeroCountFloat = 0;
        LongList negSpans = new LongList();
        LongList posSpans = new LongList();
        LongList negDeltas = new LongList();
        LongList posDeltas = new LongList();
        DoubleList negCounts = new DoubleList();
        DoubleList posCounts = new DoubleList();
        List<double[]> buckets = new ArrayList<>(); // {upper, cumulative}
        List<Exemplar> bucketExemplars = new ArrayList<>(); // one per bucket, null where none
        List<Exemplar> exemplars = new ArrayList<>();
        while (h.hasMore()) {
            long t = h.varint();
            int f = (int) (t >>> 3);
            int wire = (int) (t & 7);
            switch (f) {
                case 1 -> count = wire == ProtoInput.VARINT ? h.varint() : skipped(h, wire);
                case 4 -> countFloat = wire == ProtoInput.FIXED64 ? h.fixed64Double() : skippedD(h, wire);
                case 2 -> sum = wire == ProtoInput.FIXED64 ? h.fixed64Double() : skippedD(h, wire);
                case 3 -> {
                    expect(wire, ProtoInput.LENGTH, "bucket");
                    ProtoInput b = h.message();
                    long cum = 0;
                    double cumFloat = 0;
                    double upper = 0;
                    Exemplar bucketExemplar = null;
                    while (b.hasMore()) {
                        long bt = b.varint();
                        int bf = (int) (bt >>> 3);
                        int bw = (int) (bt & 7);
                        if (bf == 1 && bw == ProtoInput.VARINT) {
                            cum = b.varint();
                        } else if (bf == 4 && bw == ProtoInput.FIXED64) {
                            cumFloat = b.fixed64Double();
                        } else if (bf == 2 && bw == ProtoInput.FIXED64) {
                            upper = b.fixed64Double();
                        } else if (bf == 3 && bw == ProtoInput.LENGTH) {
                            bucketExemplar = exemplar(b.message());
                        } else {
                            b.skip(bw);
                        }
                    }
                    buckets.add(new double[] {upper, cumFloat > 0 ? cumFloat : unsignedToDouble(cum)});
                    bucketExemplars.add(bucketExemplar); // null for a bucket without one: the list stays aligned
                }
                case 5 -> schema = wire == ProtoInput.VARINT ? (int) h.zigzag() : (int) skipped(h, wire);
                case 6 -> zeroThreshold = wire == ProtoInput.FIXED64 ? h.fixed64Double() : skippedD(h, wire);
                case 7 -> zeroCount = wire == ProtoInput.VARINT ? h.varint() : skipped(h, wire);
                case 8 -> zeroCountFloat = wire == ProtoInput.FIXED64 ? h.fixed64Double() : skippedD(h, wire);
                case 9 -> span(h, wire, negSpans);
                case 10 -> h.zigzags(wire, negDeltas);
                case 11 -> h.doubles(wire, negCounts);
                case 12 -> span(h, wire, posSpans);
                case 13 -> h.zigzags(wire, posDeltas);
                case 14 -> h.doubles(wire, posCounts);
                case 16 -> {
                    expect(wire, ProtoInput.LENGTH, "exemplars");
                    exemplars.add(exemplar(h.message()));
                }
                case 15 -> created = expect(wire, ProtoInput.LENGTH, "created_timestamp") ? timestampMillis(h.message()) : 0;
                default -> h.skip(wire);
            }
        }
        boolean isNative = schema != 0 || zeroThreshold > 0 || zeroCount > 0 || zeroCountFloat > 0 || posSpans.n > 0 || negSpans.n > 0;
        boolean asNative = isNative && options.nativeHistograms();
        if (asNative) {
            boolean floats = countFloat > 0 || zeroCountFloat > 0 || posCounts.n > 0 || negCounts.n > 0;
            CounterResetHint hint = type == GAUGE_HISTOGRAM ? CounterResetHint.GAUGE : CounterResetHint.UNKNOWN;
            Object native_ = nativeHistogram(floats, hint, schema, zeroThreshold, floats ? zeroCountFloat : zeroCount,
                    floats ? countFloat : unsignedToDouble(count), sum, negSpans, negDeltas, negCounts, posSpans, posDeltas, posCounts);
            List<Exemplar> hex = new ArrayList<>();
            for (Exemplar e : exemplars.isEmpty() ? bucketExemplars : exemplars) {
                if (e != null && e.hasTimestamp()) {
                    hex.add(e);
                }
            }
            hex.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
            items.add(new Item(Entry.HISTOGRAM, familyName, pairs, Double.NaN, hasTs, ts, null, native_, List.copyOf(hex), created));
        }
        if (!asNative || options.alwaysScrapeClassic()) {
            double total = countFloat > 0 ? countFloat : unsignedToDouble(count);
            items.add(new Item(Entry.SERIES, familyName + "_count", pairs, total, hasTs, ts, null, null, null, created));
            items.add(new Item(Entry.SERIES, familyName + "_sum", pairs, sum, hasTs, ts, null, null, null, created));
            boolean sawInf = false;
            for (int i = 0; i < buckets.size(); i++) {
                double upper = buckets.get(i)[0];
                sawInf |= upper == Double.POSITIVE_INFINITY;
                Exemplar e = i < bucketExemplars.size() ? bucketExemplars.get(i) : null;
                items.add(new Item(Entry.SERIES, familyName + "_bucket", with(pairs, "le", FloatFormat.labelFloat(upper)), buckets.get(i)[1],
                        hasTs, ts, e, null, null, created));
            }
            if (!sawInf) {
                items.add(new Item(Entry.SERIES, familyName + "_bucket", with(pairs, "le", "+Inf"), total, hasTs, ts, null, null, null, created));
            }
        }
    }

    private static long skipped(ProtoInput in, int wire) {
        in.skip(wire);
        return 0;
    }

    private static double skippedD(ProtoInput in, int wire) {
        in.skip(wire);
        return 0;
    }

    private static void span(ProtoInput h, int wire, LongList spans) {
        expect(wire, ProtoInput.LENGTH, "span");
        ProtoInput s = h.message();
        long offset = 0;
        long length = 0;
        while (s.hasMore()) {
            long t = s.varint();
            if ((t >>> 3) == 1 && (t & 7) == ProtoInput.VARINT) {
                offset = s.zigzag();
            } else if ((t >>> 3) == 2 && (t & 7) == ProtoInput.VARINT) {
                length = s.varint();
            } else {
                s.skip((int) (t & 7));
            }
        }
        if (offset < Integer.MIN_VALUE || offset > Integer.MAX_VALUE || length < 0 || length > 1 << 20) {
            throw new ProtoFormatException("impossible bucket span " + offset + ":" + length);
        }
        spans.add(offset);
        spans.add(length);
    }

    /** The native histogram, its resolution lowered as the bucket limit and minimum bucket factor ask. */
    private Object nativeHistogram(boolean floats, CounterResetHint hint, int schema, double zeroThreshold, double zeroCount, double count,
                                   double sum, LongList negSpans, LongList negDeltas, DoubleList negCounts, LongList posSpans,
                                   LongList posDeltas, DoubleList posCounts) throws ExpositionException {
        HistogramSpans neg = spans(negSpans);
        HistogramSpans pos = spans(posSpans);
        double[] negAbs = floats ? Arrays.copyOf(negCounts.a, negCounts.n) : absolute(negDeltas);
        double[] posAbs = floats ? Arrays.copyOf(posCounts.a, posCounts.n) : absolute(posDeltas);
        if (neg.bucketCount() != negAbs.length || pos.bucketCount() != posAbs.length) {
            throw new ExpositionException(family, "native histogram " + familyName + ": spans describe " + (neg.bucketCount() + pos.bucketCount())
                    + " buckets, the message has " + (negAbs.length + posAbs.length));
        }
        int target = schema;
        if (schema >= Histogram.MIN_SCHEMA && schema <= Histogram.MAX_SCHEMA) {
            if (options.minBucketFactor() > 1) {
                target = Math.min(target, Resolution.schemaForFactor(options.minBucketFactor()));
            }
            int limit = options.bucketLimit();
            if (limit > 0) {
                while (bucketsAt(neg, negAbs, schema, target) + bucketsAt(pos, posAbs, schema, target) > limit) {
                    if (target <= Histogram.MIN_SCHEMA) {
                        throw new ExpositionException(family, "histogram bucket limit exceeded: native histogram " + familyName
                                + " has more than " + limit + " buckets even at schema " + Histogram.MIN_SCHEMA);
                    }
                    target--;
                }
            }
        }
        if (target != schema) {
            Resolution.Buckets n = Resolution.reduce(neg.indexes(null), negAbs, negAbs.length, schema, target);
            Resolution.Buckets p = Resolution.reduce(pos.indexes(null), posAbs, posAbs.length, schema, target);
            neg = n.spans();
            pos = p.spans();
            negAbs = n.counts();
            posAbs = p.counts();
            schema = target;
        }
        if (floats) {
            return new FloatHistogram(hint, schema, zeroThreshold, zeroCount, count, sum, pos, posAbs, neg, negAbs, null);
        }
        return new Histogram(hint, schema, zeroThreshold, (long) zeroCount, (long) count, sum, pos, deltas(posAbs), neg, deltas(negAbs), null);
    }

    private static int bucketsAt(HistogramSpans spans, double[] counts, int from, int to) {
        return from == to ? counts.length : Resolution.reduce(spans.indexes(null), counts, counts.length, from, to).indexes().length;
    }

    private static HistogramSpans spans(LongList pairs) {
        int n = pairs.n / 2;
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        int k = 0;
        long carry = 0; // offsets of empty spans (the no-op span of a histogram without observations) add to the next gap
        for (int i = 0; i < n; i++) {
            if (pairs.a[2 * i + 1] == 0) {
                carry += pairs.a[2 * i];
                continue;
            }
            long offset = pairs.a[2 * i] + carry;
            if (offset < Integer.MIN_VALUE || offset > Integer.MAX_VALUE) {
                throw new ProtoFormatException("bucket span offset out of range: " + offset);
            }
            offsets[k] = (int) offset;
            lengths[k] = (int) pairs.a[2 * i + 1];
            carry = 0;
            k++;
        }
        return HistogramSpans.of(Arrays.copyOf(offsets, k), Arrays.copyOf(lengths, k));
    }

    private static double[] absolute(LongList deltas) {
        double[] out = new double[deltas.n];
        long c = 0;
        for (int i = 0; i < deltas.n; i++) {
            c += deltas.a[i];
            out[i] = c;
        }
        return out;
    }

    private static long[] deltas(double[] absolute) {
        long[] out = new long[absolute.length];
        long prev = 0;
        for (int i = 0; i < absolute.length; i++) {
            long c = (long) absolute[i];
            out[i] = c - prev;
            prev = c;
        }
        return out;
    }

    private void buildKey(Item item) {
        keyLength = 0;
        put(item.name());
        key(0xff);
        String[] pairs = item.labels();
        for (int i = 0; i < pairs.length; i += 2) {
            put(pairs[i]);
            key(0xfe);
            put(pairs[i + 1]);
            key(0xfd);
        }
        if (item.kind() == Entry.HISTOGRAM) {
            key(0xfc); // a native histogram never shares its identity with a classic series of the same name
        }
    }

    private void put(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ensure(b.length);
        System.arraycopy(b, 0, key, keyLength, b.length);
        keyLength += b.length;
    }

    private void key(int b) {
        ensure(1);
        key[keyLength++] = (byte) b;
    }

    private void ensure(int n) {
        if (keyLength + n > key.length) {
            key = Arrays.copyOf(key, Math.max(key.length * 2, keyLength + n));
        }
    }

    @Override
    public int lineNumber() {
        return family;
    }

    /** The scratch buffer holding the current series' identity (rebuilt per entry). */
    @Override
    public byte[] buffer() {
        return key;
    }

    @Override
    public int seriesOffset() {
        return 0;
    }

    @Override
    public int seriesLength() {
        return keyLength;
    }

    @Override
    public String metricName() {
        return current.name();
    }

    @Override
    public void labels(Labels.Builder into) {
        into.set("__name__", current.name());
        String[] pairs = current.labels();
        for (int i = 0; i < pairs.length; i += 2) {
            into.set(pairs[i], pairs[i + 1]);
        }
    }

    @Override
    public void rawLabels(BiConsumer<String, String> sink) {
        String[] pairs = current.labels();
        for (int i = 0; i < pairs.length; i += 2) {
            sink.accept(pairs[i], pairs[i + 1]);
        }
    }

    @Override
    public double value() {
        return current.value();
    }

    @Override
    public boolean hasTimestamp() {
        return current.hasTimestamp();
    }

    @Override
    public long timestamp() {
        return current.timestamp();
    }

    @Override
    public boolean hasExemplar() {
        return current != null && current.exemplar() != null;
    }

    @Override
    public Exemplar exemplar() {
        return current.exemplar();
    }

    @Override
    public boolean isFloatHistogram() {
        return current.histogram() instanceof FloatHistogram;
    }

    @Override
    public Histogram histogram() {
        if (current.histogram() instanceof Histogram h) {
            return h;
        }
        throw new IllegalStateException("the current entry is not an integer native histogram");
    }

    @Override
    public FloatHistogram floatHistogram() {
        Object h = current.histogram();
        if (h instanceof FloatHistogram f) {
            return f;
        }
        if (h instanceof Histogram ih) {
            return ih.toFloat();
        }
        throw new IllegalStateException("the current entry is not a native histogram");
    }

    @Override
    public List<Exemplar> histogramExemplars() {
        return current.histogramExemplars() == null ? List.of() : current.histogramExemplars();
    }

    @Override
    public String metricFamilyName() {
        return familyName;
    }

    @Override
    public MetricType type() {
        return switch (type) {
            case COUNTER -> MetricType.COUNTER;
            case GAUGE -> MetricType.GAUGE;
            case SUMMARY -> MetricType.SUMMARY;
            case HISTOGRAM -> MetricType.HISTOGRAM;
            case GAUGE_HISTOGRAM -> MetricType.GAUGE_HISTOGRAM;
            default -> MetricType.UNKNOWN;
        };
    }

    @Override
    public String help() {
        return help;
    }

    @Override
    public String unit() {
        return unit;
    }

    @Override
    public String comment() {
        return "";
    }
}
