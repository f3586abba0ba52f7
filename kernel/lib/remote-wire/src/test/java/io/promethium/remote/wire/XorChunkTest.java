package io.promethium.remote.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XorChunkTest {

    private static List<double[]> roundTrip(long[] ts, double[] vs) throws ProtoReader.ProtoException {
        XorChunkEncoder enc = new XorChunkEncoder();
        for (int i = 0; i < ts.length; i++) {
            enc.append(ts[i], vs[i]);
        }
        byte[] bytes = Arrays.copyOf(enc.buffer(), enc.length());
        List<double[]> out = new ArrayList<>();
        XorChunkDecoder.decode(bytes, 0, bytes.length, (t, v) -> out.add(new double[] {t, v}));
        return out;
    }

    @Test
    void decodesEveryDeltaOfDeltaBucketEdgeBackToItsTimestamp() throws Exception {
        // Prometheus's n-bit bucket holds -(2^(n-1) - 1) .. 2^(n-1): +2^(n-1) reads back positive.
        long[] dods = {0, 1, -1, 8191, 8192, -8191, -8192, 8193, 65536, -65535, -65536, 65537, 524288, -524287, -524288, 524289,
                1L << 40, -(1L << 40)};
        long[] ts = new long[dods.length + 2];
        double[] vs = new double[ts.length];
        ts[0] = 1_700_000_000_000L;
        ts[1] = ts[0] + 15_000;
        long delta = 15_000;
        for (int i = 0; i < dods.length; i++) {
            delta += dods[i];
            ts[i + 2] = ts[i + 1] + delta;
        }
        for (int i = 0; i < vs.length; i++) {
            vs[i] = i * 0.5;
        }
        List<double[]> out = roundTrip(ts, vs);
        assertThat(out).hasSize(ts.length);
        for (int i = 0; i < ts.length; i++) {
            assertThat((long) out.get(i)[0]).as("timestamp %d", i).isEqualTo(ts[i]);
            assertThat(out.get(i)[1]).isEqualTo(vs[i]);
        }
    }

    @Test
    void keepsValuesBitExactIncludingTheStaleMarker() throws Exception {
        Random r = new Random(7);
        long[] ts = new long[120];
        double[] vs = new double[ts.length];
        long t = 1_000;
        for (int i = 0; i < ts.length; i++) {
            t += 10_000 + r.nextInt(200) - 100;
            ts[i] = t;
            vs[i] = switch (i % 4) {
                case 0 -> r.nextDouble() * 1e6;
                case 1 -> Double.longBitsToDouble(0x7ff0000000000002L); // Prometheus's stale NaN
                case 2 -> -0.0;
                default -> Math.floor(r.nextDouble() * 100);
            };
        }
        List<double[]> out = roundTrip(ts, vs);
        for (int i = 0; i < ts.length; i++) {
            assertThat((long) out.get(i)[0]).isEqualTo(ts[i]);
            assertThat(Double.doubleToRawLongBits(out.get(i)[1])).isEqualTo(Double.doubleToRawLongBits(vs[i]));
        }
    }

    @Test
    void writesPrometheusBytesForASmallChunk() {
        // Hand-assembled from tsdb/chunkenc/xor.go: count 2; t0=1000 as zig-zag varint (2000 = d0 0f);
        // v0=1.0 raw (3ff0000000000000); delta 10 as uvarint (0a); v1 == v0: a single 0 bit.
        XorChunkEncoder enc = new XorChunkEncoder();
        enc.append(1000, 1.0);
        enc.append(1010, 1.0);
        byte[] bytes = Arrays.copyOf(enc.buffer(), enc.length());
        assertThat(bytes).containsExactly(0x00, 0x02, 0xd0, 0x0f, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x0a, 0x00);
    }

    @Test
    void refusesAChunkCutShort() {
        XorChunkEncoder enc = new XorChunkEncoder();
        for (int i = 0; i < 10; i++) {
            enc.append(i * 1000L, i * 1.5);
        }
        byte[] bytes = Arrays.copyOf(enc.buffer(), enc.length() - 3);
        assertThatThrownBy(() -> XorChunkDecoder.decode(bytes, 0, bytes.length, (t, v) -> { }))
                .isInstanceOf(ProtoReader.ProtoException.class).hasMessageStartingWith("xor chunk:");
    }
}
