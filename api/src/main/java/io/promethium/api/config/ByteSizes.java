package io.promethium.api.config;

import java.util.Locale;

/**
 * Prometheus's byte sizes ({@code 0}, {@code 512MB}, {@code 1GiB}, {@code 100KB}): a whole number
 * and a unit B, KB, MB, GB, TB, PB or EB (with or without the "i"), all powers of 1024.
 */
public final class ByteSizes {

    private ByteSizes() {
    }

    /** The number of bytes; {@link IllegalArgumentException} names the text when it is not a size. */
    public static long parse(String text) {
        String t = text.trim();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("invalid size \"" + text + "\"");
        }
        String unit = t.substring(i).trim().toUpperCase(Locale.ROOT).replace("IB", "B");
        long multiplier = switch (unit) {
            case "", "B" -> 1L;
            case "KB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            case "TB" -> 1L << 40;
            case "PB" -> 1L << 50;
            case "EB" -> 1L << 60;
            default -> throw new IllegalArgumentException("invalid size unit in \"" + text + "\"");
        };
        try {
            return Math.multiplyExact(Long.parseLong(t.substring(0, i)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size too large: \"" + text + "\"");
        }
    }
}
