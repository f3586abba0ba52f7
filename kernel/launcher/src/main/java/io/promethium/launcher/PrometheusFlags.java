package io.promethium.launcher;

import java.util.Map;
import java.util.Set;

/**
 * Prometheus's own command-line flags and feature names that Promethium does not implement
 * (yet, or at all), so that a user's existing command line gets a message that says so instead
 * of "unknown flag" — and never a flag that is accepted and silently ignored. A flag leaves this
 * list simply by being declared: by the launcher or by a bundle ({@link BundleFlags}).
 */
final class PrometheusFlags {

    private PrometheusFlags() {
    }

    /** Flags of Prometheus 3 not implemented yet. */
    static final Set<String> NOT_YET = Set.of(
            "web.max-notifications-subscribers",
            "web.enable-otlp-receiver",
            "web.console.templates", "web.console.libraries",
            "storage.tsdb.head-chunks-write-queue-size",
            "storage.tsdb.delayed-compaction.max-percent", "storage.tsdb.enable-overlapping-compaction",
            "storage.tsdb.allow-overlapping-blocks", "storage.tsdb.retention",
            "storage.agent.path", "storage.agent.retention.min-time",
            "storage.agent.retention.max-time", "storage.agent.no-lockfile", "agent",
            "scrape.adjust-timestamps", "scrape.timestamp-tolerance", "scrape.discovery-reload-interval",
            "storage.tsdb.delay-compact-file.path", "scrape.name-escaping-scheme");

    /** Flags of the Go runtime that have a JVM counterpart instead. */
    static final Map<String, String> GO_RUNTIME = Map.of(
            "auto-gomemlimit", "the heap limit is set by bin/promethium from the host's or container's memory; override with PROMETHIUM_JAVA_OPTS=-Xmx... or PROMETHIUM_HEAP_PERCENT",
            "auto-gomemlimit.ratio", "the heap limit is set by bin/promethium from the host's or container's memory; override with PROMETHIUM_JAVA_OPTS=-Xmx... or PROMETHIUM_HEAP_PERCENT",
            "auto-gomaxprocs", "the JVM follows the container's CPU quota by itself");

    /** Feature names of Prometheus 3's {@code --enable-feature} that no bundle implements yet. */
    static final Set<String> FEATURES_NOT_YET = Set.of(
            "memory-snapshot-on-shutdown", "extra-scrape-metrics", "auto-gomemlimit",
            "auto-gomaxprocs",
            "delayed-compaction", "otlp-write-receiver", "otlp-deltatocumulative",
            "promql-per-step-stats", "old-ui", "metadata-wal-records", "use-uncached-io",
            "new-service-discovery-manager", "agent", "expand-external-labels", "remote-write-receiver",
            "no-default-scrape-port", "isolation", "web.enable-otlp-receiver");

    /** The message for a flag the launcher does not know, or {@code null} if Prometheus has no such flag either. */
    static String unsupported(String name) {
        if (NOT_YET.contains(name)) {
            return "flag --" + name + " of Prometheus is not supported by Promethium yet";
        }
        String go = GO_RUNTIME.get(name);
        if (go != null) {
            return "flag --" + name + " is a Go runtime setting of Prometheus; in Promethium " + go;
        }
        return null;
    }
}
