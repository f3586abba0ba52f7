package io.promethium.web.internal.api;

import io.promethium.goformat.GoFloatBytes;
import java.util.Arrays;

/**
 * The spelled-out timestamps and values of a range answer's samples, remembered where they
 * repeat: the series of one answer share their steps, so the k-th timestamp of a series is
 * usually the k-th of the series before; and a value often equals the one before it (a gauge that
 * holds, a counter's rate of zero, a machine's total memory). A copy of the remembered bytes costs
 * less than spelling them again: spelling the digits was a quarter of the CPU of a range query of
 * 20 series × 240 steps answered in a millisecond (profiled). One instance per answer.
 */
final class SampleText {
    /** The longest timestamp kept: a sign, 19 digits, a point and three. */
    private static final int STAMP = 24;
    /**
     * Timestamps are kept for this many samples of a series, a range query's most points (as
     * Prometheus's limit): a range selector's raw samples can run to hundreds of thousands, with
     * times no other series shares.
     */
    private static final int KEPT = 11_000;
    private final GoFloatBytes floats = new GoFloatBytes();
    private long[] stamps = new long[0];
    private byte[] stampLengths = new byte[0];
    private byte[] stampBytes = new byte[0];
    private long lastBits;
    private int lastLength;
    private final byte[] lastBytes = new byte[GoFloatBytes.MAX_LENGTH];

    /** Timestamp {@code t} in seconds, the {@code index}-th of its series, at {@code at}; returns the position after it. */
    int timestamp(byte[] out, int at, int index, long t) {
        if (index >= KEPT) {
            return PromJson.appendTimestamp(out, at, t);
        }
        if (index >= stamps.length) {
            grow(index);
        }
        int length = stampLengths[index];
        if (length > 0 && stamps[index] == t) {
            System.arraycopy(stampBytes, index * STAMP, out, at, length);
            return at + length;
        }
        int end = PromJson.appendTimestamp(out, at, t);
        stamps[index] = t;
        stampLengths[index] = (byte) (end - at);
        System.arraycopy(out, at, stampBytes, index * STAMP, end - at);
        return end;
    }

    /**
     * Makes room for the timestamps of a series of {@code n} samples in one step: grown by doubling
     * from 64, the tables of a 1,441-step answer were made six times over (~0.3 MB a request, its
     * helper's included).
     */
    void reserve(int n) {
        if (n > stamps.length && stamps.length < KEPT) {
            grow(n - 1);
        }
    }

    /** Value {@code v} as Prometheus's JSON spells it (without quotes) at {@code at}; returns the position after it. */
    int value(byte[] out, int at, double v) {
        long bits = Double.doubleToRawLongBits(v);
        if (lastLength > 0 && bits == lastBits) {
            System.arraycopy(lastBytes, 0, out, at, lastLength);
            return at + lastLength;
        }
        int end = floats.appendJson(out, at, v);
        lastBits = bits;
        lastLength = end - at;
        System.arraycopy(out, at, lastBytes, 0, lastLength);
        return end;
    }

    private void grow(int index) {
        int size = Math.min(KEPT, Math.max(index + 1, Math.max(64, stamps.length * 2)));
        stamps = Arrays.copyOf(stamps, size);
        stampLengths = Arrays.copyOf(stampLengths, size);
        stampBytes = Arrays.copyOf(stampBytes, size * STAMP);
    }
}
