package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
    static final long H = 3_600_000L;

    private static BlockMeta block(String id, long minHour, long maxHour) {
        return new BlockMeta(id, minHour * H, maxHour * H, 1, 1, 1, 1, List.of(id), List.of());
    }

    private final List<BlockMeta> blocks = List.of(block("a", 0, 6), block("b", 6, 12), block("c", 12, 18));
    private final List<Long> sizes = List.of(100L, 100L, 100L);

    @Test
    void timeRetentionDropsBlocksEndingBeforeTheWindow() {
        Retention.Decision d = Retention.decide(blocks, sizes, 20 * H, Duration.ofHours(10), 0, 0);
        assertThat(d.byTime()).containsExactly("a");
        assertThat(d.bySize()).isEmpty();
    }

    @Test
    void sizeRetentionDropsOldestUntilBlocksAndWalFit() {
        Retention.Decision d = Retention.decide(blocks, sizes, 20 * H, Duration.ZERO, 150, 40);
        assertThat(d.bySize()).containsExactly("a", "b");
    }

    @Test
    void bothLimitsCountEachBlockOnce() {
        Retention.Decision d = Retention.decide(blocks, sizes, 20 * H, Duration.ofHours(10), 250, 0);
        assertThat(d.byTime()).containsExactly("a");
        assertThat(d.bySize()).isEmpty();
    }

    @Test
    void zeroLimitsKeepEverything() {
        assertThat(Retention.decide(blocks, sizes, 1000 * H, Duration.ZERO, 0, 1 << 30).isEmpty()).isTrue();
    }
}
