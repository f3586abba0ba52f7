package io.promethium.remote.wire;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.remote.wire.ProtoReader.ProtoException;
import java.util.Arrays;

/**
 * The histogram samples of one decoded series, in the order they came: each an integer or a float
 * histogram with its timestamp and start timestamp. The objects are the decoder's and are refilled for the next
 * series: copy one to keep it.
 */
public final class HistogramSamples {
    private long[] timestamps = new long[4];
    private long[] starts = new long[4];
    private boolean[] floats = new boolean[4];
    private Histogram[] ints = new Histogram[4];
    private FloatHistogram[] floatHistograms = new FloatHistogram[4];
    private int size;

    public int size() {
        return size;
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    /**
     * The i-th sample's start timestamp, 0 when it has none (since 1.3.0): its own (remote write
     * 2.0's newest revision), else the series' {@code created_timestamp} of older 2.0 senders.
     */
    public long startTimestamp(int i) {
        return starts[i];
    }

    /** Whether the i-th sample is a float histogram ({@link #floatHistogram}) rather than an integer one ({@link #histogram}). */
    public boolean isFloat(int i) {
        return floats[i];
    }

    public Histogram histogram(int i) {
        if (floats[i]) {
            throw new IllegalStateException("histogram sample " + i + " is a float histogram");
        }
        return ints[i];
    }

    public FloatHistogram floatHistogram(int i) {
        if (!floats[i]) {
            throw new IllegalStateException("histogram sample " + i + " is an integer histogram");
        }
        return floatHistograms[i];
    }

    void clear() {
        size = 0;
    }

    /** The reused integer histogram of a new sample at {@code t}, for the caller to fill. */
    Histogram addHistogram(long t) {
        int i = next(t, false);
        return ints[i];
    }

    /** The reused float histogram of a new sample at {@code t}, for the caller to fill. */
    FloatHistogram addFloatHistogram(long t) {
        int i = next(t, true);
        return floatHistograms[i];
    }

    private int next(long t, boolean isFloat) {
        grow();
        timestamps[size] = t;
        starts[size] = 0;
        floats[size] = isFloat;
        return size++;
    }

    private void grow() {
        if (size == timestamps.length) {
            int n = size * 2;
            timestamps = Arrays.copyOf(timestamps, n);
            starts = Arrays.copyOf(starts, n);
            floats = Arrays.copyOf(floats, n);
            ints = Arrays.copyOf(ints, n);
            floatHistograms = Arrays.copyOf(floatHistograms, n);
        }
        if (ints[size] == null) {
            ints[size] = new Histogram();
            floatHistograms[size] = new FloatHistogram();
        }
    }

    /** Decodes one {@code Histogram} message in {@code buf[start, end)} and adds it. */
    void add(HistogramCodec codec, byte[] buf, int start, int end) throws ProtoException {
        grow();
        timestamps[size] = codec.decode(buf, start, end, ints[size], floatHistograms[size]);
        starts[size] = codec.lastStartTimestamp();
        floats[size] = codec.lastWasFloat();
        size++;
    }

    /** Gives every sample without a start timestamp of its own {@code start} (a 2.0 series' created_timestamp). */
    void defaultStart(long start) {
        for (int i = 0; i < size; i++) {
            if (starts[i] == 0) {
                starts[i] = start;
            }
        }
    }
}
