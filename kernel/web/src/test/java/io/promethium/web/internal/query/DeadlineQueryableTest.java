package io.promethium.web.internal.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.testing.AbstractSampleIteratorWrapperContractTest;
import io.promethium.api.testing.FixedQueryable;
import io.promethium.promql.engine.QueryException;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The deadline view reads samples through unchanged and stops a query past its deadline. */
class DeadlineQueryableTest extends AbstractSampleIteratorWrapperContractTest {

    private static final Labels SERIES = Labels.of("__name__", "m");

    private static Queryable oneSeries(Supplier<SampleIterator> samples) {
        Series series = new Series() {
            @Override
            public Labels labels() {
                return SERIES;
            }

            @Override
            public SampleIterator iterator(SampleIterator reuse) {
                return samples.get();
            }
        };
        return FixedQueryable.of(() -> SeriesSet.ofList(List.of(series), List.of()));
    }

    private static SeriesSet select(Queryable q) {
        return q.querier(0, 10_000).select(true, null, List.of(Matcher.equal("__name__", "m")));
    }

    @Override
    protected SampleIterator wrap(SampleIterator source) {
        SeriesSet set = select(new DeadlineQueryable(oneSeries(() -> source), System.nanoTime() + 60_000_000_000L));
        assertThat(set.next()).isTrue();
        return set.at().iterator(null);
    }

    @Test
    void aQueryPastItsDeadlineTimesOut() {
        Queryable late = new DeadlineQueryable(oneSeries(AbstractSampleIteratorWrapperContractTest::mixedSource), System.nanoTime() - 1);
        assertThatThrownBy(() -> select(late)).isInstanceOf(QueryException.class).hasMessage(DeadlineQueryable.TIMED_OUT);
    }
}
