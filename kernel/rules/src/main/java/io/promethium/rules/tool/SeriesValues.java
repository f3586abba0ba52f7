package io.promethium.rules.tool;

import io.promethium.api.model.StaleMarker;

/**
 * promtool's expanding notation for input series values: {@code a+bxn} (n+1 values from a in
 * steps of b), {@code a-bxn}, {@code axn} (a, n+1 times), {@code _} and {@code _xn} (missing),
 * {@code stale}, and plain numbers. Missing samples are NaN with a bit pattern of their own.
 */
final class SeriesValues {

    /** Marks a missing sample; never written. */
    static final long MISSING_BITS = 0x7ff8dead0000beefL;

    private SeriesValues() {
    }

    static boolean isMissing(double v) {
        return Double.doubleToRawLongBits(v) == MISSING_BITS;
    }

    /** The values, one per interval step. Throws {@link IllegalArgumentException} naming the bad token. */
    static double[] parse(String text) {
        java.util.List<Double> values = new java.util.ArrayList<>();
        double missing = Double.longBitsToDouble(MISSING_BITS);
        for (String token : text.strip().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (token.equals("_")) {
                values.add(missing);
                continue;
            }
            if (token.equals("stale")) {
                values.add(StaleMarker.STALE_NAN);
                continue;
            }
            if (token.startsWith("{{")) {
                throw new IllegalArgumentException("native histogram values are not supported: " + token);
            }
            int x = token.lastIndexOf('x');
            if (x > 0 && x < token.length() - 1) {
                long n = count(token, token.substring(x + 1));
                String head = token.substring(0, x);
                if (head.equals("_")) {
                    for (long i = 0; i < n; i++) {
                        values.add(missing);
                    }
                    continue;
                }
                int op = Math.max(head.lastIndexOf('+'), head.lastIndexOf('-'));
                // A sign right after the start or an exponent belongs to the number.
                while (op > 0 && (head.charAt(op - 1) == 'e' || head.charAt(op - 1) == 'E')) {
                    int prev = Math.max(head.lastIndexOf('+', op - 1), head.lastIndexOf('-', op - 1));
                    op = prev;
                }
                double start;
                double step;
                if (op <= 0) {
                    start = number(token, head);
                    step = 0;
                } else {
                    start = number(token, head.substring(0, op));
                    step = number(token, head.substring(op + 1));
                    if (head.charAt(op) == '-') {
                        step = -step;
                    }
                }
                for (long i = 0; i <= n; i++) {
                    values.add(start + step * i);
                }
                continue;
            }
            values.add(number(token, token));
        }
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static long count(String token, String s) {
        try {
            long n = Long.parseLong(s);
            if (n < 0 || n > 10_000_000) {
                throw new IllegalArgumentException("bad repeat count in \"" + token + "\"");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad repeat count in \"" + token + "\"");
        }
    }

    static double number(String token, String s) {
        switch (s) {
            case "Inf", "+Inf", "inf", "+inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf", "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN", "nan" -> {
                return Double.NaN;
            }
            default -> {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad number \"" + s + "\" in \"" + token + "\"");
                }
            }
        }
    }
}
