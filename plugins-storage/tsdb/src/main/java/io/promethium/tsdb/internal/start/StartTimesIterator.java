package io.promethium.tsdb.internal.start;

import io.promethium.api.storage.ForwardingSampleIterator;
import io.promethium.api.storage.SampleIterator;

/**
 * A series' samples with their start timestamps: the samples of {@code inner}, the starts looked
 * up in change points by a cursor that only moves forward, as the iterator does.
 */
public final class StartTimesIterator extends ForwardingSampleIterator {
    private SampleIterator inner;
    private StartTimes.Points points;
    private int k;

    /** Wraps {@code inner}; reuses {@code reuse} when it is one of these. */
    public static StartTimesIterator wrap(SampleIterator inner, StartTimes.Points points, SampleIterator reuse) {
        StartTimesIterator it = reuse instanceof StartTimesIterator s ? s : new StartTimesIterator();
        it.inner = inner;
        it.points = points;
        it.k = 0;
        return it;
    }

    /** The wrapped iterator of {@code reuse} if it is one of these (to hand back to the inner storage), else {@code reuse}. */
    public static SampleIterator unwrap(SampleIterator reuse) {
        return reuse instanceof StartTimesIterator s ? s.inner : reuse;
    }

    @Override
    protected SampleIterator delegate() {
        return inner;
    }

    /** Start timestamps are looked up by time, so the floats' runs can come straight from the inner iterator. */
    @Override
    public int readFloats(long maxT, long[] ts, double[] vs, int off, int max) {
        return inner.readFloats(maxT, ts, vs, off, max);
    }

    @Override
    public long startTimestamp() {
        long t = inner.timestamp();
        long[] at = points.at();
        int n = points.n();
        if (k > 0 && at[k - 1] > t) {
            k = 0;
        }
        while (k < n && at[k] <= t) {
            k++;
        }
        return k == 0 ? NO_START_TIMESTAMP : points.st()[k - 1];
    }
}
