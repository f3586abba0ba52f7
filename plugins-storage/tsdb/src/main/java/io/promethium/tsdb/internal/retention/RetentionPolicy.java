package io.promethium.tsdb.internal.retention;

import io.promethium.api.model.Labels;
import io.promethium.tsdb.RetentionRule;
import io.promethium.tsdb.internal.util.LabelMatching;
import java.util.List;

/**
 * Which retention class a series falls in: the index of the first {@link RetentionRule} its labels
 * match, or {@link #defaultClass()} (the rule count) for series matching none, which keep the
 * global retention. Immutable; a reload swaps in a new policy.
 */
public final class RetentionPolicy {
    public static final RetentionPolicy NONE = new RetentionPolicy(List.of());

    private final List<RetentionRule> rules;
    private final long[] retentionMillis;
    private final long longestRuleMillis;

    public RetentionPolicy(List<RetentionRule> rules) {
        this.rules = List.copyOf(rules);
        this.retentionMillis = new long[this.rules.size()];
        long longest = 0;
        for (int i = 0; i < retentionMillis.length; i++) {
            retentionMillis[i] = this.rules.get(i).retention().toMillis();
            longest = Math.max(longest, retentionMillis[i]);
        }
        this.longestRuleMillis = longest;
    }

    public List<RetentionRule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The class of series matching no rule. */
    public int defaultClass() {
        return rules.size();
    }

    /** The first rule the labels match, else {@link #defaultClass()}. */
    public int classify(Labels labels) {
        for (int i = 0; i < rules.size(); i++) {
            if (LabelMatching.matchesAll(labels, rules.get(i).matchers())) {
                return i;
            }
        }
        return rules.size();
    }

    /** A class's retention in ms; for the default class the global one (0 = forever). */
    public long retentionMillis(int cls, long globalMillis) {
        return cls == rules.size() ? globalMillis : retentionMillis[cls];
    }

    /**
     * The oldest timestamp a class keeps when the newest sample is at {@code newest}, or
     * {@code Long.MIN_VALUE} when it keeps everything.
     */
    public long cutoff(int cls, long newest, long globalMillis) {
        long r = retentionMillis(cls, globalMillis);
        if (r == 0 || newest == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return newest - r;
    }

    /**
     * How long whole blocks are kept: the longest retention of any class, since a block is deleted
     * only when no class keeps anything in it; 0 (forever) when the global retention is 0.
     */
    public long blockRetentionMillis(long globalMillis) {
        return globalMillis == 0 ? 0 : Math.max(globalMillis, longestRuleMillis);
    }

    /** The newest cutoff over all classes: a query reaching no further back than it sees nothing hidden. */
    public long latestCutoff(long newest, long globalMillis) {
        long latest = Long.MIN_VALUE;
        for (int c = 0; c <= rules.size(); c++) {
            latest = Math.max(latest, cutoff(c, newest, globalMillis));
        }
        return latest;
    }
}
