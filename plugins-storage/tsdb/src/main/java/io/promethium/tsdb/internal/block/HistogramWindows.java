package io.promethium.tsdb.internal.block;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.chunks.ChunkFormatException;
import java.io.IOException;
import java.util.Arrays;

/**
 * The {@link Downsampler}'s native-histogram half: a series holding only native histograms (all
 * of one bucket kind and zero threshold, see {@link AggrHistograms#compatible}) is cut into the
 * same windows as floats and written as {@link HistAggrChunk}s: per window the sample count, the
 * histograms' sum, and the counter with resets added back. From a raw block ({@link #add}) or from
 * a finer companion's chunks ({@link #reaggregate}: counts and sums add up, the counter carried on
 * across the source's chunks as a reader joins them).
 */
final class HistogramWindows {
    private final int windowsPerChunk;
    private final HistAggrChunk.Encoder encoder = new HistAggrChunk.Encoder();

    // The current chunk's windows and counter points.
    private long[] wt;
    private double[] wcount;
    private FloatHistogram[] wsum;
    private long[] ct;
    private FloatHistogram[] cv;
    private int n;
    private int cn;

    // The open window.
    private boolean windowOpen;
    private long window;
    private long count;
    private FloatHistogram sum;
    private long lastT;
    private long counterT;

    // The counter since the chunk's first sample, the last raw histogram.
    private boolean counterStarted;
    private FloatHistogram counter;
    private FloatHistogram prevRaw;
    // Re-aggregating: the counter where the current source chunk started, and its first raw histogram.
    private FloatHistogram entryCounter;
    private FloatHistogram entryRaw;

    HistogramWindows(int windowsPerChunk) {
        this.windowsPerChunk = windowsPerChunk;
        grow(windowsPerChunk);
    }

    void startSeries() {
        n = 0;
        cn = 0;
        windowOpen = false;
        counterStarted = false;
        prevRaw = null;
    }

    /** Whether the series has windows not yet written. */
    boolean pending() {
        return n > 0 || windowOpen;
    }

    /** Adds the raw histogram {@code h} (kept: the caller passes a copy) at {@code t}. */
    void add(long t, FloatHistogram h, long resolution, BlockWriter writer) throws IOException {
        openFor(Math.floorDiv(t - 1, resolution), writer);
        count++;
        sum = sum == null ? h : AggrHistograms.add(sum, h, 1, sumHint(h));
        lastT = t;
        if (!counterStarted) {
            // A chunk's counter starts with its first raw histogram, so readers can join chunks.
            counterStarted = true;
            counter = h;
            ct[cn] = t;
            cv[cn++] = h;
        } else {
            counter = AggrHistograms.increase(counter, prevRaw, h);
        }
        prevRaw = h;
        counterT = t;
    }

    private static CounterResetHint sumHint(FloatHistogram h) {
        return h.counterResetHint() == CounterResetHint.GAUGE ? CounterResetHint.GAUGE : CounterResetHint.UNKNOWN;
    }

    private void openFor(long k, BlockWriter writer) throws IOException {
        if (windowOpen && k != window) {
            closeWindow();
        }
        if (!windowOpen) {
            if (n >= windowsPerChunk) {
                flush(writer);
            }
            windowOpen = true;
            window = k;
            count = 0;
            sum = null;
            counterT = Long.MIN_VALUE;
        }
    }

    private void closeWindow() {
        windowOpen = false;
        if (n == wt.length || cn >= ct.length - 1) {
            grow(wt.length * 2);
        }
        wt[n] = lastT;
        wcount[n] = count;
        wsum[n] = sum;
        n++;
        if (counterT != Long.MIN_VALUE && cn > 0 && counterT > ct[cn - 1]) {
            ct[cn] = counterT;
            cv[cn++] = counter;
        }
    }

    /** Closes the open window and writes what is left of the series. */
    void finish(BlockWriter writer) throws IOException {
        if (windowOpen) {
            closeWindow();
        }
        if (n > 0) {
            flush(writer);
        }
    }

    private void flush(BlockWriter writer) throws IOException {
        long base = cn > 0 ? Math.min(ct[0], wt[0]) : wt[0];
        encoder.encode(wt, wcount, wsum, n, ct, cv, cn, prevRaw, base);
        writer.addChunk(base, wt[n - 1], HistAggrChunk.ENCODING, encoder.array(), 0, encoder.length());
        Arrays.fill(wsum, 0, n, null);
        Arrays.fill(cv, 0, cn, null);
        n = 0;
        cn = 0;
        counterStarted = false;
    }

    /**
     * Adds one source chunk (decoded) of a finer companion: windows touched by {@code deleted}
     * tombstones are left out with their counter points (the counter keeps the increase over the
     * gap, as raw rate over it does). A raw histogram is known only at a source chunk's ends, so
     * an output chunk is cut only there (once it holds {@code windowsPerChunk} windows).
     */
    void reaggregate(HistAggrChunk.Decoded d, long sourceResolution, long resolution, long[] deleted, BlockWriter writer)
            throws IOException {
        if (n >= windowsPerChunk) {
            if (windowOpen) {
                closeWindow();
            }
            flush(writer);
        }
        boolean entry = true;
        int c = 0;
        for (int w = 0; w < d.windows; w++) {
            long ts = d.wt[w];
            boolean hidden = deleted != null && DownsampledReader.hidden(deleted, ts, sourceResolution);
            long k = Math.floorDiv(ts - 1, resolution);
            if (!hidden) {
                if (windowOpen && k != window) {
                    closeWindow();
                }
                if (!windowOpen) {
                    windowOpen = true;
                    window = k;
                    count = 0;
                    sum = null;
                    counterT = Long.MIN_VALUE;
                }
            }
            // The counter's points up to this window point lie in its source window.
            for (; c < d.counters && d.ct[c] <= ts; c++) {
                if (!hidden) {
                    addCounter(d.ct[c], d.cv[c], entry);
                    entry = false;
                }
            }
            if (hidden) {
                continue;
            }
            count += (long) d.count[w];
            sum = sum == null ? d.sum[w] : AggrHistograms.compatible(sum, d.sum[w])
                    ? AggrHistograms.add(sum, d.sum[w], 1, sumHint(d.sum[w])) : fail(d.sum[w]);
            lastT = ts;
        }
        prevRaw = d.lastRaw;
    }

    private static FloatHistogram fail(FloatHistogram h) {
        throw new ChunkFormatException("histogram aggregate chunk mixes bucket layouts that cannot be added: " + h);
    }

    /** A source counter point: a chunk's first is its raw histogram, later ones are adjusted from it. */
    private void addCounter(long t, FloatHistogram v, boolean firstOfSourceChunk) {
        if (!counterStarted) {
            counterStarted = true;
            counter = v;
            if (cn == ct.length) {
                grow(wt.length * 2);
            }
            ct[cn] = t;
            cv[cn++] = v;
            entryCounter = v;
            entryRaw = v;
        } else if (firstOfSourceChunk) {
            counter = AggrHistograms.increase(counter, prevRaw, v);
            entryCounter = counter;
            entryRaw = v;
        } else {
            counter = AggrHistograms.add(entryCounter, AggrHistograms.add(v, entryRaw, -1, CounterResetHint.UNKNOWN), 1,
                    CounterResetHint.NOT_COUNTER_RESET);
        }
        counterT = t;
    }

    private void grow(int windows) {
        if (wt == null || wt.length < windows) {
            int w = Math.max(windows, 1);
            wt = wt == null ? new long[w] : Arrays.copyOf(wt, w);
            wcount = wcount == null ? new double[w] : Arrays.copyOf(wcount, w);
            wsum = wsum == null ? new FloatHistogram[w] : Arrays.copyOf(wsum, w);
            ct = ct == null ? new long[w + 1] : Arrays.copyOf(ct, w + 1);
            cv = cv == null ? new FloatHistogram[w + 1] : Arrays.copyOf(cv, w + 1);
        }
    }
}
