package io.promethium.tsdb.bench;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.WalCompression;
import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.wal.WalStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code tsdb bench replay}: WAL replay to ready (open of the database) on node_exporter-shaped
 * scrapes, each series' metadata logged once as the scrape loop does. Writes {@code --series}
 * series for {@code --scrapes} scrapes, then opens the database {@code --replays} times and prints
 * each open and, for the first (the least warmed-up JIT) and the fastest, series, samples and WAL
 * megabytes per second. With {@code --dir D} a WAL already in {@code D} is replayed as it is (a
 * second invocation measures a cold JVM on the WAL the first one wrote) and is kept.
 */
final class ReplayBench implements Bench {
    private final PrintStream out;
    private int series = 50_000;
    private int scrapes = 20;
    private int replays = 5;
    private WalCompression compression = WalCompression.SNAPPY;
    private Path dir;

    ReplayBench(PrintStream out) {
        this.out = out;
    }

    @Override
    public void parse(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--series" -> series = Integer.parseInt(Bench.value(args, ++i, a));
                case "--scrapes" -> scrapes = Integer.parseInt(Bench.value(args, ++i, a));
                case "--replays" -> replays = Integer.parseInt(Bench.value(args, ++i, a));
                case "--compression" -> compression = compression(Bench.value(args, ++i, a));
                case "--dir" -> dir = Path.of(Bench.value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown flag for bench replay: " + a);
            }
        }
        if (series < 100 || scrapes < 1 || replays < 1) {
            throw new IllegalArgumentException("bench replay needs --series >= 100, --scrapes >= 1, --replays >= 1");
        }
    }

    private static WalCompression compression(String name) {
        for (WalCompression c : WalCompression.values()) {
            if (c.flagValue().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("--compression must be one of none, snappy, zstd: " + name);
    }

    @Override
    public void run() throws IOException {
        Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("promethium-bench-replay");
        try {
            Path data = root.resolve("data");
            if (!Files.isDirectory(data.resolve("wal"))) {
                NodeExporterData nodes = new NodeExporterData(series);
                try (Tsdb db = Tsdb.open(options(data))) {
                    ingest(db, nodes, scrapes);
                }
                out.printf(Locale.ROOT, "wrote %d series x %d scrapes (%s)%n", nodes.size(), scrapes, compression.flagValue());
            } else {
                out.println("replaying the WAL already in " + data);
            }
            long walBytes = bytes(data.resolve("wal"));
            long samples = samples(WalStats.of(data.resolve("wal")));
            long[] nanos = new long[replays];
            long[] cpu = new long[replays];
            long numSeries = 0;
            for (int r = 0; r < replays; r++) {
                long cpu0 = processCpu();
                long t0 = System.nanoTime();
                try (Tsdb db = Tsdb.open(options(data))) {
                    nanos[r] = System.nanoTime() - t0;
                    cpu[r] = processCpu() - cpu0;
                    numSeries = db.headStats().numSeries();
                }
                out.printf(Locale.ROOT, "replay %d: %.1f ms (process CPU %.1f ms)%n", r + 1, nanos[r] / 1e6, cpu[r] / 1e6);
            }
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            out.printf(Locale.ROOT, "%d series, %d samples, WAL %.1f MB; %d cores; load average %s%n", numSeries, samples, walBytes / 1e6,
                    Runtime.getRuntime().availableProcessors(), WalBench.loadAverage());
            line("first", nanos[0], numSeries, samples, walBytes);
            line("fastest", sorted[0], numSeries, samples, walBytes);
            line("median", sorted[sorted.length / 2], numSeries, samples, walBytes);
            long[] cpuSorted = cpu.clone();
            Arrays.sort(cpuSorted);
            out.printf(Locale.ROOT, "process CPU per replay: first %.1f ms, least %.1f ms, median %.1f ms (the JIT's and GC's included)%n",
                    cpu[0] / 1e6, cpuSorted[0] / 1e6, cpuSorted[cpuSorted.length / 2] / 1e6);
        } finally {
            if (dir == null) {
                Fsync.deleteRecursively(root);
            }
        }
    }

    private static long processCpu() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private void line(String what, long nanos, long numSeries, long samples, long walBytes) {
        double s = nanos / 1e9;
        out.printf(Locale.ROOT, "%-8s %8.1f ms  %10.0f series/s  %12.0f samples/s  %7.1f MB/s%n", what, nanos / 1e6, numSeries / s,
                samples / s, walBytes / 1e6 / s);
    }

    private TsdbOptions options(Path path) {
        return TsdbOptions.defaults(path).withCompactionInterval(Duration.ZERO).withWalCompression(compression);
    }

    /** One commit per host scrape; each series' metadata with its first sample, as the scrape loop logs it. */
    private static void ingest(Tsdb db, NodeExporterData data, int scrapes) {
        long[] refs = new long[data.size()];
        long[] state = {1};
        long start = 1_700_000_000_000L;
        int per = data.seriesPerHost;
        for (long step = 0; step < scrapes; step++) {
            for (int h = 0; h < data.hosts; h++) {
                long t = data.timestamp(start, h, step);
                Appender app = db.appender();
                int base = h * per;
                for (int i = base; i < base + per; i++) {
                    Labels labels = data.labels[i];
                    if (step == 0) {
                        String name = labels.metricName();
                        refs[i] = app.updateMetadata(refs[i], labels, new Metadata(name.endsWith("_total") ? MetricType.COUNTER
                                : MetricType.GAUGE, "Help text of " + name + ", as node_exporter writes it.", ""));
                    }
                    refs[i] = app.append(refs[i], labels, t, data.advance(i, state));
                }
                app.commit();
            }
        }
    }

    /** Sample entries of every kind in the WAL (what replay reads, not what it keeps). */
    private static long samples(WalStats.Result stats) {
        long n = 0;
        for (String kind : List.of("samples", "sample columns", "histograms", "float histograms")) {
            WalStats.Row row = stats.rows().get(kind);
            n += row == null ? 0 : row.entries;
        }
        return n;
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
