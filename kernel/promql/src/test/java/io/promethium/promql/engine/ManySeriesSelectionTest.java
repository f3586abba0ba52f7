package io.promethium.promql.engine;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.promql.engine.testing.InMemoryStorage;
import io.promethium.testsupport.SeriesMappingQueryable;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Selections large enough to be read on several cores answer as one thread would, in selection order. */
class ManySeriesSelectionTest {

    private static final int SERIES = 20_000;

    private static InMemoryStorage storage() {
        InMemoryStorage storage = new InMemoryStorage();
        for (int s = 0; s < SERIES; s++) {
            Labels labels = Labels.of("__name__", "x", "instance", String.format("i%05d", s));
            for (int i = 0; i < 10; i++) {
                storage.add(labels, i * 60_000L, i * (s + 1));
            }
        }
        return storage;
    }

    @Test
    void aLargeInstantSelectionKeepsTheStoragesOrderAndEverySeriesValue() {
        InMemoryStorage storage = storage();
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
        List<Sample> samples = ((InstantVector) engine.instantQuery(storage, "x", 300_000).value()).samples();
        assertThat(samples).hasSize(SERIES);
        for (int s = 0; s < SERIES; s++) {
            assertThat(samples.get(s).labels().get("instance")).isEqualTo(String.format("i%05d", s));
            assertThat(samples.get(s).v()).isEqualTo(5.0 * (s + 1));
        }
        assertThat(((InstantVector) engine.instantQuery(storage, "count(x)", 300_000).value()).samples().get(0).v())
                .isEqualTo(SERIES);
        assertThat(((InstantVector) engine.instantQuery(storage, "sum(timestamp(x))", 300_000).value()).samples().get(0).v())
                .isEqualTo(300.0 * SERIES);
        QueryResult range = engine.rangeQuery(storage, "sum(x)", 0, 540_000, 60_000);
        List<SeriesData> rows = ((RangeMatrix) range.value()).series();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).values()[9]).isEqualTo(9.0 * SERIES * (SERIES + 1) / 2);
        assertThat(range.stats().totalQueryableSamples()).isEqualTo(10L * SERIES);
    }

    @Test
    void aLargeRangeFunctionAnswersEachSeriesAsASmallSelectionOfItDoes() {
        InMemoryStorage storage = new InMemoryStorage();
        for (int s = 0; s < SERIES; s++) {
            // Seven metric names without _total: rate() notes each as perhaps not a counter.
            Labels labels = Labels.of("__name__", "m" + (s % 7), "instance", String.format("i%05d", s));
            for (int i = 0; i < 10; i++) {
                storage.add(labels, i * 60_000L + s % 13, i * (s % 100 + 1) + (i == 6 && s % 3 == 0 ? -50 : 0));
            }
        }
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
        for (String fn : List.of("rate(%s[5m])", "avg_over_time(%s[3m])", "max_over_time(%s[2m])")) {
            QueryResult all = engine.instantQuery(storage, String.format(fn, "{__name__=~\"m.\"}"), 420_000);
            List<Sample> samples = ((InstantVector) all.value()).samples();
            assertThat(samples).hasSize(SERIES);
            java.util.Map<Labels, Double> byLabels = new java.util.HashMap<>();
            samples.forEach(x -> byLabels.put(x.labels(), x.v()));
            for (int s = 0; s < SERIES; s += 997) {
                String one = String.format("m%d{instance=\"i%05d\"}", s % 7, s);
                Sample alone = ((InstantVector) engine.instantQuery(storage, String.format(fn, one), 420_000).value()).samples().get(0);
                assertThat(byLabels.get(alone.labels())).as(fn + " of " + one).isEqualTo(alone.v());
            }
            RangeMatrix range = (RangeMatrix) engine.rangeQuery(storage, String.format("sum(" + fn + ")", "{__name__=~\"m.\"}"), 0, 540_000,
                    60_000).value();
            assertThat(range.series()).hasSize(1);
        }
        // Infos come out in the order one thread gives them: the names in selection order.
        InMemoryStorage few = new InMemoryStorage();
        for (int s = 0; s < 7; s++) {
            few.add(Labels.of("__name__", "m" + s, "instance", String.format("i%05d", s)), 0, 1);
            few.add(Labels.of("__name__", "m" + s, "instance", String.format("i%05d", s)), 60_000, 2);
        }
        List<String> infos = engine.instantQuery(storage, "rate({__name__=~\"m.\"}[5m])", 420_000).infos();
        assertThat(infos).hasSize(7).isEqualTo(engine.instantQuery(few, "rate({__name__=~\"m.\"}[5m])", 120_000).infos());
    }

    @Test
    void aLargeSelectionPastTheSampleLimitFailsAsOneThreadWould() {
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS.withMaxSamples(SERIES / 2));
        assertThatThrownBy(() -> engine.instantQuery(storage(), "x", 300_000))
                .isInstanceOf(QueryException.class)
                .hasMessage("query processing would load too many samples into memory in query execution");
    }

    @Test
    void aSeriesFailingToReadInALargeSelectionFailsTheQuery() {
        InMemoryStorage storage = storage();
        Queryable failing = SeriesMappingQueryable.of(storage,
                s -> s.labels().get("instance").equals("i15000") ? new Broken(s.labels()) : s);
        assertThatThrownBy(() -> QueryEngine.create(EngineOptions.DEFAULTS).instantQuery(failing, "count(x)", 300_000))
                .isInstanceOf(QueryException.class)
                .hasMessage("error querying storage: chunk unreadable")
                .satisfies(e -> assertThat(((QueryException) e).errorType()).isEqualTo(QueryException.INTERNAL));
    }

    /** A series whose samples cannot be read. */
    private record Broken(Labels labels) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return new SampleIterator() {
                @Override
                public boolean next() {
                    return false;
                }

                @Override
                public boolean seek(long t) {
                    return false;
                }

                @Override
                public long timestamp() {
                    throw new IllegalStateException();
                }

                @Override
                public double value() {
                    throw new IllegalStateException();
                }

                @Override
                public Throwable error() {
                    return new IllegalStateException("chunk unreadable");
                }
            };
        }
    }
}
