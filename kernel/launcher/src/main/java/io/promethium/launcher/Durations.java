package io.promethium.launcher;

/** Parses the few duration flags the launcher itself reads ({@code 2s}, {@code 500ms}, {@code 1m}). */
final class Durations {
    private Durations() {
    }

    static long millis(String text) {
        if (text.endsWith("ms")) {
            return Long.parseLong(text.substring(0, text.length() - 2));
        }
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> n * 1000;
            case 'm' -> n * 60_000;
            case 'h' -> n * 3_600_000;
            default -> throw new IllegalArgumentException("invalid duration \"" + text + "\"");
        };
    }
}
