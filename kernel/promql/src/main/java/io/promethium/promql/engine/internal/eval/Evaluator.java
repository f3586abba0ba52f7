package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.AtModifier;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;
import io.promethium.promql.ast.UnaryOp;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.SeriesData;
import io.promethium.promql.engine.internal.eval.Values.EvalValue;
import io.promethium.promql.engine.internal.eval.Values.MatrixValue;
import io.promethium.promql.engine.internal.eval.Values.ScalarSteps;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.eval.Values.StringLit;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluates an expression over a whole grid of steps at once: every node yields its value for
 * all steps (a {@code double[]} per series), so a selector walks each series once for the
 * whole query instead of once per step.
 */
final class Evaluator {

    /** The resolution of a subquery without an explicit step ({@code [5m:]}), as Prometheus's default. */
    static final long DEFAULT_SUBQUERY_STEP = 60_000;

    final EvalContext ctx;
    private final BinaryOps binaryOps;
    private final Aggregations aggregations;
    private final FunctionCalls functions;
    private final HistogramStatsSelectors statsSelectors = new HistogramStatsSelectors();
    private final ImmediateNameDrop nameDrop;

    private final boolean rangeQuery;
    /** Prometheus's promql-delayed-name-removal: names marked to drop go only at the end. */
    private final boolean delayedNameRemoval;

    /**
     * Whether an aggregation directly over an instant selector folds the selector's values from
     * one flat array ({@link #selectorRows}) instead of a step series per selected series; off
     * only in tests that compare the two.
     */
    final boolean foldSelectors;

    Evaluator(EvalContext ctx, boolean rangeQuery, boolean delayedNameRemoval, boolean foldSelectors) {
        this.foldSelectors = foldSelectors;
        this.ctx = ctx;
        this.rangeQuery = rangeQuery;
        this.delayedNameRemoval = delayedNameRemoval;
        this.binaryOps = new BinaryOps(this);
        this.aggregations = new Aggregations(this);
        this.functions = new FunctionCalls(this);
        this.nameDrop = new ImmediateNameDrop(ctx);
    }

    /** Marks the selectors of {@code root} that are read for histogram statistics only. */
    void prepare(Expr root) {
        statsSelectors.mark(root);
    }

    /** Whether {@code vs} is read for histogram statistics only. */
    boolean statsOnly(VectorSelector vs) {
        return statsSelectors.contains(vs);
    }

    /** Whether the query being evaluated is a range query (sorting functions are then ineffective). */
    boolean isRangeQuery() {
        return rangeQuery;
    }

    EvalValue eval(Expr expr, StepGrid grid) {
        ctx.checkDeadline();
        EvalValue v = evalNode(expr, grid);
        if (!delayedNameRemoval && v instanceof StepVector sv) {
            return nameDrop.apply(sv, expr);
        }
        return v;
    }

    private EvalValue evalNode(Expr expr, StepGrid grid) {
        return switch (expr) {
            case NumberLiteral n -> {
                double[] v = new double[grid.steps()];
                Arrays.fill(v, n.value());
                yield new ScalarSteps(v);
            }
            case StringLiteral s -> new StringLit(s.value());
            case ParenExpr p -> eval(p.expr(), grid);
            case UnaryExpr u -> unary(u, grid);
            case VectorSelector vs -> vs.modifier() == io.promethium.promql.ast.SelectorModifier.SMOOTHED
                    ? new ExtendedRange(this).smoothedSelector(vs, grid) : vectorSelector(vs, grid, false);
            case MatrixSelector ms -> matrixAt(ms, grid);
            case SubqueryExpr sq -> subqueryAt(sq, grid);
            case BinaryExpr b -> binaryOps.eval(b, grid);
            case AggregateExpr a -> aggregations.eval(a, grid);
            case Call c -> functions.eval(c, grid);
        };
    }

    StepVector evalVector(Expr expr, StepGrid grid) {
        EvalValue v = eval(expr, grid);
        if (v instanceof StepVector sv) {
            return sv;
        }
        throw new QueryException(QueryException.EXECUTION, "expected instant vector, got " + v.getClass().getSimpleName());
    }

    double[] evalScalar(Expr expr, StepGrid grid) {
        EvalValue v = eval(expr, grid);
        if (v instanceof ScalarSteps s) {
            return s.values();
        }
        throw new QueryException(QueryException.EXECUTION, "expected scalar, got " + v.getClass().getSimpleName());
    }

    private EvalValue unary(UnaryExpr u, StepGrid grid) {
        EvalValue v = eval(u.expr(), grid);
        if (u.op() == UnaryOp.POS) {
            return v;
        }
        if (v instanceof ScalarSteps s) {
            double[] out = s.values().clone();
            for (int i = 0; i < out.length; i++) {
                out[i] = -out[i];
            }
            return new ScalarSteps(out);
        }
        StepVector sv = (StepVector) v;
        for (StepSeries s : sv.series()) {
            double[] values = s.values;
            for (int i = 0; i < values.length; i++) {
                if (!Absent.is(values[i])) {
                    values[i] = -values[i];
                } else if (s.hist(i) != null) {
                    s.hists[i] = s.hists[i].copy().mul(-1);
                }
            }
            s.dropName = true;
        }
        return sv;
    }

    /** The time a selector or subquery is evaluated at for a step, before its offset. */
    long refTime(AtModifier kind, Long at, StepGrid grid, int step) {
        return switch (kind) {
            case TIMESTAMP -> at;
            case START -> ctx.queryStart;
            case END -> ctx.queryEnd;
            case NONE -> grid.time(step);
        };
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
        return new StepVector(instantRows(selectInstant(vs, ends, grid), ends, answer, statsOnly(vs)));
    }

    /** An instant selector's sample times by step: the step's time (or {@code @}'s) less the offset. */
    private long[] instantEnds(VectorSelector vs, StepGrid grid) {
        long[] ends = new long[grid.steps()];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = refTime(vs.atKind(), vs.atMillis(), grid, i) - vs.offsetMillis();
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

    /** A step row per series with a sample at some step; series are independent, so large selections are read on several cores. */
    private List<StepSeries> instantRows(List<Series> all, long[] ends, int answer, boolean stats) {
        return SeriesParallel.map(all, ctx, () -> new InstantCursor(ends.length),
                (series, cursor) -> instantSeries(series, cursor, ends, ctx.lookbackMillis, answer, stats));
    }

    private List<Series> selectAll(VectorSelector vs, long mint, long maxt, StepGrid grid) {
        Querier querier = ctx.querier(mint, maxt);
        SelectHints hints = new SelectHints(mint, maxt, grid.interval(), "", 0, List.of(), false);
        SeriesSet set = StorageSelects.select(ctx, querier, hints, vs);
        List<Series> all = new ArrayList<>();
        while (set.next()) {
            all.add(set.at());
        }
        StorageSelects.check(ctx, set);
        return all;
    }

    /** Most step slots {@link #selectorRows} lays out in its one array (32 MB); larger selections take the row-per-series path. */
    static final long MAX_FLAT_SLOTS = 1L << 22;

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
        long lookback = ctx.lookbackMillis;
        List<Series> all = selectInstant(vs, ends, grid);
        if ((long) all.size() * n > MAX_FLAT_SLOTS) {
            return Aggregations.Rows.of(instantRows(all, ends, SAMPLE_VALUES, false));
        }
        Aggregations.FlatRows rows = new Aggregations.FlatRows(all, n);
        SeriesParallel.forEach(all.size(), true, ctx, () -> new InstantCursor(0), (i, cursor) -> {
            int present = readInstant(all.get(i), cursor, ends, lookback, SAMPLE_VALUES, false, rows.values, i * n);
            if (present > 0) {
                rows.setPresent(i, cursor.hists);
            }
        });
        return rows;
    }

    /** Per-thread state of an instant selector: the reused iterator and step row, and what it read. */
    static final class InstantCursor extends SeriesParallel.Cursor {
        SampleIterator it;
        final double[] row;
        /** The histogram samples of the series just read, by step; null when it had none. */
        NativeHistogram[] hists;

        InstantCursor(int steps) {
            row = new double[steps];
        }
    }

    /** One series of an instant selector; {@code null} when it has no sample at any step. */
    private StepSeries instantSeries(Series series, InstantCursor cursor, long[] ends, long lookback, int answer, boolean stats) {
        // One reused row per thread; a series with samples gets a copy, one without costs nothing.
        int present = readInstant(series, cursor, ends, lookback, answer, stats, cursor.row, 0);
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
     * accounted into the cursor's limits as a row of that series.
     */
    private int readInstant(Series series, InstantCursor cursor, long[] ends, long lookback, int answer, boolean stats,
            double[] values, int off) {
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
        for (int i = 0; i < n; i++) {
            if ((i & 63) == 63) {
                ctx.checkDeadline();
            }
            long end = ends[i];
            long start = end - lookback;
            if (has && it.timestamp() <= start) {
                has = it.seek(start + 1);
                haveLast = haveLast && lastT > start;
                prevRead = null;
            }
            while (has && it.timestamp() <= end) {
                lastT = it.timestamp();
                if (starts) {
                    lastSt = it.startTimestamp();
                }
                if (it.valueType().isHistogram()) {
                    io.promethium.api.model.FloatHistogram fh = it.floatHistogram();
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
                read++;
                has = it.next();
            }
            if (haveLast && lastT > start && !StaleMarker.isStale(lastV)) {
                if (lastH != null && !timestamps) {
                    if (hists == null) {
                        hists = new NativeHistogram[n];
                    }
                    if (lastUsed && lastH.hint == io.promethium.api.model.CounterResetHint.COUNTER_RESET) {
                        if (repeatH == null) {
                            repeatH = lastH.copy();
                            repeatH.hint = io.promethium.api.model.CounterResetHint.NOT_COUNTER_RESET;
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

    /** A storage failure as the query's error ({@link StorageSelects#error}), for the range functions. */
    static QueryException storageError(Throwable t) {
        return StorageSelects.error(t);
    }

    /** Window ends per step for a range selector or subquery. */
    long[] windowEnds(AtModifier kind, Long at, long offset, StepGrid grid) {
        long[] ends = new long[grid.steps()];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = refTime(kind, at, grid, i) - offset;
        }
        return ends;
    }

    /** The argument of a range function: a range selector or a subquery. */
    RangeInput rangeInput(Expr arg, StepGrid grid) {
        return rangeInput(arg, grid, "");
    }

    /** As {@link #rangeInput(Expr, StepGrid)}, telling the storage which function will read the data. */
    RangeInput rangeInput(Expr arg, StepGrid grid, String function) {
        Expr e = unwrap(arg);
        if (e instanceof MatrixSelector ms) {
            VectorSelector vs = ms.selector();
            long[] ends = windowEnds(vs.atKind(), vs.atMillis(), vs.offsetMillis(), grid);
            long minEnd = Arrays.stream(ends).min().orElseThrow();
            long maxEnd = Arrays.stream(ends).max().orElseThrow();
            long range = ms.rangeMillis();
            // For histogram statistics the sample at a window's (open) start is read too: it gives
            // the first sample inside its counter-reset hint, as Prometheus's seek to the start does.
            boolean stats = statsOnly(vs);
            long from = stats ? minEnd - range : minEnd - range + 1;
            Querier querier = ctx.querier(from, maxEnd);
            SelectHints hints = new SelectHints(from, maxEnd, grid.interval(), function, range, List.of(), false);
            SeriesSet set = StorageSelects.select(ctx, querier, hints, vs);
            List<Labels> labels = new ArrayList<>();
            List<Series> series = new ArrayList<>();
            while (set.next()) {
                Series s = set.at();
                labels.add(s.labels());
                series.add(s);
            }
            StorageSelects.check(ctx, set);
            RangeInput in = RangeInput.ofStorage(labels, series, range, ends);
            in.statsHints = stats;
            return in;
        }
        if (e instanceof SubqueryExpr sq) {
            long[] ends = windowEnds(sq.atKind(), sq.atMillis(), sq.offsetMillis(), grid);
            StepGrid inner = subqueryGrid(sq, ends);
            StepVector v = evalVector(sq.expr(), inner);
            // A cheap inner expression (a constant, vector(1)) runs millions of steps between two
            // of checkDeadline's 256-call looks: look once more before its points are copied.
            ctx.checkDeadlineNow();
            List<Labels> labels = new ArrayList<>();
            List<long[]> ts = new ArrayList<>();
            List<double[]> vs = new ArrayList<>();
            List<NativeHistogram[]> hs = new ArrayList<>();
            int[] lengths = new int[v.series().size()];
            int k = 0;
            for (StepSeries s : v.series()) {
                ctx.allocate(2L * s.values.length);
                long[] t = new long[s.values.length];
                double[] x = new double[s.values.length];
                NativeHistogram[] h = s.hists == null ? null : new NativeHistogram[s.values.length];
                int len = 0;
                for (int i = 0; i < s.values.length; i++) {
                    if (s.has(i)) {
                        t[len] = inner.time(i);
                        x[len] = s.values[i];
                        if (h != null) {
                            h[len] = s.hists[i];
                        }
                        len++;
                    }
                }
                labels.add(s.outputLabels(ctx.typeAndUnitLabels));
                ts.add(t);
                vs.add(x);
                hs.add(h);
                lengths[k++] = len;
            }
            RangeInput in = RangeInput.ofArrays(labels, ts, vs, lengths, sq.rangeMillis(), ends);
            in.arrayHists = hs;
            return in;
        }
        throw new QueryException(QueryException.BAD_DATA, "expected a range vector argument");
    }

    static Expr unwrap(Expr e) {
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        return e;
    }

    /** Prometheus's subquery steps: aligned to multiples of the step, strictly after the window start. */
    StepGrid subqueryGrid(SubqueryExpr sq, long[] windowEnds) {
        long interval = sq.stepMillis() > 0 ? sq.stepMillis() : DEFAULT_SUBQUERY_STEP;
        long firstEnd = Arrays.stream(windowEnds).min().orElseThrow();
        long lastEnd = Arrays.stream(windowEnds).max().orElseThrow();
        long first = firstEnd - sq.rangeMillis();
        long start = interval * (first / interval);
        if (start <= first) {
            start += interval;
        }
        if (start > lastEnd) {
            // An empty subquery window: evaluate one step that no window will contain.
            return StepGrid.of(start, start, interval);
        }
        long steps = (lastEnd - start) / interval + 1;
        ctx.checkDeadlineNow();
        if (steps > 11_000_000L) {
            throw new QueryException(QueryException.EXECUTION, "subquery has too many steps: " + steps);
        }
        return StepGrid.of(start, lastEnd, interval);
    }

    /** A range selector as a value: only as the result of an instant query (one step). */
    private MatrixValue matrixAt(MatrixSelector ms, StepGrid grid) {
        return windowsAsMatrix(rangeInput(ms, grid), false);
    }

    private MatrixValue subqueryAt(SubqueryExpr sq, StepGrid grid) {
        return windowsAsMatrix(rangeInput(sq, grid), true);
    }

    private MatrixValue windowsAsMatrix(RangeInput input, boolean keepLabels) {
        List<SeriesData> out = new ArrayList<>();
        WindowBuffer buffer = new WindowBuffer();
        SampleIterator reuse = null;
        long end = input.windowEnds[input.windowEnds.length - 1];
        for (int i = 0; i < input.size(); i++) {
            reuse = input.iterator(i, reuse);
            buffer.reset(reuse);
            buffer.advance(end - input.range, end);
            int n = buffer.size();
            if (n == 0) {
                continue;
            }
            ctx.addSamples(n);
            io.promethium.api.model.FloatHistogram[] hists = null;
            if (buffer.histCount() > 0) {
                hists = new io.promethium.api.model.FloatHistogram[n];
                for (int j = 0; j < n; j++) {
                    NativeHistogram h = buffer.hs[buffer.lo + j];
                    hists[j] = h == null ? null : h.toFloatHistogram();
                }
            }
            out.add(new SeriesData(input.labels.get(i), Arrays.copyOfRange(buffer.ts, buffer.lo, buffer.hi),
                    Arrays.copyOfRange(buffer.vs, buffer.lo, buffer.hi), n, hists));
        }
        return new MatrixValue(out);
    }
}
