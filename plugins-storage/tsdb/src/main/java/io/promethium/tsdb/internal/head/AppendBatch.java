package io.promethium.tsdb.internal.head;

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
    final List<MemSeries> unlogged = new ArrayList<>();
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

    /** Empties the batch, dropping its series references so the pool holds no series alive. */
    void clear() {
        Arrays.fill(series, 0, n, null);
        n = 0;
        unlogged.clear();
        encoder.reset();
    }

    /** Slots held, for the pool's size cap. */
    int capacity() {
        return ts.length;
    }

    int encoderCapacity() {
        return encoder.bytes().array().length;
    }
}
