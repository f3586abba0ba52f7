package io.promethium.remote.wire;

import io.promethium.remote.wire.ProtoReader.ProtoException;
import java.util.Arrays;

/**
 * The float samples of one series being decoded, in reused parallel arrays. A {@code Sample}
 * message is the same in remote write 1.0 and 2.0 ({@code double value = 1; int64 timestamp = 2}),
 * so both decoders read it here; 2.0's newest revision adds {@code int64 start_timestamp = 3}
 * (0: none), which 1.0 never sends.
 */
final class FloatSamples {
    long[] timestamps = new long[64];
    double[] values = new double[64];
    long[] starts = new long[64];
    int count;

    /** Reads the {@code Sample} message at {@code r}'s position (its length read next) and moves past it. */
    void read(ProtoReader r) throws ProtoException {
        int end = r.lengthDelimitedEnd();
        ProtoReader s = new ProtoReader(r.buffer(), r.position(), end);
        double v = 0;
        long t = 0;
        long start = 0;
        while (s.hasMore()) {
            int st = s.tag();
            if (st == (1 << 3 | 1)) {
                v = s.fixed64AsDouble();
            } else if (st == (2 << 3)) {
                t = s.varint();
            } else if (st == (3 << 3)) {
                start = s.varint();
            } else {
                s.skip(st);
            }
        }
        r.position(end);
        if (count == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, count * 2);
            values = Arrays.copyOf(values, count * 2);
            starts = Arrays.copyOf(starts, count * 2);
        }
        timestamps[count] = t;
        values[count] = v;
        starts[count] = start;
        count++;
    }
}
