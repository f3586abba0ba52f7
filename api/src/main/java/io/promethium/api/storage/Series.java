package io.promethium.api.storage;

import io.promethium.api.model.Labels;

/** One series of a {@link SeriesSet}: its labels and its samples. */
public interface Series {

    Labels labels();

    /**
     * An iterator over the series' samples in time order. Pass the iterator of an earlier series
     * as {@code reuse} to let the implementation recycle it (it may ignore it); {@code null} is fine.
     */
    SampleIterator iterator(SampleIterator reuse);
}
