package io.promethium.chunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.StaleMarker;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChunkEncodingTest {

    private static void assertRoundTrip(ChunkIterator it, byte[] bytes, long[] ts, double[] vs, int n) {
        it.reset(bytes, 0, bytes.length, n);
        for (int i = 0; i < n; i++) {
            assertThat(it.next()).as("sample %d", i).isTrue();
            assertThat(it.t()).as("timestamp %d", i).isEqualTo(ts[i]);
            assertThat(Double.doubleToRawLongBits(it.v())).as("value bits %d", i).isEqualTo(Double.doubleToRawLongBits(vs[i]));
        }
        assertThat(it.next()).isFalse();
    }

    @Test
    void xorRoundTripsArbitraryTimestampsAndValuesBitExact() {
        Random random = new Random(42);
        long[] ts = new long[120];
        double[] vs = new double[120];
        long t = 1_700_000_000_000L;
        for (int i = 0; i < ts.length; i++) {
            t += switch (i % 5) {
                case 0 -> 15_000;
                case 1 -> 15_000 + random.nextInt(40) - 20;
                case 2 -> random.nextInt(1_000_000);
                case 3 -> 1L << 40;
                default -> 1;
            };
            ts[i] = t;
            vs[i] = switch (i % 6) {
                case 0 -> random.nextGaussian() * 1e6;
                case 1 -> StaleMarker.STALE_NAN;
                case 2 -> Double.NaN;
                case 3 -> Double.NEGATIVE_INFINITY;
                case 4 -> -0.0;
                default -> vs[i - 1];
            };
        }
        XorAppender app = new XorAppender(16);
        for (int i = 0; i < ts.length; i++) {
            app.append(ts[i], vs[i]);
        }
        byte[] bytes = app.toByteArray();
        assertThat(XorIterator.headerCount(bytes, 0)).isEqualTo(120);
        assertRoundTrip(new XorIterator(), bytes, ts, vs, ts.length);
    }

    @Test
    void staleMarkerSurvivesXorBitExact() {
        XorAppender app = new XorAppender(16);
        app.append(1000, 1.5);
        app.append(2000, StaleMarker.STALE_NAN);
        XorIterator it = new XorIterator();
        byte[] bytes = app.toByteArray();
        it.reset(bytes, 0, bytes.length, 2);
        it.next();
        it.next();
        assertThat(StaleMarker.isStale(it.v())).isTrue();
    }

    @Test
    void aResetXorChunkEncodesAsIfNew() {
        XorAppender reused = new XorAppender(16);
        reused.append(5, 123.25);
        reused.append(77, -1);
        reused.reset();
        XorAppender fresh = new XorAppender(16);
        for (int i = 0; i < 10; i++) {
            reused.append(1000 + i * 15, i * 0.5);
            fresh.append(1000 + i * 15, i * 0.5);
        }
        assertThat(reused.toByteArray()).isEqualTo(fresh.toByteArray());
        assertThat(reused.count()).isEqualTo(10);
    }

    @Test
    void constantSeriesAtRegularIntervalCostsAboutTwoBitsASample() {
        XorAppender app = new XorAppender(16);
        for (int i = 0; i < 120; i++) {
            app.append(1_700_000_000_000L + i * 15_000L, 42.0);
        }
        assertThat(app.byteLength()).isLessThan(2 + 8 + 8 + 3 + 30);
    }

    @Test
    void decimalEncodingRoundTripsShortDecimalsExactly() {
        Random random = new Random(7);
        long[] ts = new long[120];
        double[] vs = new double[120];
        long x = 12345;
        for (int i = 0; i < 120; i++) {
            ts[i] = 1_700_000_000_000L + i * 15_000L + (i % 7 == 0 ? 3 : 0);
            x += random.nextInt(200) - 100;
            vs[i] = x / 100.0;
        }
        byte[] bytes = new DecimalEncoder().encode(ts, vs, 0, 120, 0);
        assertThat(bytes).isNotNull();
        assertRoundTrip(new DecimalIterator(), bytes, ts, vs, 120);
    }

    @Test
    void decimalEncodingRefusesValuesItCannotKeepExact() {
        long[] ts = {1, 2, 3};
        assertThat(new DecimalEncoder().encode(ts, new double[] {1, Math.PI, 2}, 0, 3, 0)).isNull();
        assertThat(new DecimalEncoder().encode(ts, new double[] {1, StaleMarker.STALE_NAN, 2}, 0, 3, 0)).isNull();
        assertThat(new DecimalEncoder().encode(ts, new double[] {1, -0.0, 2}, 0, 3, 0)).isNull();
    }

    @Test
    void chunksPicksTheSmallerEncodingAndDecodesThroughEitherIterator() {
        long[] ts = new long[120];
        double[] counter = new double[120];
        double[] random = new double[120];
        Random r = new Random(1);
        for (int i = 0; i < 120; i++) {
            ts[i] = 1_000_000L + i * 15_000L;
            counter[i] = 1000 + i * 37;
            random[i] = r.nextDouble();
        }
        Chunks chunks = new Chunks();
        byte[] a = chunks.encode(ts, counter, 0, 120);
        assertThat(chunks.encoding()).isEqualTo(Encoding.DECIMAL);
        assertRoundTrip(ChunkIterator.forEncoding(chunks.encoding(), null), a, ts, counter, 120);
        byte[] b = chunks.encode(ts, random, 0, 120);
        assertThat(chunks.encoding()).isEqualTo(Encoding.XOR);
        assertRoundTrip(ChunkIterator.forEncoding(chunks.encoding(), null), b, ts, random, 120);
    }

    @Test
    void anXorChunksDecimalEncodingIsGivenOnlyWhenSmallerAndKeepsEverySampleExact() {
        long base = 1_000_000L;
        long[] ts = new long[120];
        double[] counter = new double[120];
        double[] random = new double[120];
        double[] withStale = new double[120];
        Random r = new Random(2);
        for (int i = 0; i < 120; i++) {
            ts[i] = base + 7 + i * 30_000L;
            counter[i] = 123_456_789 + i * 1_537.25;
            random[i] = r.nextDouble();
            withStale[i] = i == 119 ? StaleMarker.STALE_NAN : i;
        }
        Chunks chunks = new Chunks();
        byte[] xor = xor(ts, counter, base);
        byte[] dec = chunks.decimalIfSmaller(xor, xor.length, 120, base);
        assertThat(dec.length).isLessThan(xor.length / 2);
        DecimalIterator it = new DecimalIterator();
        it.reset(dec, 0, dec.length, 120, base);
        for (int i = 0; i < 120; i++) {
            assertThat(it.next()).isTrue();
            assertThat(it.t()).isEqualTo(ts[i]);
            assertThat(Double.doubleToRawLongBits(it.v())).isEqualTo(Double.doubleToRawLongBits(counter[i]));
        }
        for (double[] vs : new double[][] {random, withStale}) {
            byte[] other = xor(ts, vs, base);
            assertThat(chunks.decimalIfSmaller(other, other.length, 120, base)).isNull();
        }
    }

    private static byte[] xor(long[] ts, double[] vs, long base) {
        XorAppender a = new XorAppender(64, base);
        for (int i = 0; i < ts.length; i++) {
            a.append(ts[i], vs[i]);
        }
        return a.toByteArray();
    }

    @Test
    void truncatedChunkIsAnErrorNotGarbage() {
        XorAppender app = new XorAppender(16);
        for (int i = 0; i < 10; i++) {
            app.append(i * 1000L, i * 1.1);
        }
        byte[] bytes = app.toByteArray();
        XorIterator it = new XorIterator();
        it.reset(bytes, 0, 6, 10);
        assertThatThrownBy(() -> {
            while (it.next()) {
                // drain
            }
        }).isInstanceOf(ChunkFormatException.class).hasMessageContaining("chunk ends early");
    }

    @Test
    void decimalEncodingRoundTripsEveryShapeWhicheverModeWins() {
        Random random = new Random(3);
        long[] ts = new long[120];
        for (int i = 0; i < 120; i++) {
            ts[i] = 5_000_000L + i * 15_000L + (i % 9 == 0 ? 2 : 0);
        }
        double[][] shapes = new double[6][120];
        long noisy = 0;
        long walk = 0;
        for (int i = 0; i < 120; i++) {
            shapes[0][i] = 7;
            shapes[1][i] = 1000 + i * 1500;
            noisy += 1200 + random.nextInt(61) - 30;
            shapes[2][i] = noisy / 100.0;
            walk += random.nextInt(81) - 40;
            shapes[3][i] = walk * 4096.0;
            shapes[4][i] = i == 60 ? 1e12 : i;
            shapes[5][i] = -(i + 1) / 1000.0;
        }
        Set<Integer> modes = new HashSet<>();
        for (double[] vs : shapes) {
            byte[] bytes = new DecimalEncoder().encode(ts, vs, 0, 120, ts[0]);
            assertThat(bytes).isNotNull();
            modes.add((bytes[2] & 0xff) >>> 4);
            DecimalIterator it = new DecimalIterator();
            it.reset(bytes, 0, bytes.length, 120, ts[0]);
            for (int i = 0; i < 120; i++) {
                assertThat(it.next()).isTrue();
                assertThat(it.t()).isEqualTo(ts[i]);
                assertThat(it.v()).isEqualTo(vs[i]);
            }
        }
        assertThat(modes).as("modes used").hasSizeGreaterThanOrEqualTo(3);
    }

    /**
     * What {@code drainFloats} gives after {@code first} calls of {@code next()}, against {@code next()}
     * alone: on the chunk's own array, and on one with set bits after the chunk (a block's reused
     * buffer, where a decoder's 8-byte loads reach the chunk's end and read past it).
     */
    private static void assertDrainMatchesNext(ChunkIterator it, byte[] bytes, int n, long base) {
        assertDrainMatchesNext(it, bytes, bytes.length, n, base);
        byte[] slack = Arrays.copyOf(bytes, bytes.length + 24);
        Arrays.fill(slack, bytes.length, slack.length, (byte) 0xff);
        assertDrainMatchesNext(it, slack, bytes.length, n, base);
    }

    private static void assertDrainMatchesNext(ChunkIterator it, byte[] array, int length, int n, long base) {
        byte[] bytes = Arrays.copyOf(array, length);
        for (int first = 0; first <= Math.min(n, 4); first++) {
            it.reset(array, 0, length, n, base);
            long[] ts = new long[n];
            double[] vs = new double[n];
            for (int i = 0; i < first; i++) {
                assertThat(it.next()).isTrue();
                ts[i] = it.t();
                vs[i] = it.v();
            }
            assertThat(it.remaining()).isEqualTo(n - first);
            long[] restT = new long[n];
            double[] restV = new double[n];
            int got = it.drainFloats(restT, restV);
            assertThat(got).isEqualTo(n - first);
            assertThat(it.remaining()).isZero();
            assertThat(it.next()).as("at the end after a drain").isFalse();
            System.arraycopy(restT, 0, ts, first, got);
            System.arraycopy(restV, 0, vs, first, got);
            it.reset(bytes, 0, bytes.length, n, base);
            for (int i = 0; i < n; i++) {
                assertThat(it.next()).isTrue();
                assertThat(ts[i]).as("timestamp %d after %d reads", i, first).isEqualTo(it.t());
                assertThat(Double.doubleToRawLongBits(vs[i])).as("value %d after %d reads", i, first)
                        .isEqualTo(Double.doubleToRawLongBits(it.v()));
            }
        }
    }

    @Test
    void aDrainDecodesTheSameSamplesAsNextInEveryEncodingAndMode() {
        Random random = new Random(11);
        long[] ts = new long[240];
        // An hour's gap at sample 100 (a large delta, then a large negative delta-of-delta); times increase, as in any chunk.
        for (int i = 0; i < ts.length; i++) {
            ts[i] = 5_000_000L + i * 15_000L + random.nextInt(5) - 2 + (i >= 100 ? 3_600_000 : 0);
        }
        double[][] shapes = new double[7][ts.length];
        long noisy = 0;
        long walk = 0;
        for (int i = 0; i < ts.length; i++) {
            shapes[0][i] = 7;
            shapes[1][i] = 1000 + i * 1500;
            noisy += 1200 + random.nextInt(61) - 30;
            shapes[2][i] = noisy / 100.0;
            walk += random.nextInt(81) - 40;
            shapes[3][i] = walk * 4096.0;
            shapes[4][i] = i == 60 ? 1e12 : i;
            shapes[5][i] = random.nextGaussian();
            shapes[6][i] = i % 17 == 0 ? StaleMarker.STALE_NAN : i * 0.25;
        }
        Set<Integer> modes = new HashSet<>();
        for (int n : new int[] {1, 2, 3, 120, 240}) {
            for (double[] vs : shapes) {
                byte[] decimal = new DecimalEncoder().encode(ts, vs, 0, n, ts[0]);
                if (decimal != null) {
                    modes.add((decimal[2] & 0xff) >>> 4);
                    assertDrainMatchesNext(new DecimalIterator(), decimal, n, ts[0]);
                }
                XorAppender xor = new XorAppender(16);
                for (int i = 0; i < n; i++) {
                    xor.append(ts[i], vs[i]);
                }
                assertDrainMatchesNext(new XorIterator(), xor.toByteArray(), n, 0);
            }
        }
        assertThat(modes).as("decimal modes drained").hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aTruncatedChunkFailsTheDrainEvenWithTheRestOfItsBytesAfterTheRegion() {
        long[] ts = new long[120];
        double[] vs = new double[120];
        Random random = new Random(5);
        XorAppender xor = new XorAppender(16);
        for (int i = 0; i < ts.length; i++) {
            ts[i] = i * 15_000L;
            vs[i] = (1000 + i * 37 + i % 7) / 100.0;
            xor.append(ts[i], random.nextInt(1 << 20) / 1024.0);
        }
        assertTruncatedDrainFails(new DecimalIterator(), new DecimalEncoder().encode(ts, vs, 0, 120, 0));
        assertTruncatedDrainFails(new XorIterator(), xor.toByteArray());
    }

    /** A decoder's 8-byte loads may read the chunk's bytes past a shortened region; the drain must still refuse. */
    private static void assertTruncatedDrainFails(ChunkIterator it, byte[] bytes) {
        byte[] array = Arrays.copyOf(bytes, bytes.length + 24);
        for (int length = 3; length < bytes.length; length++) {
            it.reset(array, 0, length, 120, 0);
            assertThatThrownBy(() -> it.drainFloats(new long[120], new double[120])).as("%d of %d bytes", length, bytes.length)
                    .isInstanceOf(ChunkFormatException.class).hasMessageContaining("chunk ends early");
        }
    }

    @Test
    void aTruncatedChunkFailsTheDrainAsItFailsNext() {
        XorAppender app = new XorAppender(16);
        for (int i = 0; i < 10; i++) {
            app.append(i * 1000L + (i % 3), i * 1.1);
        }
        byte[] bytes = app.toByteArray();
        for (int length = 2; length < bytes.length; length++) {
            XorIterator it = new XorIterator();
            it.reset(bytes, 0, length, 10);
            assertThatThrownBy(() -> it.drainFloats(new long[10], new double[10])).as("%d of %d bytes", length, bytes.length)
                    .isInstanceOf(ChunkFormatException.class).hasMessageContaining("chunk ends early");
        }
    }
}
