package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.AggregateOp;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The aggregations that select series rather than fold values: {@code topk}, {@code bottomk}
 * and {@code limitk} (per step and group, a heap of the k best or first series) and
 * {@code limit_ratio} (a stable share of the series by their labels' hash). Kept apart from the
 * folding aggregations in {@link Aggregations}, which dispatches here.
 */
final class SelectionAggregations {
    private final Evaluator ev;

    SelectionAggregations(Evaluator ev) {
        this.ev = ev;
    }

    /** topk, bottomk and limitk: per step and group, the k best (or first) series keep their sample. */
    StepVector selectK(AggregateExpr a, double[] param, Aggregations.Rows series, int[] groupOf, int groups, int steps) {
        AggregateOp op = a.op();
        int[][] members = Aggregations.members(groupOf, groups);
        double[][] outValues = new double[series.size()][];
        int[] heap = new int[16];
        int[] order = new int[series.size()];
        int orderSize = 0;
        boolean single = steps == 1;
        NativeHistogram[][] outHists = null;
        for (int s = 0; s < steps; s++) {
            ev.ctx.checkDeadline();
            double kf = param[s];
            if (Double.isNaN(kf)) {
                throw new QueryException(QueryException.EXECUTION, "Parameter value is NaN");
            }
            if (kf >= Long.MAX_VALUE || kf <= Long.MIN_VALUE) {
                throw new QueryException(QueryException.EXECUTION, "Scalar value " + GoFormat.number(kf) + " overflows int64");
            }
            long kl = (long) kf;
            if (kl < 1) {
                continue;
            }
            int k = (int) Math.min(kl, series.size());
            if (heap.length < k) {
                heap = new int[k];
            }
            for (int g = 0; g < groups; g++) {
                int size = 0;
                for (int i : members[g]) {
                    double f = value(series, i, s);
                    if (op == AggregateOp.LIMITK && hist(series, i, s) != null) {
                        if (size < k) {
                            heap[size++] = i;
                        }
                        continue;
                    }
                    if (Absent.is(f)) {
                        continue;
                    }
                    if (op == AggregateOp.LIMITK) {
                        if (size < k) {
                            heap[size++] = i;
                        }
                        continue;
                    }
                    if (size < k) {
                        heap[size++] = i;
                        siftUp(heap, size - 1, series, s, op);
                    } else if (better(op, f, value(series, heap[0], s))) {
                        heap[0] = i;
                        siftDown(heap, size, series, s, op);
                    }
                }
                if (op != AggregateOp.LIMITK) {
                    // Best first, as Prometheus returns them for an instant query.
                    sortBest(heap, size, series, s, op);
                }
                for (int h = 0; h < size; h++) {
                    int i = heap[h];
                    if (outValues[i] == null) {
                        ev.ctx.allocate(steps);
                        outValues[i] = new double[steps];
                        Arrays.fill(outValues[i], Absent.VALUE);
                        if (single) {
                            order[orderSize++] = i;
                        }
                    }
                    outValues[i][s] = value(series, i, s);
                    if (hist(series, i, s) != null) {
                        if (outHists == null) {
                            outHists = new NativeHistogram[series.size()][];
                        }
                        if (outHists[i] == null) {
                            outHists[i] = new NativeHistogram[steps];
                        }
                        outHists[i][s] = hist(series, i, s);
                    }
                }
            }
        }
        List<StepSeries> out = new ArrayList<>();
        if (single) {
            for (int o = 0; o < orderSize; o++) {
                int i = order[o];
                StepSeries kept = new StepSeries(series.labels(i), outValues[i], series.dropName(i));
                kept.hists = outHists == null ? null : outHists[i];
                out.add(kept);
            }
        } else {
            for (int i = 0; i < outValues.length; i++) {
                if (outValues[i] != null) {
                    StepSeries kept = new StepSeries(series.labels(i), outValues[i], series.dropName(i));
                    kept.hists = outHists == null ? null : outHists[i];
                    out.add(kept);
                }
            }
        }
        long total = 0;
        for (StepSeries x : out) {
            total += x.presentCount();
        }
        ev.ctx.addSamples(total);
        return new StepVector(out);
    }

    private static double value(Aggregations.Rows rows, int i, int s) {
        return rows.values(i)[rows.offset(i) + s];
    }

    private static NativeHistogram hist(Aggregations.Rows rows, int i, int s) {
        NativeHistogram[] h = rows.hists(i);
        return h == null ? null : h[s];
    }

    /** Whether {@code a} ranks before {@code b}: larger for topk, smaller for bottomk, NaN always last. */
    private static boolean better(AggregateOp op, double a, double b) {
        if (Double.isNaN(b)) {
            return !Double.isNaN(a);
        }
        if (Double.isNaN(a)) {
            return false;
        }
        return op == AggregateOp.TOPK ? a > b : a < b;
    }

    /** Heap with the worst element on top. */
    private static void siftUp(int[] heap, int pos, Aggregations.Rows series, int s, AggregateOp op) {
        while (pos > 0) {
            int parent = (pos - 1) / 2;
            if (better(op, value(series, heap[parent], s), value(series, heap[pos], s))) {
                int t = heap[parent];
                heap[parent] = heap[pos];
                heap[pos] = t;
                pos = parent;
            } else {
                break;
            }
        }
    }

    private static void siftDown(int[] heap, int size, Aggregations.Rows series, int s, AggregateOp op) {
        int pos = 0;
        while (true) {
            int l = 2 * pos + 1;
            int r = l + 1;
            int worst = pos;
            if (l < size && better(op, value(series, heap[worst], s), value(series, heap[l], s))) {
                worst = l;
            }
            if (r < size && better(op, value(series, heap[worst], s), value(series, heap[r], s))) {
                worst = r;
            }
            if (worst == pos) {
                return;
            }
            int t = heap[worst];
            heap[worst] = heap[pos];
            heap[pos] = t;
            pos = worst;
        }
    }

    private static void sortBest(int[] heap, int size, Aggregations.Rows series, int s, AggregateOp op) {
        for (int i = 1; i < size; i++) {
            int x = heap[i];
            int j = i - 1;
            while (j >= 0 && better(op, value(series, x, s), value(series, heap[j], s))) {
                heap[j + 1] = heap[j];
                j--;
            }
            heap[j + 1] = x;
        }
    }

    StepVector limitRatio(AggregateExpr a, double[] param, List<StepSeries> series, int steps) {
        double[][] outValues = new double[series.size()][];
        NativeHistogram[][] outHists = null;
        boolean warnedHigh = false;
        for (int s = 0; s < steps; s++) {
            double ratio = param[s];
            if (Double.isNaN(ratio)) {
                throw new QueryException(QueryException.EXECUTION, "Ratio value is NaN");
            }
            if (ratio > 1 || ratio < -1) {
                double capped = ratio > 1 ? 1 : -1;
                if (!warnedHigh) {
                    ev.ctx.annotations.warn("ratio value should be between -1 and 1, got " + GoFormat.number(ratio) + ", capping to "
                            + GoFormat.number(capped), a.param().position());
                    warnedHigh = true;
                }
                ratio = capped;
            }
            for (int i = 0; i < series.size(); i++) {
                StepSeries in = series.get(i);
                if (!in.has(s)) {
                    continue;
                }
                double offset = ratioOffset(in.labels);
                boolean keep = ratio >= 0 ? offset < ratio : offset >= 1 + ratio;
                if (keep) {
                    if (outValues[i] == null) {
                        ev.ctx.allocate(steps);
                        outValues[i] = new double[steps];
                        Arrays.fill(outValues[i], Absent.VALUE);
                    }
                    outValues[i][s] = in.values[s];
                    if (in.hist(s) != null) {
                        if (outHists == null) {
                            outHists = new NativeHistogram[series.size()][];
                        }
                        if (outHists[i] == null) {
                            outHists[i] = new NativeHistogram[steps];
                        }
                        outHists[i][s] = in.hist(s);
                    }
                }
            }
        }
        List<StepSeries> out = new ArrayList<>();
        for (int i = 0; i < outValues.length; i++) {
            if (outValues[i] != null) {
                StepSeries kept = new StepSeries(series.get(i).labels, outValues[i], series.get(i).dropName);
                kept.hists = outHists == null ? null : outHists[i];
                out.add(kept);
            }
        }
        return new StepVector(out);
    }

    /** A stable position in [0, 1) for a series, from its labels' hash. */
    private static double ratioOffset(Labels labels) {
        long h = labels.stableHash();
        return (h >>> 11) / (double) (1L << 53);
    }
}
