package io.promethium.config.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code storage:} section.
 *
 * @param retentionRules {@code storage.tsdb.retention_rules}: per-series retention, first match wins
 * @param downsampling {@code storage.tsdb.downsampling.resolutions}: in increasing resolution; empty = off
 */
public record StorageConfig(Duration outOfOrderTimeWindow, long maxExemplars, List<RetentionRule> retentionRules,
        List<DownsamplingResolution> downsampling) {
    public static final StorageConfig DEFAULT = new StorageConfig(Duration.ZERO, 100_000, List.of(), List.of());

    public StorageConfig {
        Objects.requireNonNull(outOfOrderTimeWindow, "outOfOrderTimeWindow is null");
        retentionRules = List.copyOf(retentionRules);
        downsampling = List.copyOf(downsampling);
    }

    public StorageConfig(Duration outOfOrderTimeWindow, long maxExemplars, List<RetentionRule> retentionRules) {
        this(outOfOrderTimeWindow, maxExemplars, retentionRules, List.of());
    }

    public StorageConfig(Duration outOfOrderTimeWindow, long maxExemplars) {
        this(outOfOrderTimeWindow, maxExemplars, List.of());
    }

    /**
     * One entry of {@code storage.tsdb.retention_rules}: series matching {@code selector} are kept
     * for {@code retention}.
     *
     * @param selector the series selector as written (e.g. {@code {__name__=~"debug_.*"}})
     * @param matchers the selector's matchers, each as {@code name}, operator ({@code =}, {@code !=},
     *     {@code =~}, {@code !~}) and value, flattened: three strings per matcher
     * @param retention how long matching series are kept; positive
     */
    public record RetentionRule(String selector, List<String> matchers, Duration retention) {
        public RetentionRule {
            Objects.requireNonNull(selector, "selector is null");
            matchers = List.copyOf(matchers);
            Objects.requireNonNull(retention, "retention is null");
            if (matchers.size() % 3 != 0) {
                throw new IllegalArgumentException("matchers must come as name, operator, value triples");
            }
        }
    }

    /**
     * One entry of {@code storage.tsdb.downsampling.resolutions}: blocks that ended {@code after}
     * before the newest data get a companion at {@code resolution}, kept for {@code retention}
     * (zero: as long as the raw data's retention, {@code --storage.tsdb.retention.time}).
     */
    public record DownsamplingResolution(Duration resolution, Duration after, Duration retention) {
        public DownsamplingResolution {
            Objects.requireNonNull(resolution, "resolution is null");
            Objects.requireNonNull(after, "after is null");
            Objects.requireNonNull(retention, "retention is null");
        }
    }
}
