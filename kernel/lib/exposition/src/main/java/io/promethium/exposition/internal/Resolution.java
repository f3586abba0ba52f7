package io.promethium.exposition.internal;

import io.promethium.api.model.HistogramSpans;
import java.util.Arrays;

/**
 * Lowers the resolution of one side of an exponential native histogram: every bucket of schema
 * {@code from} goes into the bucket of schema {@code to} that contains it (Prometheus's
 * {@code ReduceResolution}), counts added.
 */
final class Resolution {

    /** The merged buckets: indexes ascending and their absolute counts. */
    record Buckets(int[] indexes, double[] counts) {
        HistogramSpans spans() {
            if (indexes.length == 0) {
                return HistogramSpans.EMPTY;
            }
            int[] offsets = new int[indexes.length];
            int[] lengths = new int[indexes.length];
            int n = 0;
            int next = 0;
            for (int i = 0; i < indexes.length; i++) {
                if (n > 0 && indexes[i] == next) {
                    lengths[n - 1]++;
                } else {
                    offsets[n] = n == 0 ? indexes[i] : indexes[i] - next;
                    lengths[n] = 1;
                    n++;
                }
                next = indexes[i] + 1;
            }
            return HistogramSpans.of(Arrays.copyOf(offsets, n), Arrays.copyOf(lengths, n));
        }
    }

    private Resolution() {
    }

    static int targetIndex(int index, int from, int to) {
        return ((index - 1) >> (from - to)) + 1;
    }

    static Buckets reduce(int[] indexes, double[] counts, int n, int from, int to) {
        int[] outIdx = new int[n];
        double[] outCounts = new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int target = targetIndex(indexes[i], from, to);
            if (m > 0 && outIdx[m - 1] == target) {
                outCounts[m - 1] += counts[i];
            } else {
                outIdx[m] = target;
                outCounts[m] = counts[i];
                m++;
            }
        }
        return new Buckets(Arrays.copyOf(outIdx, m), Arrays.copyOf(outCounts, m));
    }

    /** The largest schema whose bucket growth factor {@code 2^(2^-schema)} is at least {@code factor}. */
    static int schemaForFactor(double factor) {
        for (int schema = 8; schema > -4; schema--) {
            if (Math.pow(2, Math.pow(2, -schema)) >= factor) {
                return schema;
            }
        }
        return -4;
    }
}
