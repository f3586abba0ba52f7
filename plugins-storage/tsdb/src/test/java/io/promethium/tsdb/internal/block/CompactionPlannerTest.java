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
    void windowTheHeadHasNotPassedIsLeftAlone() {
        List<BlockMeta> blocks = List.of(block("a", 0, 2), block("b", 2, 4));
        assertThat(planner.plan(blocks, Duration.ofDays(15), 5 * H)).isEmpty();
    }

    @Test
    void blockSpanningTwoWindowsIsNotPulledIntoEither() {
        List<BlockMeta> blocks = List.of(block("big", 0, 18), block("x", 18, 20), block("y", 20, 22));
        assertThat(planner.plan(blocks, Duration.ofDays(15), 40 * H)).containsExactly("x", "y");
    }
}
