package io.promethium.promql.engine;

/**
 * Figures about one query.
 *
 * @param totalQueryableSamples samples read from storage over the whole evaluation
 * @param peakSamples the most samples held in memory at once (what the max-samples limit checks)
 * @param queueNanos time spent waiting for a concurrency slot
 * @param evalNanos time spent evaluating
 * @param resolution the coarsest downsampled resolution (ms) a select answered from, 0 when all
 *     read raw samples (since 1.4.0)
 */
public record QueryStats(long totalQueryableSamples, long peakSamples, long queueNanos, long evalNanos, long resolution) {
    public QueryStats(long totalQueryableSamples, long peakSamples, long queueNanos, long evalNanos) {
        this(totalQueryableSamples, peakSamples, queueNanos, evalNanos, 0);
    }
}
