package io.promethium.promql.engine.conformance;

import io.promethium.api.model.Labels;

import java.util.List;

/** The commands of one test script, in file order. */
record Script(String file, List<Command> commands) {

    sealed interface Command permits Load, Clear, Eval {
        int line();
    }

    /** One series of a {@code load} block: values at t = i * step; {@link SeriesNotation#MISSING} skipped. */
    record LoadedSeries(Labels labels, double[] values) {
    }

    /**
     * A {@code load} block. Series with native histogram values are not loaded; their labels are
     * kept so a case that reads them can be told apart.
     */
    record Load(int line, long stepMillis, List<LoadedSeries> series, List<Labels> histogramSeries, boolean withNhcb)
            implements Command {
    }

    record Clear(int line) implements Command {
    }

    /** An expected output series; {@code labels} is null for a scalar result. */
    record ExpectedSeries(Labels labels, double[] values) {
    }

    /** What an {@code expect <kind>} line asks for: message or regex may be null. */
    record Expectation(String message, String regex) {
        boolean matches(String actual) {
            if (message != null) {
                return actual.equals(message);
            }
            if (regex != null) {
                return java.util.regex.Pattern.compile(regex).matcher(actual).find();
            }
            return true;
        }
    }

    /**
     * One {@code eval} case. For instant evals {@code start == end} and {@code step == 0}.
     * {@code rangeVector*} describe an {@code expect range vector} line (the instant query
     * returns a matrix), with {@code rangeVectorStep == 0} when absent.
     */
    record Eval(
            int line,
            String query,
            boolean instant,
            long start,
            long end,
            long step,
            Expectation fail,
            Expectation warn,
            boolean noWarn,
            Expectation info,
            boolean noInfo,
            boolean ordered,
            String expectedString,
            long rangeVectorStart,
            long rangeVectorEnd,
            long rangeVectorStep,
            List<ExpectedSeries> expected,
            String nativeHistogramReason) implements Command {
    }
}
