package io.promethium.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.promql.engine.testing.InMemoryStorage;
import io.promethium.testsupport.SeriesMappingQueryable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A series whose read fails part way, as a block's chunk failing its checksum does after the
 * series' earlier chunks were read: every query shape that reads past the failure fails with
 * the storage's error, rather than answering the samples read before it as the whole series.
 */
class StorageReadFailureTest {

    private static final long MINUTE = 60_000;
    /** Ten samples a minute apart; the read fails on reaching the sixth. */
    private static final int SAMPLES = 10;
    private static final long FAILS_AT = 5 * MINUTE;

    private static Queryable storage() {
        InMemoryStorage storage = new InMemoryStorage();
        Labels x = Labels.of("__name__", "x", "job", "a");
        for (int i = 0; i < SAMPLES; i++) {
            storage.add(x, i * MINUTE, i);
        }
        storage.add(Labels.of("__name__", "x", "job", "b"), 0, 1);
        return SeriesMappingQueryable.of(storage, s -> s.labels().get("job").equals("a") ? new FailingPartWay(s.labels()) : s);
    }

    @Test
    void everyInstantQueryReadingPastTheFailureFailsWithTheStoragesError() {
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
        for (String query : List.of("x[10m]", "x", "count_over_time(x[10m])", "last_over_time(x[10m])", "x[10m:1m]",
                "rate(x[10m])", "sum(x)")) {
            assertThatThrownBy(() -> engine.instantQuery(storage(), query, 9 * MINUTE)).as(query)
                    .isInstanceOf(QueryException.class)
                    .hasMessage("error querying storage: block 01TEST: checksum mismatch")
                    .satisfies(e -> assertThat(((QueryException) e).errorType()).isEqualTo(QueryException.INTERNAL));
        }
    }

    @Test
    void aRangeQueryReadingPastTheFailureFailsWithTheStoragesError() {
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
        for (String query : List.of("x", "count_over_time(x[2m])")) {
            assertThatThrownBy(() -> engine.rangeQuery(storage(), query, 0, 9 * MINUTE, MINUTE)).as(query)
                    .isInstanceOf(QueryException.class)
                    .hasMessage("error querying storage: block 01TEST: checksum mismatch");
        }
    }

    @Test
    void aQueryEndingBeforeTheFailureAnswers() {
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
        QueryResult result = engine.instantQuery(storage(), "x{job=\"a\"}[10m]", 3 * MINUTE);
        assertThat(((RangeMatrix) result.value()).series()).singleElement().satisfies(s -> assertThat(s.length()).isEqualTo(4));
    }

    /** Samples {@code 0..SAMPLES-1} a minute apart whose read fails on reaching {@link #FAILS_AT}. */
    private record FailingPartWay(Labels labels) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return new SampleIterator() {
                private int i = -1;
                private Throwable error;

                @Override
                public boolean next() {
                    if (error != null || i >= SAMPLES - 1) {
                        return false;
                    }
                    if ((i + 1) * MINUTE >= FAILS_AT) {
                        error = new IllegalStateException("block 01TEST: checksum mismatch");
                        return false;
                    }
                    i++;
                    return true;
                }

                @Override
                public boolean seek(long t) {
                    if (i >= 0 && timestamp() >= t) {
                        return true;
                    }
                    while (next()) {
                        if (timestamp() >= t) {
                            return true;
                        }
                    }
                    return false;
                }

                @Override
                public long timestamp() {
                    return i * MINUTE;
                }

                @Override
                public double value() {
                    return i;
                }

                @Override
                public Throwable error() {
                    return error;
                }
            };
        }
    }
}
