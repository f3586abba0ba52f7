package io.promethium.rules.tool;

import java.math.BigDecimal;

/**
 * Sample values as promtool prints them in test failures: Go's {@code strconv.FormatFloat(v, 'E', -1, 64)},
 * the shortest digits that read back as the same double, so an expected 61 and a got 60 never
 * print alike ({@code 6.1E+01} against {@code 6E+01}).
 */
final class PromtoolNumbers {

    private PromtoolNumbers() {
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        String sign = v < 0 || (v == 0 && 1 / v < 0) ? "-" : "";
        if (v == 0) {
            return sign + "0E+00";
        }
        // Double.toString gives the shortest round-tripping digits (JDK 19+), as Go's -1 precision does.
        BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = decimal.unscaledValue().toString();
        int exponent = digits.length() - decimal.scale() - 1;
        StringBuilder sb = new StringBuilder(sign).append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('E').append(exponent < 0 ? '-' : '+');
        int magnitude = Math.abs(exponent);
        if (magnitude < 10) {
            sb.append('0');
        }
        return sb.append(magnitude).toString();
    }
}
