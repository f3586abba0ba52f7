package io.promethium.tsdb.bench;

import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.DownsamplingLevel;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.internal.block.BlockWriter;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.fs.Fsync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Prints what downsampled companions save a long range query: {@code days} of node_exporter-shaped
 * data (15 s scrapes, one raw block a day) in a TSDB with 5 m and 1 h levels, then the selects a
 * {@code rate({__name__=~".*_total"}[step])} range query over all of it makes, with {@code maxSourceResolution} raw
 * and auto at 1 h and 6 h steps: time to read every selected point (best of three), points read,
 * the resolution used; and the bytes on disk per resolution. Run from the module after
 * {@code test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath}:
 * {@code java -cp target/test-classes:target/classes:$(cat target/bench.classpath)
 * io.promethium.tsdb.bench.DownsampledQueryBenchmark [series] [days] [function]} (defaults 1000, 7, rate; the
 * function is the selects' hint, e.g. {@code avg_over_time}, whose points also carry their sample count).
 */
public final class DownsampledQueryBenchmark {
    private static final long MIN = 60_000L;
    private static final long DAY = 24 * 60 * MIN;

    private DownsampledQueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        String function = args.length > 2 ? args[2] : "rate";
        Path dir = Files.createTempDirectory("downsampled-query-bench-");
        try {
            NodeExporterData data = new NodeExporterData(series);
            int n = data.size();
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparing((Integer i) -> data.labels[i]));
            int steps = (int) (DAY / NodeExporterData.INTERVAL);
            long[] ts = new long[steps];
            double[] vs = new double[steps];
            long[] state = {1};
            for (int d = 0; d < days; d++) {
                try (BlockWriter w = new BlockWriter(dir, d * DAY, (d + 1) * DAY, FileOpener.DEFAULT)) {
                    for (int i : order) {
                        for (int s = 0; s < steps; s++) {
                            ts[s] = data.timestamp(d * DAY, data.host[i], s);
                            vs[s] = data.advance(i, state);
                        }
                        w.addSeries(data.labels[i], ts, vs, steps);
                    }
                    w.finish(1, List.of());
                }
            }
            try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO).withWal(true, false)
                    .withRetention(Duration.ZERO))) {
                db.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ZERO, Duration.ZERO),
                        new DownsamplingLevel(Duration.ofHours(1), Duration.ZERO, Duration.ZERO)));
                long t0 = System.nanoTime();
                db.compact();
                System.out.printf("%d series, %d days of 15 s scrapes; compaction with downsampling %.1f s%n", n, days,
                        (System.nanoTime() - t0) / 1e9);
                long raw = 0;
                long five = 0;
                long hour = 0;
                try (var folders = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) folders::iterator) {
                        if (!Files.isDirectory(p) || p.getFileName().toString().length() != 26) {
                            continue;
                        }
                        String meta = Files.readString(p.resolve("meta.json"));
                        long bytes = Fsync.sizeOf(p);
                        if (meta.matches("(?s).*\"resolution\"\\s*:\\s*300000\\b.*")) {
                            five += bytes;
                        } else if (meta.matches("(?s).*\"resolution\"\\s*:\\s*3600000\\b.*")) {
                            hour += bytes;
                        } else {
                            raw += bytes;
                        }
                    }
                }
                System.out.printf("bytes on disk: raw %,d, 5 m %,d, 1 h %,d%n", raw, five, hour);
                System.out.printf("%s: %-6s %-6s %10s %14s %12s%n", function, "step", "hint", "resolution", "points read", "time");
                for (long step : new long[] {HOUR, 6 * HOUR}) {
                    for (long hint : new long[] {SelectHints.RAW, SelectHints.AUTO}) {
                        SelectHints h = new SelectHints(1, days * DAY, step, function, step, List.of(), false, hint);
                        long best = Long.MAX_VALUE;
                        long[] out = new long[2];
                        for (int round = 0; round < 3; round++) {
                            long s0 = System.nanoTime();
                            read(db, h, out);
                            best = Math.min(best, System.nanoTime() - s0);
                        }
                        System.out.printf("%-6s %-6s %10s %,14d %9.1f ms%n", step / HOUR + "h", hint == SelectHints.RAW ? "raw" : "auto",
                                out[1] == 0 ? "raw" : out[1] / MIN + "m", out[0], best / 1e6);
                    }
                }
            }
        } finally {
            Fsync.deleteRecursively(dir);
        }
    }

    private static final long HOUR = 60 * MIN;

    /** Reads every point the select returns: out[0] points, out[1] the resolution used. */
    private static void read(Tsdb db, SelectHints h, long[] out) {
        long points = 0;
        double sink = 0;
        try (Querier q = db.querier(h.start(), h.end())) {
            SeriesSet set = q.select(false, h, List.of(Matcher.of(MatchType.REGEX, "__name__", ".*_total")));
            SampleIterator it = null;
            while (set.next()) {
                it = set.at().iterator(it);
                while (it.next()) {
                    sink += it.value() + it.sampleCount();
                    points++;
                }
            }
            out[1] = set.resolution();
        }
        out[0] = points + (sink == 42 ? 1 : 0);
    }
}
