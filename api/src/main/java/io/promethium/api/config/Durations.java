package io.promethium.api.config;

import java.time.Duration;

/**
 * Prometheus's duration syntax: a sequence of number-unit pairs from largest to smallest unit,
 * units {@code y w d h m s ms} ({@code y} = 365 d, {@code w} = 7 d), e.g. {@code 1h30m}, {@code 500ms}, {@code 0}.
 */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        long totalMillis = 0;
        int lastUnitRank = Integer.MAX_VALUE;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
            if (start == i) {
                throw invalid(text);
            }
            long number;
            try {
                number = Long.parseLong(text, start, i, 10);
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < text.length() && Character.isLetter(text.charAt(i))) {
                i++;
            }
            String unit = text.substring(unitStart, i);
            long unitMillis;
            int rank;
            switch (unit) {
                case "y" -> { unitMillis = 365L * 24 * 3600 * 1000; rank = 6; }
                case "w" -> { unitMillis = 7L * 24 * 3600 * 1000; rank = 5; }
                case "d" -> { unitMillis = 24L * 3600 * 1000; rank = 4; }
                case "h" -> { unitMillis = 3600L * 1000; rank = 3; }
                case "m" -> { unitMillis = 60L * 1000; rank = 2; }
                case "s" -> { unitMillis = 1000L; rank = 1; }
                case "ms" -> { unitMillis = 1L; rank = 0; }
                default -> throw invalid(text);
            }
            if (rank >= lastUnitRank) {
                throw invalid(text);
            }
            lastUnitRank = rank;
            try {
                totalMillis = Math.addExact(totalMillis, Math.multiplyExact(number, unitMillis));
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("duration out of range: \"" + text + "\"");
            }
        }
        return Duration.ofMillis(totalMillis);
    }

    /** Formats as Prometheus does ({@code 1h30m}, {@code 15s}, {@code 0s}, {@code -1m}). */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (ms < 0) {
            sb.append('-');
            ms = -ms;
        }
        long[] units = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};
        String[] names = {"y", "w", "d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i]) {
                sb.append(ms / units[i]).append(names[i]);
                ms %= units[i];
            }
        }
        return sb.toString();
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("not a valid duration string: \"" + text + "\"");
    }
}
