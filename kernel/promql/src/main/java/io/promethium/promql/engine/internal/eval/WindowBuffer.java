package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.SampleIterator;

import io.promethium.promql.engine.internal.kernel.NativeHistogram;

import java.util.Arrays;

/**
 * A sliding window over one series' samples: feeds from a {@link SampleIterator} and keeps the
 * samples with {@code start < t <= end} in primitive arrays, dropping staleness markers (they
 * end a series, they are not values). Windows must move forward (or stay); each sample is read
 * from the iterator once, however many steps' windows contain it. Float runs may be read ahead of
 * the window, up to a horizon the caller gives: the window then moves over buffered samples, and
 * the storage is called once per many steps instead of twice per step (a 24-hour rate over 2,800
 * series at a one-minute step made 8M such calls). Reused across series.
 */
final class WindowBuffer {
    long[] ts = new long[64];
    double[] vs = new double[64];
    /** Native histograms beside {@code vs} (null entries for floats); allocated at the first one. */
    NativeHistogram[] hs;
    /** Whether the current series had a histogram sample. */
    boolean anyHist;
    /** Whether to read the samples' start timestamps (use-start-timestamps). */
    boolean readStarts;
    /** Start timestamps beside {@code ts} (0 for none); allocated at the first sample that has one. */
    long[] sts;
    /** Whether the current series had a sample with a start timestamp. */
    boolean anySt;
    /**
     * Whether to read how many raw samples each point stands for ({@code SampleIterator.sampleCount()}:
     * count_over_time and avg_over_time over a storage answering from downsampled aggregates).
     */
    boolean readCounts;
    /** Sample counts beside {@code ts} (1 for a raw sample); allocated at the first point that stands for more. */
    double[] cs;
    /** Whether the current series had a point standing for more than one sample. */
    boolean anyCount;
    /** The window: {@code [lo, hi)}. */
    int lo;
    int hi;
    /** The buffered samples end here: {@code [hi, filled)} were read ahead of the window. */
    private int filled;
    /** Samples per millisecond in the last run read, for placing a window's ends among the samples. */
    private double perMilli;
    private SampleIterator it;
    private boolean has;
    private long read;
    /** Statistics-only reads: histograms without a hint get one from the histogram read before them. */
    boolean statsHints;
    private NativeHistogram prevRead;

    void reset(SampleIterator iterator) {
        this.it = iterator;
        this.prevRead = null;
        this.lo = 0;
        this.hi = 0;
        this.filled = 0;
        this.perMilli = 0;
        this.has = iterator.next();
        if (anyHist) {
            java.util.Arrays.fill(hs, null);
            anyHist = false;
        }
        if (anySt) {
            Arrays.fill(sts, 0L);
            anySt = false;
        }
        anyCount = false;
    }

    /** The window's sample count: the points' {@code sampleCount()}s summed when one stood for more than one sample. */
    double count(int from, int to) {
        if (!anyCount) {
            return to - from;
        }
        double n = 0;
        for (int i = from; i < to; i++) {
            n += cs[i];
        }
        return n;
    }

    /** The window's sample counts (aligned with {@code vs}), or null when every point is one raw sample. */
    double[] counts() {
        return anyCount ? cs : null;
    }

    private void noteCount() {
        long c = it.sampleCount();
        if (c != 1 || anyCount) {
            if (cs == null || cs.length < ts.length) {
                cs = cs == null ? new double[ts.length] : Arrays.copyOf(cs, ts.length);
            }
            if (!anyCount) {
                Arrays.fill(cs, 0, filled - 1, 1.0);
                anyCount = true;
            }
            cs[filled - 1] = c;
        }
    }

    /** The window's start timestamps (aligned with {@code ts}), or null when no sample of the series had one. */
    long[] starts() {
        return anySt ? sts : null;
    }

    private void noteStart() {
        long st = readStarts ? it.startTimestamp() : 0;
        if (st != 0 || anySt) {
            if (sts == null || sts.length < ts.length) {
                sts = sts == null ? new long[ts.length] : Arrays.copyOf(sts, ts.length);
            }
            sts[filled - 1] = st;
            anySt |= st != 0;
        }
    }

    /** Moves the window to (start, end]. */
    void advance(long start, long end) {
        advance(start, end, end);
    }

    /**
     * Moves the window to (start, end], reading float runs ahead up to {@code horizon} (at least
     * {@code end}). Only a caller whose later windows take in every sample up to the horizon reads
     * ahead, so no sample is read that would not have been.
     */
    void advance(long start, long end, long horizon) {
        lo = SampleTimes.after(ts, lo, filled, start, perMilli);
        if (lo == filled && has && it.timestamp() <= start) {
            // Nothing buffered and the next sample is before the window (steps longer than the
            // range): let the storage skip ahead instead of reading every sample in between.
            has = it.seek(statsHints ? start : start + 1);
            prevRead = null;
        }
        boolean runs = !readStarts && !readCounts;
        // Read while the buffer may end inside the window; samples read ahead already reach past it.
        while (has && (filled == lo || ts[filled - 1] <= end)) {
            if (runs) {
                // Floats come in runs (a storage copies a decoded chunk's samples at once); a
                // histogram, or a sample after the window, is read alone below.
                makeRoom();
                int r = it.readFloats(horizon, ts, vs, filled, ts.length - filled);
                int n = r < 0 ? ~r : r;
                if (n > 0) {
                    read += n;
                    keepRun(start, n);
                    if (r < 0) {
                        has = false;
                        break;
                    }
                    continue;
                }
            }
            long t = it.timestamp();
            if (t > end) {
                break;
            }
            if (t <= start && statsHints && it.valueType().isHistogram()) {
                io.promethium.api.model.FloatHistogram fh = it.floatHistogram();
                if (!fh.isStale()) {
                    NativeHistogram h = NativeHistogram.of(fh);
                    h.hintFrom(prevRead);
                    prevRead = h;
                }
            }
            if (t > start) {
                if (it.valueType().isHistogram()) {
                    NativeHistogram h = it instanceof ArraySampleIterator a ? a.nativeHistogram() : null;
                    if (h == null) {
                        io.promethium.api.model.FloatHistogram fh = it.floatHistogram();
                        h = fh.isStale() ? null : NativeHistogram.of(fh);
                    }
                    if (h != null && statsHints) {
                        h.hintFrom(prevRead);
                        prevRead = h;
                    }
                    if (h != null) {
                        append(t, Double.NaN);
                        ensureHs();
                        hs[filled - 1] = h;
                        anyHist = true;
                        noteStart();
                        if (readCounts) {
                            noteCount();
                        }
                    }
                } else {
                    double v = it.value();
                    if (!StaleMarker.isStale(v)) {
                        append(t, v);
                        if (anyHist) {
                            ensureHs();
                            hs[filled - 1] = null;
                        }
                        if (readStarts) {
                            noteStart();
                        }
                        if (readCounts) {
                            noteCount();
                        }
                    }
                }
            }
            read++;
            has = it.next();
        }
        lo = SampleTimes.after(ts, lo, filled, start, perMilli);
        hi = SampleTimes.after(ts, Math.max(hi, lo), filled, end, perMilli);
    }

    private void ensureHs() {
        if (hs == null || hs.length < ts.length) {
            hs = hs == null ? new NativeHistogram[ts.length] : Arrays.copyOf(hs, ts.length);
        }
    }

    /** How many samples of the window are histograms. */
    int histCount() {
        if (!anyHist) {
            return 0;
        }
        int n = 0;
        for (int i = lo; i < hi; i++) {
            if (hs[i] != null) {
                n++;
            }
        }
        return n;
    }

    int size() {
        return hi - lo;
    }

    /** Samples taken from iterators since the last call; resets the count. */
    long takeRead() {
        long r = read;
        read = 0;
        return r;
    }

    Throwable error() {
        return it == null ? null : it.error();
    }

    /**
     * Keeps the {@code n} floats just copied at {@code filled}: those after {@code start} that are
     * not staleness markers (a run read after a seek may begin at or before the window).
     */
    private void keepRun(long start, int n) {
        int from = filled;
        int to = filled + n;
        // Usually every sample is kept: nothing is moved before the first one that is not.
        int i = from;
        while (i < to && ts[i] > start && !StaleMarker.isStale(vs[i])) {
            i++;
        }
        int w = i;
        for (; i < to; i++) {
            long t = ts[i];
            double v = vs[i];
            if (t > start && !StaleMarker.isStale(v)) {
                ts[w] = t;
                vs[w] = v;
                w++;
            }
        }
        filled = w;
        if (w - from > 1) {
            perMilli = SampleTimes.perMilli(ts, from, w);
        }
        if (anyHist && w > from) {
            ensureHs();
            Arrays.fill(hs, from, w, null);
        }
    }

    /** Room for a run: at least a quarter of the arrays free at {@code filled}, by dropping passed samples or growing. */
    private void makeRoom() {
        if (ts.length - filled >= ts.length / 4) {
            return;
        }
        if (lo > 0) {
            shiftDown();
        }
        if (ts.length - filled < ts.length / 4) {
            ts = Arrays.copyOf(ts, ts.length * 2);
            vs = Arrays.copyOf(vs, vs.length * 2);
        }
    }

    private void shiftDown() {
        int n = filled - lo;
        System.arraycopy(ts, lo, ts, 0, n);
        System.arraycopy(vs, lo, vs, 0, n);
        if (hs != null) {
            System.arraycopy(hs, lo, hs, 0, n);
        }
        if (anySt) {
            System.arraycopy(sts, lo, sts, 0, n);
        }
        if (anyCount) {
            System.arraycopy(cs, lo, cs, 0, n);
        }
        hi -= lo;
        lo = 0;
        filled = n;
    }

    private void append(long t, double v) {
        if (filled == ts.length) {
            if (lo > ts.length / 2) {
                shiftDown();
            } else {
                ts = Arrays.copyOf(ts, ts.length * 2);
                vs = Arrays.copyOf(vs, vs.length * 2);
            }
        }
        ts[filled] = t;
        vs[filled] = v;
        filled++;
    }
}
