package io.promethium.tsdb.internal.head;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Metadata;
import io.promethium.tsdb.internal.wal.WalRecords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The primitive buffers of one appender's batch and its WAL encoder. Batches are pooled by the
 * head ({@link AppendBatchPool}): a scrape commits about a thousand samples every few
 * milliseconds, and growing fresh arrays and a fresh record buffer for each was a tenth of the
 * append CPU.
 */
final class AppendBatch {
    private static final int INITIAL = 64;

    MemSeries[] series = new MemSeries[INITIAL];
    long[] refs = new long[INITIAL];
    long[] ts = new long[INITIAL];
    double[] vs = new double[INITIAL];
    int n;
    // Histogram samples (each a copy the batch owns: a Histogram or FloatHistogram), exemplars and
    // metadata changes: far rarer than floats, so plain lists.
    final List<MemSeries> hSeries = new ArrayList<>();
    long[] hTs = new long[8];
    /** For each histogram, how many float samples the batch held when it was added: its place in append order. */
    int[] hSeq = new int[8];
    final List<Object> hValues = new ArrayList<>();
    final List<MemSeries> eSeries = new ArrayList<>();
    final List<Exemplar> exemplars = new ArrayList<>();
    final List<MemSeries> mSeries = new ArrayList<>();
    final List<Metadata> metadata = new ArrayList<>();
    final List<MemSeries> unlogged = new ArrayList<>();
    /** Start timestamps of the floats (by index, 0: none); null while no sample of the batch has one. */
    long[] sts;
    /** Start timestamps of the histograms (by index); null while none has one. */
    long[] hSts;
    final WalRecords.Encoder encoder = new WalRecords.Encoder();

    /** Adds a sample of {@code s}, whose ref is {@code ref} (passed in: reading it from {@code s} is a cache miss). */
    void add(MemSeries s, long ref, long t, double v) {
        if (n == ts.length) {
            int cap = n * 2;
            series = Arrays.copyOf(series, cap);
            refs = Arrays.copyOf(refs, cap);
            ts = Arrays.copyOf(ts, cap);
            vs = Arrays.copyOf(vs, cap);
        }
        series[n] = s;
        refs[n] = ref;
        ts[n] = t;
        vs[n] = v;
        n++;
    }

    void addHistogram(MemSeries s, long t, Object histogram) {
        int i = hSeries.size();
        if (i == hTs.length) {
            hTs = Arrays.copyOf(hTs, i * 2);
            hSeq = Arrays.copyOf(hSeq, i * 2);
        }
        hSeries.add(s);
        hTs[i] = t;
        hSeq[i] = n;
        hValues.add(histogram);
    }

    /** Gives float sample {@code i} its start timestamp. */
    void setStart(int i, long start) {
        if (sts == null || sts.length <= i) {
            sts = sts == null ? new long[Math.max(ts.length, i + 1)] : Arrays.copyOf(sts, Math.max(ts.length, i + 1));
        }
        sts[i] = start;
    }

    /** Gives histogram sample {@code i} its start timestamp. */
    void setHistogramStart(int i, long start) {
        if (hSts == null || hSts.length <= i) {
            hSts = hSts == null ? new long[Math.max(hTs.length, i + 1)] : Arrays.copyOf(hSts, Math.max(hTs.length, i + 1));
        }
        hSts[i] = start;
    }

    long start(int i) {
        return sts == null || i >= sts.length ? 0 : sts[i];
    }

    long histogramStart(int i) {
        return hSts == null || i >= hSts.length ? 0 : hSts[i];
    }

    /** Whether a sample of the batch has a start timestamp. */
    boolean hasStarts() {
        return sts != null || hSts != null;
    }

    /**
     * Whether some series has both float and histogram samples in this batch, so that they must be
     * logged and applied in append order rather than floats first (rare: a series changing kind).
     */
    boolean mixesKinds() {
        if (hSeries.isEmpty() || n == 0) {
            return false;
        }
        java.util.Set<MemSeries> withHistograms = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        withHistograms.addAll(hSeries);
        for (int i = 0; i < n; i++) {
            if (withHistograms.contains(series[i])) {
                return true;
            }
        }
        return false;
    }

    /** Whether the batch holds nothing to log or apply. */
    boolean isEmpty() {
        return n == 0 && unlogged.isEmpty() && hSeries.isEmpty() && eSeries.isEmpty() && mSeries.isEmpty();
    }

    /** Empties the batch, dropping its series references so the pool holds no series alive. */
    void clear() {
        Arrays.fill(series, 0, n, null);
        n = 0;
        hSeries.clear();
        hValues.clear();
        eSeries.clear();
        exemplars.clear();
        mSeries.clear();
        metadata.clear();
        unlogged.clear();
        sts = null;
        hSts = null;
        encoder.reset();
    }

    /** Slots held, for the pool's size cap. */
    int capacity() {
        return ts.length;
    }

    int encoderCapacity() {
        return encoder.bytes().array().length;
    }

    private static final long SHALLOW_BYTES = org.apache.lucene.util.RamUsageEstimator.shallowSizeOfInstance(AppendBatch.class);

    /**
     * The heap of an idle (pooled) batch: its arrays and the WAL encoder's buffer, which keep the
     * size of the largest commit they served. The lists are empty then and not counted.
     */
    long ramBytesUsed() {
        // Each field read once: the pool reads a batch a committer may have taken meanwhile.
        long[] starts = sts;
        long[] hStarts = hSts;
        return SHALLOW_BYTES + org.apache.lucene.util.RamUsageEstimator.shallowSizeOf(series) + org.apache.lucene.util.RamUsageEstimator.sizeOf(refs)
                + org.apache.lucene.util.RamUsageEstimator.sizeOf(ts) + org.apache.lucene.util.RamUsageEstimator.sizeOf(vs)
                + org.apache.lucene.util.RamUsageEstimator.sizeOf(hTs) + org.apache.lucene.util.RamUsageEstimator.sizeOf(hSeq)
                + (starts == null ? 0 : org.apache.lucene.util.RamUsageEstimator.sizeOf(starts))
                + (hStarts == null ? 0 : org.apache.lucene.util.RamUsageEstimator.sizeOf(hStarts))
                + org.apache.lucene.util.RamUsageEstimator.sizeOf(encoder.bytes().array());
    }
}
