package io.promethium.tsdb;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.Matcher;
import java.time.Duration;
import java.util.List;

/**
 * One per-series retention rule ({@code storage.tsdb.retention_rules}): series whose labels match
 * every matcher are kept for {@code retention} instead of the global retention. Rules are
 * ordered; a series takes the first rule it matches ({@link Tsdb#setRetentionRules}).
 *
 * @param selector the selector as the user wrote it, for status pages and logs
 * @param matchers what a series must match; at least one must not match the empty string
 * @param retention how long matching series are kept behind the newest sample; positive
 */
public record RetentionRule(String selector, List<Matcher> matchers, Duration retention) {
    public RetentionRule {
        requireNonNull(selector, "selector is null");
        matchers = List.copyOf(matchers);
        requireNonNull(retention, "retention is null");
        if (retention.isZero() || retention.isNegative()) {
            throw new IllegalArgumentException("retention of " + selector + " must be positive, got " + retention);
        }
        if (matchers.stream().allMatch(Matcher::matchesEmpty)) {
            throw new IllegalArgumentException("selector " + selector + " must contain at least one non-empty matcher");
        }
    }
}
