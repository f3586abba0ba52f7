package io.promethium.goformat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;

/**
 * {@link GoFloat#appendJson} into a byte array, with no object per value: the shortest digits
 * that read back to the double, found with Giulietti's Schubfach algorithm (the one behind the
 * JDK's {@code Double.toString}), written straight into the caller's bytes. Written here because
 * a measurement asked for it: writing the answer was two thirds of a dashboard range query's CPU,
 * half of it {@code Double.toString}'s string and its re-parsing (profiled on 110 series × 240
 * steps); no maintained library writes the shortest digits into a byte array. Subnormal values,
 * rare in samples, take {@link GoFloat}'s path.
 *
 * <p>Holds the decimal of the value being written: one instance per thread.
 */
public final class GoFloatBytes {
    /** The most bytes one value takes: sign, 17 digits, a point, up to 5 zeros before them or an exponent. */
    public static final int MAX_LENGTH = 32;

    private static final int Q_MIN = -1074;
    private static final long C_MIN = 1L << 52;
    private static final int K_MIN = -324;
    private static final int K_MAX = 292;
    private static final long MASK_63 = (1L << 63) - 1;
    private static final long[] G = table();
    private static final long[] POW10 = new long[19];
    private static final VarHandle LITTLE_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** "00" to "99". */
    private static final byte[] PAIRS = new byte[200];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private final StringBuilder fallback = new StringBuilder(32);
    /** The value being written is {@code significand × 10^exponent}. */
    private long significand;
    private int exponent;

    /**
     * Writes {@code v} as Prometheus's JSON sample values spell it (without quotes: see
     * {@link GoFloat#appendJson}) at {@code at}; returns the position after it. {@code out} must
     * have {@link #MAX_LENGTH} bytes from {@code at}.
     */
    public int appendJson(byte[] out, int at, double v) {
        long bits = Double.doubleToRawLongBits(v);
        int biased = (int) (bits >>> 52) & 0x7FF;
        if ((bits & MASK_63) == 0) {
            // Zero, the commonest rate: no trip through the string path.
            if (bits < 0) {
                out[at++] = '-';
            }
            out[at++] = '0';
            return at;
        }
        if (biased == 0 || biased == 0x7FF) {
            // Subnormals, infinities and NaN: the string path's spellings.
            fallback.setLength(0);
            GoFloat.appendJson(fallback, v);
            for (int i = 0; i < fallback.length(); i++) {
                out[at++] = (byte) fallback.charAt(i);
            }
            return at;
        }
        if (bits < 0) {
            out[at++] = '-';
        }
        decimal(biased, bits & (C_MIN - 1));
        long f = stripZeros(significand);
        int n = length(f);
        int pointPos = n + exponent; // digits before the decimal point
        int x = pointPos - 1;
        // The digits go straight to their place; a point inside them is made by moving the ones before it left.
        if (x < -6 || x >= 21) {
            writeDigits(out, at + 1 + n, f);
            out[at] = out[at + 1];
            at += n;
            if (n > 1) {
                out[at - n + 1] = '.';
                at++;
            }
            out[at++] = 'e';
            out[at++] = (byte) (x < 0 ? '-' : '+');
            int a = Math.abs(x);
            if (a >= 100) {
                out[at++] = (byte) ('0' + a / 100);
            }
            out[at++] = (byte) ('0' + a / 10 % 10);
            out[at++] = (byte) ('0' + a % 10);
        } else if (pointPos <= 0) {
            out[at++] = '0';
            out[at++] = '.';
            for (int i = pointPos; i < 0; i++) {
                out[at++] = '0';
            }
            at += n;
            writeDigits(out, at, f);
        } else if (pointPos >= n) {
            at += n;
            writeDigits(out, at, f);
            for (int i = n; i < pointPos; i++) {
                out[at++] = '0';
            }
        } else {
            writeDigits(out, at + 1 + n, f);
            System.arraycopy(out, at + 1, out, at, pointPos);
            out[at + pointPos] = '.';
            at += n + 1;
        }
        return at;
    }

    /**
     * The significand without its trailing zeros, the exponent raised by as many. Schubfach's
     * significand has 16 or 17 digits, so a value of few digits (a gauge's 3.47) has up to 16
     * zeros: removed eight, four, two and one at a time, since one division per zero made a
     * two-decimal gauge slower to write than a rate of seventeen digits.
     */
    private long stripZeros(long f) {
        while (f % 100_000_000L == 0) {
            f /= 100_000_000L;
            exponent += 8;
        }
        if (f % 10_000 == 0) {
            f /= 10_000;
            exponent += 4;
        }
        if (f % 100 == 0) {
            f /= 100;
            exponent += 2;
        }
        if (f % 10 == 0) {
            f /= 10;
            exponent++;
        }
        return f;
    }

    /**
     * A non-negative long's decimal digits at {@code at} (20 at most); returns the position after
     * them. Their count comes from the bit length; eight digits at a time are made in one long's
     * lanes and stored with one write; the digits above them two per division. A measurement asked
     * for it: with a division per two digits, these loops were a fifth of a one-host dashboard
     * query's CPU (timestamps and 17-digit rates); the module's README has the figures.
     */
    public static int appendDigits(byte[] out, int at, long v) {
        int end = at + length(v);
        writeDigits(out, end, v);
        return end;
    }

    /** A non-negative long's {@link #length} digits, the last just before {@code end}. */
    private static void writeDigits(byte[] out, int end, long v) {
        int i = end;
        while (v >= 100_000_000L) {
            // v / 10^8 as an unsigned multiply-high, the constant compilers use for it.
            long q = Math.unsignedMultiplyHigh(v, 0xABCC77118461CEFDL) >>> 26;
            i -= 8;
            LITTLE_ENDIAN_LONG.set(out, i, eightDigits((int) (v - q * 100_000_000L)));
            v = q;
        }
        int r = (int) v;
        while (r >= 100) {
            int q = r / 100;
            int pair = r - q * 100;
            r = q;
            out[--i] = PAIRS[2 * pair + 1];
            out[--i] = PAIRS[2 * pair];
        }
        if (r >= 10) {
            out[--i] = PAIRS[2 * r + 1];
            out[--i] = PAIRS[2 * r];
        } else {
            out[--i] = (byte) ('0' + r);
        }
    }

    /** How many decimal digits a non-negative long has (1 for zero): log10 from log2, then one comparison. */
    private static int length(long v) {
        int t = (64 - Long.numberOfLeadingZeros(v | 1)) * 1233 >>> 12;
        return v >= POW10[t] ? t + 1 : Math.max(t, 1);
    }

    /**
     * The eight ASCII digits of {@code r} (below 10^8, leading zeros kept), the first in the lowest
     * byte: the halves split into 32-bit lanes, each lane into two 16-bit lanes of two digits
     * (multiplying by 10486 / 2^20 divides a lane below 10^4 by 100), each of those into a byte per
     * digit (103 / 2^10 divides below 100 by 10).
     */
    private static long eightDigits(int r) {
        long halves = (r / 10_000) | (long) (r % 10_000) << 32;
        long hundreds = (halves * 10486 >>> 20) & 0x0000007F_0000007FL;
        long pairs = (halves - 100 * hundreds) << 16 | hundreds;
        long tens = (pairs * 103 >>> 10) & 0x000F000F_000F000FL;
        return (tens | (pairs - 10 * tens) << 8) + 0x30303030_30303030L;
    }

    /** The shortest decimal of a normal positive double with this biased exponent and fraction. */
    private void decimal(int biased, long fraction) {
        int mq = -Q_MIN + 1 - biased;
        long c = C_MIN | fraction;
        if (0 < mq && mq < 53) {
            long f = c >> mq;
            if (f << mq == c) {
                // An integer: its own digits.
                significand = f;
                exponent = 0;
                return;
            }
        }
        schubfach(-mq, c);
    }

    private void schubfach(int q, long c) {
        long out = c & 1;
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = flog10pow2(q);
        } else {
            // The interval of a power of two is lopsided: its lower half is half as wide.
            cbl = cb - 1;
            k = flog10ThreeQuartersPow2(q);
        }
        int h = q + flog2pow10(-k) + 2;
        long g1 = G[2 * (k - K_MIN)];
        long g0 = G[2 * (k - K_MIN) + 1];
        long vb = roundToOdd(g1, g0, cb << h);
        long vbl = roundToOdd(g1, g0, cbl << h);
        long vbr = roundToOdd(g1, g0, cbr << h);
        long s = vb >> 2;
        if (s >= 100) {
            // One digit fewer where both ends allow it.
            long sp10 = 10 * Math.multiplyHigh(s, 115_292_150_460_684_698L << 4);
            long tp10 = sp10 + 10;
            boolean upin = vbl + out <= sp10 << 2;
            boolean wpin = (tp10 << 2) + out <= vbr;
            if (upin != wpin) {
                significand = upin ? sp10 : tp10;
                exponent = k;
                return;
            }
        }
        long t = s + 1;
        boolean uin = vbl + out <= s << 2;
        boolean win = (t << 2) + out <= vbr;
        if (uin != win) {
            significand = uin ? s : t;
            exponent = k;
            return;
        }
        long cmp = vb - (s + t << 1);
        significand = cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : t;
        exponent = k;
    }

    /** {@code g × cp / 2^127}, rounded to odd: g is {@code g1 2^63 + g0}. */
    private static long roundToOdd(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long vbp = y1 + (z >>> 63);
        return vbp | ((z & MASK_63) + MASK_63) >>> 63;
    }

    /** floor(q log10 2). */
    static int flog10pow2(int q) {
        return (int) (q * 661_971_961_083L >> 41);
    }

    /** floor(log10(3/4 2^q)). */
    static int flog10ThreeQuartersPow2(int q) {
        return (int) (q * 661_971_961_083L - 274_743_187_321L >> 41);
    }

    /** floor(e log2 10). */
    static int flog2pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }

    /**
     * For each k in [K_MIN, K_MAX], g = floor(10^-k 2^-r) + 1 with r chosen so that 2^125 ≤ g &lt; 2^126,
     * split into its high and low 63 bits. Computed once rather than listed: 617 exact divisions.
     */
    private static long[] table() {
        long[] g = new long[2 * (K_MAX - K_MIN + 1)];
        for (int k = K_MIN; k <= K_MAX; k++) {
            int e2 = 125 - flog2pow10(-k);
            BigInteger num = k <= 0 ? BigInteger.TEN.pow(-k) : BigInteger.ONE;
            BigInteger den = k > 0 ? BigInteger.TEN.pow(k) : BigInteger.ONE;
            num = e2 >= 0 ? num.shiftLeft(e2) : num;
            den = e2 < 0 ? den.shiftLeft(-e2) : den;
            BigInteger v = num.divide(den).add(BigInteger.ONE);
            g[2 * (k - K_MIN)] = v.shiftRight(63).longValueExact();
            g[2 * (k - K_MIN) + 1] = v.longValue() & MASK_63;
        }
        return g;
    }
}
