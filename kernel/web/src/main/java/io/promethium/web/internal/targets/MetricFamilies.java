package io.promethium.web.internal.targets;

import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.scrape.TargetMetadata;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The metric family a stored series belongs to, from its name and type: storage keeps metadata
 * per series ({@code foo_bucket}, {@code foo_sum}, ...), the metadata APIs answer per family
 * ({@code foo}). A counter's family is what its target named it: a text-format page usually
 * {@code foo_total}, an OpenMetrics page {@code foo}. Stored metadata carries that name (since
 * model 1.2, so across restarts, before any scrape); for metadata without it (remote write 2.0,
 * WALs written before) the families the active targets exposed on their last scrape decide, as
 * they do in Prometheus (whose metadata APIs read the scrape caches), and a counter no active
 * target exposes keeps its series name. {@link #matches} accepts either spelling.
 */
final class MetricFamilies {
    private static final String[] HISTOGRAM = {"_bucket", "_count", "_sum", "_created"};
    private static final String[] GAUGE_HISTOGRAM = {"_bucket", "_gcount", "_gsum"};
    private static final String[] SUMMARY = {"_count", "_sum", "_created"};
    private static final String[] INFO = {"_info"};
    private static final String[] NONE = {};

    private MetricFamilies() {
    }

    /**
     * The family of the series named {@code name} whose metadata says {@code type}; a counter
     * {@code foo_total} is {@code foo} when {@code exposedCounters} holds {@code foo} but not {@code foo_total}.
     */
    static String family(String name, MetricType type, Set<String> exposedCounters) {
        if (type == MetricType.COUNTER && name.endsWith("_total") && !exposedCounters.contains(name)) {
            String family = name.substring(0, name.length() - "_total".length());
            return exposedCounters.contains(family) ? family : name;
        }
        return family(name, type);
    }

    /** The family of the series named {@code name}: the one its metadata names, else as {@link #family(String, MetricType, Set)}. */
    static String family(String name, Metadata metadata, Set<String> exposedCounters) {
        return metadata.family().isEmpty() ? family(name, metadata.type(), exposedCounters) : metadata.family();
    }

    /** The counter families the targets exposed (by the name of their {@code # TYPE} line). */
    static Set<String> counters(List<TargetMetadata> exposed) {
        Set<String> out = new HashSet<>();
        for (TargetMetadata m : exposed) {
            if (m.metadata().type() == MetricType.COUNTER) {
                out.add(m.metric());
            }
        }
        return out;
    }

    /** The family of the series named {@code name} whose metadata says {@code type}. */
    static String family(String name, MetricType type) {
        String[] suffixes = switch (type) {
            case HISTOGRAM -> HISTOGRAM;
            case GAUGE_HISTOGRAM -> GAUGE_HISTOGRAM;
            case SUMMARY -> SUMMARY;
            case INFO -> INFO;
            default -> NONE;
        };
        for (String suffix : suffixes) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    /** Whether the {@code metric} parameter names {@code family}: exactly, or a counter by its other spelling (with or without {@code _total}). */
    static boolean matches(String metric, String family, MetricType type) {
        return metric.equals(family)
                || type == MetricType.COUNTER && (family.equals(metric + "_total") || metric.equals(family + "_total"));
    }
}
