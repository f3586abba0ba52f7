package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Instant vector selectors over a whole step grid: which series a selector reads, and per series
 * the newest sample in each step's lookback window, either as a step row per series or laid out
 * in one flat array for an aggregation to fold. Large selections are read on several cores
 * ({@link SeriesParallel}), and so is the rest of a long series in a selection of fewer series
 * than cores ({@link #inParts}).
 */
final class InstantSelectors {
    private final Evaluator ev;
    private final EvalContext ctx;
    /**
     * Sample iterators a long series read in parts left behind, for the query's next such series:
     * a one-host panel reads a week of one series per selector, and each part's merge over a dozen
     * blocks, each with its decoded chunk's arrays, was made anew for each (over a quarter of the bytes
     * a one-host 7-day panel allocated, which a JVM pays for in fresh pages touched).
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<SampleIterator> spareIterators =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    InstantSelectors(Evaluator ev) {
        this.ev = ev;
        this.ctx = ev.ctx;
    }

    /**
     * An instant vector selector: per step, the newest sample in {@code (t - lookback, t]}, none
     * if that sample is a staleness marker. Step times never decrease (with {@code @} they are
     * all equal), so one forward pass over each series serves every step. With {@code timestamps}, the value is the sample's
     * time in seconds (for {@code timestamp()}).
     */
    StepVector vectorSelector(VectorSelector vs, StepGrid grid, boolean timestamps) {
        return vectorSelector(vs, grid, timestamps ? SAMPLE_TIMES : SAMPLE_VALUES);
    }

    /** What {@link #vectorSelector(VectorSelector, StepGrid, int)} answers per step. */
    static final int SAMPLE_VALUES = 0;
    static final int SAMPLE_TIMES = 1;
    /** The sample's start timestamp in seconds, 0 when it has none (for {@code start_timestamp()}). */
    static final int SAMPLE_START_TIMES = 2;

    StepVector vectorSelector(VectorSelector vs, StepGrid grid, int answer) {
        long[] ends = instantEnds(vs, grid);
        return new StepVector(instantRows(selectInstant(vs, ends, grid), ends, answer, ev.statsOnly(vs)));
    }

    /** An instant selector's sample times by step: the step's time (or {@code @}'s) less the offset. */
    private long[] instantEnds(VectorSelector vs, StepGrid grid) {
        long[] ends = new long[grid.steps()];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = ev.refTime(vs.atKind(), vs.atMillis(), grid, i) - vs.offsetMillis();
        }
        return ends;
    }

    /** The series an instant selector reads at {@code ends}: those with samples in the lookback window of any step. */
    private List<Series> selectInstant(VectorSelector vs, long[] ends, StepGrid grid) {
        long minEnd = ends[0];
        long maxEnd = ends[0];
        for (long e : ends) {
            minEnd = Math.min(minEnd, e);
            maxEnd = Math.max(maxEnd, e);
        }
        return selectAll(vs, minEnd - ctx.lookbackMillis + 1, maxEnd, grid);
    }

    /**
     * A step row per series with a sample at some step; series are independent, so large
     * selections are read on several cores, and a few long series each in parts of their steps.
     */
    private List<StepSeries> instantRows(List<Series> all, long[] ends, int answer, boolean stats) {
        if (inParts(all.size(), ends.length)) {
            // Given a row only for a series read whole again (one with histograms).
            InstantCursor cursor = new InstantCursor(0);
            List<StepSeries> rows = new ArrayList<>(all.size());
            for (Series series : all) {
                StepSeries row = instantSeriesInParts(series, cursor, ends, answer, stats);
                SeriesParallel.account(ctx, cursor);
                if (row != null) {
                    rows.add(row);
                }
            }
            return rows;
        }
        return SeriesParallel.map(all, ctx, () -> new InstantCursor(ends.length),
                (series, cursor) -> instantSeries(series, cursor, ends, answer, stats));
    }

    /**
     * Fewest steps a series needs before its steps may be read in parts; and the steps read first
     * on the query's thread, timed, to tell whether the rest is worth sharing.
     */
    static final int MIN_PART_STEPS = 256;
    static final int PROBE_STEPS = 64;
    /**
     * Estimated time of the rest of a series above which it is shared: a helper parked while the
     * query's thread was idle takes tens to hundreds of microseconds to wake on a virtual machine,
     * which a day of one series (0.1 ms to read) did not repay; a week of it (0.5-1 ms) does.
     */
    static final long SHARE_NANOS = 400_000;
    /** About how much work one part holds: small, so that a helper that wakes late holds the query up little. */
    static final long PART_NANOS = 100_000;

    /**
     * Whether a selection's series may be read in parts of their steps: when there are fewer
     * series than cores (a single host's panel over a week reads one series per selector, which
     * one core would decode whole while the others wait) and steps enough.
     */
    static boolean inParts(int series, int steps) {
        return series > 0 && series < SeriesParallel.helpers() + 1 && steps >= MIN_PART_STEPS;
    }

    /** Into how many parts the steps after the probe are cut, given the probe's time per step. */
    static int parts(long nanosPerStep, int restSteps) {
        long rest = nanosPerStep * restSteps;
        if (rest < SHARE_NANOS) {
            return 1;
        }
        return (int) Math.max(2, Math.min(restSteps / PROBE_STEPS, rest / PART_NANOS));
    }

    /**
     * {@link #instantSeries} with its first {@link #PROBE_STEPS} steps read and timed on the query's
     * thread and the rest, when worth it, in parts on several cores, each part through an iterator
     * of its own, claimed by whichever thread is free. A series with histogram samples is read
     * again whole: a histogram's counter-reset hint depends on the sample of the step before,
     * which a part starting mid-way does not see.
     */
    private StepSeries instantSeriesInParts(Series series, InstantCursor cursor, long[] ends, int answer, boolean stats) {
        int n = ends.length;
        double[] values = new double[n];
        InstantCursor probe = spareCursor();
        long started = System.nanoTime();
        int probed = readInstant(series, probe, Arrays.copyOf(ends, PROBE_STEPS), Long.MIN_VALUE, answer, stats, values, 0);
        if (probe.hists != null) {
            release(List.of(probe));
            return instantSeries(series, withRow(cursor, n), ends, answer, stats);
        }
        int rest = n - PROBE_STEPS;
        int parts = parts((System.nanoTime() - started) / PROBE_STEPS, rest);
        int[] present = new int[parts];
        boolean[] hists = new boolean[parts];
        // The query's thread goes on through the probe's cursor (and its iterator).
        List<InstantCursor> used = SeriesParallel.parts(parts, ctx, probe, this::spareCursor, (k, c) -> {
            int lo = PROBE_STEPS + (int) ((long) rest * k / parts);
            int hi = PROBE_STEPS + (int) ((long) rest * (k + 1) / parts);
            // The samples up to the step before this part were read by the part before (stats count them once).
            present[k] = readInstant(series, c, Arrays.copyOfRange(ends, lo, hi), ends[lo - 1], answer, stats, values, lo);
            hists[k] = c.hists != null;
        });
        long read = 0;
        for (InstantCursor c : used) {
            read += c.read;
        }
        // Every part has ended (SeriesParallel.parts returned): their iterators are free.
        release(used);
        int total = probed;
        for (int k = 0; k < parts; k++) {
            if (hists[k]) {
                return instantSeries(series, withRow(cursor, n), ends, answer, stats);
            }
            total += present[k];
        }
        cursor.read += read;
        if (total == 0) {
            return null;
        }
        cursor.slots += n;
        cursor.samples += total;
        cursor.hists = null;
        return new StepSeries(series.labels(), values, false);
    }

    /** A cursor without a row, reading through an iterator an earlier series left when there is one. */
    private InstantCursor spareCursor() {
        InstantCursor c = new InstantCursor(0);
        c.it = spareIterators.poll();
        return c;
    }

    /** Keeps the cursors' iterators for {@link #spareCursor}; the cursors are done with them. */
    private void release(List<InstantCursor> used) {
        for (InstantCursor c : used) {
            if (c.it != null) {
                spareIterators.add(c.it);
                c.it = null;
            }
        }
    }

    /** {@code cursor} with a row of at least {@code steps} (a series read whole after all). */
    private static InstantCursor withRow(InstantCursor cursor, int steps) {
        if (cursor.row.length < steps) {
            cursor.row = new double[steps];
        }
        return cursor;
    }

    private List<Series> selectAll(VectorSelector vs, long mint, long maxt, StepGrid grid) {
        Querier querier = ctx.querier(mint, maxt);
        SelectHints hints = new SelectHints(mint, maxt, grid.interval(), "", 0, List.of(), false);
        SeriesSet set = StorageSelects.select(ctx, querier, hints, vs);
        // The storage's list, not a copy: it may make each series as it is read (SeriesSet#toList).
        List<Series> all = set.toList();
        StorageSelects.check(ctx, set);
        return all;
    }

    /**
     * Most step slots {@link #selectorRows} lays out in its one array (512 MB), and never more than
     * the query's sample limit; larger selections take the row-per-series path. One array of
     * 10 million series' values is 80 MB that no young collection copies, where a row per series
     * is 20 million objects that every collection during the query copies.
     */
    static final long MAX_FLAT_SLOTS = 1L << 26;

    /**
     * An instant selector's values for an aggregation to fold ({@code sum}, {@code count}, ...
     * directly over it): the same samples, limits and annotations as {@link #vectorSelector},
     * read on several cores as it does, but laid out in one flat array by selection order
     * instead of a row object per series (at half a million series those rows were most of the
     * query's allocation). The aggregation then folds them on one thread in selection order, so
     * float sums come out bit for bit as from the rows. A selection of more than
     * {@link #MAX_FLAT_SLOTS} step slots gets rows, as {@link #vectorSelector} gives them.
     */
    Aggregations.Rows selectorRows(VectorSelector vs, StepGrid grid) {
        int n = grid.steps();
        long[] ends = instantEnds(vs, grid);
        List<Series> all = selectInstant(vs, ends, grid);
        long slots = (long) all.size() * n;
        if (slots > Math.min(MAX_FLAT_SLOTS, ctx.maxSamples)) {
            return Aggregations.Rows.of(instantRows(all, ends, SAMPLE_VALUES, false));
        }
        ctx.allocate(slots);
        Aggregations.FlatRows rows = new Aggregations.FlatRows(all, n);
        SeriesParallel.forEach(all.size(), true, ctx, () -> new InstantCursor(0), (i, cursor) -> {
            int present = readInstant(all.get(i), cursor, ends, Long.MIN_VALUE, SAMPLE_VALUES, false, rows.values, i * n);
            if (present > 0) {
                rows.setPresent(i, cursor.hists);
            }
        });
        return rows;
    }

    /** Per-thread state of an instant selector: the reused iterator and step row, and what it read. */
    static final class InstantCursor extends SeriesParallel.Cursor {
        SampleIterator it;
        double[] row;
        /** The histogram samples of the series just read, by step; null when it had none. */
        NativeHistogram[] hists;
        /** Where a run of floats lands ({@code SampleIterator.readFloats}). */
        final long[] runT = new long[256];
        final double[] runV = new double[256];

        InstantCursor(int steps) {
            row = new double[steps];
        }
    }

    /**
     * Most samples a read ahead passes over between two steps' windows: about half a chunk (120
     * samples by default). With more, steps far apart over dense samples, a seek skips whole
     * chunks undecoded, which reading through them would decode.
     */
    static final int READ_AHEAD_GAP = 60;

    /**
     * Up to which time the floats read at step {@code i} go: past the step's own window, through
     * the steps ahead, when the samples between two windows are few (fewer than {@link #READ_AHEAD_GAP}
     * at {@code perMilli}, the samples per millisecond of the run read before). One run then serves several steps,
     * where a seek and a copy per step were a quarter of a week's selector (a JFR profile of the
     * fleet's swap panel over 7 days: 20 samples in each window, 20 between two).
     */
    static long readAheadTo(long[] ends, int i, long lookback, double perMilli) {
        int last = ends.length - 1;
        if (i == last || perMilli <= 0) {
            return ends[i];
        }
        long gap = ends[i + 1] - lookback - ends[i];
        return gap * perMilli < READ_AHEAD_GAP ? ends[last] : ends[i];
    }

    /** One series of an instant selector; {@code null} when it has no sample at any step. */
    private StepSeries instantSeries(Series series, InstantCursor cursor, long[] ends, int answer, boolean stats) {
        // One reused row per thread; a series with samples gets a copy, one without costs nothing.
        int present = readInstant(series, cursor, ends, Long.MIN_VALUE, answer, stats, cursor.row, 0);
        if (present == 0) {
            return null;
        }
        StepSeries ss = new StepSeries(series.labels(), Arrays.copyOf(cursor.row, ends.length), false);
        ss.hists = cursor.hists;
        return ss;
    }

    /**
     * Reads one series of an instant selector into {@code values[off .. off + steps)} (and its
     * histogram samples into {@code cursor.hists}); returns at how many steps it has a sample,
     * accounted into the cursor's limits as a row of that series. Samples at or before
     * {@code readBefore} are not counted as read (a part of the steps after the first: the part
     * before it read them).
     */
    private int readInstant(Series series, InstantCursor cursor, long[] ends, long readBefore, int answer, boolean stats,
            double[] values, int off) {
        long lookback = ctx.lookbackMillis;
        boolean timestamps = answer != SAMPLE_VALUES;
        boolean starts = answer == SAMPLE_START_TIMES;
        int n = ends.length;
        cursor.checkDeadline(ctx);
        cursor.hists = null;
        SampleIterator it = series.iterator(cursor.it);
        cursor.it = it;
        int present = 0;
        // At or after the series' newest sample (an instant query at "now"), a head answers that
        // sample without decoding its open chunk; the walk below then reads just it.
        boolean has = it.seekLast(ends[0]) || it.next();
        boolean haveLast = false;
        long lastT = 0;
        long lastSt = 0;
        double lastV = 0;
        // The newest sample when it is a native histogram (a copy: the iterator reuses its object).
        NativeHistogram prevRead = null;
        NativeHistogram lastH = null;
        // lastH as repeated at later steps: a counter reset is only at the step that read it,
        // so a subquery seeing the sample several times counts the reset once (as Prometheus).
        NativeHistogram repeatH = null;
        boolean lastUsed = false;
        NativeHistogram[] hists = null;
        long read = 0;
        // Floats read and not yet reached by the steps, runT/runV[pos .. len): the iterator stands after them.
        int pos = 0;
        int len = 0;
        // The spacing of the last run read, as samples per millisecond: how many samples lie
        // between two windows, and where a step's time falls in the run.
        double perMilli = 0;
        for (int i = 0; i < n; i++) {
            if ((i & 63) == 63) {
                // The cursor's own count: the context's, bumped by both cores' series, bounced one
                // cache line between them (3% of the fleet's swap panel over 7 days).
                cursor.checkDeadline(ctx);
            }
            long end = ends[i];
            long start = end - lookback;
            while (true) {
                if (pos < len) {
                    // Floats read ahead: those before this window are passed over (as a seek
                    // would, uncounted), the newest at or before its end is the step's.
                    long[] bt = cursor.runT;
                    if (bt[pos] <= start) {
                        pos = SampleTimes.after(bt, pos, len, start, perMilli);
                        haveLast = haveLast && lastT > start;
                        prevRead = null;
                    }
                    int stop = SampleTimes.after(bt, pos, len, end, perMilli);
                    if (stop > pos) {
                        lastT = bt[stop - 1];
                        lastV = cursor.runV[stop - 1];
                        lastH = null;
                        haveLast = true;
                        read += bt[pos] > readBefore ? stop - pos : stop - SampleTimes.after(bt, pos, stop, readBefore, perMilli);
                        pos = stop;
                    }
                    if (pos < len) {
                        break;
                    }
                }
                if (has && it.timestamp() <= start) {
                    has = it.seek(start + 1);
                    haveLast = haveLast && lastT > start;
                    prevRead = null;
                }
                if (!has || it.timestamp() > end) {
                    break;
                }
                if (!starts) {
                    // A run of floats in one call (a storage copies a decoded chunk's), through
                    // the steps ahead when few samples lie between their windows.
                    int r = it.readFloats(readAheadTo(ends, i, lookback, perMilli), cursor.runT, cursor.runV, 0, cursor.runT.length);
                    int k = r < 0 ? ~r : r;
                    if (k > 0) {
                        has = r >= 0;
                        pos = 0;
                        len = k;
                        if (k > 1) {
                            perMilli = SampleTimes.perMilli(cursor.runT, 0, k);
                        }
                        continue;
                    }
                }
                lastT = it.timestamp();
                if (starts) {
                    lastSt = it.startTimestamp();
                }
                if (it.valueType().isHistogram()) {
                    FloatHistogram fh = it.floatHistogram();
                    lastH = fh.isStale() ? null : NativeHistogram.of(fh);
                    if (stats && lastH != null) {
                        lastH.hintFrom(prevRead);
                        prevRead = lastH;
                    }
                    repeatH = null;
                    lastUsed = false;
                    lastV = fh.isStale() ? StaleMarker.STALE_NAN : 0;
                } else {
                    lastH = null;
                    lastV = it.value();
                }
                haveLast = true;
                if (lastT > readBefore) {
                    read++;
                }
                has = it.next();
            }
            if (haveLast && lastT > start && !StaleMarker.isStale(lastV)) {
                if (lastH != null && !timestamps) {
                    if (hists == null) {
                        hists = new NativeHistogram[n];
                    }
                    if (lastUsed && lastH.hint == CounterResetHint.COUNTER_RESET) {
                        if (repeatH == null) {
                            repeatH = lastH.copy();
                            repeatH.hint = CounterResetHint.NOT_COUNTER_RESET;
                        }
                        hists[i] = repeatH;
                    } else {
                        hists[i] = lastH;
                    }
                    lastUsed = true;
                    values[off + i] = Absent.VALUE;
                } else {
                    values[off + i] = starts ? lastSt / 1000.0 : timestamps ? lastT / 1000.0 : lastV;
                }
                present++;
            } else {
                values[off + i] = Absent.VALUE;
            }
        }
        cursor.read += read;
        if (it.error() != null) {
            throw StorageSelects.error(it.error());
        }
        if (present > 0) {
            cursor.slots += n;
            cursor.samples += present;
            cursor.hists = hists;
        }
        return present;
    }
}
