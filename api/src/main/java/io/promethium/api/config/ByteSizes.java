package io.promethium.api.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
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
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException("invalid size \"" + text + "\"");
            }
            BigDecimal number;
            try {
                number = new BigDecimal(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid size \"" + text + "\"");
            }
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
            total = total.add(number.multiply(BigDecimal.valueOf(multiplier)));
        }
        BigDecimal bytes = total.setScale(0, RoundingMode.DOWN);
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("size too large: \"" + text + "\"");
        }
        return bytes.longValueExact();
    }
}
