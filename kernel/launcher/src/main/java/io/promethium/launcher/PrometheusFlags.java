package io.promethium.launcher;

import java.util.Map;
import java.util.Set;

/**
 * Prometheus's own command-line flags and feature names that Promethium does not implement, with
 * the reason, so that a user's existing command line gets a message that says why instead of
 * "unknown flag", and never a flag that is accepted and silently ignored. A flag leaves these lists
 * simply by being declared: by the launcher or by a bundle ({@link BundleFlags}); the flags and
 * features of the distribution's bundles are never named here (a bundle that is not installed is
 * said by {@link ShippedBundles}). Flags and features Prometheus 3 removed get what became of them.
 * docs/configuration.md lists each with its reason ({@code RefusalListsTest} compares).
 */
final class PrometheusFlags {

    private PrometheusFlags() {
    }

    /** Flags of Prometheus 3 that Promethium refuses, each with the reason. */
    static final Map<String, String> NOT_SUPPORTED = Map.of(
            "web.console.templates", "console templates (the /consoles pages) are not served; build the pages in Grafana or the web UI",
            "web.console.libraries", "console templates (the /consoles pages) are not served; build the pages in Grafana or the web UI",
            "storage.tsdb.head-chunks-write-queue-size", "the head keeps its chunks in memory (no chunks_head folder), so no chunk is queued for writing",
            "storage.tsdb.allow-overlapping-compaction", "the blocks are Promethium's own format, which no other compactor reads, and overlapping blocks are always merged (Prometheus's default)",
            "storage.tsdb.delay-compact-file.path", "it waits for a Thanos sidecar's upload of Prometheus-format blocks; Promethium's blocks are its own format, which no sidecar ships");

    /**
     * Flags of Prometheus 2 that Prometheus 3 no longer has (it says "unknown long flag"), with
     * what replaces them, so that an old command line gets a precise answer.
     */
    static final Map<String, String> REMOVED = Map.of(
            "storage.tsdb.retention", "use --storage.tsdb.retention.time",
            "storage.tsdb.allow-overlapping-blocks", "overlapping blocks are always allowed and compacted vertically",
            "storage.tsdb.enable-overlapping-compaction", "overlapping blocks are always compacted vertically",
            "alertmanager.timeout", "set timeout per Alertmanager in the config's alerting section",
            "scrape.name-escaping-scheme", "set metric_name_escaping_scheme in the config's global or scrape section");

    /** Prometheus 3's server-only flags: given with {@code --agent}, Prometheus exits with 3 naming them. */
    static final Set<String> SERVER_ONLY = Set.of(
            "storage.tsdb.path", "storage.tsdb.min-block-duration", "storage.tsdb.max-block-duration",
            "storage.tsdb.max-block-chunk-segment-size", "storage.tsdb.wal-segment-size", "storage.tsdb.retention.time",
            "storage.tsdb.retention.size", "storage.tsdb.no-lockfile", "storage.tsdb.allow-overlapping-compaction",
            "storage.tsdb.wal-compression", "storage.tsdb.wal-compression-type", "storage.tsdb.head-chunks-write-queue-size",
            "storage.tsdb.samples-per-chunk", "storage.tsdb.delayed-compaction.max-percent", "storage.tsdb.delay-compact-file.path",
            "storage.tsdb.block-reload-interval", "storage.remote.read-sample-limit", "storage.remote.read-concurrent-limit",
            "storage.remote.read-max-bytes-in-frame", "web.search.max-limit", "rules.alert.for-outage-tolerance", "rules.alert.for-grace-period",
            "rules.alert.resend-delay", "rules.max-concurrent-evals", "alertmanager.notification-queue-capacity",
            "alertmanager.notification-batch-size", "alertmanager.drain-notification-queue-on-shutdown", "query.lookback-delta",
            "query.timeout", "query.max-concurrency", "query.max-samples");

    /** Prometheus 3's agent-only flags: given without {@code --agent}, Prometheus exits with 3 naming them. */
    static final Set<String> AGENT_ONLY = Set.of(
            "storage.agent.path", "storage.agent.wal-segment-size", "storage.agent.wal-compression",
            "storage.agent.wal-compression-type", "storage.agent.wal-truncate-frequency", "storage.agent.retention.min-time",
            "storage.agent.retention.max-time", "storage.agent.no-lockfile");

    /** Flags of the Go runtime that have a JVM counterpart instead. */
    static final Map<String, String> GO_RUNTIME = Map.of(
            "auto-gomemlimit", "the heap limit is set by bin/promethium from the host's or container's memory; override with PROMETHIUM_JAVA_OPTS=-Xmx... or PROMETHIUM_HEAP_PERCENT",
            "auto-gomemlimit.ratio", "the heap limit is set by bin/promethium from the host's or container's memory; override with PROMETHIUM_JAVA_OPTS=-Xmx... or PROMETHIUM_HEAP_PERCENT",
            "auto-gomaxprocs", "the JVM follows the container's CPU quota by itself");

    /** Feature names of Prometheus 3's {@code --enable-feature} that Promethium refuses, each with the reason. */
    static final Map<String, String> FEATURES_NOT_SUPPORTED = Map.of(
            "memory-snapshot-on-shutdown", "no snapshot of the head is written; a restart replays the WAL",
            "promql-per-step-stats", "the engine evaluates a range query series by series over all its steps and counts samples per query (stats=all: totalQueryableSamples, peakSamples), not per step",
            "old-ui", "there is one web UI, Prometheus 3's; Prometheus 2's is not shipped",
            "use-uncached-io", "block files are written through the page cache; direct I/O (O_DIRECT, aligned buffers) is not implemented");

    /**
     * Feature names Prometheus 2 had and Prometheus 3 dropped: Prometheus 3 only warns "Unknown
     * option" and carries on, and so does Promethium, saying what became of each. Their behaviour
     * is what Promethium (as Prometheus 3) does by default, or has a flag of its own.
     */
    static final Map<String, String> FEATURES_GONE_IN_3 = Map.ofEntries(
            Map.entry("expand-external-labels", "always on: ${VAR} and $VAR in external label values are expanded from the environment ($$ for a literal $)"),
            Map.entry("no-default-scrape-port", "always on: no port is added to a target address without one"),
            Map.entry("new-service-discovery-manager", "always on: the discovery manager restarts only the discoverers whose config changed"),
            Map.entry("promql-at-modifier", "always on"),
            Map.entry("ooo-native-histograms", "always on: native histograms are accepted out of order within out_of_order_time_window"),
            Map.entry("promql-negative-offset", "always on"),
            Map.entry("agent", "ignored; use the --agent flag"),
            Map.entry("remote-write-receiver", "ignored; use the --web.enable-remote-write-receiver flag"),
            Map.entry("otlp-write-receiver", "ignored; use the --web.enable-otlp-receiver flag"),
            Map.entry("auto-gomaxprocs", "a Go runtime setting; the JVM follows the container's CPU quota by itself"),
            Map.entry("auto-gomemlimit", "a Go runtime setting; bin/promethium sets the heap limit from the host's or container's memory"));

    /** The message for a flag the launcher does not know, or {@code null} if Prometheus has no such flag either. */
    static String unsupported(String name) {
        String refused = NOT_SUPPORTED.get(name);
        if (refused != null) {
            return "flag --" + name + " of Prometheus is not supported by Promethium: " + refused;
        }
        String removed = REMOVED.get(name);
        if (removed != null) {
            return "flag --" + name + " was removed in Prometheus 3: " + removed;
        }
        String go = GO_RUNTIME.get(name);
        if (go != null) {
            return "flag --" + name + " is a Go runtime setting of Prometheus; in Promethium " + go;
        }
        return null;
    }
}
