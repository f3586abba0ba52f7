package io.promethium.web.internal.targets;

import io.promethium.api.model.MetricType;

/**
 * The metric family a stored series belongs to, from its name and type: storage keeps metadata
 * per series ({@code foo_bucket}, {@code foo_sum}, ...), the metadata APIs answer per family
 * ({@code foo}). Counters keep their name: a text-format page names the family {@code foo_total},
 * an OpenMetrics page {@code foo}, and the stored series cannot tell which; the series name is
 * what queries (and Grafana's look-ups) use, and {@link #matches} accepts the other spelling.
 */
final class MetricFamilies {
    private static final String[] HISTOGRAM = {"_bucket", "_count", "_sum", "_created"};
    private static final String[] GAUGE_HISTOGRAM = {"_bucket", "_gcount", "_gsum"};
    private static final String[] SUMMARY = {"_count", "_sum", "_created"};
    private static final String[] INFO = {"_info"};
    private static final String[] NONE = {};

    private MetricFamilies() {
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

    /** Whether the {@code metric} parameter names {@code family}: exactly, or a counter by its OpenMetrics name. */
    static boolean matches(String metric, String family, MetricType type) {
        return metric.equals(family) || (type == MetricType.COUNTER && family.equals(metric + "_total"));
    }
}
