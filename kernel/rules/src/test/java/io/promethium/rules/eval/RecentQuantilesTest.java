package io.promethium.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.rules.internal.eval.RecentQuantiles;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentQuantilesTest {

    @Test
    void quantilesOverAllPartsUseTheNearestRank() {
        RecentQuantiles a = new RecentQuantiles();
        RecentQuantiles b = new RecentQuantiles();
        for (int i = 1; i <= 50; i++) {
            a.observe(i);
            b.observe(50 + i);
        }
        assertThat(RecentQuantiles.quantile(List.of(a, b), 0.5)).isEqualTo(50);
        assertThat(RecentQuantiles.quantile(List.of(a, b), 0.9)).isEqualTo(90);
        assertThat(RecentQuantiles.quantile(List.of(a, b), 0.99)).isEqualTo(99);
    }

    @Test
    void onlyTheMostRecentObservationsCount() {
        RecentQuantiles q = new RecentQuantiles();
        for (int i = 0; i < 5000; i++) {
            q.observe(i < 3000 ? 1000 : 1);
        }
        assertThat(RecentQuantiles.quantile(List.of(q), 0.99)).isEqualTo(1);
    }

    @Test
    void noObservationsIsNaN() {
        assertThat(RecentQuantiles.quantile(List.of(new RecentQuantiles()), 0.5)).isNaN();
    }
}
