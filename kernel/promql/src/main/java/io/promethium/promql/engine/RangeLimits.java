package io.promethium.promql.engine;

/**
 * A range query's parameter checks, in the one place both the engine and the HTTP API call them,
 * with Prometheus's messages. The API calls them between parsing its parameters, in Prometheus's
 * order ({@code end} before {@code step} is parsed), the engine before evaluating.
 */
public final class RangeLimits {

    /** Prometheus refuses range queries with more points than this per series. */
    public static final long MAX_POINTS = 11_000;

    private RangeLimits() {
    }

    /** The end not before the start, else {@code bad_data} of parameter {@code end}. */
    public static void checkEnd(long startMillis, long endMillis) {
        if (endMillis < startMillis) {
            throw QueryException.invalidParameter("end", "end timestamp must not be before start time");
        }
    }

    /** A positive step ({@code bad_data} of parameter {@code step}) giving at most {@link #MAX_POINTS} points. */
    public static void checkStep(long startMillis, long endMillis, long stepMillis) {
        if (stepMillis <= 0) {
            throw QueryException.invalidParameter("step",
                    "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if ((endMillis - startMillis) / stepMillis > MAX_POINTS) {
            throw QueryException.badData(
                    "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }
    }
}
