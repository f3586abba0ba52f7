package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.SelectorModifier;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.kernel.Absent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Prometheus's experimental extended range selectors ({@code promql-extended-range-selectors}):
 * {@code x[5m] anchored} starts each window from the last sample at or before its start (within
 * the lookback delta) and does not extrapolate; {@code x[5m] smoothed} takes the values at the
 * window's boundaries interpolated between the samples around them (a counter's reset counts
 * from zero); {@code x smoothed} is the value interpolated at each step. A series' float samples
 * are read once into primitive arrays, reused across series; each step binary-searches them.
 */
final class ExtendedRange {

    private final Evaluator ev;
    private long[] ts = new long[64];
    private double[] vs = new double[64];
    private int n;

    ExtendedRange(Evaluator ev) {
        this.ev = ev;
    }

    /** Refuses the functions Prometheus does not take with the modifier. */
    static void check(String function, SelectorModifier modifier) {
        if (modifier == SelectorModifier.SMOOTHED && !List.of("delta", "increase", "rate").contains(function)) {
            throw new QueryException(QueryException.EXECUTION,
                    "smoothed modifier can only be used with: delta, increase, rate - not with " + function);
        }
        if (modifier == SelectorModifier.ANCHORED && !List.of("changes", "delta", "increase", "rate", "resets").contains(function)) {
            throw new QueryException(QueryException.EXECUTION,
                    "anchored modifier can only be used with: changes, delta, increase, rate, resets - not with " + function);
        }
    }

    /** rate/increase/delta/resets/changes over an anchored or smoothed range selector. */
    StepVector rangeFunction(String function, MatrixSelector ms, StepGrid grid) {
        VectorSelector selector = ms.selector();
        SelectorModifier modifier = selector.modifier();
        check(function, modifier);
        long[] ends = ev.windowEnds(selector.atKind(), selector.atMillis(), selector.offsetMillis(), grid);
        long range = ms.rangeMillis();
        long lookback = ev.ctx.lookbackMillis;
        int steps = grid.steps();
        boolean counter = function.equals("rate") || function.equals("increase");
        List<StepSeries> out = new ArrayList<>();
        SeriesSet set = select(selector, grid, ends, range + lookback, modifier == SelectorModifier.SMOOTHED ? lookback : 0);
        SampleIterator it = null;
        double[] row = new double[steps];
        while (set.next()) {
            ev.ctx.checkDeadline();
            Series series = set.at();
            it = load(series, it);
            int present = 0;
            for (int s = 0; s < steps; s++) {
                long end = ends[s];
                long start = end - range;
                double r = modifier == SelectorModifier.ANCHORED
                        ? anchored(function, counter, start, end, lookback)
                        : smoothed(function, counter, start, end, lookback);
                if (!Absent.is(r) && function.equals("rate")) {
                    r /= range / 1000.0;
                }
                row[s] = r;
                if (!Absent.is(r)) {
                    present++;
                }
            }
            if (present > 0) {
                ev.ctx.allocate(steps);
                ev.ctx.addSamples(present);
                out.add(new StepSeries(series.labels(), Arrays.copyOf(row, steps), true));
            }
        }
        if (set.error() != null) {
            throw Evaluator.storageError(set.error());
        }
        return new StepVector(out);
    }

    /** An instant selector with {@code smoothed}: per step, the value interpolated at its time. */
    StepVector smoothedSelector(VectorSelector selector, StepGrid grid) {
        long[] ends = ev.windowEnds(selector.atKind(), selector.atMillis(), selector.offsetMillis(), grid);
        long lookback = ev.ctx.lookbackMillis;
        int steps = grid.steps();
        List<StepSeries> out = new ArrayList<>();
        SeriesSet set = select(selector, grid, ends, lookback, lookback);
        SampleIterator it = null;
        double[] row = new double[steps];
        while (set.next()) {
            ev.ctx.checkDeadline();
            Series series = set.at();
            it = load(series, it);
            int present = 0;
            for (int s = 0; s < steps; s++) {
                long t = ends[s];
                int p = lastAtOrBefore(t);
                if (p < 0 || ts[p] <= t - lookback) {
                    row[s] = Absent.VALUE;
                    continue;
                }
                int q = p + 1;
                row[s] = q < n && ts[q] <= t + lookback ? interpolate(p, q, t, false) : vs[p];
                present++;
            }
            if (present > 0) {
                ev.ctx.allocate(steps);
                ev.ctx.addSamples(present);
                out.add(new StepSeries(series.labels(), Arrays.copyOf(row, steps), false));
            }
        }
        if (set.error() != null) {
            throw Evaluator.storageError(set.error());
        }
        return new StepVector(out);
    }

    private SeriesSet select(VectorSelector selector, StepGrid grid, long[] ends, long before, long after) {
        long minEnd = Arrays.stream(ends).min().orElseThrow();
        long maxEnd = Arrays.stream(ends).max().orElseThrow();
        Querier querier = ev.ctx.querier(minEnd - before + 1, maxEnd + after);
        SelectHints hints = new SelectHints(minEnd - before + 1, maxEnd + after, grid.interval(), "", 0, List.of(), false);
        try {
            return querier.select(false, hints, selector.matchers());
        } catch (QueryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Evaluator.storageError(e);
        }
    }

    /** Reads a series' float samples (histograms and staleness markers left out) into the arrays. */
    private SampleIterator load(Series series, SampleIterator reuse) {
        SampleIterator it = series.iterator(reuse);
        n = 0;
        long read = 0;
        while (it.next()) {
            read++;
            if (it.valueType().isHistogram()) {
                continue;
            }
            double v = it.value();
            if (StaleMarker.isStale(v)) {
                continue;
            }
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
            }
            ts[n] = it.timestamp();
            vs[n] = v;
            n++;
        }
        if (it.error() != null) {
            throw Evaluator.storageError(it.error());
        }
        ev.ctx.countRead(read);
        ev.ctx.checkWindow(n);
        return it;
    }

    /** Index of the last sample at or before {@code t}, or -1. */
    private int lastAtOrBefore(long t) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ts[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    private double interpolate(int p, int q, long t, boolean counter) {
        double left = vs[p];
        double right = vs[q];
        if (counter && right < left) {
            left = 0; // the counter reset to zero somewhere in between
        }
        return left + (right - left) * (t - ts[p]) / (double) (ts[q] - ts[p]);
    }

    private double anchored(String function, boolean counter, long start, long end, long lookback) {
        int last = lastAtOrBefore(end);
        int anchor = lastAtOrBefore(start);
        int first = anchor + 1;
        if (last < first) {
            return Absent.VALUE; // no sample in the window
        }
        int from = anchor >= 0 && ts[anchor] > start - lookback ? anchor : first;
        return switch (function) {
            case "resets", "changes" -> {
                int count = 0;
                for (int i = from + 1; i <= last; i++) {
                    if (function.equals("resets") ? vs[i] < vs[i - 1]
                            : !(vs[i] == vs[i - 1] || Double.isNaN(vs[i]) && Double.isNaN(vs[i - 1]))) {
                        count++;
                    }
                }
                yield count;
            }
            default -> increase(vs[from], from + 1, last, vs[last], counter, false);
        };
    }

    private double smoothed(String function, boolean counter, long start, long end, long lookback) {
        int beforeStart = lastAtOrBefore(start);
        int afterStart = beforeStart + 1;
        int beforeEnd = lastAtOrBefore(end);
        if (afterStart >= n || beforeEnd < 0) {
            return Absent.VALUE; // data only before or only after the window
        }
        double left = beforeStart >= 0 && ts[beforeStart] > start - lookback
                ? interpolate(beforeStart, afterStart, start, counter) : vs[afterStart];
        int afterEnd = beforeEnd + 1;
        double right = afterEnd < n && ts[afterEnd] <= end + lookback ? interpolate(beforeEnd, afterEnd, end, counter) : vs[beforeEnd];
        return increase(left, afterStart, beforeEnd, right, counter, true);
    }

    /**
     * The increase from {@code first} through samples [from, to] to {@code last} (where the
     * last may be sample {@code to} itself when not {@code withLast}); counters add the value
     * before each reset.
     */
    private double increase(double first, int from, int to, double last, boolean counter, boolean withLast) {
        double result = last - first;
        if (counter) {
            double prev = first;
            for (int i = from; i <= to; i++) {
                if (vs[i] < prev) {
                    result += prev;
                }
                prev = vs[i];
            }
            if (withLast && last < prev) {
                result += prev;
            }
        }
        return result;
    }
}
