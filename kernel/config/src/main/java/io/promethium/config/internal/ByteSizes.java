package io.promethium.config.internal;

/** Byte sizes as Prometheus accepts them ({@code 512MB}, {@code 1GB}, {@code 100KiB}, {@code 0}); units are powers of 1024. */
final class ByteSizes {
    private ByteSizes() {
    }

    static long parse(String text) {
        int i = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("invalid size \"" + text + "\"");
        }
        long number = Long.parseLong(text.substring(0, i));
        String unit = text.substring(i).trim().toUpperCase(java.util.Locale.ROOT).replace("IB", "B");
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
        return Math.multiplyExact(number, multiplier);
    }
}
