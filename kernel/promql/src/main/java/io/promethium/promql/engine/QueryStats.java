package io.promethium.promql.engine;

/**
 * Figures about one query.
 *
 * @param totalQueryableSamples samples read from storage over the whole evaluation
 * @param peakSamples the most samples held in memory at once (what the max-samples limit checks)
 * @param queueNanos time spent waiting for a concurrency slot
 * @param evalNanos time spent evaluating
 */
public record QueryStats(long totalQueryableSamples, long peakSamples, long queueNanos, long evalNanos) {
}
