package io.promethium.tsdb.internal.wal;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.tsdb.internal.util.FormatException;
import java.util.Arrays;

/**
 * The decoded records of a piece of a WAL file, in log order, for parallel replay: float samples
 * in primitive columns, every other entry (series, tombstones, start timestamps, histograms,
 * exemplars, metadata) in a list that notes how many float samples came before it. Reused: a
 * decoding thread fills it, the replaying thread reads it and gives it back.
 */
public final class DecodedRecords implements WalRecords.Visitor {
    public static final byte SERIES = 1;
    public static final byte TOMBSTONE = 2;
    public static final byte START = 3;
    /** An integer or float histogram sample ({@link #object} is a {@link Histogram} or {@link FloatHistogram}). */
    public static final byte HISTOGRAM = 4;
    public static final byte EXEMPLAR = 5;
    public static final byte METADATA = 6;

    // Float samples.
    private long[] refs = new long[1024];
    private long[] ts = new long[1024];
    private double[] vs = new double[1024];
    private int floats;

    // Other entries.
    private byte[] kinds = new byte[64];
    private int[] floatsBefore = new int[64];
    private long[] entryRefs = new long[64];
    private long[] entryA = new long[64];
    private long[] entryB = new long[64];
    private Object[] objects = new Object[64];
    private int entries;

    /** Where in its file the first undecodable record starts, or -1. */
    private long badOffset = -1;

    void reset() {
        floats = 0;
        Arrays.fill(objects, 0, entries, null);
        entries = 0;
        badOffset = -1;
    }

    /**
     * Decodes one record (whose type byte passed {@link WalRecords#validType}); a record that
     * does not decode keeps the entries decoded before the fault, as serial replay applies them.
     */
    void decode(byte type, byte[] buf, int offset, int length, RecordDecompressor inflater, SymbolCache labels, SymbolCache texts) {
        int n = inflater.inflate(type, buf, offset, length);
        byte[] plain = inflater.plain();
        int at = inflater.plainOffset();
        byte base = (byte) (type & WalRecords.TYPE_MASK);
        if (base == WalRecords.SAMPLE_COLUMNS) {
            try {
                int count = WalRecords.sampleColumnsCount(plain, at, n);
                ensureFloats(count);
                WalRecords.sampleColumns(plain, at, n, refs, ts, vs, floats);
                floats += count;
            } catch (FormatException e) {
                // Decoded again entry by entry, so the samples before the fault are kept as serial replay keeps them.
                WalRecords.decode(base, plain, at, n, this, labels, texts);
                throw e;
            }
        } else {
            WalRecords.decode(base, plain, at, n, this, labels, texts);
        }
    }

    /** Marks the record at {@code offset} of the file as the first bad one: nothing after it is replayed. */
    void bad(long offset) {
        badOffset = offset;
    }

    /** The file offset of the first bad record, or -1 when all decoded. */
    public long badOffset() {
        return badOffset;
    }

    public int floats() {
        return floats;
    }

    public long[] refs() {
        return refs;
    }

    public long[] timestamps() {
        return ts;
    }

    public double[] values() {
        return vs;
    }

    public int entries() {
        return entries;
    }

    public byte kind(int i) {
        return kinds[i];
    }

    /** How many float samples precede entry {@code i} in the log. */
    public int floatsBefore(int i) {
        return floatsBefore[i];
    }

    public long ref(int i) {
        return entryRefs[i];
    }

    /** The entry's time: the sample time, a tombstone's mint, a start timestamp's sample time. */
    public long a(int i) {
        return entryA[i];
    }

    /** A tombstone's maxt, a start timestamp's start. */
    public long b(int i) {
        return entryB[i];
    }

    /** The labels, histogram, exemplar or metadata of the entry. */
    public Object object(int i) {
        return objects[i];
    }

    /** Replays the entries to a visitor in log order (serial consumers, tests). */
    public void visit(WalRecords.Visitor v) {
        int f = 0;
        for (int i = 0; i <= entries; i++) {
            int until = i < entries ? floatsBefore[i] : floats;
            for (; f < until; f++) {
                v.sample(refs[f], ts[f], vs[f]);
            }
            if (i == entries) {
                break;
            }
            switch (kinds[i]) {
                case SERIES -> v.series(entryRefs[i], (Labels) objects[i]);
                case TOMBSTONE -> v.tombstone(entryRefs[i], entryA[i], entryB[i]);
                case START -> v.startTimestamp(entryRefs[i], entryA[i], entryB[i]);
                case HISTOGRAM -> {
                    if (objects[i] instanceof Histogram h) {
                        v.histogram(entryRefs[i], entryA[i], h);
                    } else {
                        v.floatHistogram(entryRefs[i], entryA[i], (FloatHistogram) objects[i]);
                    }
                }
                case EXEMPLAR -> v.exemplar(entryRefs[i], (Exemplar) objects[i]);
                case METADATA -> v.metadata(entryRefs[i], (Metadata) objects[i]);
                default -> throw new IllegalStateException("entry kind " + kinds[i]);
            }
        }
    }

    private void ensureFloats(int more) {
        int need = floats + more;
        if (need > refs.length) {
            int cap = Math.max(need, refs.length * 2);
            refs = Arrays.copyOf(refs, cap);
            ts = Arrays.copyOf(ts, cap);
            vs = Arrays.copyOf(vs, cap);
        }
    }

    private void entry(byte kind, long ref, long a, long b, Object o) {
        if (entries == kinds.length) {
            int cap = entries * 2;
            kinds = Arrays.copyOf(kinds, cap);
            floatsBefore = Arrays.copyOf(floatsBefore, cap);
            entryRefs = Arrays.copyOf(entryRefs, cap);
            entryA = Arrays.copyOf(entryA, cap);
            entryB = Arrays.copyOf(entryB, cap);
            objects = Arrays.copyOf(objects, cap);
        }
        kinds[entries] = kind;
        floatsBefore[entries] = floats;
        entryRefs[entries] = ref;
        entryA[entries] = a;
        entryB[entries] = b;
        objects[entries] = o;
        entries++;
    }

    // ---- WalRecords.Visitor: what the decoder produces ----

    @Override
    public void series(long ref, Labels labels) {
        entry(SERIES, ref, 0, 0, labels);
    }

    @Override
    public void sample(long ref, long t, double v) {
        ensureFloats(1);
        refs[floats] = ref;
        ts[floats] = t;
        vs[floats] = v;
        floats++;
    }

    @Override
    public void tombstone(long ref, long mint, long maxt) {
        entry(TOMBSTONE, ref, mint, maxt, null);
    }

    @Override
    public void histogram(long ref, long t, Histogram h) {
        entry(HISTOGRAM, ref, t, 0, h);
    }

    @Override
    public void floatHistogram(long ref, long t, FloatHistogram h) {
        entry(HISTOGRAM, ref, t, 0, h);
    }

    @Override
    public void exemplar(long ref, Exemplar e) {
        entry(EXEMPLAR, ref, e.timestamp(), 0, e);
    }

    @Override
    public void metadata(long ref, Metadata m) {
        entry(METADATA, ref, 0, 0, m);
    }

    @Override
    public void startTimestamp(long ref, long t, long start) {
        entry(START, ref, t, start, null);
    }
}
