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
        int n = to - from;
        if (n < 2) {
            return Absent.VALUE;
        }
        long firstT = ts[from];
        long lastT = ts[to - 1];
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
        }
        double durationToStart = (firstT - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - lastT) / 1000.0;
        double sampledInterval = (lastT - firstT) / 1000.0;
        double averageBetween = sampledInterval / (n - 1);
        double threshold = averageBetween * 1.1;
        double extrapolateTo = sampledInterval;
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
        extrapolateTo += durationToStart;
        if (durationToEnd >= threshold) {
            durationToEnd = averageBetween / 2;
        }
        extrapolateTo += durationToEnd;
        double factor = extrapolateTo / sampledInterval;
        if (isRate) {
            factor /= (rangeEnd - rangeStart) / 1000.0;
        }
        return result * factor;
    }

    /**
     * The factor {@link #extrapolatedRate} scales a native histogram's difference by: the sampled
     * interval extrapolated to the range boundaries, per second for a rate. For a counter the
     * start is not extrapolated past where the count would reach zero ({@code firstCount} is the
     * first histogram's count, {@code resultCount} the difference's; NaN for no clamp).
     */
    public static double extrapolationFactor(long[] ts, int from, int to, long rangeStart, long rangeEnd, boolean isRate,
            double firstCount, double resultCount) {
        int n = to - from;
        long firstT = ts[from];
        long lastT = ts[to - 1];
        double durationToStart = (firstT - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - lastT) / 1000.0;
        double sampledInterval = (lastT - firstT) / 1000.0;
        double averageBetween = sampledInterval / (n - 1);
        double threshold = averageBetween * 1.1;
        if (durationToStart >= threshold) {
            durationToStart = averageBetween / 2;
        }
        if (resultCount > 0 && firstCount >= 0) {
            double durationToZero = sampledInterval * (firstCount / resultCount);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        if (durationToEnd >= threshold) {
            durationToEnd = averageBetween / 2;
        }
        double factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
        return isRate ? factor / ((rangeEnd - rangeStart) / 1000.0) : factor;
    }

    /** irate (isRate) and idelta: from the last two samples. */
    public static double instantValue(long[] ts, double[] vs, int from, int to, boolean isRate) {
        if (to - from < 2) {
            return Absent.VALUE;
        }
        double last = vs[to - 1];
        double prev = vs[to - 2];
        double result = isRate && last < prev ? last : last - prev;
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
        int resets = 0;
        double prev = vs[from];
        for (int i = from + 1; i < to; i++) {
            double cur = vs[i];
            if (cur < prev) {
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
