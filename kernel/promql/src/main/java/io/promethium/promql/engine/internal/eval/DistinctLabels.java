package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.promql.engine.QueryException;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The check that an answer's label sets are distinct, without a map entry per series: each label
 * set's (cached) hash and its index packed in one {@code long[]}, sorted, and labels compared
 * only where hashes meet. A hash map here held an entry per series until the answer was built;
 * at ten million series those entries were a third of a GiB that every young collection of the
 * query copied.
 */
final class DistinctLabels {
    private DistinctLabels() {
    }

    /** Throws the error Prometheus gives when two of the {@code n} label sets are equal. */
    static void require(int n, IntFunction<Labels> labels) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (long) labels.apply(i).hashCode() << 32 | i;
        }
        Arrays.parallelSort(keys);
        for (int start = 0; start < n; ) {
            int hash = (int) (keys[start] >> 32);
            int end = start + 1;
            while (end < n && (int) (keys[end] >> 32) == hash) {
                end++;
            }
            // Equal hashes: a run of two or three at most but for collisions; compare each pair.
            for (int i = start; i < end; i++) {
                Labels a = labels.apply((int) keys[i]);
                for (int j = i + 1; j < end; j++) {
                    if (a.equals(labels.apply((int) keys[j]))) {
                        throw duplicate();
                    }
                }
            }
            start = end;
        }
    }

    private static QueryException duplicate() {
        return QueryException.execution("vector cannot contain metrics with the same labelset");
    }
}
