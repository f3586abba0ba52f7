package io.promethium.api.model;

/**
 * The staleness marker: a NaN with a bit pattern of its own, written when a series vanishes so
 * that queries stop returning it at once instead of after the lookback window. Arithmetic NaNs
 * have other bits, so the marker is compared by bits, never by value.
 */
public final class StaleMarker {
    /** Prometheus's value.StaleNaN bits. */
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;
    public static final double STALE_NAN = Double.longBitsToDouble(STALE_NAN_BITS);

    private StaleMarker() {
    }

    public static boolean isStale(double value) {
        return Double.doubleToRawLongBits(value) == STALE_NAN_BITS;
    }
}
