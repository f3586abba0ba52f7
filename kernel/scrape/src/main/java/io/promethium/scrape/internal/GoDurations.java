package io.promethium.scrape.internal;

import java.math.BigInteger;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} syntax, which some of Prometheus's flags take instead of its own
 * duration syntax ({@code --scrape.timestamp-tolerance=1.5ms}, {@code 500us}): a sequence of
 * decimal numbers with a unit each (ns, us, µs, ms, s, m, h), optionally signed; "0" alone is zero.
 */
final class GoDurations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private GoDurations() {
    }

    static Duration parse(String text) {
        String s = text.strip();
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
        }
        Matcher m = PART.matcher(s);
        // Exact decimals as integers (nanos = numerator / 10^scale), truncated at the end. Not
        // BigDecimal: its class initialiser (JDK 25) computes 5^65536, ~20 ms of the start-up.
        BigInteger numerator = BigInteger.ZERO;
        int scale = 0;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
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
            throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
        }
        long value = total.longValue();
        return Duration.ofNanos(negative ? -value : value);
    }
}
