package io.promethium.goformat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Go's {@code strconv.FormatFloat} spellings of a double. The shortest forms ({@code prec} -1)
 * print the fewest digits that read back to the same double, laid out plain or as
 * {@code d.ddde±XX} depending on the decimal exponent; NaN is {@code NaN}, infinities
 * {@code +Inf} and {@code -Inf}, and a negative zero keeps its sign.
 *
 * <ul>
 *   <li>{@link #appendG} — {@code 'g'}: exponent form below 1e-4 and from 1e+06 (the text
 *       exposition format, template {@code %v} and {@code %g});</li>
 *   <li>{@link #appendJson} — Prometheus's JSON sample values ({@code jsonutil.MarshalFloat}):
 *       {@code 'f'} from 1e-6 to below 1e21, else {@code 'e'};</li>
 *   <li>{@link #formatE} and {@link #formatF} — {@code 'e'} and {@code 'f'};</li>
 *   <li>{@link #format(double, int, int)} — any other exponent bounds;</li>
 *   <li>{@link #formatG(double, int)}, {@link #formatE(double, int)}, {@link #formatF(double, int)}
 *       — a fixed precision, rounded half-to-even on the exact binary value as Go does (Java's
 *       {@code Formatter} rounds the shortest decimal half-up, which differs for values such as
 *       2.675).</li>
 * </ul>
 */
public final class GoFloat {

    private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

    private GoFloat() {
    }

    /** {@code strconv.FormatFloat(v, 'g', -1, 64)}: {@code 1e+06}, {@code 123456}, {@code 1e-05}, {@code 0.0001}. */
    public static String formatG(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendG(sb, v);
        return sb.toString();
    }

    public static void appendG(StringBuilder sb, double v) {
        appendShortest(sb, v, -4, 6);
    }

    /**
     * A sample value as Prometheus's HTTP API writes it (without the quotes): {@code 'f'} for
     * magnitudes from 1e-6 to below 1e21, {@code 'e'} outside ({@code 1e-07}, {@code 1.5e+21}).
     */
    public static String formatJson(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendJson(sb, v);
        return sb.toString();
    }

    public static void appendJson(StringBuilder sb, double v) {
        appendShortest(sb, v, -6, 21);
    }

    /** {@code strconv.FormatFloat(v, 'e', -1, 64)}: {@code 1e+00}, {@code 2.5e-03}, {@code 0e+00}. */
    public static String formatE(double v) {
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0e+00" : "0e+00";
        }
        return format(v, Integer.MAX_VALUE, Integer.MIN_VALUE);
    }

    /** {@code strconv.FormatFloat(v, 'f', -1, 64)}: never an exponent ({@code 0.0000001}). */
    public static String formatF(double v) {
        return format(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** The shortest digits, in exponent form when the decimal exponent is below {@code minExp} or at least {@code maxExp}. */
    public static String format(double v, int minExp, int maxExp) {
        StringBuilder sb = new StringBuilder(24);
        appendShortest(sb, v, minExp, maxExp);
        return sb.toString();
    }

    /** As {@link #format(double, int, int)}, appending to {@code sb}. */
    public static void appendShortest(StringBuilder sb, double v, int minExp, int maxExp) {
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
        double abs = Math.abs(v);
        // Integers (most counters and gauges) print as a long when that is the plain form.
        if (abs >= 1 && minExp <= 0 && abs == Math.rint(abs) && abs < POW10[Math.clamp(maxExp, 0, 15)]) {
            sb.append((long) v);
            return;
        }
        // Double.toString gives the shortest digits that read back (JDK 19+), at least two of them;
        // lay them out Go's way without intermediate strings.
        String s = Double.toString(abs);
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
        if (end - first == 2 && abs < Double.MIN_NORMAL) {
            // Java prints two digits where one may do (4.9E-324; Go: 5e-324). Only subnormals have
            // so few bits that a one-digit decimal can read back while Java's closest two-digit one is printed.
            int d0 = digits[first] - '0';
            boolean up = digits[first + 1] >= '5';
            for (int candidate : up ? new int[] {d0 + 1, d0} : new int[] {d0, d0 + 1}) {
                int p = candidate == 10 ? pointPos + 1 : pointPos;
                int d = candidate == 10 ? 1 : candidate;
                if (d > 0 && Double.parseDouble(d + "e" + (p - 1)) == abs) {
                    digits[0] = (char) ('0' + d);
                    first = 0;
                    end = 1;
                    pointPos = p;
                    break;
                }
            }
        }
        int n = end - first;
        if (v < 0) {
            sb.append('-');
        }
        int x = pointPos - 1;
        if (x < minExp || x >= maxExp) {
            sb.append(digits[first]);
            if (n > 1) {
                sb.append('.').append(digits, first + 1, n - 1);
            }
            appendExponent(sb, x);
        } else if (pointPos <= 0) {
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

    private static void appendExponent(StringBuilder sb, int x) {
        sb.append('e').append(x < 0 ? '-' : '+');
        int a = Math.abs(x);
        if (a < 10) {
            sb.append('0');
        }
        sb.append(a);
    }

    /**
     * {@code strconv.FormatFloat(v, 'g', precision, 64)} ({@code %.Ng}); a negative precision is the
     * shortest form, {@link #formatG(double)}.
     */
    public static String formatG(double v, int precision) {
        if (precision < 0 || Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
            return formatG(v);
        }
        String sign = v < 0 ? "-" : "";
        int p = precision == 0 ? 1 : precision;
        BigDecimal decimal = new BigDecimal(Math.abs(v)).round(new MathContext(p, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        String digits = decimal.unscaledValue().toString();
        int nd = digits.length();
        int dp = nd - decimal.scale();
        int prec = p;
        int eprec = prec;
        if (eprec > nd && nd >= dp) {
            eprec = nd;
        }
        int exp = dp - 1;
        if (exp < -4 || exp >= eprec) {
            return sign + exponentForm(digits, Math.min(prec, nd) - 1, exp);
        }
        if (prec > dp) {
            prec = nd;
        }
        return sign + fixedForm(digits, dp, Math.max(prec - dp, 0));
    }

    /** {@code strconv.FormatFloat(v, 'f', decimals, 64)} ({@code %.Nf}). */
    public static String formatF(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        String s = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        if ((v < 0 || (v == 0 && 1 / v < 0)) && !s.startsWith("-")) {
            s = "-" + s;
        }
        return s;
    }

    /** {@code strconv.FormatFloat(v, 'e', decimals, 64)} ({@code %.Ne}). */
    public static String formatE(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        String sign = v < 0 || (v == 0 && 1 / v < 0) ? "-" : "";
        if (v == 0) {
            return sign + exponentForm("0", decimals, 0);
        }
        BigDecimal d = new BigDecimal(Math.abs(v)).round(new MathContext(decimals + 1, RoundingMode.HALF_EVEN));
        String digits = d.unscaledValue().toString();
        int exp = digits.length() - d.scale() - 1;
        return sign + exponentForm(digits, decimals, exp);
    }

    private static String exponentForm(String digits, int decimals, int exp) {
        StringBuilder sb = new StringBuilder();
        sb.append(digits.charAt(0));
        if (decimals > 0) {
            sb.append('.');
            for (int i = 1; i <= decimals; i++) {
                sb.append(i < digits.length() ? digits.charAt(i) : '0');
            }
        }
        appendExponent(sb, exp);
        return sb.toString();
    }

    private static String fixedForm(String digits, int dp, int decimals) {
        StringBuilder sb = new StringBuilder();
        if (dp <= 0) {
            sb.append('0');
        } else {
            for (int i = 0; i < dp; i++) {
                sb.append(i < digits.length() ? digits.charAt(i) : '0');
            }
        }
        if (decimals > 0) {
            sb.append('.');
            for (int i = 0; i < decimals; i++) {
                int index = dp + i;
                sb.append(index >= 0 && index < digits.length() ? digits.charAt(index) : '0');
            }
        }
        return sb.toString();
    }
}
