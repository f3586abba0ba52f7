package io.promethium.tsdb.internal.block;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which blocks retention deletes. By time: blocks that end more than {@code retention} before the
 * newest sample. By size: while blocks plus WAL exceed {@code retentionBytes}, the oldest
 * remaining block goes. Either limit is off when zero.
 */
public final class Retention {
    private Retention() {
    }

    /** The blocks to delete, split by the limit that removed them. */
    public record Decision(List<String> byTime, List<String> bySize) {
        public boolean isEmpty() {
            return byTime.isEmpty() && bySize.isEmpty();
        }
    }

    /**
     * @param oldestFirst blocks ordered by min time
     * @param sizes each block's bytes on disk, same order
     * @param newest the newest sample's time (head or blocks)
     */
    public static Decision decide(List<BlockMeta> oldestFirst, List<Long> sizes, long newest, Duration retention, long retentionBytes,
            long walBytes) {
        List<String> byTime = new ArrayList<>();
        List<String> bySize = new ArrayList<>();
        boolean[] dropped = new boolean[oldestFirst.size()];
        if (!retention.isZero()) {
            for (int i = 0; i < oldestFirst.size(); i++) {
                if (oldestFirst.get(i).maxTime() < newest - retention.toMillis()) {
                    byTime.add(oldestFirst.get(i).ulid());
                    dropped[i] = true;
                }
            }
        }
        if (retentionBytes > 0) {
            long total = walBytes;
            for (int i = 0; i < sizes.size(); i++) {
                total += dropped[i] ? 0 : sizes.get(i);
            }
            for (int i = 0; i < oldestFirst.size() && total > retentionBytes; i++) {
                if (!dropped[i]) {
                    bySize.add(oldestFirst.get(i).ulid());
                    total -= sizes.get(i);
                }
            }
        }
        return new Decision(byTime, bySize);
    }

    /**
     * The blocks size retention deletes when blocks of several kinds share the limit (raw blocks and
     * downsampled companions): while their bytes plus {@code walBytes} exceed {@code retentionBytes},
     * the block ending first goes, a finer resolution before a coarser one of the same end (the
     * coarser answers for it). Off when {@code retentionBytes} is zero.
     *
     * @param blocks the blocks that remain after time retention, in any order
     * @param sizes each block's bytes on disk, same order
     */
    public static List<String> bySize(List<BlockMeta> blocks, List<Long> sizes, long retentionBytes, long walBytes) {
        List<String> out = new ArrayList<>();
        if (retentionBytes <= 0) {
            return out;
        }
        long total = walBytes;
        Integer[] order = new Integer[blocks.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            total += sizes.get(i);
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong((Integer i) -> blocks.get(i).maxTime())
                .thenComparingLong(i -> blocks.get(i).resolution()).thenComparingLong(i -> blocks.get(i).minTime()));
        for (int k = 0; k < order.length && total > retentionBytes; k++) {
            out.add(blocks.get(order[k]).ulid());
            total -= sizes.get(order[k]);
        }
        return out;
    }
}
