package io.promethium.web.internal.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Warnings a client can cause at will (a refused request, a connection cut off, the connection
 * limit reached), at most one line per key per interval: the first event of a key is logged,
 * those within the interval after it are only counted, and the next line logged for the key
 * says how many were not. A flood then writes one line per key every interval instead of one
 * per request; the metrics beside these lines count every event.
 */
public final class ThrottledLog {

    /** As often as a flood may write a line per key: a fraction of an alert's usual 5-minute window. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Consumer<String> sink;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    /** Per key; the keys are a few fixed names (limits), never a client's data, so the map stays small. */
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        boolean logged;
        long lastNanos;
        long suppressed;
    }

    /** Lines to {@code logger} at {@code level}, at most one per key every {@link #INTERVAL}. */
    public ThrottledLog(Logger logger, Level level) {
        this(line -> logger.log(level, line), INTERVAL, System::nanoTime);
    }

    /**
     * @param sink     where the lines go
     * @param interval at most one line per key within it
     * @param nanoTime the clock, {@link System#nanoTime()} but in tests
     */
    public ThrottledLog(Consumer<String> sink, Duration interval, LongSupplier nanoTime) {
        this.sink = Objects.requireNonNull(sink, "sink is null");
        this.intervalNanos = interval.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime is null");
    }

    /**
     * Logs the message of one event of {@code key}, unless a line of that key went out less than
     * the interval ago: then the event is only counted.
     *
     * @return whether a line was logged
     */
    public boolean log(String key, Supplier<String> message) {
        Window window = windows.computeIfAbsent(key, k -> new Window());
        long suppressed;
        synchronized (window) {
            long now = nanoTime.getAsLong();
            if (window.logged && now - window.lastNanos < intervalNanos) {
                window.suppressed++;
                return false;
            }
            suppressed = window.suppressed;
            window.suppressed = 0;
            window.lastNanos = now;
            window.logged = true;
        }
        String line = message.get();
        sink.accept(suppressed == 0 ? line
                : line + " (" + suppressed + " more since the previous such line, not logged: at most one every "
                        + intervalNanos / 1_000_000_000L + "s)");
        return true;
    }

    /**
     * {@code text} as it may go into a log line: control characters (a decoded path may hold a
     * new line) shown as {@code \\uXXXX}, cut at {@code max} characters.
     */
    public static String printable(String text, int max) {
        String s = String.valueOf(text);
        StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 16);
        for (int i = 0; i < s.length(); i++) {
            if (out.length() >= max) {
                return out.append("... (").append(s.length()).append(" characters)").toString();
            }
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
