package io.promethium.promql.engine.conformance;

import io.promethium.promql.engine.notation.SeriesNotation;

import io.promethium.api.model.Labels;

import java.util.List;

/** The commands of one test script, in file order. */
record Script(String file, List<Command> commands) {

    sealed interface Command permits Load, Clear, Eval {
        int line();
    }

    /**
     * One series of a {@code load} block: values at t = i * step; {@link SeriesNotation#MISSING}
     * points are absent, {@link SeriesNotation#HISTOGRAM} points are native histogram samples;
     * {@code starts} (or null) the samples' start timestamps, read from a {@code name{...}@st} line
     * whose durations are relative to each point's time ({@code _} for none).
     */
    record LoadedSeries(Labels labels, double[] values, io.promethium.api.model.FloatHistogram[] hists, long[] starts) {
        LoadedSeries(Labels labels, double[] values) {
            this(labels, values, null, null);
        }

        LoadedSeries(Labels labels, double[] values, io.promethium.api.model.FloatHistogram[] hists) {
            this(labels, values, hists, null);
        }

        /** The start timestamp of point i (ms), {@code 0} for none: from the series' {@code @st} line. */
        long start(int i) {
            return starts == null || i >= starts.length ? 0 : starts[i];
        }

        boolean hasHistograms() {
            for (double v : values) {
                if (SeriesNotation.isHistogram(v)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A {@code load} block. With {@code load_with_nhcb}, {@code series} also holds the native
     * histogram with custom buckets made of each classic histogram: a histogram point wherever one
     * of its buckets has a sample.
     */
    record Load(int line, long stepMillis, List<LoadedSeries> series, boolean withNhcb) implements Command {
        boolean hasHistograms() {
            for (LoadedSeries s : series) {
                if (s.hasHistograms()) {
                    return true;
                }
            }
            return false;
        }
    }

    record Clear(int line) implements Command {
    }

    /** An expected output series; {@code labels} is null for a scalar result. */
    record ExpectedSeries(Labels labels, double[] values, io.promethium.api.model.FloatHistogram[] hists) {
        ExpectedSeries(Labels labels, double[] values) {
            this(labels, values, null);
        }

        io.promethium.api.model.FloatHistogram hist(int i) {
            return hists == null ? null : hists[i];
        }
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
