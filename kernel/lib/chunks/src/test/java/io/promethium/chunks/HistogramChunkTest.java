package io.promethium.chunks;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.ValueType;
import io.promethium.testsupport.FuzzRun;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramChunkTest {

    @Test
    void integerHistogramsComeBackExactly() {
        HistogramChunkAppender a = HistogramChunkAppender.forHistogram(Histograms.counter(0), CounterResetHint.UNKNOWN, 64, 1000);
        long t = 1000;
        for (int i = 0; i < 120; i++) {
            assertThat(i == 0 || a.cut(Histograms.counter(i)) == HistogramChunkAppender.APPEND).isTrue();
            a.append(t + i * 15_000L + (i % 3), Histograms.counter(i));
        }
        HistogramChunkIterator it = new HistogramChunkIterator(false);
        byte[] bytes = a.toByteArray();
        it.reset(bytes, 0, bytes.length, XorIterator.headerCount(bytes, 0), 1000);
        for (int i = 0; i < 120; i++) {
            assertThat(it.next()).isTrue();
            assertThat(it.t()).isEqualTo(t + i * 15_000L + (i % 3));
            assertThat(it.valueType()).isEqualTo(ValueType.HISTOGRAM);
            Histogram h = it.histogram();
            Histogram want = Histograms.counter(i);
            assertThat(h.count()).isEqualTo(want.count());
            assertThat(h.positiveDeltas()).containsExactly(want.positiveDeltas());
            assertThat(h.negativeDeltas()).containsExactly(want.negativeDeltas());
            assertThat(h.sum()).isEqualTo(want.sum());
            assertThat(h.zeroCount()).isEqualTo(want.zeroCount());
            assertThat(h.positiveSpans()).isEqualTo(want.positiveSpans());
            assertThat(h.counterResetHint()).isEqualTo(i == 0 ? CounterResetHint.UNKNOWN : CounterResetHint.NOT_COUNTER_RESET);
            assertThat(it.floatHistogram().positiveBuckets()).containsExactly(want.toFloat().positiveBuckets());
        }
        assertThat(it.next()).isFalse();
        // About 3 bytes per sample for 8 fields plus the timestamp: far below the 100+ bytes of a raw histogram.
        assertThat(bytes.length).isLessThan(120 * 12);
    }

    @Test
    void floatAndCustomBucketHistogramsComeBackExactly() {
        HistogramChunkAppender f = HistogramChunkAppender.forFloatHistogram(Histograms.floatCounter(0), CounterResetHint.GAUGE, 64, 0);
        HistogramChunkAppender c = HistogramChunkAppender.forHistogram(Histograms.custom(0), CounterResetHint.UNKNOWN, 64, 0);
        for (int i = 0; i < 50; i++) {
            f.append(i * 1000L, Histograms.floatCounter(i));
            c.append(i * 1000L, Histograms.custom(i));
        }
        HistogramChunkIterator fi = new HistogramChunkIterator(true);
        fi.reset(f.toByteArray(), 0, f.byteLength(), 50, 0);
        HistogramChunkIterator ci = new HistogramChunkIterator(false);
        ci.reset(c.toByteArray(), 0, c.byteLength(), 50, 0);
        for (int i = 0; i < 50; i++) {
            assertThat(fi.next()).isTrue();
            assertThat(fi.valueType()).isEqualTo(ValueType.FLOAT_HISTOGRAM);
            FloatHistogram want = Histograms.floatCounter(i);
            assertThat(fi.floatHistogram().copy()).isEqualTo(new FloatHistogram(CounterResetHint.GAUGE, 0, 0.001, want.zeroCount(),
                    want.count(), want.sum(), want.positiveSpans(), want.positiveBuckets(), HistogramSpans.EMPTY, null, null));
            assertThat(ci.next()).isTrue();
            assertThat(ci.histogram().customValues()).containsExactly(0.1, 1, 10);
            assertThat(ci.histogram().count()).isEqualTo(4L * i);
        }
    }

    @Test
    void layoutChangeAndCounterResetStartNewChunks() {
        HistogramChunkAppender a = HistogramChunkAppender.forHistogram(Histograms.counter(5), CounterResetHint.UNKNOWN, 64, 0);
        a.append(0, Histograms.counter(5));
        assertThat(a.cut(Histograms.counter(6))).isEqualTo(HistogramChunkAppender.APPEND);
        assertThat(a.cut(Histograms.counter(1))).as("counts went down").isEqualTo(HistogramChunkAppender.NEW_CHUNK_RESET);
        Histogram wider = Histogram.exponential(1, 0.001, 0, 0, 0, HistogramSpans.pairs(-1, 7), 0, 0, 0, 0, 0, 0, 0);
        assertThat(a.cut(wider)).as("fewer observations everywhere").isEqualTo(HistogramChunkAppender.NEW_CHUNK_RESET);
        Histogram grown = Histograms.counter(6);
        Histogram newBucket = new Histogram(CounterResetHint.UNKNOWN, 1, 0.001, grown.zeroCount(), grown.count() + 1, grown.sum(),
                HistogramSpans.pairs(-1, 3, 2, 3), new long[] {grown.positiveDelta(0), grown.positiveDelta(1), grown.positiveDelta(2),
                    grown.positiveDelta(3), grown.positiveDelta(4), 1 - (grown.positiveDelta(0) + grown.positiveDelta(1)
                        + grown.positiveDelta(2) + grown.positiveDelta(3) + grown.positiveDelta(4))},
                grown.negativeSpans(), grown.negativeDeltas(), null);
        assertThat(a.cut(newBucket)).as("a bucket appeared, none went down").isEqualTo(HistogramChunkAppender.NEW_CHUNK);
        Histogram reset = Histograms.counter(7);
        reset.set(CounterResetHint.COUNTER_RESET, reset.schema(), reset.zeroThreshold(), reset.zeroCount(), reset.count(), reset.sum(),
                reset.positiveSpans(), reset.positiveDeltas(), reset.negativeSpans(), reset.negativeDeltas(), null);
        assertThat(a.cut(reset)).as("the client says it reset").isEqualTo(HistogramChunkAppender.NEW_CHUNK_RESET);
    }

    @Test
    void staleMarkerReadsAsAFloatStaleNaN() {
        HistogramChunkAppender a = HistogramChunkAppender.forHistogram(Histograms.counter(1), CounterResetHint.UNKNOWN, 64, 0);
        a.append(0, Histograms.counter(1));
        a.appendStale(1000);
        a.append(2000, Histograms.counter(2));
        HistogramChunkIterator it = new HistogramChunkIterator(false);
        it.reset(a.toByteArray(), 0, a.byteLength(), 3, 0);
        assertThat(it.next()).isTrue();
        assertThat(it.valueType()).isEqualTo(ValueType.HISTOGRAM);
        assertThat(it.next()).isTrue();
        assertThat(it.valueType()).isEqualTo(ValueType.FLOAT);
        assertThat(StaleMarker.isStale(it.v())).isTrue();
        assertThat(it.next()).isTrue();
        assertThat(it.histogram().count()).isEqualTo(Histograms.counter(2).count());
    }

    /** Garbage never escapes as anything but a {@link ChunkFormatException}, and never allocates without bound. */
    @Test
    void decoderRefusesGarbageWithAFormatError() {
        FuzzRun run = FuzzRun.configure("tsdb.histogramchunk.fuzz", 20261122, 20_000, Duration.ofSeconds(3)).start();
        Random random = new Random(run.seed());
        HistogramChunkAppender good = HistogramChunkAppender.forHistogram(Histograms.counter(3), CounterResetHint.UNKNOWN, 64, 0);
        for (int i = 0; i < 20; i++) {
            good.append(i * 1000L, Histograms.counter(3 + i));
        }
        byte[] valid = good.toByteArray();
        long done = 0;
        for (; run.proceed(done); done++) {
            byte[] bytes;
            if (random.nextBoolean()) {
                bytes = new byte[random.nextInt(64)];
                random.nextBytes(bytes);
            } else {
                bytes = valid.clone();
                for (int k = random.nextInt(4); k >= 0; k--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
                if (random.nextInt(4) == 0) {
                    bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
                }
            }
            HistogramChunkIterator it = new HistogramChunkIterator(random.nextBoolean());
            try {
                it.reset(bytes, 0, bytes.length, bytes.length < 2 ? 5 : XorIterator.headerCount(bytes, 0), 0);
                while (it.next()) {
                    if (it.valueType() == ValueType.HISTOGRAM) {
                        it.histogram();
                    }
                    if (it.valueType().isHistogram()) {
                        it.floatHistogram();
                    }
                }
            } catch (ChunkFormatException expected) {
                // the only acceptable failure
            }
        }
        System.out.println("histogram chunk fuzz: " + run.summary(done));
    }
}
