package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentByMatchersTest {

    private static List<Matcher> name(String metric) {
        return List.of(Matcher.equal(Labels.METRIC_NAME, metric));
    }

    @Test
    void keepsAnswersByMatchersAndEvictsTheLeastRecentlyUsedOverTheBound() {
        RecentByMatchers<int[]> recent = new RecentByMatchers<>(64, a -> a.length);
        int quarter = recent.maxEntry();
        for (int i = 0; i < 4; i++) {
            recent.put(name("m" + i), new int[quarter]);
        }
        assertThat(recent.get(List.of(Matcher.equal(Labels.METRIC_NAME, "m0")))).isNotNull();

        recent.put(name("m4"), new int[1]); // over the bound: m1, the least recently used, goes

        assertThat(recent.get(name("m1"))).isNull();
        assertThat(recent.get(name("m0"))).isNotNull();
        assertThat(recent.get(name("m4"))).isNotNull();
        assertThat(recent.size()).isEqualTo(3 * quarter + 1);
    }

    @Test
    void doesNotKeepAnAnswerOfMoreThanAQuarterOfTheBound() {
        RecentByMatchers<int[]> recent = new RecentByMatchers<>(64, a -> a.length);
        recent.put(name("big"), new int[recent.maxEntry() + 1]);
        assertThat(recent.get(name("big"))).isNull();
        assertThat(recent.size()).isZero();
    }

    @Test
    void replacingAnAnswerCountsOnlyTheNewOne() {
        RecentByMatchers<int[]> recent = new RecentByMatchers<>(64, a -> a.length);
        recent.put(name("m"), new int[10]);
        recent.put(name("m"), new int[3]);
        assertThat(recent.size()).isEqualTo(3);
    }
}
