package io.promethium.tsdb.internal.block;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides which blocks to merge, as Prometheus does. Blocks whose times overlap (an out-of-order
 * block over a range already persisted) are merged first, whatever their windows. Otherwise
 * compaction ranges are 3x, 9x, 27x ... the block duration, up to the max block duration (by
 * default a tenth of the retention, 31 d at most), and the newest block (by its start) is left
 * out, as Prometheus leaves it: a block just cut from the head stays as it is for a block's
 * duration, so a backup can copy new blocks one by one without finding them merged away. For each
 * range, smallest first, the other blocks that fit in one aligned window form a group; the first
 * group of two or more that spans its whole window, or ends by the start of the newest block left
 * in, is merged once the head has passed the window's end (no more blocks can land there).
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
        if (blocks.size() < 2) {
            return List.of();
        }
        List<BlockMeta> byStart = new ArrayList<>(blocks);
        byStart.sort(Comparator.comparingLong(BlockMeta::minTime));
        List<String> overlapping = firstOverlapping(byStart);
        if (!overlapping.isEmpty()) {
            return overlapping;
        }
        if (byStart.size() < 3) {
            return List.of();
        }
        List<BlockMeta> candidates = byStart.subList(0, byStart.size() - 1);
        long highTime = candidates.get(candidates.size() - 1).minTime();
        for (long range : ranges(retention)) {
            Map<Long, List<BlockMeta>> windows = new TreeMap<>();
            for (BlockMeta b : candidates) {
                long w = Math.floorDiv(b.minTime(), range);
                if (b.maxTime() <= (w + 1) * range) {
                    windows.computeIfAbsent(w, k -> new ArrayList<>()).add(b);
                }
            }
            for (Map.Entry<Long, List<BlockMeta>> e : windows.entrySet()) {
                List<BlockMeta> group = e.getValue();
                long windowEnd = (e.getKey() + 1) * range;
                long mint = group.get(0).minTime();
                long maxt = group.get(group.size() - 1).maxTime();
                if (group.size() >= 2 && windowEnd <= horizon && (maxt - mint == range || maxt <= highTime)) {
                    return group.stream().map(BlockMeta::ulid).toList();
                }
            }
        }
        return List.of();
    }

    /** The first run of blocks (by start) each overlapping one before it, oldest first; empty when none overlap. */
    private static List<String> firstOverlapping(List<BlockMeta> byStart) {
        List<String> run = new ArrayList<>();
        long maxEnd = byStart.get(0).maxTime();
        for (int i = 1; i < byStart.size(); i++) {
            BlockMeta b = byStart.get(i);
            if (b.minTime() < maxEnd) {
                if (run.isEmpty()) {
                    run.add(byStart.get(i - 1).ulid());
                }
                run.add(b.ulid());
            } else if (!run.isEmpty()) {
                break;
            }
            maxEnd = Math.max(maxEnd, b.maxTime());
        }
        return run;
    }
}
