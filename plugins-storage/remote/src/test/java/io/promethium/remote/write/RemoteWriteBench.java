package io.promethium.remote.write;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.WalPosition;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.agent.AgentDb;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remote write figures (a harness, not a test; see plugins-storage/remote/README.md):
 *
 * <pre>
 * send URL SERIES SAMPLES_PER_SERIES SHARDS   fill a WAL, then send it all to URL; prints CPU per sample sent
 *                                             (this process only: WAL reading, encoding, snappy, HTTP) and throughput
 * agent-memory SERIES                          heap per active series of agent mode's storage
 * </pre>
 */
public final class RemoteWriteBench {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "send" -> send(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "agent-memory" -> agentMemory(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static Labels labels(int s) {
        return Labels.of("__name__", "bench_metric_" + (s % 100), "instance", "host-" + (s / 1000) + ":9100", "job", "node",
                "series", Integer.toString(s));
    }

    private static void send(String url, int series, int perSeries, int shards) throws Exception {
        Path dir = Files.createTempDirectory("rw-bench-");
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO).withWal(true, false))) {
            WalPosition start = db.walWatchable().end();
            long t0 = System.currentTimeMillis() - perSeries * 15_000L;
            long[] refs = new long[series];
            for (int i = 0; i < perSeries; i++) {
                Appender app = db.appender();
                for (int s = 0; s < series; s++) {
                    refs[s] = app.append(refs[s], labels(s), t0 + i * 15_000L, s + i * 0.25);
                }
                app.commit();
            }
            long total = (long) series * perSeries;
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("url", url);
            values.put("name", "bench");
            values.put("metadata_config", Map.of("send", false));
            values.put("queue_config", Map.of("min_shards", (long) shards, "max_shards", (long) shards,
                    "max_samples_per_send", 2000L, "capacity", 10_000L, "batch_send_deadline", "100ms"));
            RemoteWriteSettings s = RemoteWriteSettings.parse(new PluginConfig("remote_write", values, "bench"),
                    QueueManagerTest.context(Labels.EMPTY));
            HttpSender http = new HttpSender(s, "bench");
            java.util.concurrent.atomic.LongAdder requests = new java.util.concurrent.atomic.LongAdder();
            java.util.concurrent.atomic.LongAdder raw = new java.util.concurrent.atomic.LongAdder();
            Sender counting = (body, length, attempt) -> {
                requests.increment();
                try {
                    raw.add(io.promethium.remote.wire.Snappy.decodedLength(body, length));
                } catch (io.promethium.remote.wire.Snappy.SnappyException e) {
                    throw new IllegalStateException(e);
                }
                return http.send(body, length, attempt);
            };
            QueueManager q = new QueueManager(s, db.walWatchable(), counting, List::of, 10_000);
            q.resetPosition(start);
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            q.start();
            while (q.metrics().samplesSent.sum() + q.metrics().samplesFailed.sum() < total) {
                Thread.sleep(5);
            }
            long wall = System.nanoTime() - wall0;
            long cpu = os.getProcessCpuTime() - cpu0;
            q.close();
            System.out.printf("sent %,d samples (%,d series x %d) to %s with %d shards: %.3f s, %,.0f samples/s, "
                            + "%.3f us CPU per sample sent, %,d bytes on the wire (%.2f bytes/sample), %d requests of %,.0f bytes "
                            + "(%,.0f before snappy), %d failed%n",
                    total, series, perSeries, url, shards, wall / 1e9, total / (wall / 1e9), cpu / 1e3 / total,
                    q.metrics().bytesSent.sum(), q.metrics().bytesSent.sum() / (double) total, requests.sum(),
                    q.metrics().bytesSent.sum() / (double) requests.sum(), raw.sum() / (double) requests.sum(),
                    q.metrics().samplesFailed.sum());
        }
    }

    private static void agentMemory(int series) throws Exception {
        Path dir = Files.createTempDirectory("agent-bench-");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (AgentDb db = AgentDb.open(AgentDb.Options.defaults(dir))) {
            long before = usedAfterGc(memory);
            Labels[] all = new Labels[series];
            for (int s = 0; s < series; s++) {
                all[s] = labels(s);
            }
            long[] refs = new long[series];
            long t = System.currentTimeMillis();
            for (int round = 0; round < 3; round++) {
                Appender app = db.appender();
                for (int s = 0; s < series; s++) {
                    refs[s] = app.append(refs[s], all[s], t + round * 15_000L, round);
                    if (s % 10_000 == 9_999) {
                        app.commit();
                        app = db.appender();
                    }
                }
                app.commit();
            }
            long after = usedAfterGc(memory);
            System.out.printf("agent mode: %,d active series, %,d bytes of heap, %.1f bytes per active series "
                    + "(labels included, as a scrape's series cache shares them)%n", db.numSeries(), after - before, (after - before) / (double) series);
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
