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
        // Java's Double.toString yields the shortest round-trip digits (JDK 19+); re-lay them out.
        String s = Double.toString(Math.abs(v));
        int e = s.indexOf('E');
        String mantissa = e < 0 ? s : s.substring(0, e);
        int exp10 = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String digits = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int pointPos = dot + exp10; // digits before the decimal point
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
            pointPos--;
        }
        digits = digits.substring(lead);
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(0, end);
        if (digits.length() == 2) {
            // Java may print two digits where one suffices (4.9E-324 for 5e-324); Go prints the shortest.
            java.math.BigDecimal one = new java.math.BigDecimal(Math.abs(v)).round(new java.math.MathContext(1));
            if (one.doubleValue() == Math.abs(v)) {
                digits = one.unscaledValue().toString();
                pointPos = one.precision() - one.scale();
            }
        }
        if (v < 0) {
            sb.append('-');
        }
        if (exponent) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
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
            sb.append(digits);
        } else if (pointPos >= digits.length()) {
            sb.append(digits);
            for (int i = digits.length(); i < pointPos; i++) {
                sb.append('0');
            }
        } else {
            sb.append(digits, 0, pointPos).append('.').append(digits, pointPos, digits.length());
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
