package io.promethium.tsdb.internal.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.tsdb.RetentionRule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
    private static final long DAY = 86_400_000L;

    private final RetentionPolicy policy = new RetentionPolicy(List.of(
            new RetentionRule("{job=\"batch\",env!=\"prod\"}", List.of(Matcher.equal("job", "batch"),
                    Matcher.of(MatchType.NOT_EQUAL, "env", "prod")), Duration.ofDays(2)),
            new RetentionRule("{__name__=~\"debug_.*\"}", List.of(Matcher.of(MatchType.REGEX, "__name__", "debug_.*")),
                    Duration.ofDays(1)),
            new RetentionRule("{job=\"audit\"}", List.of(Matcher.equal("job", "audit")), Duration.ofDays(90))));

    @Test
    void aSeriesTakesTheFirstRuleItMatches() {
        assertThat(policy.classify(Labels.of("__name__", "debug_x", "job", "batch"))).isZero();
        assertThat(policy.classify(Labels.of("__name__", "debug_x", "job", "batch", "env", "prod"))).isEqualTo(1);
        assertThat(policy.classify(Labels.of("__name__", "debug_x", "job", "audit"))).isEqualTo(1);
        assertThat(policy.classify(Labels.of("__name__", "up", "job", "audit"))).isEqualTo(2);
    }

    @Test
    void aSeriesMatchingNoRuleKeepsTheGlobalRetention() {
        int cls = policy.classify(Labels.of("__name__", "up", "job", "node"));
        assertThat(cls).isEqualTo(policy.defaultClass()).isEqualTo(3);
        assertThat(policy.retentionMillis(cls, 15 * DAY)).isEqualTo(15 * DAY);
        assertThat(policy.cutoff(cls, 100 * DAY, 15 * DAY)).isEqualTo(85 * DAY);
        assertThat(policy.cutoff(cls, 100 * DAY, 0)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void blocksLiveAsLongAsTheLongestClassUnlessTheGlobalRetentionIsForever() {
        assertThat(policy.blockRetentionMillis(15 * DAY)).isEqualTo(90 * DAY);
        assertThat(policy.blockRetentionMillis(365 * DAY)).isEqualTo(365 * DAY);
        assertThat(policy.blockRetentionMillis(0)).isZero();
        assertThat(policy.latestCutoff(100 * DAY, 15 * DAY)).isEqualTo(99 * DAY);
    }

    @Test
    void aRuleMustSelectSomethingAndKeepItForAPositiveTime() {
        assertThatThrownBy(() -> new RetentionRule("{job=~\".*\"}", List.of(Matcher.of(MatchType.REGEX, "job", ".*")), Duration.ofDays(1)))
                .hasMessageContaining("non-empty matcher");
        assertThatThrownBy(() -> new RetentionRule("up", List.of(Matcher.equal("__name__", "up")), Duration.ZERO))
                .hasMessageContaining("must be positive");
    }
}
