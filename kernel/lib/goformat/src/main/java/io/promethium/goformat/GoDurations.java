package io.promethium.goformat;

import java.math.BigInteger;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} syntax, which some of Prometheus's flags take instead of its own
 * duration syntax ({@code --scrape.timestamp-tolerance=1.5ms}, {@code 500us}): a sequence of
 * decimal numbers with a unit each (ns, us, µs, ms, s, m, h), optionally signed; "0" alone is zero.
 * Errors are Go's ({@code time: invalid duration "x"}, {@code time: missing unit in duration "1"},
 * {@code time: unknown unit "d" in duration "1d"}).
 */
public final class GoDurations {

    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d*)?|\\.\\d+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private GoDurations() {
    }

    public static Duration parse(String text) {
        String s = text.strip();
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("time: invalid duration " + GoStrings.quote(text));
        }
        Matcher m = PART.matcher(s);
        // Exact decimals as integers (nanos = numerator / 10^scale), truncated at the end. Not
        // BigDecimal: its class initialiser (JDK 25) computes 5^65536, ~20 ms of the start-up.
        BigInteger numerator = BigInteger.ZERO;
        int scale = 0;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException(failure(text, s, at));
            }
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            String number = m.group(1);
            int dot = number.indexOf('.');
            int fraction = dot < 0 ? 0 : number.length() - dot - 1;
            String digits = dot < 0 ? number : number.substring(0, dot) + number.substring(dot + 1);
            BigInteger part = new BigInteger(digits).multiply(BigInteger.valueOf(unit));
            if (fraction > scale) {
                numerator = numerator.multiply(BigInteger.TEN.pow(fraction - scale));
                scale = fraction;
            } else {
                part = part.multiply(BigInteger.TEN.pow(scale - fraction));
            }
            numerator = numerator.add(part);
            at = m.end();
        }
        BigInteger total = numerator.divide(BigInteger.TEN.pow(scale));
        if (total.bitLength() > 63) {
            throw new IllegalArgumentException("time: invalid duration " + GoStrings.quote(text));
        }
        long value = total.longValue();
        return Duration.ofNanos(negative ? -value : value);
    }

    /** Go's error for the part of {@code s} at {@code at} that is not a number with a unit. */
    private static String failure(String text, String s, int at) {
        Matcher number = NUMBER.matcher(s).region(at, s.length());
        if (number.lookingAt()) {
            int end = number.end();
            int unitEnd = end;
            while (unitEnd < s.length() && s.charAt(unitEnd) != '.' && !(s.charAt(unitEnd) >= '0' && s.charAt(unitEnd) <= '9')) {
                unitEnd++;
            }
            if (unitEnd == end) {
                return "time: missing unit in duration " + GoStrings.quote(text);
            }
            return "time: unknown unit " + GoStrings.quote(s.substring(end, unitEnd)) + " in duration " + GoStrings.quote(text);
        }
        return "time: invalid duration " + GoStrings.quote(text);
    }

    /**
     * Go's {@code time.Duration.String()}: {@code 1h2m3.5s}, {@code 1h0m0s}, {@code 1.5ms},
     * {@code 500µs}, {@code 2ns}, {@code 0s}; fractions exact, without trailing zeros.
     */
    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder(16);
        if (nanos < 0) {
            sb.append('-');
        }
        // Unsigned from here, so that the most negative duration has a magnitude too (as Go's uint64).
        long u = nanos < 0 ? -nanos : nanos;
        if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
            if (u < 1_000) {
                return sb.append(u).append("ns").toString();
            }
            if (u < 1_000_000) {
                return appendFraction(sb, u, 3).append("µs").toString();
            }
            return appendFraction(sb, u, 6).append("ms").toString();
        }
        long minutes = Long.divideUnsigned(u, 60_000_000_000L);
        long secondNanos = Long.remainderUnsigned(u, 60_000_000_000L);
        long hours = minutes / 60;
        minutes %= 60;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return appendFraction(sb, secondNanos, 9).append('s').toString();
    }

    /** {@code v / 10^digits} with its fraction's trailing zeros (and a bare point) left out. */
    private static StringBuilder appendFraction(StringBuilder sb, long v, int digits) {
        long scale = 1;
        for (int i = 0; i < digits; i++) {
            scale *= 10;
        }
        sb.append(v / scale);
        long fraction = v % scale;
        if (fraction != 0) {
            sb.append('.');
            String f = Long.toString(fraction);
            for (int i = f.length(); i < digits; i++) {
                sb.append('0');
            }
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append(f, 0, end);
        }
        return sb;
    }
}
