package io.promethium.promql.engine.internal.kernel;

/**
 * Kahan-Neumaier compensated summation, as Prometheus uses for sum, avg and the variance
 * functions. A mutable accumulator so hot loops allocate nothing; reset it to reuse.
 */
public final class KahanSum {
    private double sum;
    private double c;

    public void reset() {
        sum = 0;
        c = 0;
    }

    public void add(double inc) {
        double t = sum + inc;
        if (Double.isInfinite(t)) {
            c = 0;
        } else if (Math.abs(sum) >= Math.abs(inc)) {
            c += (sum - t) + inc;
        } else {
            c += (inc - t) + sum;
        }
        sum = t;
    }

    /** The compensated total; an infinite running sum is returned as is (the compensation is meaningless then). */
    public double value() {
        if (Double.isInfinite(sum)) {
            return sum;
        }
        return sum + c;
    }

    public double rawSum() {
        return sum;
    }

    public double compensation() {
        return c;
    }

    public void set(double sum, double c) {
        this.sum = sum;
        this.c = c;
    }

    /** One Kahan step on plain values: returns the new sum; {@code cOut[0]} carries the compensation in and out. */
    public static double inc(double inc, double sum, double[] cOut) {
        double t = sum + inc;
        double c = cOut[0];
        if (Double.isInfinite(t)) {
            c = 0;
        } else if (Math.abs(sum) >= Math.abs(inc)) {
            c += (sum - t) + inc;
        } else {
            c += (inc - t) + sum;
        }
        cOut[0] = c;
        return t;
    }
}
