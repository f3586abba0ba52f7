package io.promethium.exposition.internal;

/**
 * Float spelling of the exposition formats. The text format uses Go's
 * {@code strconv.FormatFloat(v, 'g', -1, 64)}: shortest round-trip digits, exponent form when the
 * decimal exponent is below -4 or at least 6 ({@code 1e+06}, {@code 1.5e-05}), and
 * {@code +Inf}/{@code -Inf}/{@code NaN}. OpenMetrics adds {@code .0} to integral values written
 * without an exponent, as client_golang does.
 */
public final class FloatFormat {

    private FloatFormat() {
    }

    public static String text(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendText(sb, v);
        return sb.toString();
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

    public static void appendText(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
            return;
        }
        if (Double.isInfinite(v)) {
            sb.append(v > 0 ? "+Inf" : "-Inf");
            return;
        }
        if (v == 0) {
            sb.append(Double.doubleToRawLongBits(v) < 0 ? "-0" : "0");
            return;
        }
        if (v < 0) {
            sb.append('-');
            v = -v;
        }
        // Double.toString gives the shortest digits that round-trip (JDK 19+); re-lay them out Go's way.
        String s = Double.toString(v);
        int ePos = s.indexOf('E');
        int exponent = ePos < 0 ? 0 : Integer.parseInt(s, ePos + 1, s.length(), 10);
        String mantissa = ePos < 0 ? s : s.substring(0, ePos);
        int dot = mantissa.indexOf('.');
        String digits = dot < 0 ? mantissa : mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int dp = (dot < 0 ? mantissa.length() : dot) + exponent;
        int first = 0;
        while (first < digits.length() - 1 && digits.charAt(first) == '0') {
            first++;
            dp--;
        }
        int last = digits.length();
        while (last > first + 1 && digits.charAt(last - 1) == '0') {
            last--;
        }
        digits = digits.substring(first, last);
        if (digits.length() == 2 && v < Double.MIN_NORMAL) {
            // Java prints at least two significant digits (4.9E-324); Go prints the shortest (5e-324).
            // Only subnormals have so few bits that the two can differ.
            int rounded = (digits.charAt(0) - '0') + (digits.charAt(1) >= '5' ? 1 : 0);
            int roundedDp = rounded == 10 ? dp + 1 : dp;
            String one = rounded == 10 ? "1" : String.valueOf(rounded);
            if (Double.parseDouble(one + "e" + (roundedDp - 1)) == v) {
                digits = one;
                dp = roundedDp;
            }
        }
        int nd = digits.length();
        int exp = dp - 1;
        if (exp < -4 || exp >= 6) {
            sb.append(digits.charAt(0));
            if (nd > 1) {
                sb.append('.').append(digits, 1, nd);
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int abs = Math.abs(exp);
            if (abs < 10) {
                sb.append('0');
            }
            sb.append(abs);
        } else if (dp <= 0) {
            sb.append("0.");
            for (int i = 0; i < -dp; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else if (dp >= nd) {
            sb.append(digits);
            for (int i = nd; i < dp; i++) {
                sb.append('0');
            }
        } else {
            sb.append(digits, 0, dp).append('.').append(digits, dp, nd);
        }
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
