package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;

import java.util.List;

/**
 * The argument of a range function, ready to window: the series (from storage or from a
 * subquery's evaluation) and, per step, the window end; each window is {@code (end - range, end]}.
 */
final class RangeInput {
    final List<Labels> labels;
    private final List<Series> storageSeries;
    private final List<long[]> arrayTimes;
    private final List<double[]> arrayValues;
    private final int[] arrayLengths;
    /** Per array series, its histograms (null for floats only); null for storage input. */
    List<io.promethium.promql.engine.internal.kernel.NativeHistogram[]> arrayHists;
    final long range;
    final long[] windowEnds;
    /** Whether histogram samples get counter-reset hints from the sample read before them (statistics-only reads). */
    boolean statsHints;

    private RangeInput(List<Labels> labels, List<Series> storageSeries, List<long[]> arrayTimes, List<double[]> arrayValues,
            int[] arrayLengths, long range, long[] windowEnds) {
        this.labels = labels;
        this.storageSeries = storageSeries;
        this.arrayTimes = arrayTimes;
        this.arrayValues = arrayValues;
        this.arrayLengths = arrayLengths;
        this.range = range;
        this.windowEnds = windowEnds;
    }

    static RangeInput ofStorage(List<Labels> labels, List<Series> series, long range, long[] windowEnds) {
        return new RangeInput(labels, series, null, null, null, range, windowEnds);
    }

    static RangeInput ofArrays(List<Labels> labels, List<long[]> ts, List<double[]> vs, int[] lengths, long range, long[] windowEnds) {
        return new RangeInput(labels, null, ts, vs, lengths, range, windowEnds);
    }

    int size() {
        return labels.size();
    }

    SampleIterator iterator(int i, SampleIterator reuse) {
        if (storageSeries != null) {
            return storageSeries.get(i).iterator(reuse);
        }
        return new ArraySampleIterator(arrayTimes.get(i), arrayValues.get(i), arrayHists == null ? null : arrayHists.get(i), arrayLengths[i]);
    }
}
