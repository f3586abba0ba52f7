package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.SampleIterator;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.KahanSum;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;
import io.promethium.promql.engine.internal.kernel.Quantiles;
import io.promethium.promql.engine.internal.kernel.RangeKernels;
import io.promethium.promql.engine.internal.kernel.RateShape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Range-vector functions. Each series is read once: a {@link WindowBuffer} slides over its
 * samples step by step and the kernel runs on the buffer's primitive arrays.
 */
final class RangeFunctions {

    private enum Fn {
        RATE, INCREASE, DELTA, IRATE, IDELTA, DERIV, PREDICT_LINEAR, DOUBLE_EXPONENTIAL_SMOOTHING, RESETS, CHANGES,
        AVG_OVER_TIME, MIN_OVER_TIME, MAX_OVER_TIME, SUM_OVER_TIME, COUNT_OVER_TIME, STDDEV_OVER_TIME, STDVAR_OVER_TIME,
        LAST_OVER_TIME, FIRST_OVER_TIME, PRESENT_OVER_TIME, QUANTILE_OVER_TIME, MAD_OVER_TIME, ABSENT_OVER_TIME,
        TS_OF_MAX_OVER_TIME, TS_OF_MIN_OVER_TIME, TS_OF_LAST_OVER_TIME, TS_OF_FIRST_OVER_TIME
    }

    private final Evaluator ev;
    /** Where this thread's series put their warnings and infos (the query's, or a chunk's; see {@link SeriesParallel}). */
    private Annotations notes;

    RangeFunctions(Evaluator ev) {
        this.ev = ev;
    }

    static boolean handles(String name) {
        return fn(name) != null;
    }

    /** By function name; looked up for every call evaluated, so no {@code Enum.valueOf} (it throws for other functions). */
    private static final java.util.Map<String, Fn> BY_NAME = byName();

    private static java.util.Map<String, Fn> byName() {
        java.util.Map<String, Fn> m = new java.util.HashMap<>();
        for (Fn f : Fn.values()) {
            m.put(f.name().toLowerCase(java.util.Locale.ROOT), f);
        }
        m.put("holt_winters", Fn.DOUBLE_EXPONENTIAL_SMOOTHING);
        return java.util.Map.copyOf(m);
    }

    private static Fn fn(String name) {
        return BY_NAME.get(name);
    }

    /**
     * Takes a range function's rows as they are computed instead of a vector of them all
     * ({@link #eval(Call, StepGrid, RowSink)}): an aggregation folding them.
     */
    interface RowSink {
        /** Whether the rows of {@code call} over series labelled {@code inputLabels} may come here. */
        boolean accepts(Call call, List<Labels> inputLabels);

        /**
         * The next rows, in the input's order. Neither they nor their values may be kept once this
         * returns: a row's values may be the caller's scratch array, refilled for the next row.
         */
        void rows(List<StepSeries> rows);
    }

    StepVector eval(Call call, StepGrid grid) {
        return eval(call, grid, null);
    }

    /**
     * The call's value; or, when {@code sink} takes the call's rows, null once they have all gone
     * there in the input's order (a call over every series of its input: not
     * {@code absent_over_time}, nor an anchored or smoothed selector).
     */
    StepVector eval(Call call, StepGrid grid, RowSink sink) {
        Fn fn = fn(call.function().name());
        List<Expr> args = call.args();
        int steps = grid.steps();
        int matrixIndex = fn == Fn.QUANTILE_OVER_TIME ? 1 : 0;
        Expr matrixArg = args.get(matrixIndex);
        double[] p1 = null;
        double[] p2 = null;
        switch (fn) {
            case QUANTILE_OVER_TIME -> {
                p1 = ev.evalScalar(args.get(0), grid);
                for (double q : p1) {
                    if (Double.isNaN(q) || q < 0 || q > 1) {
                        ev.ctx.annotations.warn("quantile value should be between 0 and 1, got " + GoFormat.number(q), args.get(0).position());
                        break;
                    }
                }
            }
            case PREDICT_LINEAR -> p1 = ev.evalScalar(args.get(1), grid);
            case DOUBLE_EXPONENTIAL_SMOOTHING -> {
                p1 = ev.evalScalar(args.get(1), grid);
                p2 = ev.evalScalar(args.get(2), grid);
            }
            default -> {
            }
        }
        if (Evaluator.unwrap(matrixArg) instanceof MatrixSelector ms
                && ms.selector().modifier() != io.promethium.promql.ast.SelectorModifier.NONE) {
            return new ExtendedRange(ev).rangeFunction(call.function().name(), ms, grid);
        }
        RangeInput input = ev.rangeInput(matrixArg, grid, call.function().name());
        boolean keepName = fn == Fn.LAST_OVER_TIME || fn == Fn.FIRST_OVER_TIME;
        boolean counterCheck = (fn == Fn.RATE || fn == Fn.INCREASE) && Evaluator.unwrap(matrixArg) instanceof MatrixSelector;
        boolean[] anyInput = fn == Fn.ABSENT_OVER_TIME ? new boolean[steps] : null;
        long[] ends = input.windowEnds;
        boolean invariant = allEqual(ends) && p1 == null;
        // Start timestamps come with the samples of a selector; a subquery's results have none.
        boolean readStarts = ev.ctx.useStartTimestamps && (fn == Fn.RATE || fn == Fn.INCREASE || fn == Fn.IRATE || fn == Fn.RESETS)
                && Evaluator.unwrap(matrixArg) instanceof MatrixSelector;
        // A storage may answer these two from downsampled aggregates: a point per window standing for its samples.
        boolean readCounts = (fn == Fn.COUNT_OVER_TIME || fn == Fn.AVG_OVER_TIME) && Evaluator.unwrap(matrixArg) instanceof MatrixSelector;
        Job job = new Job(fn, input, grid, steps, ends, input.range, invariant, p1, p2, readStarts, readCounts, counterCheck, keepName,
                matrixArg, anyInput, !invariant && windowsTouch(ends, steps, input.range));
        if (sink != null && anyInput == null && sink.accepts(call, input.labels)) {
            SeriesParallel.inOrder(input.size(), steps, ev.ctx, () -> new RangeCursor(new RangeFunctions(ev), steps),
                    (si, c) -> c.functions.series(job, si, c), sink::rows);
            return null;
        }
        // Series are independent: many are read on several cores (SeriesParallel). absent_over_time
        // gathers one answer over all series, so it reads them on one.
        List<StepSeries> out = new ArrayList<>(SeriesParallel.map(input.size(), anyInput == null, ev.ctx,
                () -> new RangeCursor(new RangeFunctions(ev), steps), (si, c) -> c.functions.series(job, si, c)));
        if (anyInput != null) {
            double[] values = new double[steps];
            boolean any = false;
            for (int s = 0; s < steps; s++) {
                values[s] = anyInput[s] ? Absent.VALUE : 1;
                any |= !anyInput[s];
            }
            if (any) {
                out.add(new StepSeries(FunctionCalls.absentLabels(matrixArg), values, false));
            }
        }
        return new StepVector(out);
    }

    /** What every series of one range function call shares. */
    private record Job(Fn fn, RangeInput input, StepGrid grid, int steps, long[] ends, long range, boolean invariant, double[] p1,
            double[] p2, boolean readStarts, boolean readCounts, boolean counterCheck, boolean keepName, Expr matrixArg, boolean[] anyInput,
            boolean readAhead) {
    }

    /** How many steps ahead a window buffer reads float runs when windows cover the range. */
    private static final int READ_AHEAD_STEPS = 32;

    /**
     * Whether each window reaches back to the one before it: then every sample up to a later
     * step's end is read for some window anyway, and reading it ahead reads nothing more.
     */
    static boolean windowsTouch(long[] ends, int steps, long range) {
        for (int i = 1; i < steps; i++) {
            if (ends[i] - ends[i - 1] > range) {
                return false;
            }
        }
        return true;
    }

    /** One thread's reused state of a range function call: its own functions object (histogram scratch, annotations), buffers, row. */
    private static final class RangeCursor extends SeriesParallel.Cursor {
        final RangeFunctions functions;
        final WindowBuffer buffer = new WindowBuffer();
        final KahanSum kahan = new KahanSum();
        final double[] regression = new double[2];
        /** The last window shape rate, increase and delta worked out, for the next window like it. */
        final RateShape rateShape = new RateShape();
        final double[] row;
        double[] scratch = new double[16];
        double[] scratch2 = new double[16];
        long[] fts = new long[16];
        double[] fvs = new double[16];
        NativeHistogram[] histRow;
        SampleIterator reuse;
        /** The last name noted as maybe not a counter, and where. */
        String notCounterName;
        Annotations notCounterNotes;

        RangeCursor(RangeFunctions functions, int steps) {
            this.functions = functions;
            this.row = new double[steps];
        }
    }

    /** One series of a range function call; {@code null} when it has no value at any step. */
    private StepSeries series(Job job, int si, RangeCursor c) {
        notes = c.notes(ev.ctx);
        c.checkDeadline(ev.ctx);
        c.reuse = job.input.iterator(si, c.reuse);
        c.buffer.statsHints = job.input.statsHints;
        c.buffer.readStarts = job.readStarts;
        c.buffer.readCounts = job.readCounts;
        c.buffer.reset(c.reuse);
        boolean overlapWarned = false;
        int present = 0;
        boolean sawSamples = false;
        boolean seriesHasHist = false;
        if (c.histRow != null) {
            Arrays.fill(c.histRow, null);
        }
        for (int s = 0; s < job.steps; s++) {
            if (job.invariant && s > 0) {
                // "@" pins every step to the same window: its value was computed at step 0.
                c.row[s] = c.row[0];
                if (job.anyInput != null) {
                    job.anyInput[s] = job.anyInput[0];
                }
                if (c.histRow != null && c.histRow[0] != null) {
                    c.histRow[s] = c.histRow[0];
                    present++;
                } else if (!Absent.is(c.row[0])) {
                    present++;
                }
                continue;
            }
            if ((s & 63) == 63) {
                // Long series over many steps: keep the deadline honest within one series too.
                c.checkDeadline(ev.ctx);
            }
            long end = job.ends[s];
            long start = end - job.range;
            c.buffer.advance(start, end, job.readAhead ? job.ends[Math.min(s + READ_AHEAD_STEPS, job.steps - 1)] : end);
            int lo = c.buffer.lo;
            int hi = c.buffer.hi;
            if (hi == lo) {
                c.row[s] = Absent.VALUE;
                continue;
            }
            sawSamples = true;
            c.checkWindow(ev.ctx, hi - lo);
            if (job.anyInput != null) {
                job.anyInput[s] = true;
                c.row[s] = Absent.VALUE;
                continue;
            }
            long[] ts = c.buffer.ts;
            double[] vs = c.buffer.vs;
            long[] sts = c.buffer.starts();
            if (sts != null && !overlapWarned && (job.fn == Fn.RATE || job.fn == Fn.INCREASE) && startOverlap(ts, sts, lo, hi)) {
                notes.warn("sample has start time that overlaps with previous sample timestamp for metric "
                        + GoFormat.quote(job.input.labels.get(si).metricName()), job.matrixArg.position());
                overlapWarned = true;
            }
            if (c.buffer.anyHist) {
                int hc = c.buffer.histCount();
                if (hc > 0) {
                    if (c.histRow == null) {
                        c.histRow = new NativeHistogram[job.steps];
                    }
                    double hr = histogramStep(job.fn, c.buffer, lo, hi, hc, start, end, c.histRow, s, job.input.labels.get(si), job.matrixArg);
                    if (Double.doubleToRawLongBits(hr) != Double.doubleToRawLongBits(FLOATS_ONLY)) {
                        if (c.histRow[s] != null) {
                            c.row[s] = Absent.VALUE;
                            present++;
                            seriesHasHist = true;
                        } else {
                            c.row[s] = hr;
                            if (!Absent.is(hr)) {
                                present++;
                            }
                        }
                        continue;
                    }
                    // A float-only function over a window with floats and histograms: the floats alone.
                    int n = hi - lo - hc;
                    if (n == 0) {
                        c.row[s] = Absent.VALUE;
                        continue;
                    }
                    if (c.fts.length < n) {
                        c.fts = new long[n * 2];
                        c.fvs = new double[n * 2];
                    }
                    int k = 0;
                    for (int j = lo; j < hi; j++) {
                        if (c.buffer.hs[j] == null) {
                            c.fts[k] = ts[j];
                            c.fvs[k++] = vs[j];
                        }
                    }
                    notes.info("ignored histograms in a range containing both floats and histograms for metric name "
                            + GoFormat.quote(job.input.labels.get(si).metricName()), job.matrixArg.position());
                    ts = c.fts;
                    vs = c.fvs;
                    sts = null;
                    lo = 0;
                    hi = n;
                }
            }
            double r = switch (job.fn) {
                case RATE -> sts == null ? RangeKernels.extrapolatedRate(ts, vs, lo, hi, start, end, true, true, c.rateShape)
                        : RangeKernels.extrapolatedRate(ts, vs, sts, lo, hi, start, end, true, true);
                case INCREASE -> sts == null ? RangeKernels.extrapolatedRate(ts, vs, lo, hi, start, end, true, false, c.rateShape)
                        : RangeKernels.extrapolatedRate(ts, vs, sts, lo, hi, start, end, true, false);
                case DELTA -> RangeKernels.extrapolatedRate(ts, vs, lo, hi, start, end, false, false, c.rateShape);
                case IRATE -> RangeKernels.instantValue(ts, vs, sts, lo, hi, true);
                case IDELTA -> RangeKernels.instantValue(ts, vs, lo, hi, false);
                case DERIV -> {
                    if (hi - lo < 2) {
                        yield Absent.VALUE;
                    }
                    RangeKernels.linearRegression(ts, vs, lo, hi, ts[lo], c.regression);
                    yield c.regression[0];
                }
                case PREDICT_LINEAR -> {
                    if (hi - lo < 2) {
                        yield Absent.VALUE;
                    }
                    RangeKernels.linearRegression(ts, vs, lo, hi, job.grid.time(s), c.regression);
                    yield c.regression[0] * job.p1[s] + c.regression[1];
                }
                case DOUBLE_EXPONENTIAL_SMOOTHING -> {
                    double sf = job.p1[s];
                    double tf = job.p2[s];
                    if (!(sf > 0 && sf < 1)) {
                        throw new QueryException(QueryException.EXECUTION,
                                "invalid smoothing factor. Expected: 0 < sf < 1, got: " + String.format("%f", sf));
                    }
                    if (!(tf > 0 && tf < 1)) {
                        throw new QueryException(QueryException.EXECUTION,
                                "invalid trend factor. Expected: 0 < tf < 1, got: " + String.format("%f", tf));
                    }
                    yield RangeKernels.doubleExponentialSmoothing(vs, lo, hi, sf, tf);
                }
                case RESETS -> RangeKernels.resets(ts, vs, sts, lo, hi);
                case CHANGES -> RangeKernels.changes(vs, lo, hi);
                case AVG_OVER_TIME -> c.buffer.counts() == null ? RangeKernels.avgOverTime(vs, lo, hi)
                        : RangeKernels.sumOverTime(vs, lo, hi, c.kahan) / c.buffer.count(lo, hi); // window sums over their counts
                case MIN_OVER_TIME -> RangeKernels.minOverTime(vs, lo, hi);
                case MAX_OVER_TIME -> RangeKernels.maxOverTime(vs, lo, hi);
                case SUM_OVER_TIME -> RangeKernels.sumOverTime(vs, lo, hi, c.kahan);
                case COUNT_OVER_TIME -> c.buffer.count(lo, hi);
                case STDDEV_OVER_TIME -> Math.sqrt(RangeKernels.varianceOverTime(vs, lo, hi));
                case STDVAR_OVER_TIME -> RangeKernels.varianceOverTime(vs, lo, hi);
                case LAST_OVER_TIME -> vs[hi - 1];
                case FIRST_OVER_TIME -> vs[lo];
                case PRESENT_OVER_TIME -> 1;
                case TS_OF_LAST_OVER_TIME -> ts[hi - 1] / 1000.0;
                case TS_OF_FIRST_OVER_TIME -> ts[lo] / 1000.0;
                case TS_OF_MAX_OVER_TIME -> ts[argExtreme(vs, lo, hi, true)] / 1000.0;
                case TS_OF_MIN_OVER_TIME -> ts[argExtreme(vs, lo, hi, false)] / 1000.0;
                case QUANTILE_OVER_TIME -> {
                    int n = hi - lo;
                    if (c.scratch.length < n) {
                        c.scratch = new double[n * 2];
                    }
                    System.arraycopy(vs, lo, c.scratch, 0, n);
                    yield Quantiles.quantile(job.p1[s], c.scratch, n);
                }
                case MAD_OVER_TIME -> {
                    int n = hi - lo;
                    if (c.scratch.length < n) {
                        c.scratch = new double[n * 2];
                        c.scratch2 = new double[n * 2];
                    }
                    System.arraycopy(vs, lo, c.scratch, 0, n);
                    yield Quantiles.medianAbsoluteDeviation(c.scratch, n, c.scratch2);
                }
                case ABSENT_OVER_TIME -> throw new IllegalStateException("handled above");
            };
            c.row[s] = r;
            if (!Absent.is(r)) {
                present++;
            }
        }
        c.read += c.buffer.takeRead();
        if (c.buffer.error() != null) {
            throw Evaluator.storageError(c.buffer.error());
        }
        Labels labels = job.input.labels.get(si);
        if (job.counterCheck && sawSamples) {
            String name = labels.metricName();
            // Once per name and annotations: the message made for every series of a selection
            // (10M strings at 10M series) all said the same.
            if (!name.isEmpty() && !(name.endsWith("_total") || name.endsWith("_sum") || name.endsWith("_count")
                    || name.endsWith("_bucket")) && !(notes == c.notCounterNotes && name.equals(c.notCounterName))) {
                notes.info("metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "
                        + GoFormat.quote(name), job.matrixArg.position());
                c.notCounterNotes = notes;
                c.notCounterName = name;
            }
        }
        if (present > 0) {
            c.slots += job.steps;
            c.samples += present;
            // The scratch row itself when it goes to the sink before the next series (one host's CPU
            // by mode over a day, an aggregation folding 14 rows: 987 kB allocated a request against
            // 1,253 with a copy per row), else one copy of it instead of zeroing, filling and
            // writing a new one.
            StepSeries ss = new StepSeries(labels, c.rowOf(c.row, job.steps), !job.keepName);
            if (seriesHasHist) {
                ss.hists = c.histRow.clone();
            }
            return ss;
        }
        return null;
    }

    /** Marker result of {@link #histogramStep}: the float kernels are to run on the window's floats. */
    private static final double FLOATS_ONLY = Double.longBitsToDouble(0x7ff00000000ab5e2L);

    /**
     * One step over a window holding native histograms: a float result, or a histogram put in
     * {@code histRow[s]} (then Absent is returned), or {@link #FLOATS_ONLY}.
     */
    private double histogramStep(Fn fn, WindowBuffer b, int lo, int hi, int hc, long start, long end, NativeHistogram[] histRow, int s,
            Labels labels, Expr arg) {
        int n = hi - lo;
        boolean mixed = hc < n;
        NativeHistogram[] hs = b.hs;
        long[] sts = b.starts();
        String name = GoFormat.quote(labels.metricName());
        switch (fn) {
            case COUNT_OVER_TIME:
                return b.count(lo, hi);
            case PRESENT_OVER_TIME:
                return 1;
            case TS_OF_LAST_OVER_TIME:
                return b.ts[hi - 1] / 1000.0;
            case TS_OF_FIRST_OVER_TIME:
                return b.ts[lo] / 1000.0;
            case RESETS:
            case CHANGES: {
                int count = 0;
                for (int i = lo + 1; i < hi; i++) {
                    NativeHistogram prev = hs[i - 1];
                    NativeHistogram cur = hs[i];
                    boolean stReset = fn == Fn.RESETS && sts != null
                            && RangeKernels.isStartTimestampReset(sts[i - 1], b.ts[i - 1], sts[i], b.ts[i]);
                    if (prev != null && cur != null) {
                        if (fn == Fn.RESETS ? stReset || cur.detectReset(prev) : !cur.sameAs(prev)) {
                            count++;
                        }
                    } else if (prev == null && cur == null) {
                        double p = b.vs[i - 1];
                        double c = b.vs[i];
                        if (fn == Fn.RESETS ? c < p || stReset : !(c == p || Double.isNaN(c) && Double.isNaN(p))) {
                            count++;
                        }
                    } else {
                        // A float followed by a histogram or the reverse.
                        count++;
                    }
                }
                return count;
            }
            case LAST_OVER_TIME:
            case FIRST_OVER_TIME: {
                int i = fn == Fn.LAST_OVER_TIME ? hi - 1 : lo;
                if (hs[i] == null) {
                    return b.vs[i];
                }
                histRow[s] = hs[i].copy();
                return Absent.VALUE;
            }
            case SUM_OVER_TIME:
            case AVG_OVER_TIME: {
                if (mixed) {
                    notes.warn("encountered a mix of histograms and floats for metric name " + name, arg.position());
                    return Absent.VALUE;
                }
                histScratch[0] = hs[lo].copy();
                compScratch[0] = NativeHistogram.compensationFor(hs[lo]);
                boolean mean = false;
                // A sum of samples of which some follow a counter reset and some do not.
                int resetBits = 0;
                for (int i = lo; i < hi; i++) {
                    resetBits |= hs[i].resetBits();
                }
                if (resetBits == 3) {
                    notes.warn("conflicting counter resets during histogram aggregation", arg.position());
                }
                try {
                    for (int i = lo + 1; i < hi; i++) {
                        if (histScratch[0].customBoundsDiffer(hs[i])) {
                            reconciled("aggregation", arg);
                        }
                        if (fn == Fn.AVG_OVER_TIME) {
                            mean = HistogramMeans.add(histScratch, compScratch, 0, hs[i], i - lo + 1, mean);
                        } else {
                            histScratch[0].kahanAdd(hs[i], compScratch[0]);
                        }
                    }
                } catch (NativeHistogram.IncompatibleException e) {
                    incompatible(e, name, arg);
                    return Absent.VALUE;
                }
                NativeHistogram sum = histScratch[0].withCompensation(compScratch[0]);
                if (fn == Fn.AVG_OVER_TIME && !mean) {
                    sum.div(n);
                }
                histRow[s] = sum;
                return Absent.VALUE;
            }
            case RATE:
            case INCREASE:
            case DELTA: {
                if (mixed) {
                    notes.warn("encountered a mix of histograms and floats for metric name " + name, arg.position());
                    return Absent.VALUE;
                }
                boolean counter = fn != Fn.DELTA;
                long[] starts = counter ? sts : null;
                long zeroAt = starts == null ? 0 : RangeKernels.startInWindow(starts[lo], start, b.ts[lo]);
                if (n < 2 && zeroAt == 0) {
                    return Absent.VALUE;
                }
                NativeHistogram h = null;
                if (n > 1) {
                    h = histogramRate(hs, starts, b.ts, lo, hi, counter, name, arg);
                    if (h == null) {
                        return Absent.VALUE;
                    }
                }
                if (zeroAt != 0) {
                    // The counter was zero at its start timestamp, inside the window: the first sample counts whole.
                    try {
                        h = h == null ? hs[lo].copy() : h.add(hs[lo]);
                    } catch (NativeHistogram.IncompatibleException e) {
                        incompatible(e, name, arg);
                        return Absent.VALUE;
                    }
                }
                h.mul(RangeKernels.extrapolationFactor(b.ts, lo, hi, start, end, fn == Fn.RATE,
                        counter ? hs[lo].count : Double.NaN, counter ? h.count : Double.NaN, zeroAt));
                histRow[s] = h;
                return Absent.VALUE;
            }
            case IRATE:
            case IDELTA: {
                if (n < 2) {
                    return Absent.VALUE;
                }
                NativeHistogram last = hs[hi - 1];
                NativeHistogram prev = hs[hi - 2];
                if (last == null || prev == null) {
                    if (last != null || prev != null) {
                        notes.warn("encountered a mix of histograms and floats for metric name " + name, arg.position());
                    }
                    return last == null && prev == null ? FLOATS_ONLY : Absent.VALUE;
                }
                if (fn == Fn.IRATE && (last.hint == io.promethium.api.model.CounterResetHint.GAUGE
                        || prev.hint == io.promethium.api.model.CounterResetHint.GAUGE)) {
                    notes.warn("this native histogram metric is not a counter: " + name, arg.position());
                }
                if (fn == Fn.IDELTA && (last.hint != io.promethium.api.model.CounterResetHint.GAUGE
                        || prev.hint != io.promethium.api.model.CounterResetHint.GAUGE)) {
                    notes.warn("this native histogram metric is not a gauge: " + name, arg.position());
                }
                NativeHistogram h;
                boolean stReset = fn == Fn.IRATE && sts != null
                        && RangeKernels.isStartTimestampReset(sts[hi - 2], b.ts[hi - 2], sts[hi - 1], b.ts[hi - 1]);
                try {
                    if (fn == Fn.IRATE && (stReset || last.detectReset(prev))) {
                        h = last.copy();
                    } else {
                        if (last.customBoundsDiffer(prev)) {
                            reconciled("subtraction", arg);
                        }
                        h = last.copy().sub(prev);
                    }
                } catch (NativeHistogram.IncompatibleException e) {
                    incompatible(e, name, arg);
                    return Absent.VALUE;
                }
                if (fn == Fn.IRATE) {
                    h.div((b.ts[hi - 1] - b.ts[hi - 2]) / 1000.0);
                }
                h.hint = io.promethium.api.model.CounterResetHint.GAUGE;
                histRow[s] = h.compact();
                return Absent.VALUE;
            }
            default:
                return FLOATS_ONLY;
        }
    }

    /** One running sum and its compensation (sum_over_time/avg_over_time of histograms). */
    private final NativeHistogram[] histScratch = new NativeHistogram[1];
    private final NativeHistogram[] compScratch = new NativeHistogram[1];

    private void incompatible(NativeHistogram.IncompatibleException e, String name, Expr arg) {
        notes.warn("vector contains a mix of histograms with exponential and custom buckets schemas for metric name " + name,
                arg.position());
    }

    /** Prometheus's info when histograms with different custom bounds were combined on the bounds they share. */
    private void reconciled(String operation, Expr arg) {
        notes.info("mismatched custom buckets were reconciled during " + operation, arg.position());
    }

    /** The increase (isCounter) or delta of native histograms over a window, before extrapolation (Prometheus's histogramRate). */
    private NativeHistogram histogramRate(NativeHistogram[] hs, long[] sts, long[] ts, int lo, int hi, boolean isCounter, String name,
            Expr arg) {
        NativeHistogram prev = hs[lo];
        NativeHistogram last = hs[hi - 1];
        boolean custom = prev.usesCustomBuckets();
        if (isCounter && (prev.hint == io.promethium.api.model.CounterResetHint.GAUGE
                || last.hint == io.promethium.api.model.CounterResetHint.GAUGE)) {
            notes.warn("this native histogram metric is not a counter: " + name, arg.position());
        }
        if (isCounter && hi - lo > 1 && (stReset(sts, ts, lo + 1) || hs[lo + 1].detectReset(prev))) {
            prev = NativeHistogram.emptyLike(hs[lo + 1]);
            custom = hs[lo + 1].usesCustomBuckets();
        }
        if (last.usesCustomBuckets() != custom) {
            notes.warn("vector contains a mix of histograms with exponential and custom buckets schemas for metric name " + name,
                    arg.position());
            return null;
        }
        int minSchema = Math.min(prev.schema, last.schema);
        for (int i = lo + 1; i < hi - 1; i++) {
            NativeHistogram cur = hs[i];
            if (!isCounter) {
                continue;
            }
            if (cur.hint == io.promethium.api.model.CounterResetHint.GAUGE) {
                notes.warn("this native histogram metric is not a counter: " + name, arg.position());
            }
            minSchema = Math.min(minSchema, cur.schema);
            if (cur.usesCustomBuckets() != custom) {
                notes.warn("vector contains a mix of histograms with exponential and custom buckets schemas for metric name "
                        + name, arg.position());
                return null;
            }
        }
        NativeHistogram h = last.copy();
        h.reduceTo(minSchema);
        try {
            if (h.customBoundsDiffer(prev)) {
                reconciled("subtraction", arg);
            }
            h.sub(prev);
            if (isCounter) {
                for (int i = lo + 1; i < hi; i++) {
                    NativeHistogram cur = hs[i];
                    if (stReset(sts, ts, i) || cur.detectReset(prev)) {
                        if (h.customBoundsDiffer(prev)) {
                            reconciled("addition", arg);
                        }
                        h.add(prev);
                    }
                    prev = cur;
                }
            } else if (hs[lo].hint != io.promethium.api.model.CounterResetHint.GAUGE
                    || hs[hi - 1].hint != io.promethium.api.model.CounterResetHint.GAUGE) {
                notes.warn("this native histogram metric is not a gauge: " + name, arg.position());
            }
        } catch (NativeHistogram.IncompatibleException e) {
            incompatible(e, name, arg);
            return null;
        }
        h.hint = io.promethium.api.model.CounterResetHint.GAUGE;
        return h.compact();
    }

    /** Whether start timestamps show a counter reset between samples i - 1 and i (sts null: none). */
    private static boolean stReset(long[] sts, long[] ts, int i) {
        return sts != null && RangeKernels.isStartTimestampReset(sts[i - 1], ts[i - 1], sts[i], ts[i]);
    }

    /** Whether a sample of the window has a start timestamp overlapping the sample before it. */
    private static boolean startOverlap(long[] ts, long[] sts, int lo, int hi) {
        for (int i = lo + 1; i < hi; i++) {
            if (RangeKernels.startOverlaps(sts[i - 1], ts[i - 1], sts[i])) {
                return true;
            }
        }
        return false;
    }

    private static boolean allEqual(long[] values) {
        for (long v : values) {
            if (v != values[0]) {
                return false;
            }
        }
        return true;
    }

    /** Index of the max (or min) value; NaN only when all are NaN; the last one wins ties, as Prometheus. */
    private static int argExtreme(double[] vs, int lo, int hi, boolean max) {
        int best = lo;
        for (int i = lo + 1; i < hi; i++) {
            double v = vs[i];
            double b = vs[best];
            if (max ? (v >= b || Double.isNaN(b)) : (v <= b || Double.isNaN(b))) {
                best = i;
            }
        }
        return best;
    }
}
