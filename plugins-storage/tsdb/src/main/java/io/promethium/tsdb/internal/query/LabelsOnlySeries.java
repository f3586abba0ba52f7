package io.promethium.tsdb.internal.query;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;

/**
 * A series listed for its labels only (a select hinted {@code "series"}: the series and label
 * APIs), found in a downsampled companion where raw data is gone: its aggregates are not raw
 * samples, so it yields none. {@code maxTime} is the newest point the companion holds for it, which
 * a retention wrapper compares with the series' cutoff instead of seeking into its samples.
 */
public record LabelsOnlySeries(Labels labels, long maxTime) implements Series {
    private static final SampleIterator EMPTY = new SampleIterator() {
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
            return Long.MIN_VALUE;
        }

        @Override
        public double value() {
            return Double.NaN;
        }
    };

    @Override
    public SampleIterator iterator(SampleIterator reuse) {
        return EMPTY;
    }
}
