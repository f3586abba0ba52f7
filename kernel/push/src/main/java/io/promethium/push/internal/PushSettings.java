package io.promethium.push.internal;

import io.promethium.api.config.ByteSizes;
import io.promethium.api.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * The push endpoint's settings, from the {@code --push.*} flags (declared in this bundle's
 * {@code Promethium-Flags} header). A value that does not parse is an error naming the flag.
 *
 * @param groupTtl how long a group lives after its last change, {@link Duration#ZERO} for ever
 * @param persistenceFile where the groups are saved
 * @param persistenceInterval how often at most the file is written after a change
 * @param storageInterval how often the groups are appended to the local storage, as a scrape would
 * @param honorLabels whether pushed {@code job}/{@code instance} labels win over the endpoint's
 *     own (Prometheus's {@code honor_labels: true}), or become {@code exported_job}/{@code exported_instance}
 * @param storageJob the {@code job} label of stored series when {@code honorLabels} is false
 * @param storageInstance the {@code instance} label of stored series when {@code honorLabels} is false
 * @param names which metric and label names a push may carry ({@code --push.enable-utf8-names})
 */
record PushSettings(boolean enabled, Duration groupTtl, Path persistenceFile, Duration persistenceInterval,
        long maxBodyBytes, int maxGroups, int maxSeriesPerGroup, boolean storageEnabled, Duration storageInterval,
        boolean honorLabels, String storageJob, String storageInstance, boolean adminApi, NameValidation names) {

    static final String FLAG = "promethium.flag.";

    /** Reads the settings; {@code flags} maps a flag name ({@code push.group-ttl}) to its value or null. */
    static PushSettings from(Function<String, String> flags) {
        String tsdbPath = or(flags.apply("storage.tsdb.path"), "data");
        String file = or(flags.apply("push.persistence.file"), "");
        return new PushSettings(
                bool(flags, "push.enabled", true),
                duration(flags, "push.group-ttl", "0"),
                file.isEmpty() ? Path.of(tsdbPath).resolve("pushgateway.data") : Path.of(file),
                positive(duration(flags, "push.persistence.interval", "5m"), "push.persistence.interval"),
                bytes(flags, "push.max-body-size", "32MiB"),
                integer(flags, "push.max-groups", 10_000),
                integer(flags, "push.max-series-per-group", 100_000),
                bool(flags, "push.storage.enabled", true),
                positive(duration(flags, "push.storage.interval", "15s"), "push.storage.interval"),
                bool(flags, "push.storage.honor-labels", true),
                or(flags.apply("push.storage.job"), "pushgateway"),
                or(flags.apply("web.listen-address"), "0.0.0.0:9090").split(",")[0].strip().replaceFirst("^0\\.0\\.0\\.0:|^\\[::\\]:|^:", "localhost:"),
                bool(flags, "web.enable-admin-api", false),
                bool(flags, "push.enable-utf8-names", false) ? NameValidation.UTF8 : NameValidation.LEGACY);
    }

    private static String or(String v, String fallback) {
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static boolean bool(Function<String, String> flags, String name, boolean fallback) {
        String v = flags.apply(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException("--" + name + " must be true or false, not \"" + v + "\"");
        };
    }

    private static Duration duration(Function<String, String> flags, String name, String fallback) {
        String v = or(flags.apply(name), fallback);
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage(), e);
        }
    }

    private static Duration positive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("--" + name + " must be positive, not " + Durations.format(d));
        }
        return d;
    }

    private static long bytes(Function<String, String> flags, String name, String fallback) {
        String v = or(flags.apply(name), fallback);
        long n;
        try {
            n = ByteSizes.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage(), e);
        }
        if (n <= 0 || n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("--" + name + " must be between 1B and 2GiB, not " + v);
        }
        return n;
    }

    private static int integer(Function<String, String> flags, String name, int fallback) {
        String v = flags.apply(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < 1) {
                throw new IllegalArgumentException("--" + name + " must be at least 1, not " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " is not an integer: \"" + v + "\"", e);
        }
    }

    GroupStore.Limits limits() {
        return new GroupStore.Limits(maxGroups, maxSeriesPerGroup);
    }
}
