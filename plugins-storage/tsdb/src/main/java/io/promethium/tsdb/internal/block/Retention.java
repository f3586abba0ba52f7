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
}
