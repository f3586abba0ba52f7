package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.PositionRange;
import io.promethium.promql.ast.SelectorModifier;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;

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
    /** The series' float samples. */
    private long[] ts = new long[64];
    private double[] vs = new double[64];
    private int n;
    /** The series' native histogram samples, apart from the floats (as Prometheus's matrices hold them). */
    private long[] hts = new long[16];
    private NativeHistogram[] hhs = new NativeHistogram[16];
    private int hn;
    /** Where annotations point (the selector) and the quoted metric name of the series being evaluated. */
    private PositionRange position;
    private String name;

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
        boolean smoothed = modifier == SelectorModifier.SMOOTHED;
        boolean counts = function.equals("resets") || function.equals("changes");
        position = ms.position();
        SeriesSet set = select(selector, grid, ends, range + lookback, smoothed ? lookback : 0);
        SampleIterator it = null;
        double[] row = new double[steps];
        while (set.next()) {
            ev.ctx.checkDeadline();
            Series series = set.at();
            it = load(series, it);
            name = GoFormat.quote(series.labels().metricName());
            int present = 0;
            NativeHistogram[] hrow = null;
            for (int s = 0; s < steps; s++) {
                long end = ends[s];
                long start = end - range;
                double r;
                if (hn == 0) {
                    r = modifier == SelectorModifier.ANCHORED
                            ? anchored(function, counter, start, end, lookback)
                            : smoothed(function, counter, start, end, lookback);
                } else if (counts) {
                    r = anchoredCount(function, start, end, lookback);
                } else {
                    NativeHistogram h = histogramWindow(function, counter, smoothed, start, end, lookback, range);
                    if (h == FLOATS) {
                        r = modifier == SelectorModifier.ANCHORED
                                ? anchored(function, counter, start, end, lookback)
                                : smoothed(function, counter, start, end, lookback);
                    } else {
                        r = Absent.VALUE;
                        if (h != null) {
                            hrow = put(hrow, steps, s, h);
                            present++;
                        }
                    }
                }
                if (!Absent.is(r) && function.equals("rate")) {
                    r /= range / 1000.0;
                }
                row[s] = r;
                if (!Absent.is(r)) {
                    present++;
                }
            }
            emit(out, series, row, hrow, present, true);
        }
        return finish(set, out);
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
        position = selector.position();
        while (set.next()) {
            ev.ctx.checkDeadline();
            Series series = set.at();
            it = load(series, it);
            name = GoFormat.quote(series.labels().metricName());
            int present = 0;
            NativeHistogram[] hrow = null;
            for (int s = 0; s < steps; s++) {
                long t = ends[s];
                int p = lastAtOrBefore(t);
                int hp = hn == 0 ? -1 : lastAtOrBefore(hts, hn, t);
                row[s] = Absent.VALUE;
                if (hp >= 0 && (p < 0 || hts[hp] > ts[p])) {
                    // The sample at or before t is a histogram.
                    NativeHistogram h = smoothedHistogram(hp, p, t, lookback);
                    if (h != null) {
                        hrow = put(hrow, steps, s, h);
                        present++;
                    }
                    continue;
                }
                if (p < 0 || ts[p] <= t - lookback) {
                    continue;
                }
                int q = p + 1;
                int hq = hp + 1;
                if (hq < hn && hts[hq] <= t + lookback && (q >= n || hts[hq] < ts[q])) {
                    ev.ctx.annotations.warn("encountered a mix of histograms and floats for metric name " + name, position);
                    continue;
                }
                row[s] = q < n && ts[q] <= t + lookback ? interpolate(p, q, t, false) : vs[p];
                present++;
            }
            emit(out, series, row, hrow, present, false);
        }
        return finish(set, out);
    }

    /** Sets step {@code s}'s histogram, making the row on the first one. */
    private static NativeHistogram[] put(NativeHistogram[] hrow, int steps, int s, NativeHistogram h) {
        if (hrow == null) {
            hrow = new NativeHistogram[steps];
        }
        hrow[s] = h;
        return hrow;
    }

    /**
     * Adds a series' row (floats, and histograms where {@code hrow} has them) to the result when
     * it has a value at some step, accounting for its samples; {@code dropName} for functions.
     */
    private void emit(List<StepSeries> out, Series series, double[] row, NativeHistogram[] hrow, int present, boolean dropName) {
        if (present == 0) {
            return;
        }
        ev.ctx.allocate(row.length);
        ev.ctx.addSamples(present);
        StepSeries result = new StepSeries(series.labels(), Arrays.copyOf(row, row.length), dropName);
        result.hists = hrow;
        out.add(result);
    }

    /** The result, once the series set is read to its end (its error thrown). */
    private static StepVector finish(SeriesSet set, List<StepSeries> out) {
        if (set.error() != null) {
            throw Evaluator.storageError(set.error());
        }
        return new StepVector(out);
    }

    private SeriesSet select(VectorSelector selector, StepGrid grid, long[] ends, long before, long after) {
        long minEnd = Arrays.stream(ends).min().orElseThrow();
        long maxEnd = Arrays.stream(ends).max().orElseThrow();
        Querier querier = ev.ctx.querier(minEnd - before + 1, maxEnd + after);
        SelectHints hints = new SelectHints(minEnd - before + 1, maxEnd + after, grid.interval(), "", 0, List.of(), false,
                ev.ctx.maxSourceResolution);
        try {
            return querier.select(false, hints, selector.matchers());
        } catch (QueryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Evaluator.storageError(e);
        }
    }

    /** Reads a series' float and histogram samples (staleness markers left out) into the arrays. */
    private SampleIterator load(Series series, SampleIterator reuse) {
        SampleIterator it = series.iterator(reuse);
        n = 0;
        hn = 0;
        long read = 0;
        while (it.next()) {
            read++;
            if (it.valueType().isHistogram()) {
                io.promethium.api.model.FloatHistogram fh = it.floatHistogram();
                if (fh.isStale()) {
                    continue;
                }
                if (hn == hts.length) {
                    hts = Arrays.copyOf(hts, hn * 2);
                    hhs = Arrays.copyOf(hhs, hn * 2);
                }
                hts[hn] = it.timestamp();
                hhs[hn] = NativeHistogram.of(fh);
                hn++;
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
        ev.ctx.checkWindow(n + hn);
        return it;
    }

    /** Index of the last float sample at or before {@code t}, or -1. */
    private int lastAtOrBefore(long t) {
        return lastAtOrBefore(ts, n, t);
    }

    /** Index of the last of {@code times[0, count)} at or before {@code t}, or -1. */
    private static int lastAtOrBefore(long[] times, int count, long t) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= t) {
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

    /** Marks a window holding floats only, for the float code. */
    private static final NativeHistogram FLOATS = new NativeHistogram();

    /**
     * rate/increase/delta over a window of a series that has histograms (Prometheus's
     * {@code extendedHistogramRate}): {@link #FLOATS} when the window holds floats only, null for
     * no result. The window is what Prometheus's matrix holds: the last sample at or before its
     * start (within the lookback delta), the samples inside, and for smoothed the first sample
     * after its end (within the lookback delta).
     */
    private NativeHistogram histogramWindow(String function, boolean counter, boolean smoothed, long start, long end, long lookback,
            long range) {
        int fBefore = lastAtOrBefore(start);
        int hBefore = lastAtOrBefore(hts, hn, start);
        int fLast = lastAtOrBefore(end);
        int hLast = lastAtOrBefore(hts, hn, end);
        boolean anchorIsHist = hBefore >= 0 && (fBefore < 0 || hts[hBefore] > ts[fBefore]);
        long anchorT = anchorIsHist ? hts[hBefore] : fBefore >= 0 ? ts[fBefore] : Long.MIN_VALUE;
        boolean hasAnchor = (anchorIsHist || fBefore >= 0) && anchorT > start - lookback;
        int a = hasAnchor && anchorIsHist ? hBefore : hBefore + 1;
        int b = hLast;
        int floats = fLast - fBefore + (hasAnchor && !anchorIsHist ? 1 : 0);
        if (smoothed) {
            int fAfter = fLast + 1;
            int hAfter = hLast + 1;
            boolean afterIsHist = hAfter < hn && (fAfter >= n || hts[hAfter] < ts[fAfter]);
            if (afterIsHist && hts[hAfter] <= end + lookback) {
                b = hAfter;
            } else if (!afterIsHist && fAfter < n && ts[fAfter] <= end + lookback) {
                floats++;
            }
        }
        if (a > b) {
            return FLOATS;
        }
        if (floats > 0) {
            ev.ctx.annotations.warn("encountered a mix of histograms and floats for metric name " + name, position);
            return null;
        }
        int last = b;
        int first = Math.max(a, firstWhere(a, last, start, false) - 1);
        if (smoothed) {
            last = firstWhere(a, last, end, true);
        }
        if (hts[last] <= start || smoothed && hts[first] > end) {
            return null;
        }
        boolean custom = hhs[first].usesCustomBuckets();
        for (int i = first; i <= last; i++) {
            if (hhs[i].usesCustomBuckets() != custom) {
                ev.ctx.annotations.warn("vector contains a mix of histograms with exponential and custom buckets schemas for metric name " + name,
                        position);
                return null;
            }
            if (counter && hhs[i].hint == CounterResetHint.GAUGE) {
                ev.ctx.annotations.warn("this native histogram metric is not a counter: " + name, position);
            }
        }
        NativeHistogram left = smoothed && hts[first] < start
                ? interpolateHistograms(first, first + 1, start, counter) : hhs[first].copy();
        NativeHistogram right = smoothed && last > a && hts[last] > end
                ? interpolateHistograms(last - 1, last, end, counter) : hhs[last].copy();
        if (!counter && (left.hint != CounterResetHint.GAUGE || right.hint != CounterResetHint.GAUGE)) {
            ev.ctx.annotations.warn("this native histogram metric is not a gauge: " + name, position);
        }
        NativeHistogram result = combine(right.copy(), left, -1);
        if (counter) {
            // Resets between the boundaries add back what the counter had before them. The last
            // sample is the right boundary (whose hint right inherits); a reset the left
            // interpolation spanned is counted there already.
            int from = first + 1;
            NativeHistogram prev = left;
            if (smoothed && hts[first] < start && hhs[first + 1].detectReset(hhs[first])) {
                prev = hhs[first + 1];
                from++;
            }
            int to = last - 1;
            if (from <= to + 1) {
                NativeHistogram correction = null;
                for (int i = from; i <= to; i++) {
                    if (hhs[i].detectReset(prev)) {
                        correction = correction == null ? prev.copy() : combine(correction, prev, 1);
                    }
                    prev = hhs[i];
                }
                if (right.detectReset(prev)) {
                    correction = correction == null ? prev.copy() : combine(correction, prev, 1);
                }
                if (correction != null) {
                    combine(result, correction, 1);
                }
            }
        }
        if (function.equals("rate")) {
            result.div(range / 1000.0);
        }
        result.hint = CounterResetHint.GAUGE;
        return result.compact();
    }

    /** Adds (sign 1) or subtracts {@code o} into {@code h}, with Prometheus's info when custom bounds are reconciled. */
    private NativeHistogram combine(NativeHistogram h, NativeHistogram o, int sign) {
        if (h.customBoundsDiffer(o)) {
            ev.ctx.annotations.info("mismatched custom buckets were reconciled during " + (sign > 0 ? "addition" : "subtraction"), position);
        }
        return sign > 0 ? h.add(o) : h.sub(o);
    }

    /** The first index in [from, to) whose histogram sample is after {@code t} (at or after when {@code orAt}), else {@code to}. */
    private int firstWhere(int from, int to, long t, boolean orAt) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (orAt ? hts[mid] >= t : hts[mid] > t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * The histogram at {@code t} between samples p and q (Prometheus's {@code interpolateHistograms}):
     * a copy of one at its own time; a counter's reset in between counts from zero.
     */
    private NativeHistogram interpolateHistograms(int p, int q, long t, boolean counter) {
        if (t == hts[p]) {
            return hhs[p].copy();
        }
        if (t == hts[q]) {
            return hhs[q].copy();
        }
        double fraction = (t - hts[p]) / (double) (hts[q] - hts[p]);
        if (counter && hhs[q].detectReset(hhs[p])) {
            return hhs[q].copy().mul(fraction);
        }
        NativeHistogram result = combine(hhs[q].copy(), hhs[p], -1);
        result.mul(fraction);
        return combine(result, hhs[p], 1);
    }

    /**
     * {@code x smoothed} at {@code t} when the sample at or before it is histogram {@code hp}
     * (float {@code p} before it, if any): interpolated towards the next sample within the
     * lookback delta; a float next, or a mix of exponential and custom buckets, warns and gives nothing.
     */
    private NativeHistogram smoothedHistogram(int hp, int p, long t, long lookback) {
        if (hts[hp] <= t - lookback) {
            return null;
        }
        int hq = hp + 1;
        int q = p + 1;
        boolean nextFloat = q < n && ts[q] <= t + lookback && (hq >= hn || ts[q] < hts[hq]);
        if (nextFloat) {
            ev.ctx.annotations.warn("encountered a mix of histograms and floats for metric name " + name, position);
            return null;
        }
        if (hq >= hn || hts[hq] > t + lookback || hts[hp] == t) {
            return hhs[hp].copy();
        }
        if (hhs[hp].usesCustomBuckets() != hhs[hq].usesCustomBuckets()) {
            ev.ctx.annotations.warn("vector contains a mix of histograms with exponential and custom buckets schemas for metric name " + name,
                    position);
            return null;
        }
        return interpolateHistograms(hp, hq, t, hhs[hp].hint != CounterResetHint.GAUGE);
    }

    /**
     * resets/changes over an anchored window of a series with histograms: floats and histograms
     * in time order from the anchor; a change of type counts as a reset and a change.
     */
    private double anchoredCount(String function, long start, long end, long lookback) {
        int f = lastAtOrBefore(start);
        int h = lastAtOrBefore(hts, hn, start);
        int fLast = lastAtOrBefore(end);
        int hLast = lastAtOrBefore(hts, hn, end);
        if (fLast == f && hLast == h) {
            return Absent.VALUE; // no sample in the window
        }
        // The previous sample: the anchor when there is one within the lookback delta.
        boolean prevHist;
        double prevV = 0;
        NativeHistogram prevH = null;
        boolean anchorIsHist = h >= 0 && (f < 0 || hts[h] > ts[f]);
        boolean hasPrev = anchorIsHist ? hts[h] > start - lookback : f >= 0 && ts[f] > start - lookback;
        prevHist = anchorIsHist;
        if (hasPrev) {
            if (anchorIsHist) {
                prevH = hhs[h];
            } else {
                prevV = vs[f];
            }
        }
        int fi = f + 1;
        int hi = h + 1;
        boolean resets = function.equals("resets");
        int count = 0;
        while (fi <= fLast || hi <= hLast) {
            boolean isHist = fi > fLast || hi <= hLast && hts[hi] < ts[fi];
            if (hasPrev) {
                if (isHist != prevHist) {
                    count++;
                } else if (isHist) {
                    if (resets ? hhs[hi].detectReset(prevH) : !hhs[hi].sameAs(prevH)) {
                        count++;
                    }
                } else {
                    double c = vs[fi];
                    if (resets ? c < prevV : !(c == prevV || Double.isNaN(c) && Double.isNaN(prevV))) {
                        count++;
                    }
                }
            }
            hasPrev = true;
            prevHist = isHist;
            if (isHist) {
                prevH = hhs[hi++];
            } else {
                prevV = vs[fi++];
            }
        }
        return count;
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
