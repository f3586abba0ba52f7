package io.promethium.api.storage;

import io.promethium.api.model.Labels;

/** One series of a {@link SeriesSet}: its labels and its samples. */
public interface Series {

    Labels labels();

    /**
     * An iterator over the series' samples in time order. Pass the iterator of an earlier series
     * as {@code reuse} to let the implementation recycle it (it may ignore it); {@code null} is fine.
     * Each call answers an iterator of its own, from the first sample: the query engine may ask
     * one series for several, on several threads at once (it reads a few long series' steps in
     * parts on several cores), so a series must not share an iterator's state between calls.
     */
    SampleIterator iterator(SampleIterator reuse);
}
