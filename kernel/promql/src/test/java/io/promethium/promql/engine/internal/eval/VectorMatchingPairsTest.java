package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.InstantVector;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.Sample;
import io.promethium.promql.engine.SeriesData;
import io.promethium.promql.engine.testing.InMemoryStorage;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Binary operators between vectors whose pairs stay the same at every step are worked out pair by
 * pair over the steps; each step must still answer as an instant query at its time does (one
 * step, where both ways are the same walk), including where pairs start and stop at different steps.
 */
class VectorMatchingPairsTest {
    private static final long STEP = 30_000;

    private static InMemoryStorage fleet(SplittableRandom random) {
        InMemoryStorage storage = new InMemoryStorage();
        for (int h = 0; h < 40; h++) {
            for (String name : new String[] {"total", "free", "limit"}) {
                Labels labels = Labels.of("__name__", name, "host", "h" + h, "zone", "z" + h % 3);
                // Each series starts and stops at its own time, with gaps longer than the lookback.
                long from = random.nextInt(20) * 15_000L;
                long to = 3_600_000 - random.nextInt(20) * 15_000L;
                for (long t = from; t <= to; t += 15_000) {
                    int kind = random.nextInt(50);
                    if (kind == 0) {
                        t += 400_000;
                    } else if (kind == 1) {
                        storage.add(labels, t, StaleMarker.STALE_NAN);
                    } else {
                        storage.add(labels, t, name.equals("limit") ? 1 + h % 4 : random.nextInt(1000) / 8.0);
                    }
                }
            }
        }
        return storage;
    }

    @Test
    void everyStepAnswersAsAnInstantQueryAtItsTime() {
        SplittableRandom random = new SplittableRandom(3);
        InMemoryStorage storage = fleet(random);
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
        int compared = 0;
        for (String q : new String[] {"total - free", "total > free", "total >= bool free", "free / ignoring(zone) total",
                "total * on(host) group_left limit", "limit - on(host, zone) group_right total", "sum by (zone) (total - free)"}) {
            RangeMatrix m = (RangeMatrix) engine.rangeQuery(storage, q, 0, 3_600_000, STEP).value();
            Map<Long, Map<Labels, Double>> byTime = new HashMap<>();
            for (SeriesData s : m.series()) {
                for (int i = 0; i < s.length(); i++) {
                    byTime.computeIfAbsent(s.timestamps()[i], t -> new HashMap<>()).put(s.labels(), s.values()[i]);
                }
            }
            for (long t = 0; t <= 3_600_000; t += STEP) {
                Map<Labels, Double> want = new HashMap<>();
                for (Sample s : ((InstantVector) engine.instantQuery(storage, q, t).value()).samples()) {
                    want.put(s.labels(), s.v());
                }
                assertThat(byTime.getOrDefault(t, Map.of())).as("%s at %d", q, t).isEqualTo(want);
                compared += want.size();
            }
        }
        assertThat(compared).isGreaterThan(10_000);
    }

    @Test
    void aResultLabelSetTwoPairsShareIsStillAnError() {
        InMemoryStorage storage = new InMemoryStorage();
        for (long t = 0; t <= 600_000; t += 15_000) {
            storage.add(Labels.of("__name__", "a", "x", "1", "k", "p"), t, 1);
            storage.add(Labels.of("__name__", "a", "x", "1", "k", "q"), t, 2);
            storage.add(Labels.of("__name__", "b", "x", "1", "k", "r"), t, 3);
        }
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
        // Both left series take k="r" from the one right series: the same labels twice at each step.
        assertThatThrownBy(() -> engine.rangeQuery(storage, "a * on(x) group_left(k) b", 0, 600_000, STEP))
                .isInstanceOf(QueryException.class).hasMessage("multiple matches for labels: grouping labels must ensure unique matches");
    }
}
