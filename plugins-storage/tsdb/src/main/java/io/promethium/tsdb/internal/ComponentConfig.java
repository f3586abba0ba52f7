package io.promethium.tsdb.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the component's String properties into {@link TsdbOptions}: {@code path} (required),
 * {@code retentionTime} ("15d"), {@code retentionSize} ("0" = off, "512MB"), {@code outOfOrderTimeWindow}
 * ("0s"), {@code blockDuration} ("2h"), {@code walSyncOnCommit} ("false": commits reach the OS,
 * fsync in the background; "true": every commit waits for fsync). Errors name the property and
 * the bad value.
 */
public final class ComponentConfig {
    private ComponentConfig() {
    }

    public static TsdbOptions parse(Map<String, ?> props) throws ConfigException {
        String path = string(props, "path", null);
        if (path == null || path.isBlank()) {
            throw new ConfigException("io.promethium.tsdb: property path is required");
        }
        TsdbOptions o = TsdbOptions.defaults(Path.of(path));
        return o.withRetention(duration(props, "retentionTime", "15d"))
                .withRetentionBytes(size(string(props, "retentionSize", "0")))
                .withOutOfOrderWindow(duration(props, "outOfOrderTimeWindow", "0s"))
                .withBlockDuration(duration(props, "blockDuration", "2h"))
                .withWal(true, bool(props, "walSyncOnCommit", "false"));
    }

    private static boolean bool(Map<String, ?> props, String key, String def) throws ConfigException {
        String text = string(props, key, def);
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false") || text.isEmpty()) {
            return false;
        }
        throw new ConfigException("io.promethium.tsdb: property " + key + ": expected true or false, got \"" + text + "\"");
    }

    private static String string(Map<String, ?> props, String key, String def) {
        Object v = props.get(key);
        return v == null ? def : v.toString().trim();
    }

    private static Duration duration(Map<String, ?> props, String key, String def) throws ConfigException {
        String text = string(props, key, def);
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("io.promethium.tsdb: property " + key + ": " + e.getMessage());
        }
    }

    /** Prometheus's byte sizes: a number and a unit B, KB, MB, GB, TB, PB, EB (powers of 1024). */
    public static long size(String text) throws ConfigException {
        String t = text.trim().toUpperCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new ConfigException("io.promethium.tsdb: property retentionSize: not a size: \"" + text + "\"");
        }
        long n = Long.parseLong(t.substring(0, i));
        long unit = switch (t.substring(i)) {
            case "", "B" -> 1L;
            case "KB", "KIB" -> 1L << 10;
            case "MB", "MIB" -> 1L << 20;
            case "GB", "GIB" -> 1L << 30;
            case "TB", "TIB" -> 1L << 40;
            case "PB", "PIB" -> 1L << 50;
            case "EB", "EIB" -> 1L << 60;
            default -> throw new ConfigException("io.promethium.tsdb: property retentionSize: unknown unit in \"" + text + "\"");
        };
        try {
            return Math.multiplyExact(n, unit);
        } catch (ArithmeticException e) {
            throw new ConfigException("io.promethium.tsdb: property retentionSize: too large: \"" + text + "\"");
        }
    }
}
