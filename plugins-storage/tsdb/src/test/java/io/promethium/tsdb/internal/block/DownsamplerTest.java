package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.SampleIterator;
import io.promethium.tsdb.Histograms;
import io.promethium.tsdb.internal.block.AggrChunk.Aggregate;
import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers over downsampled blocks against answers over the raw samples they were made from, for
 * every PromQL function the aggregates serve: {@code count_, sum_, min_, max_, avg_over_time} and
 * {@code rate}/{@code increase}, over ranges whose ends are multiples of the resolution (the
 * ranges a query at that resolution asks for). Two raw blocks of 6 h each, 15 s scrapes with
 * jitter, at 5 m and 1 h, with few windows per chunk so chunk and block joins fall everywhere.
 *
 * <p>Tolerances: count, min and max are exact (the same values, compared as doubles). Sums differ
 * only in the order of additions (per window, then over windows): at most {@code (n-1)·2⁻⁵³·Σ|v|}
 * for {@code n} ≤ 2,880 samples, under the {@code 1e-12·Σ|v|} allowed; avg is sum over count. The
 * counter's increase between window ends is exact to the same bound (the downsampled counter holds
 * the raw counter's value at every window's last sample, with resets added back). PromQL's
 * extrapolated {@code rate}/{@code increase} see fewer points: the downsampled series' first point
 * in a range is the first window's last sample (or a chunk's first raw sample), not the range's
 * first raw sample, and it extrapolates from there; so the two answers, each the counter's
 * average rate over part of the range times nearly the whole range, may differ by one window plus
 * a scrape interval at either end at the highest rate, plus the spread of the rate over the range:
 * {@code rmax·(res + 2·interval) + (rmax − rmin)·range} (rates between consecutive raw samples,
 * reset steps aside). A lost reset is off by the counter's value before it (10⁶ and more), far
 * outside it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DownsamplerTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final long INTERVAL = 15_000L;
    static final long BLOCK = 6 * HOUR;

    /** One folder for the class: the raw blocks and their companions are written once (Lucene index writes cost seconds). */
    @TempDir
    static Path dir;

    private List<Block> blocks;
    private final Map<Long, List<Block>> downsampled = new TreeMap<>();
    private final List<Block> opened = new ArrayList<>();

    @BeforeAll
    void writeBlocks() throws IOException {
        blocks = rawBlocks(42);
        opened.addAll(blocks);
        // Few windows per chunk, so chunk joins fall inside blocks too, not only at block joins.
        downsampled.put(5 * MIN, downsample(blocks, 5 * MIN, 7));
        downsampled.put(HOUR, downsample(blocks, HOUR, 2));
        // 1 h from the 5 m companions (4 windows per chunk: cuts fall at the 5 m chunks' joins).
        hourFromFiveMinutes = downsample(downsampled.get(5 * MIN), HOUR, 4);
    }

    private List<Block> hourFromFiveMinutes;

    /** Each set of companions under test with its resolution: 5 m and 1 h from raw, 1 h from 5 m. */
    private List<Map.Entry<Long, List<Block>>> companions() {
        return List.of(Map.entry(5 * MIN, downsampled.get(5 * MIN)), Map.entry(HOUR, downsampled.get(HOUR)),
                Map.entry(HOUR, hourFromFiveMinutes));
    }

    @AfterAll
    void closeBlocks() {
        opened.forEach(Block::close);
    }

    /** One generated float series: all its samples in time order, stale markers included. */
    record Raw(long[] ts, double[] vs) {
    }

    private final Map<Labels, Raw> raw = new TreeMap<>();

    private static final Labels GAUGE = Labels.of("__name__", "gauge", "job", "a");
    private static final Labels COUNTER = Labels.of("__name__", "requests_total", "job", "a");
    private static final Labels STALE = Labels.of("__name__", "stale_gauge", "job", "a");
    private static final Labels NAN = Labels.of("__name__", "nan_gauge", "job", "a");
    private static final Labels HIST = Labels.of("__name__", "hist", "job", "a");
    private static final Labels MIXED = Labels.of("__name__", "mixed", "job", "a");

    /** Writes two raw 6 h blocks and remembers their float samples in {@link #raw}. */
    private List<Block> rawBlocks(long seed) throws IOException {
        Random rnd = new Random(seed);
        int n = (int) (2 * BLOCK / INTERVAL);
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            // Every minute exactly on the minute (so on every window's end), else 1..200 ms late.
            ts[i] = i * INTERVAL + (i % 4 == 0 ? 0 : 1 + rnd.nextInt(200));
        }
        double[] gauge = new double[n];
        double[] counter = new double[n];
        double[] stale = new double[n];
        double[] nan = new double[n];
        double g = 100;
        double c = 1e6;
        for (int i = 0; i < n; i++) {
            g += rnd.nextGaussian() * 3;
            gauge[i] = g;
            // About 10/s with ±5 % noise; resets (a restart within the interval: the new value is
            // what it counted since) at random, at a block boundary and at a window's first sample.
            boolean reset = i > 0 && (rnd.nextInt(300) == 0 || i == (int) (BLOCK / INTERVAL) || i == 20 * 60 + 1);
            c = reset ? 10 * rnd.nextDouble() * INTERVAL / 1000.0 : c + (10 + rnd.nextDouble() - 0.5) * INTERVAL / 1000.0;
            counter[i] = c;
            stale[i] = i % 500 == 250 ? Double.longBitsToDouble(StaleMarker.STALE_NAN_BITS) : rnd.nextInt(1000) / 10.0;
            nan[i] = i == 777 ? Double.NaN : rnd.nextInt(50);
        }
        raw.put(GAUGE, new Raw(ts, gauge));
        raw.put(COUNTER, new Raw(ts, counter));
        raw.put(STALE, new Raw(ts, stale));
        raw.put(NAN, new Raw(ts, nan));
        // MIXED: floats with a run of native histograms in the middle of each block.
        double[] mixedVs = new double[n];
        Object[] mixedHs = new Object[n];
        Object[] histHs = new Object[n];
        List<Long> mixedFloatTs = new ArrayList<>();
        List<Double> mixedFloatVs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            histHs[i] = Histograms.counter(i);
            if (i % (n / 2) >= 400 && i % (n / 2) < 500) {
                mixedHs[i] = Histograms.counter(i);
            } else {
                mixedVs[i] = i;
                mixedFloatTs.add(ts[i]);
                mixedFloatVs.add((double) i);
            }
        }
        raw.put(MIXED, new Raw(mixedFloatTs.stream().mapToLong(Long::longValue).toArray(),
                mixedFloatVs.stream().mapToDouble(Double::doubleValue).toArray()));

        List<Block> blocks = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            long mint = b * BLOCK;
            long maxt = mint + BLOCK;
            int from = (int) (mint / INTERVAL);
            int to = (int) (maxt / INTERVAL);
            try (BlockWriter w = new BlockWriter(dir, mint, maxt, FileOpener.DEFAULT)) {
                Map<Labels, Runnable> bySeries = new TreeMap<>();
                for (Labels l : List.of(GAUGE, COUNTER, STALE, NAN)) {
                    double[] vs = raw.get(l).vs();
                    bySeries.put(l, () -> uncheck(() -> w.addSeries(l, slice(ts, from, to), slice(vs, from, to), to - from)));
                }
                bySeries.put(HIST, () -> uncheck(() -> w.addSeries(HIST, slice(ts, from, to), new double[to - from],
                        java.util.Arrays.copyOfRange(histHs, from, to), to - from)));
                bySeries.put(MIXED, () -> uncheck(() -> w.addSeries(MIXED, slice(ts, from, to), slice(mixedVs, from, to),
                        java.util.Arrays.copyOfRange(mixedHs, from, to), to - from)));
                bySeries.values().forEach(Runnable::run);
                blocks.add(Block.open(dir.resolve(w.finish(1, List.of()).ulid())));
            }
        }
        return blocks;
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void uncheck(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long[] slice(long[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }

    private static double[] slice(double[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }

    private List<Block> downsample(List<Block> rawBlocks, long res, int windowsPerChunk) throws IOException {
        Downsampler d = new Downsampler(FileOpener.DEFAULT, windowsPerChunk);
        List<Block> out = new ArrayList<>();
        for (Block b : rawBlocks) {
            Downsampler.Result r = d.downsample(b, res, dir);
            assertThat(r.meta().resolution()).isEqualTo(res);
            out.add(Block.open(dir.resolve(r.meta().ulid())));
        }
        opened.addAll(out);
        return out;
    }

    /** The points of one column, whole range. */
    private static List<double[]> points(List<Block> ds, Labels l, Aggregate a, long mint, long maxt) {
        SampleIterator it = DownsampledReader.iterator(ds, l, a, mint, maxt);
        List<double[]> out = new ArrayList<>();
        while (it.next()) {
            out.add(new double[] {it.timestamp(), it.value()});
        }
        assertThat(it.error()).isNull();
        return out;
    }

    @Test
    void overTimeFunctionsOverDownsampledDataAnswerAsOverRawDataAtAlignedRanges() throws IOException {
        for (Map.Entry<Long, List<Block>> companion : companions()) {
            long res = companion.getKey();
            List<Block> ds = companion.getValue();
            for (Labels l : List.of(GAUGE, COUNTER, STALE, NAN, MIXED)) {
                Raw r = raw.get(l);
                for (int k : new int[] {1, 3, 12}) {
                    for (long a = 0; a + k * res <= 2 * BLOCK; a += res) {
                        long b = a + k * res;
                        // Raw: samples in (a, b], stale markers dropped, as PromQL's range selection.
                        long count = 0;
                        double sum = 0;
                        double abs = 0;
                        double min = Double.NaN;
                        double max = Double.NaN;
                        for (int i = 0; i < r.ts().length; i++) {
                            double v = r.vs()[i];
                            if (r.ts()[i] <= a || r.ts()[i] > b || StaleMarker.isStale(v)) {
                                continue;
                            }
                            count++;
                            sum += v;
                            abs += Math.abs(v);
                            min = v < min || Double.isNaN(min) ? v : min;
                            max = v > max || Double.isNaN(max) ? v : max;
                        }
                        double dCount = 0;
                        for (double[] p : points(ds, l, Aggregate.COUNT, a + 1, b)) {
                            dCount += p[1];
                        }
                        double dSum = 0;
                        for (double[] p : points(ds, l, Aggregate.SUM, a + 1, b)) {
                            dSum += p[1];
                        }
                        double dMin = Double.NaN;
                        for (double[] p : points(ds, l, Aggregate.MIN, a + 1, b)) {
                            dMin = p[1] < dMin || Double.isNaN(dMin) ? p[1] : dMin;
                        }
                        double dMax = Double.NaN;
                        for (double[] p : points(ds, l, Aggregate.MAX, a + 1, b)) {
                            dMax = p[1] > dMax || Double.isNaN(dMax) ? p[1] : dMax;
                        }
                        String at = l + " res " + res + " (" + a + ", " + b + "]";
                        assertThat(dCount).as("count_over_time " + at).isEqualTo((double) count);
                        // Boxed: an empty range is NaN on both sides, and Double.equals holds NaN equal to NaN.
                        assertThat(Double.valueOf(dMin)).as("min_over_time " + at).isEqualTo(Double.valueOf(min));
                        assertThat(Double.valueOf(dMax)).as("max_over_time " + at).isEqualTo(Double.valueOf(max));
                        if (Double.isNaN(sum)) {
                            assertThat(dSum).as("sum_over_time " + at).isNaN();
                        } else {
                            assertThat(Math.abs(dSum - sum)).as("sum_over_time " + at).isLessThanOrEqualTo(1e-12 * abs);
                            if (count > 0) {
                                assertThat(Math.abs(dSum / dCount - sum / count)).as("avg_over_time " + at)
                                        .isLessThanOrEqualTo(1e-12 * abs / count);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Raw counter value with every reset since the first sample added back (Prometheus's view of a counter). */
    private static double[] adjusted(Raw r) {
        double[] out = new double[r.vs().length];
        double total = r.vs()[0];
        out[0] = total;
        for (int i = 1; i < out.length; i++) {
            double v = r.vs()[i];
            double prev = r.vs()[i - 1];
            total += v >= prev ? v - prev : v;
            out[i] = total;
        }
        return out;
    }

    private static int lastAtOrBefore(long[] ts, long t) {
        int i = -1;
        while (i + 1 < ts.length && ts[i + 1] <= t) {
            i++;
        }
        return i;
    }

    private static double valueAtOrBefore(List<double[]> points, long t) {
        double v = Double.NaN;
        for (double[] p : points) {
            if (p[0] <= t) {
                v = p[1];
            }
        }
        return v;
    }

    @Test
    void counterIncreaseBetweenWindowEndsIsExactAcrossResetsChunksAndBlocks() throws IOException {
        Raw r = raw.get(COUNTER);
        double[] adj = adjusted(r);
        for (Map.Entry<Long, List<Block>> companion : companions()) {
            long res = companion.getKey();
            List<Block> ds = companion.getValue();
            List<double[]> counter = points(ds, COUNTER, Aggregate.COUNTER, Long.MIN_VALUE, Long.MAX_VALUE);
            for (int i = 1; i < counter.size(); i++) {
                assertThat(counter.get(i)[1]).as("the downsampled counter never decreases").isGreaterThanOrEqualTo(counter.get(i - 1)[1]);
            }
            for (long a = res; a < 2 * BLOCK; a += res) {
                for (long b = a + res; b <= 2 * BLOCK; b += res) {
                    double expected = adj[lastAtOrBefore(r.ts(), b)] - adj[lastAtOrBefore(r.ts(), a)];
                    double got = valueAtOrBefore(counter, b) - valueAtOrBefore(counter, a);
                    assertThat(Math.abs(got - expected)).as("increase (" + a + ", " + b + "] at " + res)
                            .isLessThanOrEqualTo(1e-12 * adj[adj.length - 1]);
                }
                // Read from a later start (earlier chunks skipped unread): the differences stay the same.
                List<double[]> from = points(ds, COUNTER, Aggregate.COUNTER, a - res + 1, Long.MAX_VALUE);
                double expected = adj[adj.length - 1] - adj[lastAtOrBefore(r.ts(), a)];
                assertThat(Math.abs(from.get(from.size() - 1)[1] - valueAtOrBefore(from, a) - expected))
                        .as("increase from " + a + " read from a later chunk at " + res).isLessThanOrEqualTo(1e-12 * adj[adj.length - 1]);
            }
        }
    }

    /** Prometheus's extrapolatedRate for a counter over samples in (rangeStart, rangeEnd]; NaN with fewer than two. */
    static double extrapolatedIncrease(long[] ts, double[] vs, int n, long rangeStart, long rangeEnd) {
        if (n < 2) {
            return Double.NaN;
        }
        double result = vs[n - 1] - vs[0];
        for (int i = 1; i < n; i++) {
            if (vs[i] < vs[i - 1]) {
                result += vs[i - 1];
            }
        }
        double durationToStart = (ts[0] - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - ts[n - 1]) / 1000.0;
        double sampled = (ts[n - 1] - ts[0]) / 1000.0;
        double avg = sampled / (n - 1);
        if (result > 0 && vs[0] >= 0) {
            double toZero = sampled * (vs[0] / result);
            if (toZero < durationToStart) {
                durationToStart = toZero;
            }
        }
        double threshold = avg * 1.1;
        double extrapolateTo = sampled;
        extrapolateTo += durationToStart < threshold ? durationToStart : avg / 2;
        extrapolateTo += durationToEnd < threshold ? durationToEnd : avg / 2;
        return result * (extrapolateTo / sampled);
    }

    @Test
    void rateAndIncreaseOverDownsampledCounterStayWithinOneWindowOfRaw() throws IOException {
        Raw r = raw.get(COUNTER);
        for (Map.Entry<Long, List<Block>> companion : companions()) {
            long res = companion.getKey();
            List<Block> ds = companion.getValue();
            int checked = 0;
            for (int k : new int[] {3, 6, 12}) {
                for (long a = 0; a + k * res <= 2 * BLOCK; a += res) {
                    long b = a + k * res;
                    long[] rts = new long[r.ts().length];
                    double[] rvs = new double[r.ts().length];
                    int rn = 0;
                    double rmin = Double.MAX_VALUE;
                    double rmax = 0;
                    for (int i = 0; i < r.ts().length; i++) {
                        if (r.ts()[i] > a && r.ts()[i] <= b) {
                            if (rn > 0) {
                                double dv = r.vs()[i] >= rvs[rn - 1] ? r.vs()[i] - rvs[rn - 1] : r.vs()[i];
                                // A reset's step counts what the counter reached since it restarted, at most a scrape's worth here.
                                double rate = r.vs()[i] >= rvs[rn - 1] ? dv / ((r.ts()[i] - rts[rn - 1]) / 1000.0) : Double.NaN;
                                if (!Double.isNaN(rate)) {
                                    rmin = Math.min(rmin, rate);
                                    rmax = Math.max(rmax, rate);
                                }
                            }
                            rts[rn] = r.ts()[i];
                            rvs[rn++] = r.vs()[i];
                        }
                    }
                    List<double[]> pts = points(ds, COUNTER, Aggregate.COUNTER, a + 1, b);
                    long[] dts = new long[pts.size()];
                    double[] dvs = new double[pts.size()];
                    for (int i = 0; i < dts.length; i++) {
                        dts[i] = (long) pts.get(i)[0];
                        dvs[i] = pts.get(i)[1];
                    }
                    double rawIncrease = extrapolatedIncrease(rts, rvs, rn, a, b);
                    double dsIncrease = extrapolatedIncrease(dts, dvs, dts.length, a, b);
                    double rangeS = (b - a) / 1000.0;
                    double bound = rmax * (res / 1000.0 + 2 * INTERVAL / 1000.0) + (rmax - rmin) * rangeS;
                    String at = "res " + res + " (" + a + ", " + b + "]";
                    assertThat(Math.abs(dsIncrease - rawIncrease)).as("increase " + at + ": raw " + rawIncrease + ", downsampled " + dsIncrease)
                            .isLessThanOrEqualTo(bound);
                    assertThat(Math.abs(dsIncrease / rangeS - rawIncrease / rangeS)).as("rate " + at).isLessThanOrEqualTo(bound / rangeS);
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(0);
        }
    }

    @Test
    void selectJoinsASeriesOverBlocksAsTheSingleSeriesLookupDoes() {
        List<Block> ds = downsampled.get(5 * MIN);
        List<DownsampledReader.Series> selected = DownsampledReader.select(ds,
                List.of(io.promethium.api.model.Matcher.of(io.promethium.api.model.MatchType.REGEX, "__name__", ".*gauge|requests_total")),
                Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(selected).extracting(DownsampledReader.Series::labels).containsExactly(GAUGE, NAN, COUNTER, STALE);
        for (DownsampledReader.Series s : selected) {
            for (Aggregate a : Aggregate.values()) {
                SampleIterator it = s.iterator(a, 3 * HOUR + 1, 9 * HOUR);
                List<double[]> got = new ArrayList<>();
                while (it.next()) {
                    got.add(new double[] {it.timestamp(), it.value()});
                }
                List<double[]> one = points(ds, s.labels(), a, 3 * HOUR + 1, 9 * HOUR);
                assertThat(got).as(s.labels() + " " + a).hasSameSizeAs(one).isNotEmpty();
                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i)).as(s.labels() + " " + a + " point " + i).containsExactly(one.get(i));
                }
            }
        }
    }

    @Test
    void coarserChunksFromLongerSourceChunksHoldEveryWindow() throws IOException {
        // 5 m chunks of 120 windows (one per 6 h block), then 1 h at 2 windows per chunk: an output
        // chunk can only end where a source chunk does, so it holds 7 windows, past its limit.
        List<Block> fiveMinutes = downsample(blocks, 5 * MIN, Downsampler.WINDOWS_PER_CHUNK);
        List<Block> hour = downsample(fiveMinutes, HOUR, 2);
        for (Labels l : List.of(GAUGE, COUNTER)) {
            // The counters differ in their chunks' first raw points; their increases between hour ends agree.
            List<double[]> counter = points(hour, l, Aggregate.COUNTER, Long.MIN_VALUE, Long.MAX_VALUE);
            List<double[]> counterFromRaw = points(downsampled.get(HOUR), l, Aggregate.COUNTER, Long.MIN_VALUE, Long.MAX_VALUE);
            for (long b = HOUR; b <= 2 * BLOCK; b += HOUR) {
                double got = valueAtOrBefore(counter, b) - valueAtOrBefore(counter, 0);
                double want = valueAtOrBefore(counterFromRaw, b) - valueAtOrBefore(counterFromRaw, 0);
                assertThat(got).as(l + " counter increase to " + b).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6));
            }
            for (Aggregate a : List.of(Aggregate.COUNT, Aggregate.SUM, Aggregate.MIN, Aggregate.MAX)) {
                List<double[]> got = points(hour, l, a, Long.MIN_VALUE, Long.MAX_VALUE);
                List<double[]> fromRaw = points(downsampled.get(HOUR), l, a, Long.MIN_VALUE, Long.MAX_VALUE);
                assertThat(got).as(l + " " + a).hasSameSizeAs(fromRaw);
                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i)[0]).as(l + " " + a + " point " + i).isEqualTo(fromRaw.get(i)[0]);
                    assertThat(got.get(i)[1]).as(l + " " + a + " point " + i)
                            .isCloseTo(fromRaw.get(i)[1], org.assertj.core.data.Offset.offset(1e-12 * Math.abs(fromRaw.get(i)[1]) + 1e-9));
                }
            }
        }
    }

    @Test
    void aCorruptAggregateChunkEndsTheReadWithAnErrorNamingTheBlock() throws IOException {
        Downsampler.Result r = new Downsampler(FileOpener.DEFAULT).downsample(blocks.get(0), HOUR, dir);
        Path chunkFile = dir.resolve(r.meta().ulid()).resolve("chunks").resolve(ChunkFileFormat.fileName(1));
        byte[] bytes = Files.readAllBytes(chunkFile);
        bytes[ChunkFileFormat.HEADER + 5] ^= 0x55;
        Files.write(chunkFile, bytes);
        Block ds = Block.open(dir.resolve(r.meta().ulid()));
        opened.add(ds);
        SampleIterator it = DownsampledReader.iterator(List.of(ds), DownsampledReader.series(ds).get(0), Aggregate.SUM,
                Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(it.next()).isFalse();
        assertThat(it.error()).isInstanceOf(io.promethium.chunks.ChunkFormatException.class);
        assertThat(ds.corruption()).isNotNull();
    }

    @Test
    void aTruncatedAggregateChunkIsRefusedNotMisread() {
        AggrChunk.Encoder e = new AggrChunk.Encoder();
        long[] t = {10, 20};
        double[] v = {1, 2};
        e.encode(t, v, v, v, v, 0, 2, t, v, 0, 2, 2, 10);
        byte[] whole = java.util.Arrays.copyOf(e.array(), e.length());
        AggrChunk.Layout layout = new AggrChunk.Layout();
        layout.parse(whole, 0, whole.length);
        assertThat(layout.windows).isEqualTo(2);
        assertThat(layout.lastRaw).isEqualTo(2.0);
        for (int len = 0; len < whole.length; len++) {
            int cut = len;
            assertThatThrownBy(() -> layout.parse(whole, 0, cut)).as("cut to " + cut + " bytes")
                    .isInstanceOf(io.promethium.chunks.ChunkFormatException.class);
        }
    }

    @Test
    void histogramsMixedWithFloatsAndStaleMarkersAreSkippedAndCountedAHistogramSeriesIsDownsampled() throws IOException {
        Downsampler.Result r = new Downsampler(FileOpener.DEFAULT).downsample(blocks.get(0), 5 * MIN, dir);
        int perBlock = (int) (BLOCK / INTERVAL);
        // MIXED: its run of 100 histograms is skipped; HIST (histograms only) is written as histogram aggregates.
        assertThat(r.histogramSeries()).isEqualTo(1);
        assertThat(r.histogramSamples()).isEqualTo(100);
        assertThat(r.histogramSeriesDownsampled()).isEqualTo(1);
        assertThat(r.staleMarkers()).isEqualTo((perBlock + 249) / 500);
        Block ds = Block.open(dir.resolve(r.meta().ulid()));
        opened.add(ds);
        assertThat(DownsampledReader.series(ds)).contains(HIST, MIXED, GAUGE, COUNTER, STALE, NAN);
        assertThat(r.series()).isEqualTo(6);
        // 73 windows per series (the sample at 0 ends window (-5 m, 0], then 72 up to 6 h), but MIXED's
        // histogram run (samples 400..499, at 6000 s .. 7485 s) fills windows (6000 s, 6300 s] ..
        // (6900 s, 7200 s] alone; sample 500 at 7500 s is a float again.
        assertThat(r.windows()).isEqualTo(6 * (BLOCK / (5 * MIN) + 1) - 4);
    }

    @Test
    void downsampledBlockCarriesItsResolutionAndRefusesResolutionsItCannotServe() throws IOException {
        Downsampler d = new Downsampler(FileOpener.DEFAULT);
        Downsampler.Result r = d.downsample(blocks.get(1), HOUR, dir);
        String json = Files.readString(dir.resolve(r.meta().ulid()).resolve("meta.json"));
        assertThat(json).contains("\"downsample\": {\"resolution\": 3600000}");
        assertThat(Files.readString(blocks.get(1).dir().resolve("meta.json"))).doesNotContain("downsample");
        Block ds = Block.open(dir.resolve(r.meta().ulid()));
        opened.add(ds);
        assertThat(ds.meta().resolution()).isEqualTo(HOUR);
        assertThat(ds.meta().minTime()).isEqualTo(BLOCK);
        assertThat(ds.meta().maxTime()).isEqualTo(2 * BLOCK);
        assertThat(ds.meta().sources()).containsExactly(blocks.get(1).meta().ulid());
        // Its own resolution is allowed: that rewrites it without what its tombstones hide.
        for (long finer : new long[] {30 * MIN, 90 * MIN}) {
            assertThatThrownBy(() -> d.downsample(ds, finer, dir)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be a multiple of it");
        }
        assertThatThrownBy(() -> DownsampledReader.iterator(List.of(blocks.get(0)), GAUGE, Aggregate.SUM, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("raw");
    }
}
