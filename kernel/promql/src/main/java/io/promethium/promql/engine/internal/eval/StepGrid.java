package io.promethium.promql.engine.internal.eval;

/**
 * The evaluation times of a query or subquery: {@code start, start + interval, ... <= end}.
 * An instant query is a grid of one step.
 */
record StepGrid(long start, long end, long interval, int steps) {

    static StepGrid of(long start, long end, long interval) {
        if (end < start) {
            throw new IllegalArgumentException("end before start");
        }
        long n = interval <= 0 ? 1 : (end - start) / interval + 1;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many steps: " + n);
        }
        return new StepGrid(start, end, interval <= 0 ? 1 : interval, (int) n);
    }

    long time(int step) {
        return start + step * interval;
    }
}
