package io.promethium.tsdb.internal.chunk;

/**
 * Encodes a run of samples whose values are all short decimals (as scraped: {@code 12.5},
 * {@code 1024}, {@code 0.003}) as integers scaled by {@code 10^scale}: timestamps as in XOR,
 * values as deltas (gauges) or delta-of-deltas (counters) of the scaled integers, whichever is
 * smaller. Exact: a value qualifies only when dividing its integer back by the power of ten gives
 * the identical bits (IEEE division is correctly rounded, so a parsed decimal always does).
 *
 * <p>Layout: 2-byte count, 1 byte {@code scale | mode << 4}, then the bit stream.
 */
public final class DecimalEncoder {
    static final double[] POW10 = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    private static final double MAX_EXACT = 9.007199254740992E15;

    private final BitWriter out = new BitWriter(256);

    /** Encoded bytes, or {@code null} when some value is not a short decimal (NaN, inf, -0, long fraction). */
    public byte[] encode(long[] ts, double[] vs, int from, int n) {
        int scale = scaleOf(vs, from, n);
        if (scale < 0) {
            return null;
        }
        double p = POW10[scale];
        byte[] best = null;
        for (int mode = 0; mode < 2; mode++) {
            out.reset();
            out.writeBits(n, 16);
            out.writeBits(scale | (mode << 4), 8);
            long prevT = 0;
            long tDelta = 0;
            long prev = 0;
            long delta = 0;
            for (int i = 0; i < n; i++) {
                long t = ts[from + i];
                long x = Math.round(vs[from + i] * p);
                if (i == 0) {
                    Varbits.writeVarint(out, t);
                    Varbits.writeVarint(out, x);
                } else if (i == 1) {
                    tDelta = t - prevT;
                    Varbits.writeUvarint(out, tDelta);
                    delta = x - prev;
                    Varbits.writeDod(out, delta);
                } else {
                    long d = t - prevT;
                    Varbits.writeDod(out, d - tDelta);
                    tDelta = d;
                    long dx = x - prev;
                    Varbits.writeDod(out, mode == 0 ? dx : dx - delta);
                    delta = dx;
                }
                prevT = t;
                prev = x;
            }
            if (best == null || out.byteLength() < best.length) {
                best = out.toByteArray();
            }
        }
        return best;
    }

    /** The smallest power-of-ten scale that makes every value an exact integer, or -1. */
    static int scaleOf(double[] vs, int from, int n) {
        int scale = 0;
        for (int i = 0; i < n; i++) {
            double v = vs[from + i];
            if (Double.isNaN(v) || Double.isInfinite(v) || Double.doubleToRawLongBits(v) == Long.MIN_VALUE) {
                return -1;
            }
            while (!exact(v, scale)) {
                if (++scale >= POW10.length) {
                    return -1;
                }
            }
        }
        return scale;
    }

    private static boolean exact(double v, int scale) {
        double scaledValue = v * POW10[scale];
        if (Math.abs(scaledValue) >= MAX_EXACT) {
            return false;
        }
        long x = Math.round(scaledValue);
        double back = scale == 0 ? (double) x : x / POW10[scale];
        return Double.doubleToRawLongBits(back) == Double.doubleToRawLongBits(v);
    }
}
