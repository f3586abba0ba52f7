package io.promethium.tsdb.internal;

import io.promethium.api.config.ByteSizes;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.tsdb.RetentionRule;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.WalCompression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the component's String properties into {@link TsdbOptions}: {@code path} (required),
 * {@code retentionTime} ("15d"), {@code retentionSize} ("0" = off, "512MB"), {@code outOfOrderTimeWindow}
 * ("0s"), {@code blockDuration} ("2h"), {@code walSyncOnCommit} ("false": commits reach the OS,
 * fsync in the background; "true": every commit waits for fsync), {@code walCompression} ("true"),
 * {@code walCompressionType} ("snappy" or "zstd"), {@code walSegmentSize} ("0" = 128MiB, else 10MB to 256MB),
 * {@code maxChunkSegmentSize} ("0" = 512MiB, else 1MiB to under 2GiB), {@code blockReloadInterval} ("1m", at least 1s),
 * {@code delayedCompaction} ("false"; "true" with the feature {@code delayed-compaction}) and
 * {@code delayedCompactionMaxPercent} ("", meaning 10; 1 to 100, only with the feature). Errors name the property and the bad value.
 */
public final class ComponentConfig {

    /** The command-line flag behind each property, for errors and for reading framework properties. */
    static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("path", "storage.tsdb.path"),
            Map.entry("retentionTime", "storage.tsdb.retention.time"),
            Map.entry("retentionSize", "storage.tsdb.retention.size"),
            Map.entry("walSyncOnCommit", "storage.tsdb.wal-sync-on-commit"),
            Map.entry("blockDuration", "storage.tsdb.min-block-duration"),
            Map.entry("maxBlockDuration", "storage.tsdb.max-block-duration"),
            Map.entry("noLockfile", "storage.tsdb.no-lockfile"),
            Map.entry("walCompression", "storage.tsdb.wal-compression"),
            Map.entry("walCompressionType", "storage.tsdb.wal-compression-type"),
            Map.entry("walSegmentSize", "storage.tsdb.wal-segment-size"),
            Map.entry("samplesPerChunk", "storage.tsdb.samples-per-chunk"),
            Map.entry("maxChunkSegmentSize", "storage.tsdb.max-block-chunk-segment-size"),
            Map.entry("blockReloadInterval", "storage.tsdb.block-reload-interval"),
            Map.entry("delayedCompactionMaxPercent", "storage.tsdb.delayed-compaction.max-percent"),
            Map.entry("faultPauseBeforeRename", "storage.tsdb.fault.pause-before-rename"),
            Map.entry("faultCompactionInterval", "storage.tsdb.fault.compaction-interval"));

    private ComponentConfig() {
    }

    /** How an error names a property: by its flag when it has one. */
    private static String name(String key) {
        String flag = FLAGS.get(key);
        return flag != null ? "flag --" + flag : "io.promethium.tsdb: property " + key;
    }

    public static TsdbOptions parse(Map<String, ?> props) throws ConfigException {
        String path = string(props, "path", null);
        if (path == null || path.isBlank()) {
            throw new ConfigException(name("path") + " is required");
        }
        TsdbOptions o = TsdbOptions.defaults(Path.of(path));
        try {
            return options(o, props);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    private static TsdbOptions options(TsdbOptions o, Map<String, ?> props) throws ConfigException {
        Duration blockDuration = duration(props, "blockDuration", "2h");
        return o.withRetention(duration(props, "retentionTime", "15d"))
                .withRetentionBytes(size(string(props, "retentionSize", "0")))
                .withOutOfOrderWindow(duration(props, "outOfOrderTimeWindow", "0s"))
                .withBlockDuration(blockDuration)
                .withWal(true, bool(props, "walSyncOnCommit", "false"))
                .withWalSegmentBytes(walSegmentBytes(props))
                .withSamplesPerChunk(samplesPerChunk(props))
                .withMaxBlockDuration(duration(props, "maxBlockDuration", "0s"))
                .withLockFile(!bool(props, "noLockfile", "false"))
                .withWalCompression(compression(props))
                .withCompactionInterval(compactionInterval(props))
                .withMaxChunkFileBytes(maxChunkFileBytes(props))
                .withBlockReloadInterval(blockReloadInterval(props))
                .withCompactionDelay(compactionDelay(props, blockDuration));
    }

    /** As Prometheus: 0 (the default) means 512MiB, anything else at least 1MiB; here also under 2GiB (one memory mapping per file). */
    private static long maxChunkFileBytes(Map<String, ?> props) throws ConfigException {
        String text = string(props, "maxChunkSegmentSize", "0");
        long bytes;
        try {
            bytes = ByteSizes.parse(text.isEmpty() ? "0" : text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name("maxChunkSegmentSize") + ": " + e.getMessage());
        }
        if (bytes == 0) {
            return TsdbOptions.DEFAULT_MAX_CHUNK_FILE_BYTES;
        }
        if (bytes < 1L << 20 || bytes > Integer.MAX_VALUE) {
            throw new ConfigException(name("maxChunkSegmentSize") + ": must be set over 1MB and under 2GB, got \"" + text + "\"");
        }
        return bytes;
    }

    /** Prometheus's default is a minute; below a second Prometheus warns and uses 1s, here it is refused. */
    private static Duration blockReloadInterval(Map<String, ?> props) throws ConfigException {
        Duration every = duration(props, "blockReloadInterval", "1m");
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(name("blockReloadInterval") + ": must be at least 1s, got " + Durations.format(every));
        }
        return every;
    }

    /**
     * With the feature {@code delayed-compaction} (property {@code delayedCompaction}), a random
     * delay of up to {@code delayedCompactionMaxPercent} (10 unless given; 1 to 100) percent of the
     * block duration, drawn once per open as Prometheus does; zero without the feature. Where
     * Prometheus warns and uses 10 for a percentage out of range, and ignores the flag without the
     * feature, both are refused here.
     */
    private static Duration compactionDelay(Map<String, ?> props, Duration blockDuration) throws ConfigException {
        String text = string(props, "delayedCompactionMaxPercent", "");
        if (!bool(props, "delayedCompaction", "false")) {
            if (!text.isEmpty()) {
                throw new ConfigException(name("delayedCompactionMaxPercent") + " needs --enable-feature=delayed-compaction");
            }
            return Duration.ZERO;
        }
        int percent;
        try {
            percent = text.isEmpty() ? 10 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(name("delayedCompactionMaxPercent") + ": expected an integer, got \"" + text + "\"");
        }
        if (percent < 1 || percent > 100) {
            throw new ConfigException(name("delayedCompactionMaxPercent") + ": must be between 1 and 100, got " + percent);
        }
        return TsdbOptions.randomCompactionDelay(blockDuration, percent, java.util.concurrent.ThreadLocalRandom.current());
    }

    /** As Prometheus: 0 (the default) means 128MiB; anything else must lie between 10MiB and 256MiB. */
    private static long walSegmentBytes(Map<String, ?> props) throws ConfigException {
        String text = string(props, "walSegmentSize", "0");
        long bytes;
        try {
            bytes = ByteSizes.parse(text.isEmpty() ? "0" : text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name("walSegmentSize") + ": " + e.getMessage());
        }
        if (bytes == 0) {
            return TsdbOptions.DEFAULT_WAL_SEGMENT_BYTES;
        }
        if (bytes < 10L << 20 || bytes > 256L << 20) {
            throw new ConfigException(name("walSegmentSize") + ": must be set between 10MB and 256MB, got \"" + text + "\"");
        }
        return bytes;
    }

    /** An integer, as Prometheus; 0 or less means the default 120, as Prometheus's TSDB does. */
    private static int samplesPerChunk(Map<String, ?> props) throws ConfigException {
        String text = string(props, "samplesPerChunk", "120");
        try {
            int n = text.isEmpty() ? TsdbOptions.DEFAULT_SAMPLES_PER_CHUNK : Integer.parseInt(text);
            return n <= 0 ? TsdbOptions.DEFAULT_SAMPLES_PER_CHUNK : n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name("samplesPerChunk") + ": expected an integer, got \"" + text + "\"");
        }
    }

    private static WalCompression compression(Map<String, ?> props) throws ConfigException {
        String type = string(props, "walCompressionType", "snappy");
        WalCompression parsed;
        try {
            parsed = WalCompression.parse(type.isEmpty() ? "snappy" : type);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name("walCompressionType") + ": " + e.getMessage());
        }
        if (parsed == WalCompression.NONE) {
            throw new ConfigException(name("walCompressionType") + ": expected snappy or zstd, got \"" + type
                    + "\" (turn compression off with --storage.tsdb.wal-compression=false)");
        }
        return bool(props, "walCompression", "true") ? parsed : WalCompression.NONE;
    }

    /**
     * The exemplar buffer size, property {@code maxExemplars} ({@code storage.exemplars.max_exemplars}
     * of prometheus.yml, 100000 by default as Prometheus; 0 keeps none).
     */
    public static int maxExemplars(Map<String, ?> props) throws ConfigException {
        String text = string(props, "maxExemplars", "100000");
        try {
            long n = text.isEmpty() ? 100_000 : Long.parseLong(text);
            if (n > Integer.MAX_VALUE - 8) {
                throw new NumberFormatException();
            }
            return (int) Math.max(0, n); // negative disables, as in Prometheus
        } catch (NumberFormatException e) {
            throw new ConfigException("storage.exemplars.max_exemplars: expected a count up to " + (Integer.MAX_VALUE - 8) + ", got \"" + text + "\"");
        }
    }

    /**
     * Fault testing only, property {@code faultCompactionInterval}: how often the background
     * checks for a head cut (Prometheus's minute by default), so a crash test need not wait a
     * minute for its first cut. Zero would stop the background work, so it is refused.
     */
    private static Duration compactionInterval(Map<String, ?> props) throws ConfigException {
        Duration every = duration(props, "faultCompactionInterval", "1m");
        if (every.isZero()) {
            throw new ConfigException(name("faultCompactionInterval") + ": must be above 0s");
        }
        return every;
    }

    /** What a fault test holds before its rename, property {@code faultPauseBeforeRename}: a comma list of block, checkpoint. */
    public record FaultPauses(boolean blocks, boolean checkpoints) {
    }

    public static FaultPauses faultPauses(Map<String, ?> props) throws ConfigException {
        boolean blocks = false;
        boolean checkpoints = false;
        for (String item : string(props, "faultPauseBeforeRename", "").split(",")) {
            switch (item.trim()) {
                case "" -> { }
                case "block" -> blocks = true;
                case "checkpoint" -> checkpoints = true;
                default -> throw new ConfigException(name("faultPauseBeforeRename") + ": \"" + item.trim()
                        + "\" is not block or checkpoint");
            }
        }
        return new FaultPauses(blocks, checkpoints);
    }

    /**
     * The per-series retention rules, property {@code retentionRules} ({@code storage.tsdb.retention_rules}
     * of prometheus.yml, checked there): a {@code String[]} (or one String), each element a run of
     * length-prefixed fields ({@code <chars>:<text>}): the retention, the selector as written, then
     * name, operator and value of each matcher. Absent means no rules.
     */
    public static List<RetentionRule> retentionRules(Map<String, ?> props) throws ConfigException {
        Object value = props.get("retentionRules");
        String[] encoded = value == null ? new String[0]
                : value instanceof String[] a ? a
                : value instanceof java.util.Collection<?> c ? c.stream().map(String::valueOf).toArray(String[]::new)
                : new String[] {value.toString()};
        List<RetentionRule> rules = new ArrayList<>();
        for (int i = 0; i < encoded.length; i++) {
            try {
                rules.add(decodeRule(encoded[i]));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("storage.tsdb.retention_rules[" + i + "]: " + e.getMessage(), e);
            }
        }
        return List.copyOf(rules);
    }

    /**
     * The downsampling levels, property {@code downsampling} ({@code storage.tsdb.downsampling.resolutions}
     * of prometheus.yml, checked there): a {@code String[]} (or one String), each element
     * {@code resolution,after,retention} as Prometheus durations. Absent means off.
     */
    public static List<io.promethium.tsdb.DownsamplingLevel> downsampling(Map<String, ?> props) throws ConfigException {
        Object value = props.get("downsampling");
        String[] encoded = value == null ? new String[0]
                : value instanceof String[] a ? a
                : value instanceof java.util.Collection<?> c ? c.stream().map(String::valueOf).toArray(String[]::new)
                : new String[] {value.toString()};
        List<io.promethium.tsdb.DownsamplingLevel> levels = new ArrayList<>();
        for (int i = 0; i < encoded.length; i++) {
            String[] parts = encoded[i].split(",", -1);
            try {
                if (parts.length != 3) {
                    throw new IllegalArgumentException("malformed \"" + encoded[i] + "\": expected resolution,after,retention");
                }
                levels.add(new io.promethium.tsdb.DownsamplingLevel(Durations.parse(parts[0].trim()), Durations.parse(parts[1].trim()),
                        Durations.parse(parts[2].trim())));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("storage.tsdb.downsampling.resolutions[" + i + "]: " + e.getMessage(), e);
            }
        }
        return List.copyOf(levels);
    }

    private static RetentionRule decodeRule(String text) {
        List<String> fields = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int colon = text.indexOf(':', pos);
            if (colon < 0) {
                throw new IllegalArgumentException("malformed rule \"" + text + "\": missing length prefix");
            }
            int n;
            try {
                n = Integer.parseInt(text.substring(pos, colon));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed rule \"" + text + "\": bad length prefix");
            }
            if (n < 0 || colon + 1 + n > text.length()) {
                throw new IllegalArgumentException("malformed rule \"" + text + "\": field runs past the end");
            }
            fields.add(text.substring(colon + 1, colon + 1 + n));
            pos = colon + 1 + n;
        }
        if (fields.size() < 5 || (fields.size() - 2) % 3 != 0) {
            throw new IllegalArgumentException("malformed rule \"" + text + "\": expected retention, selector and matcher triples");
        }
        Duration retention = Durations.parse(fields.get(0));
        List<Matcher> matchers = new ArrayList<>();
        for (int i = 2; i < fields.size(); i += 3) {
            matchers.add(Matcher.of(matchType(fields.get(i + 1)), fields.get(i), fields.get(i + 2)));
        }
        return new RetentionRule(fields.get(1), matchers, retention);
    }

    private static MatchType matchType(String operator) {
        for (MatchType t : MatchType.values()) {
            if (t.operator().equals(operator)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown matcher operator \"" + operator + "\"");
    }

    private static boolean bool(Map<String, ?> props, String key, String def) throws ConfigException {
        String text = string(props, key, def);
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false") || text.isEmpty()) {
            return false;
        }
        throw new ConfigException(name(key) + ": expected true or false, got \"" + text + "\"");
    }

    private static String string(Map<String, ?> props, String key, String def) {
        Object v = props.get(key);
        return v == null ? def : v.toString().trim();
    }

    private static Duration duration(Map<String, ?> props, String key, String def) throws ConfigException {
        String text = string(props, key, def);
        if (text.isEmpty()) {
            text = def;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name(key) + ": " + e.getMessage());
        }
    }

    /** Prometheus's byte sizes ({@link ByteSizes}), as a config error naming the property. */
    public static long size(String text) throws ConfigException {
        try {
            return ByteSizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name("retentionSize") + ": " + e.getMessage());
        }
    }
}
