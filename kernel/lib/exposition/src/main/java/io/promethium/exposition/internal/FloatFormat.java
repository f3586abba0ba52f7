package io.promethium.exposition.internal;

import io.promethium.goformat.GoFloat;

/**
 * Float spelling of the exposition formats. The text format uses Go's
 * {@code strconv.FormatFloat(v, 'g', -1, 64)} ({@link GoFloat#appendG}): shortest round-trip
 * digits, exponent form when the decimal exponent is below -4 or at least 6 ({@code 1e+06},
 * {@code 1.5e-05}), and {@code +Inf}/{@code -Inf}/{@code NaN}. OpenMetrics adds {@code .0} to
 * integral values written without an exponent, as client_golang does.
 */
public final class FloatFormat {

    private FloatFormat() {
    }

    public static String text(double v) {
        return GoFloat.formatG(v);
    }

    public static String openMetrics(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendOpenMetrics(sb, v);
        return sb.toString();
    }

    public static void appendOpenMetrics(StringBuilder sb, double v) {
        int start = sb.length();
        appendText(sb, v);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return;
        }
        for (int i = start; i < sb.length(); i++) {
            char c = sb.charAt(i);
            if (c == '.' || c == 'e') {
                return;
            }
        }
        sb.append(".0");
    }

    /**
     * Prometheus 3's {@code labels.FormatOpenMetricsFloat}, the spelling it stores for a classic
     * histogram's {@code le} and a summary's {@code quantile}: {@link #appendOpenMetrics}, except
     * that negative zero is {@code 0.0} as well.
     */
    public static void appendLabelFloat(StringBuilder sb, double v) {
        if (v == 0) {
            sb.append("0.0");
            return;
        }
        appendOpenMetrics(sb, v);
    }

    /** {@link #appendLabelFloat} as a string. */
    public static String labelFloat(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendLabelFloat(sb, v);
        return sb.toString();
    }

    public static void appendText(StringBuilder sb, double v) {
        GoFloat.appendG(sb, v);
    }

    /** Milliseconds as OpenMetrics seconds: {@code 1234} is {@code 1.234}, {@code 5000} is {@code 5}. */
    public static void appendSeconds(StringBuilder sb, long millis) {
        long seconds = millis / 1000;
        int fraction = (int) Math.abs(millis % 1000);
        if (millis < 0 && seconds == 0) {
            sb.append('-');
        }
        sb.append(seconds);
        if (fraction != 0) {
            sb.append('.');
            if (fraction < 100) {
                sb.append('0');
            }
            if (fraction < 10) {
                sb.append('0');
            }
            int f = fraction;
            while (f % 10 == 0) {
                f /= 10;
            }
            sb.append(f);
        }
    }
}
