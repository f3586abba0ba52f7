package io.promethium.rules.internal.eval;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** The self-metrics of one rule group, written by its loop and read by the collector. */
public final class GroupMetrics {
    final LongAdder evaluations = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder iterations = new LongAdder();
    final LongAdder missed = new LongAdder();
    final DoubleAdder ruleSecondsSum = new DoubleAdder();
    final LongAdder ruleCount = new LongAdder();
    final DoubleAdder groupSecondsSum = new DoubleAdder();
    final LongAdder groupCount = new LongAdder();
    final RecentQuantiles ruleSeconds = new RecentQuantiles();
    final RecentQuantiles groupSeconds = new RecentQuantiles();
    volatile double lastDurationSeconds;
    volatile double lastEvaluationSeconds;
    volatile long lastSamples;

    public long evaluations() {
        return evaluations.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long iterations() {
        return iterations.sum();
    }

    public long missed() {
        return missed.sum();
    }

    public double ruleSecondsSum() {
        return ruleSecondsSum.sum();
    }

    public long ruleCount() {
        return ruleCount.sum();
    }

    public double groupSecondsSum() {
        return groupSecondsSum.sum();
    }

    public long groupCount() {
        return groupCount.sum();
    }

    public RecentQuantiles ruleSeconds() {
        return ruleSeconds;
    }

    public RecentQuantiles groupSeconds() {
        return groupSeconds;
    }

    public double lastDurationSeconds() {
        return lastDurationSeconds;
    }

    public double lastEvaluationSeconds() {
        return lastEvaluationSeconds;
    }

    public long lastSamples() {
        return lastSamples;
    }
}
