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
        return !Absent.is(values[step]);
    }

    int presentCount() {
        int n = 0;
        for (double v : values) {
            if (!Absent.is(v)) {
                n++;
            }
        }
        return n;
    }

    /** The labels as returned to the user: without the name when it is to be dropped. */
    Labels outputLabels() {
        return dropName ? labels.without(Labels.METRIC_NAME) : labels;
    }
}
