package io.promethium.exposition.internal;

import java.math.BigInteger;

/**
 * The Eisel-Lemire algorithm: the double nearest to {@code mantissa × 10^exponent} from a 64×128-bit
 * product with a table of truncated powers of ten, without a String or big-number arithmetic. It
 * decides all but a vanishing share of inputs; for those (and exponents out of the table's range)
 * it answers NaN and the caller falls back to {@link Double#parseDouble}. This is the algorithm of
 * Go's {@code strconv} (which Prometheus parses with), so both round alike.
 *
 * <p>Why: values of 16-17 significant digits (a clock's {@code 1.7000000123456789e+09}, Go's
 * float ratios) are past Clinger's exact fast path; a real node_exporter page has a few per scrape,
 * so {@code Double.parseDouble} and its big-integer correction ran a few hundred times a second and
 * the JIT compiled them again minutes after start. Stateless.
 */
final class EiselLemire {

    private static final int MIN_EXP10 = -348;
    private static final int MAX_EXP10 = 347;
    /** Upper and lower 64 bits of 10^e normalized to 128 bits (leading bit set), rounded down, for e from MIN_EXP10. */
    private static final long[] HI = new long[MAX_EXP10 - MIN_EXP10 + 1];
    private static final long[] LO = new long[MAX_EXP10 - MIN_EXP10 + 1];

    static {
        BigInteger five = BigInteger.valueOf(5);
        for (int e = MIN_EXP10; e <= MAX_EXP10; e++) {
            // 10^e has the mantissa of 5^e (the rest is a power of two).
            BigInteger m;
            if (e >= 0) {
                m = five.pow(e);
            } else {
                BigInteger p = five.pow(-e);
                m = BigInteger.ONE.shiftLeft(p.bitLength() + 127).divide(p);
            }
            int shift = m.bitLength() - 128;
            m = shift > 0 ? m.shiftRight(shift) : m.shiftLeft(-shift);
            HI[e - MIN_EXP10] = m.shiftRight(64).longValue();
            LO[e - MIN_EXP10] = m.longValue();
        }
    }

    private EiselLemire() {
    }

    /**
     * The double nearest to {@code mantissa × 10^exponent} (mantissa taken as unsigned and not 0),
     * or NaN when this algorithm cannot decide it (halfway ambiguity, subnormal, infinite, or an
     * exponent out of range).
     */
    static double toDouble(long mantissa, int exponent) {
        if (exponent < MIN_EXP10 || exponent > MAX_EXP10 || mantissa == 0) {
            return Double.NaN;
        }
        int clz = Long.numberOfLeadingZeros(mantissa);
        long man = mantissa << clz;
        long exp2 = ((217706L * exponent) >> 16) + 64 + 1023 - clz;
        int i = exponent - MIN_EXP10;
        long xHi = Math.unsignedMultiplyHigh(man, HI[i]);
        long xLo = man * HI[i];
        // The truncated table's error may carry into the bits kept: widen with the lower 64 bits.
        if ((xHi & 0x1FF) == 0x1FF && Long.compareUnsigned(xLo + man, man) < 0) {
            long yHi = Math.unsignedMultiplyHigh(man, LO[i]);
            long yLo = man * LO[i];
            long mergedHi = xHi;
            long mergedLo = xLo + yHi;
            if (Long.compareUnsigned(mergedLo, xLo) < 0) {
                mergedHi++;
            }
            if ((mergedHi & 0x1FF) == 0x1FF && mergedLo + 1 == 0 && Long.compareUnsigned(yLo + man, man) < 0) {
                return Double.NaN;
            }
            xHi = mergedHi;
            xLo = mergedLo;
        }
        long msb = xHi >>> 63;
        long bits = xHi >>> (msb + 9);
        exp2 -= 1 ^ msb;
        if (xLo == 0 && (xHi & 0x1FF) == 0 && (bits & 3) == 1) {
            return Double.NaN; // exactly halfway between two doubles: round-half-even needs the exact value
        }
        bits += bits & 1;
        bits >>>= 1;
        if ((bits >>> 53) > 0) {
            bits >>>= 1;
            exp2++;
        }
        if (exp2 <= 0 || exp2 >= 0x7FF) {
            return Double.NaN; // subnormal or infinite: left to the exact parser
        }
        return Double.longBitsToDouble(exp2 << 52 | bits & 0x000F_FFFF_FFFF_FFFFL);
    }
}
