package io.promethium.tsdb.internal;

import io.promethium.api.config.ByteSizes;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
import java.time.Duration;
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

    /** Prometheus's byte sizes ({@link ByteSizes}), as a config error naming the property. */
    public static long size(String text) throws ConfigException {
        try {
            return ByteSizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("io.promethium.tsdb: property retentionSize: " + e.getMessage());
        }
    }
}
