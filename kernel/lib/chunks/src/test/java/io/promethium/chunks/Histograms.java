package io.promethium.chunks;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;

/** Native histograms for tests: a cumulative counter-like sequence with a fixed layout. */
final class Histograms {
    private Histograms() {
    }

    /**
     * The i-th sample of a growing exponential histogram: schema 1, a zero bucket, positive
     * buckets [-1..1] and [4..5], negative bucket [0]; every count grows with i.
     */
    public static Histogram counter(long i) {
        long[] pos = {1 + i, i, 2 * i, 3, i};           // deltas of absolute counts 1+i, 1+2i, 1+4i, 4+4i, 4+5i
        long posTotal = (1 + i) + (1 + 2 * i) + (1 + 4 * i) + (4 + 4 * i) + (4 + 5 * i);
        long[] neg = {i};
        long zero = 2 + i;
        return new Histogram(CounterResetHint.UNKNOWN, 1, 0.001, zero, posTotal + i + zero, 10.5 * i, HistogramSpans.pairs(-1, 3, 2, 2),
                pos, HistogramSpans.pairs(0, 1), neg, null);
    }

    /** A float histogram that grows with i (schema 0, two positive buckets). */
    public static FloatHistogram floatCounter(long i) {
        return FloatHistogram.exponential(0, 0.001, 0.5 * i, 0.5 * i + 3.25 * i, 1.5 * i, HistogramSpans.pairs(0, 2), 1.25 * i, 2.0 * i);
    }

    /** A histogram with custom buckets (NHCB) bounded by 0.1, 1, 10 that grows with i. */
    public static Histogram custom(long i) {
        return Histogram.custom(new double[] {0.1, 1, 10}, 4 * i, 2.5 * i, HistogramSpans.pairs(0, 4), i, 0, 0, 0);
    }
}
