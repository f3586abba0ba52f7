package io.promethium.promql.engine.internal.eval;

import io.promethium.promql.engine.SeriesData;

import java.util.List;

/** The intermediate values of evaluation, each over all steps of the grid it was evaluated on. */
final class Values {

    private Values() {
    }

    sealed interface EvalValue permits ScalarSteps, StringLit, StepVector, MatrixValue {
    }

    /** A scalar per step. */
    record ScalarSteps(double[] values) implements EvalValue {
    }

    record StringLit(String value) implements EvalValue {
    }

    /** An instant vector over the grid. */
    record StepVector(List<StepSeries> series) implements EvalValue {
    }

    /** A range vector at a single evaluation time (only as an instant query's result). */
    record MatrixValue(List<SeriesData> series) implements EvalValue {
    }
}
