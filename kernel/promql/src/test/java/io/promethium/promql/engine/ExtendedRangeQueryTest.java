package io.promethium.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.engine.testing.InMemoryStorage;
import io.promethium.testsupport.FixedQueryable;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Anchored and smoothed selectors (promql-extended-range-selectors) emit their series and fail alike. */
class ExtendedRangeQueryTest {

    private static final Labels FLOATS = Labels.of("__name__", "req_total", "job", "a");
    private static final Labels HISTOGRAMS = Labels.of("__name__", "req_total", "job", "h");

    private final QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(Set.of(EngineOptions.EXTENDED_RANGE_SELECTORS)));

    private static InMemoryStorage counters() {
        InMemoryStorage storage = new InMemoryStorage();
        for (int i = 0; i <= 10; i++) {
            storage.add(FLOATS, i * 15_000L, i);
            storage.add(HISTOGRAMS, i * 15_000L, FloatHistogram.exponential(0, 0, 0, i, i, HistogramSpans.pairs(0, 1), i));
        }
        return storage;
    }

    private static List<Sample> samples(QueryResult r) {
        return ((InstantVector) r.value()).samples();
    }

    @Test
    void anchoredRateDropsTheNameAndGivesFloatsAndHistogramsPerSeries() {
        List<Sample> out = samples(engine.instantQuery(counters(), "increase(req_total[1m] anchored)", 150_000));
        assertThat(out).extracting(Sample::labels).containsExactly(Labels.of("job", "a"), Labels.of("job", "h"));
        assertThat(out.get(0).h()).isNull();
        assertThat(out.get(0).v()).isEqualTo(4.0);
        assertThat(out.get(1).h()).isNotNull();
        assertThat(out.get(1).h().count()).isEqualTo(4.0);
    }

    @Test
    void aSmoothedSelectorKeepsTheNameAndGivesFloatsAndHistogramsPerSeries() {
        List<Sample> out = samples(engine.instantQuery(counters(), "req_total smoothed", 150_000));
        assertThat(out).extracting(Sample::labels).containsExactly(FLOATS, HISTOGRAMS);
        assertThat(out.get(0).v()).isEqualTo(10.0);
        assertThat(out.get(1).h().count()).isEqualTo(10.0);
    }

    @Test
    void bothCountTheirSamplesAgainstTheQueryLimit() {
        QueryEngine small = QueryEngine.create(new EngineOptions(Duration.ofMinutes(5), Duration.ofMinutes(2), 4, 3,
                Set.of(EngineOptions.EXTENDED_RANGE_SELECTORS)));
        for (String query : List.of("increase(req_total[1m] anchored)", "req_total smoothed")) {
            assertThatThrownBy(() -> small.rangeQuery(counters(), query, 0, 150_000, 15_000)).as(query)
                    .isInstanceOf(QueryException.class).hasMessageContaining("too many samples");
        }
    }

    @Test
    void aStorageErrorFailsBothAnchoredAndSmoothedQueries() {
        Queryable broken = FixedQueryable.of(() -> SeriesSet.failed(new IllegalStateException("block 7 unreadable")));
        for (String query : List.of("increase(req_total[1m] anchored)", "req_total smoothed")) {
            assertThatThrownBy(() -> engine.instantQuery(broken, query, 150_000)).as(query)
                    .isInstanceOf(QueryException.class).hasMessageContaining("block 7 unreadable");
        }
    }
}
