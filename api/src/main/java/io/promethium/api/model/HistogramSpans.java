package io.promethium.api.model;

import java.util.Arrays;

/**
 * The bucket layout of one side (positive or negative) of a native histogram: runs of
 * consecutive buckets, each a gap (offset) from the end of the previous run, as Prometheus's
 * {@code []histogram.Span}. The first run's offset is the index of its first bucket. Immutable;
 * a chunk shares one layout among all its samples, so a reused histogram points at it instead
 * of copying it.
 */
public final class HistogramSpans {

    /** No buckets. */
    public static final HistogramSpans EMPTY = new HistogramSpans(new int[0], new int[0]);

    private final int[] offsets;
    private final int[] lengths;
    private final int bucketCount;

    private HistogramSpans(int[] offsets, int[] lengths) {
        this.offsets = offsets;
        this.lengths = lengths;
        long total = 0;
        for (int length : lengths) {
            if (length < 0) {
                throw new IllegalArgumentException("negative span length " + length);
            }
            total += length;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many buckets: " + total);
        }
        this.bucketCount = (int) total;
    }

    /** Spans from parallel arrays of offsets and lengths (copied). */
    public static HistogramSpans of(int[] offsets, int[] lengths) {
        if (offsets.length != lengths.length) {
            throw new IllegalArgumentException(offsets.length + " span offsets but " + lengths.length + " lengths");
        }
        return offsets.length == 0 ? EMPTY : new HistogramSpans(offsets.clone(), lengths.clone());
    }

    /** Spans from {@code offset, length} pairs: {@code pairs(0, 2, 1, 3)} is [0:2] then [1:3]. */
    public static HistogramSpans pairs(int... offsetLengthPairs) {
        if (offsetLengthPairs.length % 2 != 0) {
            throw new IllegalArgumentException("spans need offset and length pairs");
        }
        int n = offsetLengthPairs.length / 2;
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = offsetLengthPairs[2 * i];
            lengths[i] = offsetLengthPairs[2 * i + 1];
        }
        return n == 0 ? EMPTY : new HistogramSpans(offsets, lengths);
    }

    public int count() {
        return offsets.length;
    }

    public int offset(int span) {
        return offsets[span];
    }

    public int length(int span) {
        return lengths[span];
    }

    /** The number of buckets the spans describe (the sum of the lengths). */
    public int bucketCount() {
        return bucketCount;
    }

    /**
     * The bucket index of every bucket in layout order, written into {@code into} (grown when too
     * small, returned).
     */
    public int[] indexes(int[] into) {
        int[] out = into != null && into.length >= bucketCount ? into : new int[bucketCount];
        int index = 0;
        int k = 0;
        for (int s = 0; s < offsets.length; s++) {
            index += offsets[s];
            for (int j = 0; j < lengths[s]; j++) {
                out[k++] = index++;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof HistogramSpans other && Arrays.equals(offsets, other.offsets) && Arrays.equals(lengths, other.lengths);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(offsets) + Arrays.hashCode(lengths);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < offsets.length; i++) {
            b.append(i == 0 ? "" : ", ").append(offsets[i]).append(':').append(lengths[i]);
        }
        return b.append(']').toString();
    }
}
