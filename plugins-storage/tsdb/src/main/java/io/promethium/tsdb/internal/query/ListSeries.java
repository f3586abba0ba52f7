package io.promethium.tsdb.internal.query;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import java.util.function.Function;

/** A series whose iterator comes from a function of the reusable iterator. */
public record ListSeries(Labels labels, Function<SampleIterator, SampleIterator> iterators) implements Series {
    @Override
    public SampleIterator iterator(SampleIterator reuse) {
        return iterators.apply(reuse);
    }
}
