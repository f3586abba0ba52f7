package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.promql.engine.Sample;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An instant query's samples as a read-only view of the evaluator's step rows (step series, or a
 * bare selector's flat array): a {@link Sample}
 * is made when asked for (by the encoder, one at a time) and dies young, instead of one per series
 * held with the answer. At ten million series those held samples and their list were most of the
 * objects a young collection copied while the answer was written.
 */
public final class StepSamples extends AbstractList<Sample> implements RandomAccess {
    private final long t;
    private final Aggregations.Rows rows;
    /** The rows with a sample, in answer order. */
    private final int[] present;
    /** Their output labels, computed once. */
    private final Labels[] labels;

    StepSamples(long t, Aggregations.Rows rows, int[] present, Labels[] labels) {
        this.t = t;
        this.rows = rows;
        this.present = present;
        this.labels = labels;
    }

    @Override
    public Sample get(int index) {
        int row = present[index];
        NativeHistogram[] hists = rows.hists(row);
        NativeHistogram h = hists == null ? null : hists[0];
        return h == null ? new Sample(labels[index], t, rows.values(row)[rows.offset(row)])
                : new Sample(labels[index], t, 0, h.toFloatHistogram());
    }

    @Override
    public int size() {
        return labels.length;
    }
}
