package io.promethium.api.config;

import java.math.BigInteger;
import java.util.Map;

/**
 * Prometheus's byte sizes, read as Prometheus reads them (Go's {@code units.ParseBase2Bytes}):
 * {@code 0} alone, or one or more number-unit pairs ({@code 512MB}, {@code 1GiB}, {@code 1.5GB},
 * {@code 1GB512MB}) with the case-sensitive units B, KB, MB, GB, TB, PB, EB (with or without the
 * "i"), all powers of 1024. A number without a unit ({@code 100}) is an error, as in Prometheus.
 */
public final class ByteSizes {

    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("B", 1L),
            Map.entry("KB", 1L << 10), Map.entry("KiB", 1L << 10),
            Map.entry("MB", 1L << 20), Map.entry("MiB", 1L << 20),
            Map.entry("GB", 1L << 30), Map.entry("GiB", 1L << 30),
            Map.entry("TB", 1L << 40), Map.entry("TiB", 1L << 40),
            Map.entry("PB", 1L << 50), Map.entry("PiB", 1L << 50),
            Map.entry("EB", 1L << 60), Map.entry("EiB", 1L << 60));

    private ByteSizes() {
    }

    /** The number of bytes; {@link IllegalArgumentException} names the text when it is not a size. */
    public static long parse(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid size \"" + text + "\"");
        }
        // Exact decimal arithmetic on integers (total = numerator / 10^scale), truncated once at
        // the end. Not BigDecimal: its class initialiser (JDK 25) computes 5^65536, ~20 ms of the
        // server's start-up for the one size flag read before ready.
        BigInteger numerator = BigInteger.ZERO;
        int scale = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            int dot = -1;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                if (s.charAt(i) == '.') {
                    if (dot >= 0) {
                        throw new IllegalArgumentException("invalid size \"" + text + "\"");
                    }
                    dot = i;
                }
                i++;
            }
            if (i == start || (dot >= 0 && i - start == 1)) {
                throw new IllegalArgumentException("invalid size \"" + text + "\"");
            }
            String digits = dot < 0 ? s.substring(start, i) : s.substring(start, dot) + s.substring(dot + 1, i);
            int fraction = dot < 0 ? 0 : i - dot - 1;
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            Long multiplier = UNITS.get(unit);
            if (multiplier == null) {
                throw new IllegalArgumentException(unit.isEmpty()
                        ? "size \"" + text + "\" has no unit (B, KB, MB, GB, TB, PB, EB, KiB, ...)"
                        : "unknown size unit \"" + unit + "\" in \"" + text + "\"");
            }
            BigInteger term = new BigInteger(digits).multiply(BigInteger.valueOf(multiplier));
            if (fraction > scale) {
                numerator = numerator.multiply(BigInteger.TEN.pow(fraction - scale));
                scale = fraction;
            } else {
                term = term.multiply(BigInteger.TEN.pow(scale - fraction));
            }
            numerator = numerator.add(term);
        }
        BigInteger bytes = numerator.divide(BigInteger.TEN.pow(scale));
        if (bytes.bitLength() > 63) {
            throw new IllegalArgumentException("size too large: \"" + text + "\"");
        }
        return bytes.longValue();
    }
}
