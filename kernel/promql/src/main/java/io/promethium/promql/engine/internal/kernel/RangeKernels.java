package io.promethium.promql.engine.internal.kernel;

/**
 * The range-vector functions over one window {@code [from, to)} of a series' samples held in
 * primitive arrays. Each returns {@link Absent#VALUE} when the function yields no sample for
 * the window. Formulas follow Prometheus 3.x (functions.go) step for step, so results agree to
 * the last bit where the reference tests need it.
 */
public final class RangeKernels {

    private RangeKernels() {
    }

    /**
     * rate, increase and delta: the change over the window, extrapolated towards the window's
     * boundaries when the first/last samples are close to them.
     *
     * @param rangeStart window start (exclusive), ms
     * @param rangeEnd window end (inclusive), ms
     * @param isCounter counter resets are compensated and extrapolation stops at zero
     * @param isRate result divided by the range in seconds
     */
    public static double extrapolatedRate(long[] ts, double[] vs, int from, int to, long rangeStart, long rangeEnd,
            boolean isCounter, boolean isRate) {
        return extrapolatedRate(ts, vs, null, from, to, rangeStart, rangeEnd, isCounter, isRate);
    }

    /**
     * {@link #extrapolatedRate(long[], double[], int, int, long, long, boolean, boolean)} with the
     * samples' start timestamps ({@code sts}, aligned with {@code ts}, 0 for none; null for none at
     * all), as Prometheus's use-start-timestamps: for a counter, a start timestamp revealing a reset
     * counts as one, and when the first sample's start lies inside the window the counter is taken
     * as zero there instead of extrapolating to the left (which also lets one sample make a rate).
     */
    public static double extrapolatedRate(long[] ts, double[] vs, long[] sts, int from, int to, long rangeStart, long rangeEnd,
            boolean isCounter, boolean isRate) {
        int n = to - from;
        if (n < 1 || n < 2 && (sts == null || !isCounter)) {
            return Absent.VALUE;
        }
        long firstT = ts[from];
        long lastT = ts[to - 1];
        double result = vs[to - 1] - vs[from];
        if (isCounter) {
            double prev = vs[from];
            for (int i = from + 1; i < to; i++) {
                double cur = vs[i];
                if (cur < prev || sts != null && isStartTimestampReset(sts[i - 1], ts[i - 1], sts[i], ts[i])) {
                    result += prev;
                }
                prev = cur;
            }
        }
        double durationToStart = (firstT - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - lastT) / 1000.0;
        double sampledInterval = (lastT - firstT) / 1000.0;
        double averageBetween = n > 1 ? sampledInterval / (n - 1) : 0;
        double threshold = averageBetween * 1.1;
        long start = isCounter && sts != null ? startInWindow(sts[from], rangeStart, firstT) : 0;
        if (start != 0) {
            // A zero at the start timestamp instead of extrapolating towards the left.
            durationToStart = 0;
            sampledInterval = (lastT - start) / 1000.0;
            result += vs[from];
        } else if (n < 2) {
            return Absent.VALUE;
        } else {
            if (durationToStart >= threshold) {
                durationToStart = averageBetween / 2;
            }
            if (isCounter && result > 0 && vs[from] >= 0) {
                // A counter cannot go below zero: do not extrapolate past the point where it would be zero.
                double durationToZero = sampledInterval * (vs[from] / result);
                if (durationToZero < durationToStart) {
                    durationToStart = durationToZero;
                }
            }
        }
        if (durationToEnd >= threshold) {
            durationToEnd = averageBetween / 2;
        }
        return result * factor(sampledInterval, durationToStart, durationToEnd, rangeEnd - rangeStart, isRate);
    }

    /** The sampled interval extrapolated by the durations, over itself; per second of the range for a rate. */
    private static double factor(double sampledInterval, double durationToStart, double durationToEnd, long rangeMs, boolean isRate) {
        double factor = sampledInterval == 0 ? 1 : (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
        if (isRate) {
            factor /= rangeMs / 1000.0;
        }
        return factor;
    }

    /**
     * {@link #extrapolatedRate(long[], double[], int, int, long, long, boolean, boolean)} for a
     * reader of many windows: the factor is worked out once per window shape and kept in
     * {@code shape}, so a window shaped as the one before costs its reset loop and a
     * multiplication. Results are bit for bit those of the method without it: a counter whose
     * zero point may fall inside the extrapolation takes the full computation.
     */
    public static double extrapolatedRate(long[] ts, double[] vs, int from, int to, long rangeStart, long rangeEnd,
            boolean isCounter, boolean isRate, RateShape shape) {
        int n = to - from;
        if (n < 2) {
            return Absent.VALUE;
        }
        long firstT = ts[from];
        long lastT = ts[to - 1];
        long toStartMs = firstT - rangeStart;
        long toEndMs = rangeEnd - lastT;
        long spanMs = lastT - firstT;
        long rangeMs = rangeEnd - rangeStart;
        if (!shape.is(toStartMs, toEndMs, spanMs, rangeMs, n, isRate)) {
            // The steps of the method without a shape, less the counter's zero limit, which depends on values.
            double durationToStart = toStartMs / 1000.0;
            double durationToEnd = toEndMs / 1000.0;
            double sampledInterval = spanMs / 1000.0;
            double averageBetween = sampledInterval / (n - 1);
            double threshold = averageBetween * 1.1;
            if (durationToStart >= threshold) {
                durationToStart = averageBetween / 2;
            }
            if (durationToEnd >= threshold) {
                durationToEnd = averageBetween / 2;
            }
            shape.remember(toStartMs, toEndMs, spanMs, rangeMs, n, isRate, durationToStart, sampledInterval,
                    factor(sampledInterval, durationToStart, durationToEnd, rangeMs, isRate));
        }
        double result = vs[to - 1] - vs[from];
        if (isCounter) {
            double prev = vs[from];
            for (int i = from + 1; i < to; i++) {
                double cur = vs[i];
                if (cur < prev) {
                    result += prev;
                }
                prev = cur;
            }
            if (result > 0 && vs[from] >= 0 && !shape.zeroLimitCannotApply(vs[from], result)) {
                return extrapolatedRate(ts, vs, null, from, to, rangeStart, rangeEnd, true, isRate);
            }
        }
        return result * shape.factor();
    }

    /**
     * The first sample's start timestamp when it lies inside the window {@code (rangeStart, firstT)}
     * (then the counter is known to be zero there), else 0.
     */
    public static long startInWindow(long firstStart, long rangeStart, long firstT) {
        return firstStart != 0 && firstStart > rangeStart && firstStart < firstT ? firstStart : 0;
    }

    /**
     * Whether the start timestamps of two consecutive samples show a counter reset between them
     * (Prometheus's isStartTimestampReset): the current start lies after the previous sample; or
     * equals its time while the previous sample had a start of its own before it (a delta sample,
     * not a cumulative series whose start was unknown). A start of 0 (none), one not before its
     * sample, or one before the previous sample is no reset.
     */
    public static boolean isStartTimestampReset(long prevStart, long prevT, long curStart, long curT) {
        if (curStart == 0 || curStart >= curT || curStart < prevT) {
            return false;
        }
        if (curStart > prevT) {
            return true;
        }
        return prevStart <= prevT && prevStart != 0 && prevStart != prevT;
    }

    /**
     * Whether a sample's start timestamp overlaps the previous sample (Prometheus warns): set,
     * before the previous sample's time, and not the previous sample's own start.
     */
    public static boolean startOverlaps(long prevStart, long prevT, long curStart) {
        return curStart != 0 && curStart < prevT && curStart != prevStart;
    }

    /**
     * The factor {@link #extrapolatedRate} scales a native histogram's difference by: the sampled
     * interval extrapolated to the range boundaries, per second for a rate. For a counter the
     * start is not extrapolated past where the count would reach zero ({@code firstCount} is the
     * first histogram's count, {@code resultCount} the difference's; NaN for no clamp).
     */
    public static double extrapolationFactor(long[] ts, int from, int to, long rangeStart, long rangeEnd, boolean isRate,
            double firstCount, double resultCount) {
        return extrapolationFactor(ts, from, to, rangeStart, rangeEnd, isRate, firstCount, resultCount, 0);
    }

    /**
     * As above; {@code start} non-zero is the first sample's start timestamp inside the window
     * ({@link #startInWindow}): the series is taken as zero there instead of extrapolating left.
     */
    public static double extrapolationFactor(long[] ts, int from, int to, long rangeStart, long rangeEnd, boolean isRate,
            double firstCount, double resultCount, long start) {
        int n = to - from;
        long firstT = ts[from];
        long lastT = ts[to - 1];
        double durationToStart = (firstT - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - lastT) / 1000.0;
        double sampledInterval = (lastT - firstT) / 1000.0;
        double averageBetween = n > 1 ? sampledInterval / (n - 1) : 0;
        double threshold = averageBetween * 1.1;
        if (start != 0) {
            durationToStart = 0;
            sampledInterval = (lastT - start) / 1000.0;
        } else {
            if (durationToStart >= threshold) {
                durationToStart = averageBetween / 2;
            }
            if (resultCount > 0 && firstCount >= 0) {
                double durationToZero = sampledInterval * (firstCount / resultCount);
                if (durationToZero < durationToStart) {
                    durationToStart = durationToZero;
                }
            }
        }
        if (durationToEnd >= threshold) {
            durationToEnd = averageBetween / 2;
        }
        double factor = sampledInterval == 0 ? 1 : (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
        return isRate ? factor / ((rangeEnd - rangeStart) / 1000.0) : factor;
    }

    /** irate (isRate) and idelta: from the last two samples. */
    public static double instantValue(long[] ts, double[] vs, int from, int to, boolean isRate) {
        return instantValue(ts, vs, null, from, to, isRate);
    }

    /** irate and idelta with start timestamps ({@code sts} or null): irate also sees a reset they reveal. */
    public static double instantValue(long[] ts, double[] vs, long[] sts, int from, int to, boolean isRate) {
        if (to - from < 2) {
            return Absent.VALUE;
        }
        double last = vs[to - 1];
        double prev = vs[to - 2];
        boolean reset = isRate && (last < prev || sts != null && isStartTimestampReset(sts[to - 2], ts[to - 2], sts[to - 1], ts[to - 1]));
        double result = reset ? last : last - prev;
        long interval = ts[to - 1] - ts[to - 2];
        if (interval == 0) {
            return Absent.VALUE;
        }
        if (isRate) {
            result /= interval / 1000.0;
        }
        return result;
    }

    public static double sumOverTime(double[] vs, int from, int to, KahanSum sum) {
        sum.reset();
        for (int i = from; i < to; i++) {
            sum.add(vs[i]);
        }
        return sum.value();
    }

    /** avg_over_time: Kahan mean, switching to an incremental mean if the sum overflows. */
    public static double avgOverTime(double[] vs, int from, int to) {
        double sum = 0;
        double c = 0;
        double mean = 0;
        double count = 0;
        boolean incremental = false;
        double[] cc = new double[1];
        for (int i = from; i < to; i++) {
            double f = vs[i];
            count++;
            if (!incremental) {
                cc[0] = c;
                double newSum = KahanSum.inc(f, sum, cc);
                if (count == 1 || !Double.isInfinite(newSum)) {
                    sum = newSum;
                    c = cc[0];
                    continue;
                }
                incremental = true;
                mean = sum / (count - 1);
                c /= count - 1;
            }
            double q = (count - 1) / count;
            cc[0] = q * c;
            mean = KahanSum.inc(f / count, q * mean, cc);
            c = cc[0];
        }
        if (incremental) {
            return mean + c;
        }
        return sum / count + c / count;
    }

    public static double minOverTime(double[] vs, int from, int to) {
        double min = vs[from];
        for (int i = from + 1; i < to; i++) {
            double v = vs[i];
            if (v < min || Double.isNaN(min)) {
                min = v;
            }
        }
        return min;
    }

    public static double maxOverTime(double[] vs, int from, int to) {
        double max = vs[from];
        for (int i = from + 1; i < to; i++) {
            double v = vs[i];
            if (v > max || Double.isNaN(max)) {
                max = v;
            }
        }
        return max;
    }

    /** The variance of the window (population), with compensated running mean as Prometheus. */
    public static double varianceOverTime(double[] vs, int from, int to) {
        double count = 0;
        double mean = 0;
        double[] cMean = new double[1];
        double aux = 0;
        double[] cAux = new double[1];
        for (int i = from; i < to; i++) {
            double f = vs[i];
            count++;
            double delta = f - (mean + cMean[0]);
            mean = KahanSum.inc(delta / count, mean, cMean);
            aux = KahanSum.inc(delta * (f - (mean + cMean[0])), aux, cAux);
        }
        return (aux + cAux[0]) / count;
    }

    public static double resets(double[] vs, int from, int to) {
        return resets(null, vs, null, from, to);
    }

    /** resets, counting the resets start timestamps reveal too ({@code sts} null: none). */
    public static double resets(long[] ts, double[] vs, long[] sts, int from, int to) {
        int resets = 0;
        double prev = vs[from];
        for (int i = from + 1; i < to; i++) {
            double cur = vs[i];
            if (cur < prev || sts != null && isStartTimestampReset(sts[i - 1], ts[i - 1], sts[i], ts[i])) {
                resets++;
            }
            prev = cur;
        }
        return resets;
    }

    public static double changes(double[] vs, int from, int to) {
        int changes = 0;
        double prev = vs[from];
        for (int i = from + 1; i < to; i++) {
            double cur = vs[i];
            if (!(cur == prev || (Double.isNaN(cur) && Double.isNaN(prev)))) {
                changes++;
            }
            prev = cur;
        }
        return changes;
    }

    /**
     * Least-squares fit of the window with x in seconds relative to {@code interceptTime}; writes
     * slope and intercept into {@code out}. A constant series gives slope 0 (NaN when infinite).
     */
    public static void linearRegression(long[] ts, double[] vs, int from, int to, long interceptTime, double[] out) {
        double n = 0;
        KahanSum sumX = new KahanSum();
        KahanSum sumY = new KahanSum();
        KahanSum sumXY = new KahanSum();
        KahanSum sumX2 = new KahanSum();
        double initY = vs[from];
        boolean constY = true;
        for (int i = from; i < to; i++) {
            double y = vs[i];
            if (constY && i > from && y != initY) {
                constY = false;
            }
            n += 1;
            double x = (ts[i] - interceptTime) / 1e3;
            sumX.add(x);
            sumY.add(y);
            sumXY.add(x * y);
            sumX2.add(x * x);
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                out[0] = Double.NaN;
                out[1] = Double.NaN;
            } else {
                out[0] = 0;
                out[1] = initY;
            }
            return;
        }
        double sx = sumX.rawSum() + sumX.compensation();
        double sy = sumY.rawSum() + sumY.compensation();
        double sxy = sumXY.rawSum() + sumXY.compensation();
        double sx2 = sumX2.rawSum() + sumX2.compensation();
        double covXY = sxy - sx * sy / n;
        double varX = sx2 - sx * sx / n;
        double slope = covXY / varX;
        out[0] = slope;
        out[1] = sy / n - slope * sx / n;
    }

    /** double_exponential_smoothing (formerly holt_winters); factors must be in (0, 1), checked by the caller. */
    public static double doubleExponentialSmoothing(double[] vs, int from, int to, double sf, double tf) {
        int l = to - from;
        if (l < 2) {
            return Absent.VALUE;
        }
        double s0 = 0;
        double s1 = vs[from];
        double b = vs[from + 1] - vs[from];
        for (int i = 1; i < l; i++) {
            double x = sf * vs[from + i];
            if (i - 1 != 0) {
                b = tf * (s1 - s0) + (1 - tf) * b;
            }
            double y = (1 - sf) * (s1 + b);
            s0 = s1;
            s1 = x + y;
        }
        return s1;
    }
}
