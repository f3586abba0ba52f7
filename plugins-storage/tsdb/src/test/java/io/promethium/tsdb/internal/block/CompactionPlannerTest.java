package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactionPlannerTest {
    static final long H = 3_600_000L;
    final CompactionPlanner planner = new CompactionPlanner(2 * H);

    static BlockMeta block(String id, long minHour, long maxHour) {
        return new BlockMeta(id, minHour * H, maxHour * H, 1, 1, 1, 1, List.of(id), List.of());
    }

    @Test
    void rangesTripleUpToATenthOfRetention() {
        assertThat(planner.ranges(Duration.ofDays(15))).containsExactly(6 * H, 18 * H);
        assertThat(planner.ranges(Duration.ZERO)).hasSize(5).endsWith(486 * H);
    }

    @Test
    void completeWindowWithSeveralBlocksIsMergedOldestFirst() {
        List<BlockMeta> blocks = List.of(block("c", 4, 6), block("a", 0, 2), block("b", 2, 4), block("d", 6, 8));
        assertThat(planner.plan(blocks, Duration.ofDays(15), 8 * H)).containsExactly("a", "b", "c");
    }

    @Test
    void newestBlockIsLeftOutUntilAnotherFollowsIt() {
        List<BlockMeta> three = List.of(block("a", 0, 2), block("b", 2, 4), block("c", 4, 6));
        assertThat(planner.plan(three, Duration.ofDays(15), 8 * H)).isEmpty();
        List<BlockMeta> four = List.of(block("a", 0, 2), block("b", 2, 4), block("c", 4, 6), block("d", 6, 8));
        assertThat(planner.plan(four, Duration.ofDays(15), 8 * H)).containsExactly("a", "b", "c");
    }

    @Test
    void windowNotSpannedWaitsUntilItEndsBeforeTheNewestBlockLeftIn() {
        // A first block cut short (the server started mid-window) leaves its window unspanned.
        List<BlockMeta> four = List.of(block("a", 1, 2), block("b", 2, 4), block("c", 4, 6), block("d", 6, 8));
        assertThat(planner.plan(four, Duration.ofDays(15), 10 * H)).isEmpty();
        List<BlockMeta> five = List.of(block("a", 1, 2), block("b", 2, 4), block("c", 4, 6), block("d", 6, 8),
                block("e", 8, 10));
        assertThat(planner.plan(five, Duration.ofDays(15), 10 * H)).containsExactly("a", "b", "c");
    }

    @Test
    void windowTheHeadHasNotPassedIsLeftAlone() {
        List<BlockMeta> blocks = List.of(block("a", 0, 2), block("b", 2, 4), block("c", 4, 6), block("d", 6, 8));
        assertThat(planner.plan(blocks, Duration.ofDays(15), 5 * H)).isEmpty();
    }

    @Test
    void blockSpanningTwoWindowsIsNotPulledIntoEither() {
        List<BlockMeta> blocks = List.of(block("big", 0, 18), block("x", 18, 20), block("y", 20, 22), block("z", 22, 24),
                block("next", 24, 26));
        assertThat(planner.plan(blocks, Duration.ofDays(15), 40 * H)).containsExactly("x", "y", "z");
    }

    @Test
    void overlappingBlocksAreMergedFirstNewestIncluded() {
        // An out-of-order block over an hour of a persisted 6 h block, beside a complete window.
        List<BlockMeta> blocks = List.of(block("six", 0, 6), block("ooo", 1, 2), block("x", 6, 8), block("y", 8, 10),
                block("z", 10, 12), block("next", 12, 14));
        assertThat(planner.plan(blocks, Duration.ofDays(15), 14 * H)).containsExactly("six", "ooo");
        assertThat(planner.plan(List.of(block("a", 0, 2), block("late", 1, 3)), Duration.ofDays(15), 0))
                .containsExactly("a", "late");
    }
}
