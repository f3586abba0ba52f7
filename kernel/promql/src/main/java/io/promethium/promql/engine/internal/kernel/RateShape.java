package io.promethium.promql.engine.internal.kernel;

/**
 * The last window shape {@link RangeKernels#extrapolatedRate(long[], double[], int, int, long, long, boolean, boolean, RateShape)}
 * met, and the extrapolation factor it worked out for it. A window's factor depends only on its
 * shape: how far its first and last samples lie from its edges, their span, how many samples it
 * holds, and its length. Scrape timestamps are aligned to the scrape interval (by the scraper, as
 * Prometheus's are, and in any backfill), so window after window of a range query has the same
 * shape, and the factor's eight divisions (a third of {@code rate}'s time over a fleet in a JFR
 * profile) would be worked out again each time to the same bits. One per reading thread; not
 * thread-safe.
 */
public final class RateShape {
    private long toStartMs = Long.MIN_VALUE;
    private long toEndMs;
    private long spanMs;
    private long rangeMs;
    private int samples;
    private boolean isRate;
    /** Seconds extrapolated before the first sample, before the counter's zero limit. */
    private double durationToStart;
    /** The whole factor: the extrapolated span over the sampled one, per second for a rate. */
    private double factor;
    /**
     * A first value of at least {@code result * zeroBound} puts a counter's zero point no nearer
     * than {@link #durationToStart}, so the zero limit cannot apply (see {@link #zeroLimitCannotApply}).
     */
    private double zeroBound;

    /** Whether this is the shape last {@linkplain #remember remembered}. */
    boolean is(long toStartMs, long toEndMs, long spanMs, long rangeMs, int samples, boolean isRate) {
        return toStartMs == this.toStartMs && toEndMs == this.toEndMs && spanMs == this.spanMs && rangeMs == this.rangeMs
                && samples == this.samples && isRate == this.isRate;
    }

    void remember(long toStartMs, long toEndMs, long spanMs, long rangeMs, int samples, boolean isRate, double durationToStart,
            double sampledInterval, double factor) {
        this.toStartMs = toStartMs;
        this.toEndMs = toEndMs;
        this.spanMs = spanMs;
        this.rangeMs = rangeMs;
        this.samples = samples;
        this.isRate = isRate;
        this.durationToStart = durationToStart;
        this.factor = factor;
        // 2^-40 of margin covers the four roundings between this bound and the comparison the
        // zero limit makes (each at most 2^-53 relative), so the shortcut never skips a limit
        // that applies; a first value within the margin just takes the full computation.
        this.zeroBound = durationToStart / sampledInterval * (1 + 0x1p-40);
    }

    double factor() {
        return factor;
    }

    /**
     * Whether a counter whose window increased by {@code result} from {@code first} is sure not to
     * reach zero within {@link #durationToStart} before its first sample: {@code sampledInterval *
     * (first / result) >= durationToStart} in floating point, decided without the division. The
     * product is kept to normal numbers, where each rounding is relative.
     */
    boolean zeroLimitCannotApply(double first, double result) {
        if (durationToStart == 0) {
            return true;
        }
        double least = result * zeroBound;
        return least >= Double.MIN_NORMAL && first >= least;
    }
}
