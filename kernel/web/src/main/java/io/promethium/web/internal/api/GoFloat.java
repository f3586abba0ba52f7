package io.promethium.web.internal.api;

/**
 * Formats doubles as Prometheus's API does (Go's {@code strconv.AppendFloat(f, fmt, -1, 64)}):
 * the shortest decimal that reads back to the same double, plain notation for magnitudes in
 * [1e-6, 1e21) and Go's exponent form ({@code 1e-07}, {@code 1.5e+21}) outside; {@code +Inf},
 * {@code -Inf}, {@code NaN}.
 */
public final class GoFloat {

    private GoFloat() {
    }

    public static String format(double v) {
        StringBuilder sb = new StringBuilder(24);
        append(sb, v);
        return sb.toString();
    }

    /** Appends {@code v} in Prometheus's JSON sample notation (without quotes). */
    public static void append(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
            return;
        }
        if (Double.isInfinite(v)) {
            sb.append(v > 0 ? "+Inf" : "-Inf");
            return;
        }
        if (v == 0) {
            sb.append(1 / v < 0 ? "-0" : "0");
            return;
        }
        // Fast path for integers: most counters and gauges.
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v);
            return;
        }
        double abs = Math.abs(v);
        appendShortest(sb, v, abs < 1e-6 || abs >= 1e21);
    }

    /** Go's {@code strconv.FormatFloat(v, 'e', -1, 64)}, as alert values are shown ({@code 1e+00}, {@code 2.5e-03}). */
    public static String formatExponent(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0e+00" : "0e+00";
        }
        StringBuilder sb = new StringBuilder(24);
        appendShortest(sb, v, true);
        return sb.toString();
    }

    /** Appends with plain notation always, as Go's {@code 'f'} format (used for the AST's number literals). */
    public static String formatPlain(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        StringBuilder sb = new StringBuilder(24);
        appendShortest(sb, v, false);
        return sb.toString();
    }

    private static void appendShortest(StringBuilder sb, double v, boolean exponent) {
        // Java's Double.toString yields the shortest round-trip digits (JDK 19+); re-lay them out
        // without intermediate strings (this runs once per sample written).
        String s = Double.toString(Math.abs(v));
        int e = s.indexOf('E');
        int mantissaEnd = e < 0 ? s.length() : e;
        int exp10 = 0;
        if (e >= 0) {
            boolean negative = s.charAt(e + 1) == '-';
            for (int i = negative ? e + 2 : e + 1; i < s.length(); i++) {
                exp10 = exp10 * 10 + (s.charAt(i) - '0');
            }
            if (negative) {
                exp10 = -exp10;
            }
        }
        char[] digits = new char[24];
        int count = 0;
        int dot = 0;
        for (int i = 0; i < mantissaEnd; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dot = count;
            } else {
                digits[count++] = c;
            }
        }
        int pointPos = dot + exp10; // digits before the decimal point
        int first = 0;
        while (first < count - 1 && digits[first] == '0') {
            first++;
            pointPos--;
        }
        int end = count;
        while (end > first + 1 && digits[end - 1] == '0') {
            end--;
        }
        if (end - first == 2) {
            // Java may print two digits where one suffices (4.9E-324 for 5e-324); Go prints the shortest.
            java.math.BigDecimal one = new java.math.BigDecimal(Math.abs(v)).round(new java.math.MathContext(1));
            if (one.doubleValue() == Math.abs(v)) {
                String d = one.unscaledValue().toString();
                digits[0] = d.charAt(0);
                first = 0;
                end = 1;
                pointPos = one.precision() - one.scale();
            }
        }
        int n = end - first;
        if (v < 0) {
            sb.append('-');
        }
        if (exponent) {
            sb.append(digits[first]);
            if (n > 1) {
                sb.append('.').append(digits, first + 1, n - 1);
            }
            int x = pointPos - 1;
            sb.append('e').append(x < 0 ? '-' : '+');
            int ax = Math.abs(x);
            if (ax < 10) {
                sb.append('0');
            }
            sb.append(ax);
            return;
        }
        if (pointPos <= 0) {
            sb.append("0.");
            for (int i = pointPos; i < 0; i++) {
                sb.append('0');
            }
            sb.append(digits, first, n);
        } else if (pointPos >= n) {
            sb.append(digits, first, n);
            for (int i = n; i < pointPos; i++) {
                sb.append('0');
            }
        } else {
            sb.append(digits, first, pointPos).append('.').append(digits, first + pointPos, n - pointPos);
        }
    }

    /**
     * Appends a millisecond timestamp as Prometheus writes it: seconds, then {@code .} and the
     * three millisecond digits when they are not all zero ({@code 1.5} is written {@code 1.500}).
     */
    public static void appendTimestamp(StringBuilder sb, long t) {
        if (t < 0) {
            sb.append('-');
            t = -t;
        }
        sb.append(t / 1000);
        long fraction = t % 1000;
        if (fraction != 0) {
            sb.append('.');
            if (fraction < 100) {
                sb.append('0');
            }
            if (fraction < 10) {
                sb.append('0');
            }
            sb.append(fraction);
        }
    }
}
