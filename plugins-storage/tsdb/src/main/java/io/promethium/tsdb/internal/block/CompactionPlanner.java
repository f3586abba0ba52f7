package io.promethium.tsdb.internal.block;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides which blocks to merge, as Prometheus does: compaction ranges are 3x, 9x, 27x ... the
 * block duration, up to the max block duration (by default a tenth of the retention, 31 d at most). For each range, smallest first,
 * blocks that fit in one aligned window form a group; the first window with two or more blocks
 * that the head has already passed (no more blocks can land there) is merged.
 */
public final class CompactionPlanner {
    private static final long MAX_RANGE = 31L * 86_400_000;

    private final long blockDuration;

    public CompactionPlanner(long blockDuration) {
        this(blockDuration, 0);
    }

    private final long maxBlockDuration;

    /** @param maxBlockDuration the largest range; 0 = a tenth of the retention, 31 d at most */
    public CompactionPlanner(long blockDuration, long maxBlockDuration) {
        if (blockDuration <= 0) {
            throw new IllegalArgumentException("blockDuration must be positive: " + blockDuration);
        }
        if (maxBlockDuration < 0) {
            throw new IllegalArgumentException("maxBlockDuration must not be negative: " + maxBlockDuration);
        }
        this.blockDuration = blockDuration;
        this.maxBlockDuration = maxBlockDuration;
    }

    public List<Long> ranges(Duration retention) {
        long limit = maxBlockDuration > 0 ? maxBlockDuration
                : retention.isZero() ? MAX_RANGE : Math.min(MAX_RANGE, retention.toMillis() / 10);
        List<Long> out = new ArrayList<>();
        for (long r = blockDuration * 3; r <= limit; r *= 3) {
            out.add(r);
        }
        return out;
    }

    /**
     * The ulids of the next blocks to merge, oldest first, or an empty list.
     *
     * @param blocks healthy blocks
     * @param horizon the head's minimum valid time: windows ending at or before it are complete
     */
    public List<String> plan(List<BlockMeta> blocks, Duration retention, long horizon) {
        for (long range : ranges(retention)) {
            Map<Long, List<BlockMeta>> windows = new TreeMap<>();
            for (BlockMeta b : blocks) {
                long w = Math.floorDiv(b.minTime(), range);
                if (b.maxTime() <= (w + 1) * range) {
                    windows.computeIfAbsent(w, k -> new ArrayList<>()).add(b);
                }
            }
            for (Map.Entry<Long, List<BlockMeta>> e : windows.entrySet()) {
                long windowEnd = (e.getKey() + 1) * range;
                if (e.getValue().size() >= 2 && windowEnd <= horizon) {
                    return e.getValue().stream().sorted((a, b) -> Long.compare(a.minTime(), b.minTime())).map(BlockMeta::ulid).toList();
                }
            }
        }
        return List.of();
    }
}
