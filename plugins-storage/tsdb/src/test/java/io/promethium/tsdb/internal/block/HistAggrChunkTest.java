package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;
import io.promethium.chunks.ChunkFormatException;
import io.promethium.tsdb.internal.block.AggrChunk.Aggregate;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Histogram aggregate chunks: encoding 18 (histogram columns as runs of raw histogram chunks) gives
 * back every histogram exactly, bits and hints included, across the cases that cut runs; a block
 * written in encoding 17 by the writer before it still reads, point for point as the same data
 * downsampled now.
 */
class HistAggrChunkTest {
    private static final long BASE = 1_700_000_000_000L;
    private static final long RES = 300_000L;

    @TempDir
    Path dir;

    private static FloatHistogram exp(CounterResetHint hint, int schema, double sum, HistogramSpans spans, double... buckets) {
        double count = 0;
        for (double b : buckets) {
            count += b;
        }
        return new FloatHistogram(hint, schema, 0.001, 0, count, sum, spans, buckets, HistogramSpans.EMPTY, new double[0], null);
    }

    /** Encodes, decodes, and checks every point is what was written (timestamps, bits, hints). */
    private static HistAggrChunk.Decoded roundTrip(long[] wt, FloatHistogram[] sums, long[] ct, FloatHistogram[] counters,
            FloatHistogram lastRaw) {
        int n = wt.length;
        double[] counts = new double[n];
        for (int i = 0; i < n; i++) {
            counts[i] = i + 1;
        }
        HistAggrChunk.Encoder enc = new HistAggrChunk.Encoder();
        long base = Math.min(wt[0], ct.length > 0 ? ct[0] : wt[0]);
        enc.encode(wt, counts, sums, n, ct, counters, ct.length, lastRaw, base);
        byte[] bytes = new byte[enc.length() + 1];
        bytes[0] = HistAggrChunk.ENCODING;
        System.arraycopy(enc.array(), 0, bytes, 1, enc.length());
        HistAggrChunk.Decoded d = new HistAggrChunk.Decoded();
        d.decode(HistAggrChunk.ENCODING, bytes, 1, enc.length(), base);
        assertThat(d.windows).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(d.wt[i]).as("window time " + i).isEqualTo(wt[i]);
            assertThat(d.count[i]).isEqualTo(counts[i]);
            assertSame(d.sum[i], sums[i], "sum " + i);
        }
        assertThat(d.counters).isEqualTo(ct.length);
        for (int i = 0; i < ct.length; i++) {
            assertThat(d.ct[i]).as("counter time " + i).isEqualTo(ct[i]);
            assertSame(d.cv[i], counters[i], "counter " + i);
        }
        assertSame(d.lastRaw, lastRaw, "last raw");
        // Every truncation is a format error, never another exception or a short read.
        for (int len = 0; len < enc.length(); len++) {
            int cut = len;
            assertThatThrownBy(() -> new HistAggrChunk.Decoded().decode(HistAggrChunk.ENCODING, bytes, 1, cut, base))
                    .as("cut to " + cut).isInstanceOf(ChunkFormatException.class);
        }
        return d;
    }

    private static void assertSame(FloatHistogram got, FloatHistogram want, String what) {
        assertThat(got).as(what).isEqualTo(want);
        assertThat(got.counterResetHint()).as(what + " hint").isEqualTo(want.counterResetHint());
        assertThat(Double.doubleToRawLongBits(got.sum())).as(what + " sum bits").isEqualTo(Double.doubleToRawLongBits(want.sum()));
        for (int i = 0; i < want.positiveBucketCount(); i++) {
            assertThat(Double.doubleToRawLongBits(got.positiveBucket(i))).as(what + " bucket " + i + " bits")
                    .isEqualTo(Double.doubleToRawLongBits(want.positiveBucket(i)));
        }
    }

    private static long[] times(int n, long step) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = BASE + (i + 1) * step - (i % 4) * 15_000;
        }
        return t;
    }

    @Test
    void schemaChangesNewBucketsAndResetsReadBackExactly() {
        int n = 12;
        long[] wt = times(n, RES);
        FloatHistogram[] sums = new FloatHistogram[n];
        long[] ct = new long[n + 1];
        FloatHistogram[] cv = new FloatHistogram[n + 1];
        ct[0] = wt[0] - RES + 15_000;
        cv[0] = exp(CounterResetHint.UNKNOWN, 3, 1.5, HistogramSpans.pairs(0, 3), 1, 2, 3);
        for (int i = 0; i < n; i++) {
            double k = 20 * (i + 1);
            // Schema 3, a bucket appearing at 4, schema 2 from 8 (the counter moves to it), a reset hint at 6.
            int schema = i < 8 ? 3 : 2;
            HistogramSpans spans = i < 4 ? HistogramSpans.pairs(0, 3) : HistogramSpans.pairs(0, 3, 2, 1);
            double[] b = i < 4 ? new double[] {k, 2 * k, 3 * k} : new double[] {k, 2 * k, 3 * k, k / 2};
            sums[i] = exp(i == 0 ? CounterResetHint.NOT_COUNTER_RESET : CounterResetHint.UNKNOWN, schema, 0.25 * k + 0.1, spans, b);
            ct[i + 1] = wt[i];
            CounterResetHint hint = i == 6 ? CounterResetHint.COUNTER_RESET : CounterResetHint.NOT_COUNTER_RESET;
            cv[i + 1] = exp(hint, schema, 3.5 * k, spans, b.clone());
        }
        FloatHistogram lastRaw = exp(CounterResetHint.NOT_COUNTER_RESET, 2, 4, HistogramSpans.pairs(0, 3, 2, 1), 1, 2, 3, 4);
        roundTrip(wt, sums, ct, cv, lastRaw);
    }

    @Test
    void nanAndStaleSumsFloatCountsAndHugeCountsReadBackExactly() {
        int n = 6;
        long[] wt = times(n, RES);
        FloatHistogram[] sums = {
            exp(CounterResetHint.UNKNOWN, 1, Double.NaN, HistogramSpans.pairs(0, 2), 1, 2),
            exp(CounterResetHint.UNKNOWN, 1, Double.longBitsToDouble(0x7ff8000000000abcL), HistogramSpans.pairs(0, 2), 3, 4),
            exp(CounterResetHint.UNKNOWN, 1, StaleMarker.STALE_NAN, HistogramSpans.pairs(0, 2), 5, 6),
            exp(CounterResetHint.UNKNOWN, 1, 2.5, HistogramSpans.pairs(0, 2), 0.5, 1.0 / 3),
            exp(CounterResetHint.UNKNOWN, 1, -0.0, HistogramSpans.pairs(0, 2), -0.0, 0x1p60),
            exp(CounterResetHint.GAUGE, 1, Double.POSITIVE_INFINITY, HistogramSpans.pairs(0, 2), -3, 7),
        };
        long[] ct = {wt[0] - 1000, wt[2], wt[5]};
        FloatHistogram[] cv = {
            exp(CounterResetHint.UNKNOWN, 1, Double.NaN, HistogramSpans.pairs(0, 2), 1, 1),
            exp(CounterResetHint.NOT_COUNTER_RESET, 1, Double.NaN, HistogramSpans.pairs(0, 2), 2.5, 1),
            exp(CounterResetHint.NOT_COUNTER_RESET, 1, 7, HistogramSpans.pairs(0, 2), 3, 1),
        };
        roundTrip(wt, sums, ct, cv, sums[2]);
    }

    @Test
    void aSingleWindowAndCustomBucketsReadBackExactly() {
        FloatHistogram custom = new FloatHistogram(CounterResetHint.COUNTER_RESET, -53, 0, 0, 6, 4.5, HistogramSpans.pairs(0, 3),
                new double[] {1, 2, 3}, HistogramSpans.EMPTY, new double[0], new double[] {0.1, 1, 10});
        long[] wt = {BASE + RES};
        roundTrip(wt, new FloatHistogram[] {custom}, new long[] {BASE + 1}, new FloatHistogram[] {custom}, custom);
        // A window whose counter point coincides with the chunk's first sample: one counter point only.
        roundTrip(wt, new FloatHistogram[] {custom}, new long[0], new FloatHistogram[0], custom);
    }

    @Test
    void aSteadyCounterTakesAFractionOfTheValueByValueEncoding() {
        int n = 120;
        int buckets = 40;
        long[] wt = times(n, RES);
        FloatHistogram[] sums = new FloatHistogram[n];
        long[] ct = new long[n];
        FloatHistogram[] cv = new FloatHistogram[n];
        double[] counter = new double[buckets];
        java.util.Random random = new java.util.Random(3);
        GrowableBytes plain = new GrowableBytes(1024);
        for (int i = 0; i < n; i++) {
            double[] sum = new double[buckets];
            for (int w = 0; w < 20; w++) {
                for (int b = 0; b < buckets; b++) {
                    counter[b] += random.nextInt(3 + b % 5);
                    sum[b] += counter[b];
                }
            }
            sums[i] = exp(CounterResetHint.UNKNOWN, 3, 0.25 * i, HistogramSpans.pairs(-20, buckets), sum);
            ct[i] = wt[i];
            cv[i] = exp(CounterResetHint.NOT_COUNTER_RESET, 3, 0.5 * i, HistogramSpans.pairs(-20, buckets), counter.clone());
            AggrHistograms.write(plain, sums[i]);
            plain.writeUvarint(ct[i] - BASE);
            AggrHistograms.write(plain, cv[i]);
        }
        HistAggrChunk.Encoder enc = new HistAggrChunk.Encoder();
        double[] counts = new double[n];
        enc.encode(wt, counts, sums, n, ct, cv, n, cv[n - 1], BASE);
        assertThat(enc.length()).as("encoding 18 against the value-by-value histograms alone (%d bytes)", plain.length())
                .isLessThan(plain.length() / 2);
        roundTrip(wt, sums, ct, cv, cv[n - 1]);
    }

    @Test
    void anUnknownRunKindIsAFormatError() {
        FloatHistogram h = exp(CounterResetHint.UNKNOWN, 0, 1, HistogramSpans.pairs(0, 1), 1);
        HistAggrChunk.Encoder enc = new HistAggrChunk.Encoder();
        enc.encode(new long[] {BASE}, new double[] {1}, new FloatHistogram[] {h}, 1, new long[0], new FloatHistogram[0], 0, h, BASE);
        byte[] bytes = java.util.Arrays.copyOf(enc.array(), enc.length());
        // windows:2, count column length, encoding, data, then the sum column: hint runs (1: hint, length), runs, kind.
        int kindAt = 2 + 1 + 1 + (bytes[2] & 0x7f) + 3 + 1;
        assertThat(bytes[kindAt]).isEqualTo((byte) 3);
        bytes[kindAt] = 9;
        assertThatThrownBy(() -> new HistAggrChunk.Decoded().decode(HistAggrChunk.ENCODING, bytes, 0, bytes.length, BASE))
                .isInstanceOf(ChunkFormatException.class).hasMessageContaining("run kind 9");
    }

    @Test
    void aBlockWrittenInEncoding17ReadsAsTheSameDataDownsampledNow() throws IOException {
        Block old = Block.open(copyFixture("hist-aggr-17"));
        Block raw = HistAggrFixtures.rawBlock(dir.resolve("raw"));
        Path out = Files.createDirectories(dir.resolve("new"));
        Downsampler downsampler = new Downsampler(FileOpener.DEFAULT, 7);
        Block now = Block.open(out.resolve(downsampler.downsample(raw, 5 * HistAggrFixtures.MIN, out).meta().ulid()));
        try {
            assertThat(encodings(old)).containsOnly(HistAggrChunk.ENCODING_PLAIN);
            assertThat(encodings(now)).containsOnly(HistAggrChunk.ENCODING);
            assertSameAggregates(old, now);
            // Coarser companions built from either agree too.
            Block hourOld = Block.open(out.resolve(downsampler.downsample(old, 60 * HistAggrFixtures.MIN, out).meta().ulid()));
            Block hourNow = Block.open(out.resolve(downsampler.downsample(now, 60 * HistAggrFixtures.MIN, out).meta().ulid()));
            try {
                assertThat(encodings(hourOld)).containsOnly(HistAggrChunk.ENCODING);
                assertSameAggregates(hourOld, hourNow);
            } finally {
                hourOld.close();
                hourNow.close();
            }
        } finally {
            old.close();
            raw.close();
            now.close();
        }
    }

    private void assertSameAggregates(Block a, Block b) {
        for (Labels l : HistAggrFixtures.ALL) {
            for (Aggregate column : List.of(Aggregate.COUNT, Aggregate.SUM, Aggregate.COUNTER)) {
                List<Object[]> want = points(a, l, column);
                List<Object[]> got = points(b, l, column);
                assertThat(want).as(l + " " + column).isNotEmpty();
                assertThat(got).as(l + " " + column).hasSameSizeAs(want);
                for (int i = 0; i < want.size(); i++) {
                    assertThat(got.get(i)[0]).as(l + " " + column + " point " + i + " time").isEqualTo(want.get(i)[0]);
                    assertThat(got.get(i)[1]).as(l + " " + column + " point " + i + " value").isEqualTo(want.get(i)[1]);
                    if (want.get(i)[2] == null) {
                        assertThat(got.get(i)[2]).isNull();
                    } else {
                        assertSame((FloatHistogram) got.get(i)[2], (FloatHistogram) want.get(i)[2], l + " " + column + " point " + i);
                    }
                }
            }
        }
    }

    private static List<Object[]> points(Block block, Labels l, Aggregate column) {
        List<Object[]> out = new ArrayList<>();
        SampleIterator it = DownsampledReader.iterator(List.of(block), l, column, Long.MIN_VALUE, Long.MAX_VALUE);
        while (it.next()) {
            FloatHistogram h = it.valueType() == ValueType.FLOAT_HISTOGRAM ? it.floatHistogram() : null;
            out.add(new Object[] {it.timestamp(), Double.doubleToRawLongBits(it.value()), h});
        }
        assertThat(it.error()).isNull();
        return out;
    }

    private static List<Byte> encodings(Block block) {
        List<Byte> out = new ArrayList<>();
        ChunkReader.Loaded loaded = new ChunkReader.Loaded();
        BlockIndex index = block.index();
        org.apache.lucene.index.BinaryDocValues values = index.seriesValues();
        org.roaringbitmap.IntIterator docs = index.labelIndex().all().getIntIterator();
        int series = 0;
        while (docs.hasNext()) {
            series++;
            for (long ref : index.series(values, docs.next()).refs()) {
                block.chunks().load(ref, loaded);
                out.add(loaded.encoding);
            }
        }
        assertThat(series).isEqualTo(HistAggrFixtures.ALL.size());
        return out;
    }

    private Path copyFixture(String name) throws IOException {
        Path target = dir.resolve(name);
        String root = "/blocks/" + name + "/";
        String ulid = "01M86QYNSCYDYC1WN1Y953JMKM";
        for (String file : List.of("meta.json", "symbols", "chunks/000001", "index/_0.cfe", "index/_0.cfs", "index/_0.si",
                "index/segments_1")) {
            Path to = target.resolve(ulid).resolve(file);
            Files.createDirectories(to.getParent());
            try (InputStream in = HistAggrChunkTest.class.getResourceAsStream(root + ulid + "/" + file)) {
                assertThat(in).as(file).isNotNull();
                Files.copy(in, to);
            }
        }
        return target.resolve(ulid);
    }
}
