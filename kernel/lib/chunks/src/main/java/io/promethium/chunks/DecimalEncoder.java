package io.promethium.chunks;

/**
 * Encodes a run of samples whose values are all short decimals (as scraped: {@code 12.5},
 * {@code 1024}, {@code 0.003}) as integers scaled by {@code 10^scale}. Timestamps as in XOR
 * (delta-of-delta buckets). Values as deltas (gauges) or delta-of-deltas (counters) of the scaled
 * integers, written either in prefix buckets or all at one fixed bit width for the chunk
 * (noisy but bounded series); of the four, the smallest wins. Exact: a value qualifies only when
 * dividing its integer back by the power of ten gives the identical bits (IEEE division is
 * correctly rounded, so a parsed short decimal always does).
 *
 * <p>Layout: 2-byte count, 1 byte {@code scale | mode << 4} (mode bit 0: delta-of-delta, bit 1:
 * fixed width), then the bit stream: first timestamp (varint, relative to the base), first value
 * (varint); in fixed mode a 7-bit width and then the residuals as zigzag integers of that width.
 */
public final class DecimalEncoder {
    static final double[] POW10 = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    static final int MODE_DOD = 1;
    static final int MODE_FIXED = 2;
    private static final double MAX_EXACT = 9.007199254740992E15;

    private final BitWriter out = new BitWriter(256);
    private long[] scaled = new long[128];

    /** Encoded bytes, or {@code null} when some value is not a short decimal (NaN, inf, -0, long fraction). */
    public byte[] encode(long[] ts, double[] vs, int from, int n, long base) {
        int scale = scaleOf(vs, from, n);
        if (scale < 0) {
            return null;
        }
        if (scaled.length < n) {
            scaled = new long[n];
        }
        double p = POW10[scale];
        for (int i = 0; i < n; i++) {
            scaled[i] = Math.round(vs[from + i] * p);
        }
        // Timestamps cost the same in every mode: pick the mode by the value bits alone, write once.
        int widthDelta = 0;
        int widthDod = 0;
        long bucketDelta = 0;
        long bucketDod = 0;
        for (int i = 1; i < n; i++) {
            long d = scaled[i] - scaled[i - 1];
            widthDelta = Math.max(widthDelta, width(d));
            bucketDelta += bucketBits(d);
            if (i >= 2) {
                long dd = d - (scaled[i - 1] - scaled[i - 2]);
                widthDod = Math.max(widthDod, width(dd));
                bucketDod += bucketBits(dd);
            } else {
                bucketDod += bucketBits(d);
            }
        }
        long firstDelta = n > 1 ? scaled[1] - scaled[0] : 0;
        long[] cost = {
            bucketDelta,
            bucketDod,
            7 + (long) widthDelta * Math.max(0, n - 1),
            7 + varintBits(firstDelta) + (long) widthDod * Math.max(0, n - 2),
        };
        int mode = 0;
        for (int m = 1; m < 4; m++) {
            if (cost[m] < cost[mode]) {
                mode = m;
            }
        }
        write(ts, from, n, base, scale, mode, (mode & MODE_DOD) != 0 ? widthDod : widthDelta);
        return out.toByteArray();
    }

    /** Bits {@link Varbits#writeDod} spends on a value. */
    private static int bucketBits(long v) {
        if (v == 0) {
            return 1;
        }
        if (Varbits.fits(v, 7)) {
            return 9;
        }
        if (Varbits.fits(v, 14)) {
            return 17;
        }
        return Varbits.fits(v, 20) ? 24 : 68;
    }

    private static int varintBits(long v) {
        long zz = (v << 1) ^ (v >> 63);
        int bytes = 1;
        while ((zz & ~0x7fL) != 0) {
            zz >>>= 7;
            bytes++;
        }
        return bytes * 8;
    }

    private static int width(long v) {
        long zz = (v << 1) ^ (v >> 63);
        return 64 - Long.numberOfLeadingZeros(zz);
    }

    private void write(long[] ts, int from, int n, long base, int scale, int mode, int w) {
        boolean dod = (mode & MODE_DOD) != 0;
        boolean fixed = (mode & MODE_FIXED) != 0;
        out.reset();
        out.writeBits(n, 16);
        out.writeBits(scale | (mode << 4), 8);
        long prevT = 0;
        long tDelta = 0;
        long delta = 0;
        for (int i = 0; i < n; i++) {
            long t = ts[from + i];
            long x = scaled[i];
            if (i == 0) {
                Varbits.writeVarint(out, t - base);
                Varbits.writeVarint(out, x);
                if (fixed) {
                    out.writeBits(w, 7);
                }
            } else {
                if (i == 1) {
                    tDelta = t - prevT;
                    Varbits.writeUvarint(out, tDelta);
                } else {
                    long d = t - prevT;
                    Varbits.writeDod(out, d - tDelta);
                    tDelta = d;
                }
                long dx = x - scaled[i - 1];
                long residual;
                if (dod && i == 1) {
                    residual = dx;
                } else {
                    residual = dod ? dx - delta : dx;
                }
                delta = dx;
                if (fixed) {
                    if (dod && i == 1) {
                        Varbits.writeVarint(out, residual);
                    } else {
                        out.writeBits((residual << 1) ^ (residual >> 63), w);
                    }
                } else {
                    Varbits.writeDod(out, residual);
                }
            }
            prevT = t;
        }
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
