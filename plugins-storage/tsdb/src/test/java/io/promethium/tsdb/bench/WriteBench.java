package io.promethium.tsdb.bench;

import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.internal.fs.Fsync;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code tsdb bench write}: ingests node_exporter-shaped data and prints append throughput (1 and
 * 2 threads, WAL on), bytes per sample on disk after compaction, heap per active series, and
 * 1-day range query throughput. Flags: {@code --series N} (10000), {@code --hours H} (24),
 * {@code --threads T} (2, for the concurrent append run), {@code --fsync} (fsync every commit,
 * shared by concurrent committers, instead of write-through), {@code --dir D} (a temp dir).
 */
final class WriteBench implements Bench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final PrintStream out;
    private int series = 10_000;
    private int hours = 24;
    private boolean fsync;
    private int threads = 2;
    private Path dir;

    WriteBench(PrintStream out) {
        this.out = out;
    }

    @Override
    public void parse(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--series" -> series = Integer.parseInt(Bench.value(args, ++i, a));
                case "--hours" -> hours = Integer.parseInt(Bench.value(args, ++i, a));
                case "--fsync" -> fsync = true;
                case "--threads" -> threads = Integer.parseInt(Bench.value(args, ++i, a));
                case "--dir" -> dir = Path.of(Bench.value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown flag for bench write: " + a);
            }
        }
        if (series < 100 || hours < 3 || threads < 2) {
            throw new IllegalArgumentException("bench write needs --series >= 100, --hours >= 3, --threads >= 2");
        }
    }

    @Override
    public void run() throws Exception {
        Path root = dir != null ? dir : Files.createTempDirectory("tsdb-bench");
        try {
            List<String[]> rows = new ArrayList<>();
            NodeExporterData data = new NodeExporterData(series);
            long start = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, 7_200_000L);
            long steps = hours * 3_600_000L / NodeExporterData.INTERVAL;
            out.printf(Locale.ROOT, "bench write: %d series (%d hosts x %d), %d h at 15s = %,d samples, WAL %s%n", data.size(),
                    data.hosts, data.seriesPerHost, hours, data.size() * steps, fsync ? "fsync per commit" : "write per commit");

            // Heap per series: measured on a fresh database holding one hour of data, after GC.
            Path heapDir = root.resolve("heap");
            MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
            long heapBefore = usedHeap(mem);
            try (Tsdb db = open(heapDir)) {
                ingest(db, data, start, 0, 240, 0, 1);
                long heapAfter = usedHeap(mem);
                long chunkBytes = db.headChunkBytes();
                double perSeries = (double) (heapAfter - heapBefore - chunkBytes) / data.size();
                rows.add(new String[] {"heap per active series (beyond chunk data)", String.format(Locale.ROOT, "%.0f B", perSeries), "<= 1024 B"});
                rows.add(new String[] {"head chunk bytes per sample (the hour held)", String.format(Locale.ROOT, "%.2f B",
                        (double) chunkBytes / ((long) data.size() * 240)), ""});
            }

            // Append, one thread: the whole range into one database (later compacted and queried).
            Path main = root.resolve("main");
            data = new NodeExporterData(series);
            try (Tsdb db = open(main)) {
                long t0 = System.nanoTime();
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                long n = ingest(db, data, start, 0, steps, 0, 1);
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpuSecs = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
                rows.add(new String[] {"append, 1 thread, WAL on", String.format(Locale.ROOT, "%,.0f samples/s wall, %,.0f per CPU-s", n / secs,
                        n / cpuSecs), ">= 3,000,000/s/core"});

                t0 = System.nanoTime();
                long ccpu0 = THREADS.getCurrentThreadCpuTime();
                db.compact();
                db.flushHead();
                db.compact();
                double compactSecs = (System.nanoTime() - t0) / 1e9;
                double compactCpu = (THREADS.getCurrentThreadCpuTime() - ccpu0) / 1e9;
                long bytes = 0;
                long samples = 0;
                for (Tsdb.BlockInfo b : db.blocks()) {
                    bytes += b.sizeBytes();
                    samples += b.numSamples();
                }
                rows.add(new String[] {"bytes per sample on disk after compaction", String.format(Locale.ROOT, "%.3f B (%d blocks, %,d B)",
                        (double) bytes / samples, db.blocks().size(), bytes), "<= 1.3 B"});
                rows.add(new String[] {"head cuts + compaction of the range", String.format(Locale.ROOT, "%.1f s wall (%.1f CPU-s)", compactSecs,
                        compactCpu), ""});

                long qmax = start + steps * NodeExporterData.INTERVAL;
                long qmin = qmax - Math.min(hours, 24) * 3_600_000L;
                long read = 0;
                int seriesRead = 0;
                t0 = System.nanoTime();
                long qcpu0 = THREADS.getCurrentThreadCpuTime();
                try (Querier q = db.querier(qmin, qmax)) {
                    SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")));
                    SampleIterator it = null;
                    double sink = 0;
                    while (set.next()) {
                        it = set.at().iterator(it);
                        while (it.next()) {
                            sink += it.value();
                            read++;
                        }
                        seriesRead++;
                    }
                    if (sink == 42) {
                        out.println();
                    }
                }
                secs = (System.nanoTime() - t0) / 1e9;
                double qcpu = (THREADS.getCurrentThreadCpuTime() - qcpu0) / 1e9;
                rows.add(new String[] {"1-day range query, all " + seriesRead + " series",
                        String.format(Locale.ROOT, "%.2f s wall (%.2f CPU-s), %,.0f samples/s", secs, qcpu, read / secs), ""});
            }

            // Append, several threads (2 by default): a shorter range, each thread scraping its share of the hosts.
            Path two = root.resolve("two");
            NodeExporterData data2 = new NodeExporterData(series);
            try (Tsdb db = open(two)) {
                long steps2 = Math.min(steps, 3 * 240);
                long[] counts = new long[threads];
                long[] cpu = new long[threads];
                Thread[] workers = new Thread[threads];
                long t0 = System.nanoTime();
                for (int k = 0; k < threads; k++) {
                    int id = k;
                    workers[k] = new Thread(() -> {
                        long c0 = THREADS.getCurrentThreadCpuTime();
                        counts[id] = ingest(db, data2, start, 0, steps2, id, threads);
                        cpu[id] = THREADS.getCurrentThreadCpuTime() - c0;
                    });
                    workers[k].start();
                }
                for (Thread t : workers) {
                    t.join();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                long total = java.util.Arrays.stream(counts).sum();
                long cpuTotal = java.util.Arrays.stream(cpu).sum();
                rows.add(new String[] {"append, " + threads + " threads, WAL on", String.format(Locale.ROOT, "%,.0f samples/s wall, %,.0f per CPU-s",
                        total / secs, total / (cpuTotal / 1e9)), ""});
            }
            print(rows);
        } finally {
            if (dir == null) {
                Fsync.deleteRecursively(root);
            }
        }
    }

    private Tsdb open(Path path) {
        return Tsdb.open(TsdbOptions.defaults(path).withCompactionInterval(Duration.ZERO).withRetention(Duration.ZERO)
                .withWal(true, fsync));
    }

    /** Scrapes hosts {@code part}, {@code part + parts}, ...: one commit per host scrape, as the scrape loop does. */
    private static long ingest(Tsdb db, NodeExporterData data, long start, long fromStep, long toStep, int part, int parts) {
        long[] refs = new long[data.size()];
        long[] state = {part * 7919L + 1};
        long n = 0;
        int per = data.seriesPerHost;
        for (long step = fromStep; step < toStep; step++) {
            for (int h = part; h < data.hosts; h += parts) {
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

    private static long usedHeap(MemoryMXBean mem) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    private void print(List<String[]> rows) {
        out.println();
        out.printf(Locale.ROOT, "%-46s | %-40s | %s%n", "measure", "result", "target");
        out.println("-".repeat(46) + "-+-" + "-".repeat(40) + "-+-" + "-".repeat(20));
        for (String[] r : rows) {
            out.printf(Locale.ROOT, "%-46s | %-40s | %s%n", r[0], r[1], r[2]);
        }
    }
}
