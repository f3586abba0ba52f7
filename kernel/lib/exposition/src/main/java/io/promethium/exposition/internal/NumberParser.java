package io.promethium.exposition.internal;

import java.nio.charset.StandardCharsets;

/**
 * Parses floats and integers straight from bytes, without a String per number. Accepts the
 * decimal syntax shared by Go's {@code strconv.ParseFloat} (minus hexadecimal and underscores,
 * which Prometheus rejects) and Python's {@code float}: optional sign, digits with an optional
 * fraction, optional exponent, or {@code Inf}/{@code Infinity}/{@code NaN} in any case.
 *
 * <p>Results go to fields so that a failed parse needs no exception or boxed value. One instance
 * per parser; not thread-safe.
 */
public final class NumberParser {

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    private static final long MAX_EXACT_MANTISSA = 1L << 53;

    /** The value of the last successful {@link #parseDouble}. */
    public double doubleValue;
    /** The value of the last successful {@link #parseLong} or {@link #parseSecondsAsMillis}. */
    public long longValue;

    /** Parses {@code [from, to)} as a float; false when it is not one. */
    public boolean parseDouble(byte[] b, int from, int to) {
        int p = from;
        if (p >= to) {
            return false;
        }
        boolean negative = false;
        if (b[p] == '+' || b[p] == '-') {
            negative = b[p] == '-';
            p++;
            if (p >= to) {
                return false;
            }
        }
        byte c = b[p];
        if (c == 'i' || c == 'I' || c == 'n' || c == 'N') {
            return parseSpecial(b, p, to, negative);
        }
        long mantissa = 0;
        int significant = 0;
        int exponent = 0;
        boolean anyDigit = false;
        boolean truncated = false;
        while (p < to && (c = b[p]) >= '0' && c <= '9') {
            anyDigit = true;
            if (significant < 18) {
                if (mantissa != 0 || c != '0') {
                    mantissa = mantissa * 10 + (c - '0');
                    significant++;
                }
            } else {
                exponent++;
                truncated |= c != '0';
            }
            p++;
        }
        if (p < to && b[p] == '.') {
            p++;
            while (p < to && (c = b[p]) >= '0' && c <= '9') {
                anyDigit = true;
                if (significant < 18) {
                    if (mantissa != 0 || c != '0') {
                        mantissa = mantissa * 10 + (c - '0');
                        significant++;
                    }
                    exponent--;
                } else {
                    truncated |= c != '0';
                }
                p++;
            }
        }
        if (!anyDigit) {
            return false;
        }
        if (p < to && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            boolean negativeExponent = false;
            if (p < to && (b[p] == '+' || b[p] == '-')) {
                negativeExponent = b[p] == '-';
                p++;
            }
            int start = p;
            int e = 0;
            while (p < to && (c = b[p]) >= '0' && c <= '9') {
                if (e < 100_000) {
                    e = e * 10 + (c - '0');
                }
                p++;
            }
            if (p == start) {
                return false;
            }
            exponent += negativeExponent ? -e : e;
        }
        if (p != to) {
            return false;
        }
        double v;
        if (mantissa == 0) {
            v = 0.0;
        } else if (!truncated && mantissa <= MAX_EXACT_MANTISSA && exponent >= -22 && exponent <= 22) {
            // Clinger's fast path: both operands exact, so one rounding gives the right answer.
            v = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
        } else if (truncated || Double.isNaN(v = EiselLemire.toDouble(mantissa, exponent))) {
            v = Math.abs(Double.parseDouble(new String(b, from, to - from, StandardCharsets.ISO_8859_1)));
        }
        doubleValue = negative ? -v : v;
        return true;
    }

    private boolean parseSpecial(byte[] b, int p, int to, boolean negative) {
        int len = to - p;
        if (equalsIgnoreCase(b, p, len, "inf") || equalsIgnoreCase(b, p, len, "infinity")) {
            doubleValue = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            return true;
        }
        if (equalsIgnoreCase(b, p, len, "nan")) {
            doubleValue = Double.NaN;
            return true;
        }
        return false;
    }

    private static boolean equalsIgnoreCase(byte[] b, int p, int len, String word) {
        if (len != word.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if ((b[p + i] | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Parses {@code [from, to)} as a decimal integer with optional sign; false when it is not one or overflows. */
    public boolean parseLong(byte[] b, int from, int to) {
        int p = from;
        boolean negative = false;
        if (p < to && (b[p] == '+' || b[p] == '-')) {
            negative = b[p] == '-';
            p++;
        }
        if (p >= to) {
            return false;
        }
        long v = 0;
        for (; p < to; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            // Accumulate negatively so that Long.MIN_VALUE fits.
            if (v < (Long.MIN_VALUE + d) / 10) {
                return false;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return false;
            }
            v = -v;
        }
        longValue = v;
        return true;
    }

    /**
     * Parses an OpenMetrics timestamp (seconds, decimal or float syntax, never NaN or infinite)
     * into milliseconds, truncating below the millisecond and saturating beyond the long range.
     */
    public boolean parseSecondsAsMillis(byte[] b, int from, int to) {
        if (!parseDouble(b, from, to) || Double.isNaN(doubleValue) || Double.isInfinite(doubleValue)) {
            return false;
        }
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == 'e' || c == 'E' || c == 'i' || c == 'I' || c == 'n' || c == 'N') {
                longValue = (long) (doubleValue * 1000.0);
                return true;
            }
        }
        longValue = exactDecimalMillis(b, from, to);
        return true;
    }

    // Plain decimal seconds: exact integer arithmetic, so 1.1 is 1100 and not 1100.0000000000002.
    private long exactDecimalMillis(byte[] b, int from, int to) {
        int p = from;
        boolean negative = false;
        if (b[p] == '+' || b[p] == '-') {
            negative = b[p] == '-';
            p++;
        }
        long millis = 0;
        boolean saturated = false;
        while (p < to && b[p] != '.') {
            int d = b[p++] - '0';
            if (millis > (Long.MAX_VALUE / 1000 - d) / 10) {
                saturated = true;
            } else {
                millis = millis * 10 + d;
            }
        }
        if (saturated) {
            return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        millis *= 1000;
        if (p < to) {
            p++;
            int scale = 100;
            while (p < to && scale > 0) {
                millis += (b[p++] - '0') * scale;
                scale /= 10;
            }
        }
        return negative ? -millis : millis;
    }
}
