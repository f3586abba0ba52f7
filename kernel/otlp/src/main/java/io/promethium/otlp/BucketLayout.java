package io.promethium.otlp;

import io.promethium.api.model.HistogramSpans;
import java.util.ArrayList;
import java.util.List;

/**
 * OTLP's dense bucket counts as a native histogram's spans and bucket deltas (Prometheus's
 * {@code convertBucketsLayout}), for exponential histograms and custom buckets alike.
 */
final class BucketLayout {

    private BucketLayout() {
    }

    /**
     * OTLP's dense bucket counts (from {@code offset}) as Prometheus's spans and deltas, merging
     * {@code 2^scaleDown} neighbours when the scale is above the largest native schema; gaps of
     * up to two empty buckets are filled with zeros rather than starting a span, as Prometheus's
     * {@code convertBucketsLayout} (but for its misplaced counts after an empty merged bucket).
     */
    static Translator.Layout layout(List<Long> counts, int offset, int scaleDown, boolean adjustOffset) {
        if (counts.isEmpty()) {
            return new Translator.Layout(HistogramSpans.EMPTY, new long[0]);
        }
        List<int[]> spans = new ArrayList<>(); // {offset, length}
        long[] deltas = new long[counts.size() + 8];
        int[] n = {0};
        long[] prev = {0};
        // groupIdx: the bucket whose count is being summed; lastIdx: the last bucket written (one
        // before the first span at the start). Prometheus's convertBucketsLayout keeps only the
        // former, and after an empty merged bucket writes the next one's first part at the empty
        // one's place when merging (scale above 8): counts land in the wrong bucket. Gaps here are
        // measured from the last bucket written, which gives Prometheus's layout everywhere else.
        int groupIdx = (offset >> scaleDown) + 1;
        int lastIdx = groupIdx - 1;
        int initial = adjustOffset ? (offset >> scaleDown) + 1 : offset;
        spans.add(new int[] {initial, 0});
        long count = 0;
        for (int i = 0; i < counts.size(); i++) {
            int nextIdx = ((i + offset) >> scaleDown) + 1;
            if (groupIdx == nextIdx) {
                count += counts.get(i);
                continue;
            }
            if (count != 0) {
                deltas = write(spans, deltas, n, prev, groupIdx - lastIdx - 1, count);
                lastIdx = groupIdx;
            }
            count = counts.get(i);
            groupIdx = nextIdx;
        }
        deltas = write(spans, deltas, n, prev, groupIdx - lastIdx - 1, count);
        int[] offsets = new int[spans.size()];
        int[] lengths = new int[spans.size()];
        for (int i = 0; i < spans.size(); i++) {
            offsets[i] = spans.get(i)[0];
            lengths[i] = spans.get(i)[1];
        }
        return new Translator.Layout(HistogramSpans.of(offsets, lengths), java.util.Arrays.copyOf(deltas, n[0]));
    }

    /** Writes a bucket {@code gap} buckets after the last one: up to two empty ones are filled, a longer gap starts a span. */
    private static long[] write(List<int[]> spans, long[] deltas, int[] n, long[] prev, int gap, long count) {
        if (gap > 2) {
            spans.add(new int[] {gap, 0});
        } else {
            for (int g = 0; g < gap; g++) {
                deltas = appendDelta(spans, deltas, n, prev, 0);
            }
        }
        return appendDelta(spans, deltas, n, prev, count);
    }

    private static long[] appendDelta(List<int[]> spans, long[] deltas, int[] n, long[] prev, long count) {
        spans.get(spans.size() - 1)[1]++;
        if (n[0] == deltas.length) {
            deltas = java.util.Arrays.copyOf(deltas, deltas.length * 2);
        }
        deltas[n[0]++] = count - prev[0];
        prev[0] = count;
        return deltas;
    }
}
