package io.promethium.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopTenTest {

    @Test
    void keepsWhatSortingEverythingAndTakingTenWouldGiveTiesByName() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            List<HeadStats.Stat> all = new ArrayList<>();
            TopTen top = new TopTen();
            int n = random.nextInt(40);
            for (int i = 0; i < n; i++) {
                // Few distinct values: ties are the rule, as at one series per label pair.
                HeadStats.Stat stat = new HeadStats.Stat("s" + random.nextInt(1_000_000) + "-" + i, random.nextInt(4));
                all.add(stat);
                if (top.admits(stat.value())) {
                    top.offer(stat);
                }
            }
            List<HeadStats.Stat> expected = all.stream()
                    .sorted(Comparator.comparingLong(HeadStats.Stat::value).reversed().thenComparing(HeadStats.Stat::name))
                    .limit(10).toList();
            assertThat(top.list()).as("round %d, %d stats", round, n).isEqualTo(expected);
        }
    }
}
