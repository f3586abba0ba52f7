package io.promethium.tsdb.bench;

import io.promethium.api.storage.Appender;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.WalCompression;
import io.promethium.tsdb.internal.fs.Fsync;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code tsdb bench wal}: the WAL's bytes and replay time per compression on the same
 * node_exporter-shaped scrapes. Each mode writes {@code --series} series for {@code --scrapes}
 * scrapes (one commit per host scrape, as the scrape loop does), then the database is reopened
 * {@code --replays} times and the fastest open (replay to ready) is kept; the modes alternate
 * in every round so a busy machine slows them alike. Prints append CPU per sample, WAL bytes per
 * sample and replay time, each with the ratio to the uncompressed WAL.
 */
final class WalBench implements Bench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final WalCompression[] MODES = WalCompression.values();

    private final PrintStream out;
    private int series = 100_000;
    private int scrapes = 20;
    private int replays = 3;
    private Path dir;

    WalBench(PrintStream out) {
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
                case "--dir" -> dir = Path.of(Bench.value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown flag for bench wal: " + a);
            }
        }
        if (series < 100 || scrapes < 1 || replays < 1) {
            throw new IllegalArgumentException("bench wal needs --series >= 100, --scrapes >= 1, --replays >= 1");
        }
    }

    @Override
    public void run() throws IOException {
        Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("promethium-bench-wal");
        try {
            long[] walBytes = new long[MODES.length];
            double[] appendCpu = new double[MODES.length];
            long samples = 0;
            for (int m = 0; m < MODES.length; m++) {
                Path path = root.resolve(MODES[m].flagValue());
                Fsync.deleteRecursively(path);
                NodeExporterData data = new NodeExporterData(series);
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                try (Tsdb db = Tsdb.open(options(path, MODES[m]))) {
                    samples = ingest(db, data, scrapes);
                }
                appendCpu[m] = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1000.0 / samples;
                walBytes[m] = bytes(path.resolve("wal"));
            }
            long[] replayNanos = new long[MODES.length];
            java.util.Arrays.fill(replayNanos, Long.MAX_VALUE);
            for (int r = 0; r < replays; r++) {
                for (int m = 0; m < MODES.length; m++) {
                    long t0 = System.nanoTime();
                    try (Tsdb db = Tsdb.open(options(root.resolve(MODES[m].flagValue()), MODES[m]))) {
                        replayNanos[m] = Math.min(replayNanos[m], System.nanoTime() - t0);
                    }
                }
            }
            out.printf(Locale.ROOT, "%d series x %d scrapes = %d samples; load average %s%n", new NodeExporterData(series).size(),
                    scrapes, samples, loadAverage());
            out.printf(Locale.ROOT, "%-8s | %-24s | %-26s | %s%n", "WAL", "append CPU/sample", "WAL bytes/sample", "replay to ready (best of " + replays + ")");
            for (int m = 0; m < MODES.length; m++) {
                out.printf(Locale.ROOT, "%-8s | %8.3f µs (%.2f×)       | %6.2f B (%.2f×)  %8.1f MB | %7.0f ms (%.2f×)%n", MODES[m].flagValue(),
                        appendCpu[m], appendCpu[m] / appendCpu[0], walBytes[m] / (double) samples, walBytes[m] / (double) walBytes[0],
                        walBytes[m] / 1e6, replayNanos[m] / 1e6, replayNanos[m] / (double) replayNanos[0]);
            }
        } finally {
            if (dir == null) {
                Fsync.deleteRecursively(root);
            }
        }
    }

    private static TsdbOptions options(Path path, WalCompression compression) {
        return TsdbOptions.defaults(path).withCompactionInterval(Duration.ZERO).withWalCompression(compression);
    }

    private static long ingest(Tsdb db, NodeExporterData data, int scrapes) {
        long[] refs = new long[data.size()];
        long[] state = {1};
        long start = 1_700_000_000_000L;
        long n = 0;
        int per = data.seriesPerHost;
        for (long step = 0; step < scrapes; step++) {
            for (int h = 0; h < data.hosts; h++) {
                long t = data.timestamp(start, h, step);
                Appender app = db.appender();
                int base = h * per;
                for (int i = base; i < base + per; i++) {
                    refs[i] = app.append(refs[i], data.labels[i], t, data.advance(i, state));
                }
                app.commit();
                n += per;
            }
        }
        return n;
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
