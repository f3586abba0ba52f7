package io.promethium.tsdb;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.ValueType;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockWriter;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.fs.Fsync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Prints the bytes of chunk data a long range query reads from raw blocks and from 5 m and 1 h
 * companions: {@code floats} float counters (half whole-number request counts, half CPU seconds in
 * hundredths) and {@code histograms} native histogram counters (schema 3, 40 populated buckets),
 * 15 s scrapes over {@code days} (one raw block a day), downsampled to 5 m and 1 h. For each kind,
 * the select a {@code rate(x[range])} range query over all of it at a 1 h step makes, with {@code
 * max_source_resolution} raw, 5 m and 1 h; every returned point read. Bytes are measured by the
 * blocks' chunk readers (each chunk record read whole: length, encoding, data, CRC). Run from the
 * module after {@code test-compile dependency:build-classpath}: {@code java -cp
 * target/test-classes:target/classes:$(cat target/bench.classpath)
 * io.promethium.tsdb.QueryBytesBenchmark [floats] [histograms] [days]} (defaults 200, 20, 30).
 */
public final class QueryBytesBenchmark {
    private static final long MIN = 60_000L;
    private static final long HOUR = 60 * MIN;
    private static final long DAY = 24 * HOUR;
    private static final long SCRAPE = 15_000L;
    private static final int BUCKETS = 40;

    private QueryBytesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int floats = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int histograms = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int days = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Path dir = Files.createTempDirectory("query-bytes-bench-");
        try {
            writeRawBlocks(dir, floats, histograms, days);
            try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO).withWal(true, false)
                    .withRetention(Duration.ZERO))) {
                db.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ZERO, Duration.ZERO),
                        new DownsamplingLevel(Duration.ofHours(1), Duration.ZERO, Duration.ZERO)));
                db.compact();
                System.out.printf("%d float and %d histogram counters, %d days of 15 s scrapes; %d raw blocks, %d companions%n",
                        floats, histograms, days, db.blocks.size(), db.downsampledBlocks.size());
                System.out.printf("%-10s %-14s %-8s %-10s %12s %16s %14s%n", "series", "query", "max res", "read", "points",
                        "chunk bytes", "bytes/series");
                query(db, "floats", Matcher.of(MatchType.REGEX, "__name__", ".*_total"), days);
                query(db, "histograms", Matcher.of(MatchType.EQUAL, "__name__", "http_request_duration_seconds"), days);
            }
        } finally {
            Fsync.deleteRecursively(dir);
        }
    }

    private static void query(Tsdb db, String kind, Matcher matcher, int days) {
        long[][] cases = {{5 * MIN, SelectHints.RAW}, {2 * HOUR, SelectHints.RAW}, {2 * HOUR, 5 * MIN}, {2 * HOUR, HOUR}};
        for (long[] c : cases) {
            long range = c[0];
            long maxRes = c[1];
            long end = days * DAY;
            SelectHints h = new SelectHints(HOUR - range, end, HOUR, "rate", range, List.of(), false, maxRes);
            long before = bytesRead(db);
            long points = 0;
            long series = 0;
            long resolution;
            double sink = 0;
            try (Querier q = db.querier(h.start(), h.end())) {
                SeriesSet set = q.select(false, h, List.of(matcher));
                SampleIterator it = null;
                while (set.next()) {
                    series++;
                    it = set.at().iterator(it);
                    while (it.next()) {
                        sink += it.valueType() == ValueType.FLOAT ? it.value() : it.floatHistogram().count();
                        points++;
                    }
                }
                resolution = set.resolution();
            }
            long bytes = bytesRead(db) - before;
            System.out.printf("%-10s %-14s %-8s %-10s %,12d %,16d %,14d%n", kind, "rate(x[" + duration(range) + "])",
                    maxRes == SelectHints.RAW ? "raw" : duration(maxRes), resolution == 0 ? "raw" : duration(resolution),
                    points + (sink == 42 ? 1 : 0), bytes, series == 0 ? 0 : bytes / series);
        }
    }

    private static String duration(long ms) {
        return ms % HOUR == 0 ? ms / HOUR + "h" : ms / MIN + "m";
    }

    private static long bytesRead(Tsdb db) {
        long sum = 0;
        for (Block b : db.blocks) {
            sum += b.chunkBytesRead();
        }
        for (Block b : db.downsampledBlocks) {
            sum += b.chunkBytesRead();
        }
        return sum;
    }

    private static void writeRawBlocks(Path dir, int floats, int histograms, int days) throws Exception {
        // Series in label order, as a block's index needs them.
        List<Labels> labels = new ArrayList<>();
        for (int s = 0; s < floats; s++) {
            labels.add(Labels.of("__name__", s % 2 == 0 ? "cpu_seconds_total" : "http_requests_total", "instance",
                    String.format("host-%04d", s / 2)));
        }
        for (int s = 0; s < histograms; s++) {
            labels.add(Labels.of("__name__", "http_request_duration_seconds", "instance", String.format("host-%04d", s)));
        }
        labels.sort(null);
        int n = labels.size();
        double[] value = new double[n];
        long[][] counts = new long[n][BUCKETS];
        Random random = new Random(1);
        int steps = (int) (DAY / SCRAPE);
        long[] ts = new long[steps];
        double[] vs = new double[steps];
        Object[] hs = new Object[steps];
        for (int d = 0; d < days; d++) {
            try (BlockWriter w = new BlockWriter(dir, d * DAY, (d + 1) * DAY, FileOpener.DEFAULT)) {
                for (int s = 0; s < n; s++) {
                    Labels l = labels.get(s);
                    String name = l.get("__name__");
                    for (int i = 0; i < steps; i++) {
                        ts[i] = d * DAY + (i + 1) * SCRAPE - random.nextInt(3);
                    }
                    if (name.equals("http_request_duration_seconds")) {
                        for (int i = 0; i < steps; i++) {
                            hs[i] = histogram(counts[s], random);
                        }
                        w.addSeries(l, ts, new double[steps], hs, steps);
                    } else {
                        boolean cpu = name.equals("cpu_seconds_total");
                        for (int i = 0; i < steps; i++) {
                            value[s] = cpu ? Math.round(value[s] * 100 + random.nextInt(1500)) / 100.0 : value[s] + random.nextInt(50);
                            vs[i] = value[s];
                        }
                        w.addSeries(l, ts, vs, steps);
                    }
                }
                w.finish(1, List.of());
            }
        }
    }

    private static Histogram histogram(long[] counts, Random random) {
        long total = 0;
        long[] deltas = new long[BUCKETS];
        long prev = 0;
        for (int b = 0; b < BUCKETS; b++) {
            counts[b] += random.nextInt(3 + b % 5);
            total += counts[b];
            deltas[b] = counts[b] - prev;
            prev = counts[b];
        }
        return new Histogram(CounterResetHint.UNKNOWN, 3, 0.001, 0, total, total * 0.25, HistogramSpans.pairs(-20, BUCKETS), deltas,
                HistogramSpans.EMPTY, new long[0], null);
    }
}
