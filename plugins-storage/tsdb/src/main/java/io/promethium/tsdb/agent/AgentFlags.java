package io.promethium.tsdb.agent;

import io.promethium.api.config.ByteSizes;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.tsdb.WalCompression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Agent mode's settings from Prometheus's {@code --storage.agent.*} flags, which the launcher
 * hands over as framework properties {@code promethium.flag.<name>}. Errors name the flag.
 */
public final class AgentFlags {
    private static final String PREFIX = "promethium.flag.";

    private AgentFlags() {
    }

    /** Parses the flags; {@code property} looks a framework property up (null when unset). */
    public static AgentDb.Options parse(UnaryOperator<String> property) throws ConfigException {
        String path = value(property, "storage.agent.path", "data-agent/");
        AgentDb.Options d = AgentDb.Options.defaults(Path.of(path));
        long segment = size(property, "storage.agent.wal-segment-size", "0");
        if (segment != 0 && (segment < 10L << 20 || segment > 256L << 20)) {
            throw new ConfigException("--storage.agent.wal-segment-size: must be between 10MB and 256MB, got " + segment);
        }
        String compress = value(property, "storage.agent.wal-compression", "true");
        if (!compress.equalsIgnoreCase("true") && !compress.equalsIgnoreCase("false")) {
            throw new ConfigException("--storage.agent.wal-compression: expected true or false, got \"" + compress + "\"");
        }
        Duration frequency = duration(property, "storage.agent.wal-truncate-frequency", "2h");
        Duration min = duration(property, "storage.agent.retention.min-time", "5m");
        Duration max = duration(property, "storage.agent.retention.max-time", "4h");
        if (min.compareTo(max) > 0) {
            throw new ConfigException("--storage.agent.retention.min-time (" + min + ") is greater than --storage.agent.retention.max-time (" + max + ")");
        }
        if (frequency.isZero() || frequency.isNegative()) {
            throw new ConfigException("--storage.agent.wal-truncate-frequency must be positive");
        }
        return new AgentDb.Options(d.path(), segment == 0 ? d.walSegmentBytes() : segment, frequency, min, max,
                !Boolean.parseBoolean(value(property, "storage.agent.no-lockfile", "false")),
                Boolean.parseBoolean(compress) ? compressionType(property) : WalCompression.NONE);
    }

    /** {@code --storage.agent.wal-compression-type}: snappy (the default) or zstd, as the server's WAL. */
    private static WalCompression compressionType(UnaryOperator<String> property) throws ConfigException {
        String type = value(property, "storage.agent.wal-compression-type", "snappy");
        WalCompression parsed;
        try {
            parsed = WalCompression.parse(type);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--storage.agent.wal-compression-type: " + e.getMessage());
        }
        if (parsed == WalCompression.NONE) {
            throw new ConfigException("--storage.agent.wal-compression-type: expected snappy or zstd, got \"" + type
                    + "\" (turn compression off with --storage.agent.wal-compression=false)");
        }
        return parsed;
    }

    private static String value(UnaryOperator<String> property, String name, String def) {
        String v = property.apply(PREFIX + name);
        return v == null || v.isBlank() ? def : v.strip();
    }

    private static Duration duration(UnaryOperator<String> property, String name, String def) throws ConfigException {
        String text = value(property, name, def);
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--" + name + ": " + e.getMessage());
        }
    }

    private static long size(UnaryOperator<String> property, String name, String def) throws ConfigException {
        String text = value(property, name, def);
        try {
            return ByteSizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--" + name + ": " + e.getMessage());
        }
    }
}
