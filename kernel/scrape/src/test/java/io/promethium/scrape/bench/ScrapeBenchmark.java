package io.promethium.scrape.bench;

import com.sun.management.OperatingSystemMXBean;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Storage;
import io.promethium.config.model.ConfigSections;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.ScrapeLimits;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.model.StorageConfig;
import io.promethium.scrape.TargetInfo;
import io.promethium.scrape.internal.ScrapeManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * CPU cost per scraped sample of the whole scrape path (HTTP, parse, relabel, append): the
 * scrape manager scrapes N loopback targets of S series each at a fixed interval for a bounded
 * time; after a warm-up, process CPU time over the measured window is divided by the samples
 * appended in it. Targets are served by a child process ({@link TargetFarm}) so their CPU is not
 * counted. Storage: {@code memory} (a minimal in-memory appender), {@code tsdb} (the tsdb
 * plugin with its WAL written through to the OS per commit, the server's default, loaded from the
 * classpath when present) or {@code tsdb-fsync} (the same with an fsync per commit).
 *
 * <p>Arguments: {@code [storage=memory|tsdb|tsdb-fsync] [targets=1000] [series=1000] [intervalSeconds=10]
 * [durationSeconds=60] [warmupSeconds=20]}.
 */
public final class ScrapeBenchmark {

    private ScrapeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String storageKind = args.length > 0 ? args[0] : "memory";
        int targets = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int series = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int intervalSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int durationSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 60;
        int warmupSeconds = args.length > 5 ? Integer.parseInt(args[5]) : 20;

        Process farm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), TargetFarm.class.getName(),
                String.valueOf(targets), String.valueOf(series))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader farmOut = new BufferedReader(new InputStreamReader(farm.getInputStream(), StandardCharsets.UTF_8));
        String line = farmOut.readLine();
        if (line == null || !line.startsWith("PORTS ")) {
            throw new IllegalStateException("target farm did not start: " + line);
        }
        List<String> addresses = new ArrayList<>();
        for (String port : line.substring(6).split(",")) {
            addresses.add("127.0.0.1:" + port);
        }

        Path dataDir = Files.createTempDirectory("scrape-bench");
        Storage backing = switch (storageKind) {
            case "memory" -> new MemoryAppendStorage();
            case "tsdb" -> openTsdb(dataDir, false);
            case "tsdb-fsync" -> openTsdb(dataDir, true);
            default -> throw new IllegalArgumentException("storage must be memory, tsdb or tsdb-fsync, got " + storageKind);
        };
        CountingStorage storage = new CountingStorage(backing);
        ScrapeManager manager = new ScrapeManager();
        manager.setStorage(storage);
        ScrapeConfig job = new ScrapeConfig("bench", Duration.ofSeconds(intervalSeconds), Duration.ofSeconds(Math.min(5, intervalSeconds)),
                GlobalConfig.DEFAULT_SCRAPE_PROTOCOLS, "", "/metrics", "http", Map.of(), false, true, false, true,
                HttpClientConfig.DEFAULT, ScrapeLimits.NONE, List.of(new StaticConfig(addresses, Labels.EMPTY)), List.of(),
                List.of(), List.of());
        manager.applyConfig(new PrometheusConfig(null, GlobalConfig.DEFAULT, List.of(), List.of(job), AlertingConfig.EMPTY,
                ConfigSections.NONE, StorageConfig.DEFAULT, ""));

        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf("scraping %d targets x %d series every %ds with %s storage; warm-up %ds, measuring %ds%n",
                targets, series, intervalSeconds, storageKind, warmupSeconds, durationSeconds - warmupSeconds);
        Thread.sleep(warmupSeconds * 1000L);
        long cpu0 = os.getProcessCpuTime();
        long samples0 = storage.samples.sum();
        long misses0 = storage.withoutRef.sum();
        long gc0 = gcMillis();
        long wall0 = System.nanoTime();
        Thread.sleep((durationSeconds - warmupSeconds) * 1000L);
        long cpu1 = os.getProcessCpuTime();
        long samples1 = storage.samples.sum();
        long misses1 = storage.withoutRef.sum();
        long gc1 = gcMillis();
        long wall1 = System.nanoTime();

        List<TargetInfo> active = manager.activeTargets();
        long up = active.stream().filter(t -> t.health().equals(TargetInfo.UP)).count();
        Map<String, Long> errors = new ConcurrentHashMap<>();
        active.stream().filter(t -> !t.lastError().isEmpty()).forEach(t -> errors.merge(t.lastError(), 1L, Long::sum));
        manager.close();
        farm.getOutputStream().close();
        farm.destroy();
        if (backing instanceof AutoCloseable closeable) {
            closeable.close();
        }

        long samples = samples1 - samples0;
        double cpuSeconds = (cpu1 - cpu0) / 1e9;
        double wallSeconds = (wall1 - wall0) / 1e9;
        System.out.printf("targets up: %d/%d%s%n", up, active.size(), errors.isEmpty() ? "" : " errors: " + errors);
        System.out.printf("samples appended in window: %,d (%.0f samples/s)%n", samples, samples / wallSeconds);
        System.out.printf("appends without a series reference (cache misses) in window: %,d%n", misses1 - misses0);
        System.out.printf("heap used at end: %,d MB%n", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        System.out.printf("process CPU in window: %.2f s over %.1f s wall (%.2f cores), GC time %d ms%n",
                cpuSeconds, wallSeconds, cpuSeconds / wallSeconds, gc1 - gc0);
        System.out.printf("CPU per scraped sample: %.3f us%n", samples == 0 ? Double.NaN : (cpu1 - cpu0) / 1e3 / samples);
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /**
     * The tsdb plugin, found on the classpath by name so this module does not depend on it; WAL on,
     * fsync per commit only when asked (the server's default writes each commit to the OS only).
     */
    private static Storage openTsdb(Path dir, boolean fsyncOnCommit) throws Exception {
        Class<?> options = Class.forName("io.promethium.tsdb.TsdbOptions");
        Object defaults = options.getMethod("defaults", Path.class).invoke(null, dir);
        Object withWal = options.getMethod("withWal", boolean.class, boolean.class).invoke(defaults, true, fsyncOnCommit);
        Object tsdb = Class.forName("io.promethium.tsdb.Tsdb").getMethod("open", options).invoke(null, withWal);
        return (Storage) tsdb;
    }

    /** Counts appended samples on the way to the real storage. */
    private static final class CountingStorage implements Storage {
        final LongAdder samples = new LongAdder();
        /** Appends without a series reference: the scraper's series cache missed. */
        final LongAdder withoutRef = new LongAdder();
        private final Storage delegate;

        CountingStorage(Storage delegate) {
            this.delegate = delegate;
        }

        @Override
        public long startTime() {
            return delegate.startTime();
        }

        @Override
        public Querier querier(long minTime, long maxTime) {
            return delegate.querier(minTime, maxTime);
        }

        @Override
        public Appender appender() {
            Appender inner = delegate.appender();
            return new Appender() {
                private long count;
                private long unreferenced;

                @Override
                public long append(long ref, Labels labels, long timestamp, double value) {
                    count++;
                    if (ref == 0) {
                        unreferenced++;
                    }
                    return inner.append(ref, labels, timestamp, value);
                }

                @Override
                public void commit() {
                    inner.commit();
                    samples.add(count);
                    withoutRef.add(unreferenced);
                }

                @Override
                public void rollback() {
                    inner.rollback();
                }
            };
        }
    }

    /** The cheapest storage that still behaves like one: series refs by labels, last value per ref. */
    private static final class MemoryAppendStorage implements Storage {
        private final Map<Labels, Long> refs = new ConcurrentHashMap<>();
        private final AtomicLong nextRef = new AtomicLong();
        private volatile double[] values = new double[1 << 22];

        @Override
        public long startTime() {
            return Long.MAX_VALUE;
        }

        @Override
        public Querier querier(long minTime, long maxTime) {
            return Querier.empty();
        }

        @Override
        public Appender appender() {
            return new Appender() {
                @Override
                public long append(long ref, Labels labels, long timestamp, double value) {
                    if (ref == 0) {
                        ref = refs.computeIfAbsent(labels, l -> nextRef.incrementAndGet());
                    }
                    double[] v = values;
                    if (ref < v.length) {
                        v[(int) ref] = value;
                    }
                    return ref;
                }

                @Override
                public void commit() {
                }

                @Override
                public void rollback() {
                }
            };
        }
    }
}
