package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.promql.engine.internal.kernel.Absent;

import java.util.Arrays;

/**
 * One series of an instant vector over all steps of a grid: a value per step, {@link Absent}
 * where the series has no sample. {@code dropName} is Prometheus's delayed name removal: the
 * metric name stays for matching and is removed when the result is returned.
 */
final class StepSeries {
    Labels labels;
    final double[] values;
    boolean dropName;
    /**
     * Native histogram samples: null for a series of floats only (the common case, no cost);
     * else a histogram where an entry is set, its {@code values} slot then being {@link Absent}
     * so that float-only code skips it as Prometheus's float functions skip histograms.
     */
    io.promethium.promql.engine.internal.kernel.NativeHistogram[] hists;

    StepSeries(Labels labels, double[] values, boolean dropName) {
        this.labels = labels;
        this.values = values;
        this.dropName = dropName;
    }

    static StepSeries empty(Labels labels, int steps, boolean dropName) {
        double[] values = new double[steps];
        Arrays.fill(values, Absent.VALUE);
        return new StepSeries(labels, values, dropName);
    }

    boolean has(int step) {
        return !Absent.is(values[step]) || hists != null && hists[step] != null;
    }

    /** The histogram at {@code step}, or null when there is a float or nothing. */
    io.promethium.promql.engine.internal.kernel.NativeHistogram hist(int step) {
        return hists == null ? null : hists[step];
    }

    /** Sets a histogram sample at {@code step}. */
    void setHist(int step, io.promethium.promql.engine.internal.kernel.NativeHistogram h) {
        if (hists == null) {
            hists = new io.promethium.promql.engine.internal.kernel.NativeHistogram[values.length];
        }
        hists[step] = h;
        values[step] = Absent.VALUE;
    }

    /** Removes whatever sample is at {@code step}. */
    void clear(int step) {
        values[step] = Absent.VALUE;
        if (hists != null) {
            hists[step] = null;
        }
    }

    int presentCount() {
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (has(i)) {
                n++;
            }
        }
        return n;
    }

    /** The labels as returned to the user: without the name when it is to be dropped. */
    Labels outputLabels(boolean typeAndUnit) {
        return dropName ? withoutName(labels, typeAndUnit) : labels;
    }

    /**
     * {@code labels} once the metric name is dropped. Under Prometheus's type-and-unit-labels the
     * name's {@code __type__} and {@code __unit__} go with it: they describe the metric, not the
     * result of an operation on it.
     */
    static Labels withoutName(Labels labels, boolean typeAndUnit) {
        return typeAndUnit ? labels.without(Labels.METRIC_NAME, TYPE_LABEL, UNIT_LABEL) : labels.without(Labels.METRIC_NAME);
    }

    static final String TYPE_LABEL = "__type__";
    static final String UNIT_LABEL = "__unit__";
}
