package io.promethium.tsdb.internal.block;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One deterministic 2 h raw block of native histogram series with the cases histogram aggregate
 * chunks must keep: resets (detected and hinted), buckets appearing, a schema going coarser, NaN
 * sums, float counts, custom buckets, gauge histograms, a series with one sample and one with a
 * sample every 10 minutes (single-sample windows). {@code src/test/resources/blocks/hist-aggr-17/}
 * holds this block's 5 m companion as the writer of encoding 17 made it ({@link #main}, run before
 * encoding 18 replaced it), which {@code HistAggrChunkTest} reads.
 */
final class HistAggrFixtures {
    static final long MIN = 60_000L;
    static final long BLOCK = 2 * 60 * MIN;
    static final long SCRAPE = 15_000L;

    static final Labels INTS = Labels.of("__name__", "ints");
    static final Labels FLOATS = Labels.of("__name__", "floats");
    static final Labels CUSTOM = Labels.of("__name__", "custom");
    static final Labels GAUGES = Labels.of("__name__", "gauges");
    static final Labels SINGLE = Labels.of("__name__", "single");
    static final Labels SPARSE = Labels.of("__name__", "sparse");
    static final List<Labels> ALL = List.of(CUSTOM, FLOATS, GAUGES, INTS, SINGLE, SPARSE);

    private HistAggrFixtures() {
    }

    /** Integer deltas of absolute counts. */
    private static long[] deltas(long[] abs) {
        long[] d = new long[abs.length];
        long prev = 0;
        for (int i = 0; i < abs.length; i++) {
            d[i] = abs[i] - prev;
            prev = abs[i];
        }
        return d;
    }

    /**
     * The i-th sample of an integer counter: schema 3 with 6 buckets, a 7th bucket from sample 100,
     * a reset (counts start again) at 200, schema 2 from 300 (coarser, not a reset), an explicit
     * reset hint at 400 with counts that keep growing.
     */
    static Histogram ints(int i) {
        long k = i < 200 ? i : i - 200 + 3;
        int schema = i < 300 ? 3 : 2;
        int buckets = i < 100 ? 6 : 7;
        long[] abs = new long[buckets];
        long total = 0;
        for (int b = 0; b < buckets; b++) {
            abs[b] = (b + 1) * k + (b % 3) * (k / 7);
            total += abs[b];
        }
        long zero = k / 2;
        CounterResetHint hint = i == 400 ? CounterResetHint.COUNTER_RESET : CounterResetHint.UNKNOWN;
        return new Histogram(hint, schema, 0.001, zero, total + zero, 0.37 * k + 1e-3 * (i % 11), HistogramSpans.pairs(-3, 4, 2, buckets - 4),
                deltas(abs), HistogramSpans.pairs(1, 1), new long[] {k / 3}, null);
    }

    /** Float counts (halves and thirds), a NaN sum every 37th sample, one negative-bucket span. */
    static FloatHistogram floats(int i) {
        double a = 0.5 * i;
        double b = i / 3.0;
        double c = 1.25 * i;
        double sum = i % 37 == 5 ? Double.NaN : 2.5 * i + 0.1;
        return new FloatHistogram(CounterResetHint.UNKNOWN, 0, 0.01, 0.75 * i, a + b + c + 0.75 * i, sum, HistogramSpans.pairs(0, 2),
                new double[] {a, b}, HistogramSpans.pairs(-1, 1), new double[] {c}, null);
    }

    /** Custom buckets 0.1, 1, 10 (+Inf), a reset at 250. */
    static Histogram custom(int i) {
        long k = i < 250 ? i : i - 250;
        return Histogram.custom(new double[] {0.1, 1, 10}, 10 * k, 4.5 * k, HistogramSpans.pairs(0, 4), 1 * k, 2 * k - k, 3 * k - 2 * k,
                4 * k - 3 * k);
    }

    /** Gauge histograms going up and down. */
    static Histogram gauge(int i) {
        long x = 5 + (i * 7L) % 13;
        long y = (i * 3L) % 5;
        return new Histogram(CounterResetHint.GAUGE, 1, 0.001, 0, x + y, 1.5 * x, HistogramSpans.pairs(0, 2), deltas(new long[] {x, y}),
                HistogramSpans.EMPTY, new long[0], null);
    }

    /** Writes the raw block into {@code dir} and opens it. */
    static Block rawBlock(Path dir) throws IOException {
        int n = (int) (BLOCK / SCRAPE);
        try (BlockWriter w = new BlockWriter(dir, 0, BLOCK, FileOpener.DEFAULT)) {
            long[] ts = new long[n];
            for (int i = 0; i < n; i++) {
                ts[i] = (i + 1) * SCRAPE - 1 + (i % 3); // some on window ends, some 1 ms late
            }
            Object[] hs = new Object[n];
            for (int i = 0; i < n; i++) {
                hs[i] = custom(i);
            }
            w.addSeries(CUSTOM, ts, new double[n], hs, n);
            hs = new Object[n];
            for (int i = 0; i < n; i++) {
                hs[i] = floats(i);
            }
            w.addSeries(FLOATS, ts, new double[n], hs, n);
            hs = new Object[n];
            for (int i = 0; i < n; i++) {
                hs[i] = gauge(i);
            }
            w.addSeries(GAUGES, ts, new double[n], hs, n);
            hs = new Object[n];
            for (int i = 0; i < n; i++) {
                hs[i] = ints(i);
            }
            w.addSeries(INTS, ts, new double[n], hs, n);
            w.addSeries(SINGLE, new long[] {37 * MIN + 5}, new double[1], new Object[] {ints(42)}, 1);
            int m = (int) (BLOCK / (10 * MIN));
            long[] sparseTs = new long[m];
            Object[] sparse = new Object[m];
            for (int i = 0; i < m; i++) {
                sparseTs[i] = i * 10 * MIN + 3 * MIN;
                sparse[i] = ints(i * 40);
            }
            w.addSeries(SPARSE, sparseTs, new double[m], sparse, m);
            return Block.open(dir.resolve(w.finish(1, List.of()).ulid()));
        }
    }

    /** Writes the raw block and its 5 m companion into {@code args[0]} (prints the companion's folder). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Block raw = rawBlock(dir);
        Downsampler.Result r = new Downsampler(FileOpener.DEFAULT, 7).downsample(raw, 5 * MIN, dir);
        System.out.println(dir.resolve(r.meta().ulid()));
        raw.close();
    }
}
