package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.ast.AtModifier;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.SeriesData;
import io.promethium.promql.engine.internal.eval.Values.MatrixValue;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Range vectors: the windows a range selector or subquery covers per step, its input to a range
 * function ({@link RangeInput}: the storage's series, or a subquery's points evaluated on
 * Prometheus's aligned sub-grid), and a range vector as the value of an instant query.
 */
final class RangeInputs {

    /** The resolution of a subquery without an explicit step ({@code [5m:]}), as Prometheus's default. */
    static final long DEFAULT_SUBQUERY_STEP = 60_000;

    private final Evaluator ev;
    private final EvalContext ctx;

    RangeInputs(Evaluator ev) {
        this.ev = ev;
        this.ctx = ev.ctx;
    }

    /** Window ends per step for a range selector or subquery. */
    long[] windowEnds(AtModifier kind, Long at, long offset, StepGrid grid) {
        long[] ends = new long[grid.steps()];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = ev.refTime(kind, at, grid, i) - offset;
        }
        return ends;
    }

    /** The argument of a range function: a range selector or a subquery. */
    RangeInput rangeInput(Expr arg, StepGrid grid) {
        return rangeInput(arg, grid, "");
    }

    /** As {@link #rangeInput(Expr, StepGrid)}, telling the storage which function will read the data. */
    RangeInput rangeInput(Expr arg, StepGrid grid, String function) {
        Expr e = Evaluator.unwrap(arg);
        if (e instanceof MatrixSelector ms) {
            VectorSelector vs = ms.selector();
            long[] ends = windowEnds(vs.atKind(), vs.atMillis(), vs.offsetMillis(), grid);
            long minEnd = Arrays.stream(ends).min().orElseThrow();
            long maxEnd = Arrays.stream(ends).max().orElseThrow();
            long range = ms.rangeMillis();
            // For histogram statistics the sample at a window's (open) start is read too: it gives
            // the first sample inside its counter-reset hint, as Prometheus's seek to the start does.
            boolean stats = ev.statsOnly(vs);
            long from = stats ? minEnd - range : minEnd - range + 1;
            Querier querier = ctx.querier(from, maxEnd);
            SelectHints hints = new SelectHints(from, maxEnd, grid.interval(), function, range, List.of(), false);
            SeriesSet set = StorageSelects.select(ctx, querier, hints, vs);
            // The storage's list, not a copy: it may make each series as it is read (SeriesSet#toList).
            List<Series> series = set.toList();
            List<Labels> labels = new ArrayList<>(series.size());
            for (Series s : series) {
                labels.add(s.labels());
            }
            StorageSelects.check(ctx, set);
            RangeInput in = RangeInput.ofStorage(labels, series, range, ends);
            in.statsHints = stats;
            return in;
        }
        if (e instanceof SubqueryExpr sq) {
            long[] ends = windowEnds(sq.atKind(), sq.atMillis(), sq.offsetMillis(), grid);
            StepGrid inner = subqueryGrid(sq, ends);
            StepVector v = ev.evalVector(sq.expr(), inner);
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
    MatrixValue matrixAt(MatrixSelector ms, StepGrid grid) {
        return windowsAsMatrix(rangeInput(ms, grid), false);
    }

    MatrixValue subqueryAt(SubqueryExpr sq, StepGrid grid) {
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
            if (buffer.error() != null) {
                // A series that failed part way (a chunk failing its checksum): the query fails
                // rather than answer the samples read before the failure as the whole series.
                throw Evaluator.storageError(buffer.error());
            }
            int n = buffer.size();
            if (n == 0) {
                continue;
            }
            ctx.addSamples(n);
            FloatHistogram[] hists = null;
            if (buffer.histCount() > 0) {
                hists = new FloatHistogram[n];
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
