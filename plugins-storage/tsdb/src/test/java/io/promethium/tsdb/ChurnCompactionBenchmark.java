package io.promethium.tsdb;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Prints what head compaction allocates under series churn, the side-by-side harness's churn
 * scenario in simulated time: {@code targets} targets of 500 series each scraped every 10 s, 10%
 * of the targets replaced every minute (their series get a staleness marker, then nothing), 2-minute
 * blocks, the head cut by the commit that makes it span 1.5 blocks (as Prometheus does). For each
 * compaction (head cut, truncation, WAL checkpoint, block merges): bytes allocated on the compacting
 * thread, head series and symbols before and after (the symbols of collected series go with
 * them), and the time with the compacting thread's CPU (context only: the machine is shared).
 * Allocations and CPU, not wall times, are the figures to compare. Run:
 * {@code java -cp target/test-classes:target/classes:$(cat target/bench.classpath)
 * io.promethium.tsdb.ChurnCompactionBenchmark [targets] [minutes]} (defaults 200, 12).
 */
public final class ChurnCompactionBenchmark {
    private static final long INTERVAL = 10_000;
    private static final long MINUTE = 60_000;
    private static final int SERIES_PER_TARGET = 500;

    private ChurnCompactionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int targets = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        AfterGc afterGc = new AfterGc();
        Path dir = Files.createTempDirectory("churn-bench-");
        TsdbOptions o = TestSupport.options(dir).withBlockDuration(Duration.ofMinutes(2));
        long ingestAllocated = 0;
        long compactAllocated = 0;
        long maxCompactAllocated = 0;
        int compactions = 0;
        long compactCpuMillis = 0;
        long maxLive = 0;
        try (Tsdb db = Tsdb.open(o)) {
            int[] pod = new int[targets];
            for (int k = 0; k < targets; k++) {
                pod[k] = k;
            }
            int nextPod = targets;
            int perStep = Math.max(1, targets / 10);
            Labels[][] labels = new Labels[targets][];
            long[][] refs = new long[targets][SERIES_PER_TARGET];
            for (int k = 0; k < targets; k++) {
                labels[k] = labels(pod[k]);
            }
            long headMin = Long.MAX_VALUE;
            for (long t = 0; t <= minutes * MINUTE; t += INTERVAL) {
                long a0 = threads.getThreadAllocatedBytes(self);
                if (t > 0 && t % MINUTE == 0) {
                    Appender stale = db.appender();
                    for (int r = 0; r < perStep; r++) {
                        int k = (int) ((t / MINUTE * perStep + r) % targets);
                        for (int i = 0; i < SERIES_PER_TARGET; i++) {
                            stale.append(refs[k][i], labels[k][i], t, StaleMarker.STALE_NAN);
                        }
                        pod[k] = nextPod++;
                        labels[k] = labels(pod[k]);
                        java.util.Arrays.fill(refs[k], 0);
                    }
                    stale.commit();
                }
                Appender app = db.appender();
                for (int k = 0; k < targets; k++) {
                    for (int i = 0; i < SERIES_PER_TARGET; i++) {
                        refs[k][i] = app.append(refs[k][i], labels[k][i], t + k, (t / INTERVAL) * (i + 1) + k);
                    }
                }
                app.commit();
                ingestAllocated += threads.getThreadAllocatedBytes(self) - a0;
                headMin = Math.min(headMin, t);
                if (db.head().maxTime() - db.head().minTime() > o.blockDuration().toMillis() * 3 / 2) {
                    int before = db.head().numSeries();
                    int symbolsBefore = db.head().symbolCount();
                    afterGc.reset();
                    long c0 = threads.getThreadAllocatedBytes(self);
                    long n0 = System.nanoTime();
                    long cpu0 = threads.getCurrentThreadCpuTime();
                    db.compact();
                    long cpuMillis = (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
                    compactCpuMillis += cpuMillis;
                    long allocated = threads.getThreadAllocatedBytes(self) - c0;
                    compactions++;
                    compactAllocated += allocated;
                    maxCompactAllocated = Math.max(maxCompactAllocated, allocated);
                    long liveMax = afterGc.max();
                    maxLive = Math.max(maxLive, liveMax);
                    long millis = (System.nanoTime() - n0) / 1_000_000;
                    System.out.printf(Locale.ROOT, "minute %4.1f: compaction allocated %,d bytes (%,d per head series), heap after GC "
                            + "at most %,d bytes during it (%d GCs), head %,d -> %,d series, %,d -> %,d symbols (%,d bytes), "
                            + "%d blocks, %d ms (%d ms CPU)%n", t / (double) MINUTE, allocated, allocated / before, liveMax, afterGc.count(), before,
                            db.head().numSeries(), symbolsBefore, db.head().symbolCount(), db.head().memory().symbols(), db.blocks.size(),
                            millis, cpuMillis);
                }
            }
            System.out.printf(Locale.ROOT, "%d targets x %d series, %d min: ingestion allocated %,d bytes; %d compactions allocated %,d bytes "
                    + "(largest %,d) and took %,d ms of CPU; heap after GC during a compaction at most %,d bytes%n", targets, SERIES_PER_TARGET,
                    minutes, ingestAllocated, compactions, compactAllocated, maxCompactAllocated, compactCpuMillis, maxLive);
        } finally {
            io.promethium.tsdb.internal.fs.Fsync.deleteRecursively(dir);
        }
    }

    /**
     * The heap in use after each garbage collection (what survived it), the largest since
     * {@link #reset}: how much a compaction holds at once, as opposed to what it allocates.
     */
    private static final class AfterGc implements javax.management.NotificationListener {
        private final java.util.concurrent.atomic.AtomicLong max = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

        AfterGc() {
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener(this, null, null);
            }
        }

        @Override
        public void handleNotification(javax.management.Notification n, Object handback) {
            if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                return;
            }
            var info = com.sun.management.GarbageCollectionNotificationInfo.from((javax.management.openmbean.CompositeData) n.getUserData());
            long used = 0;
            for (var u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                used += u.getUsed();
            }
            long u = used;
            max.accumulateAndGet(u, Math::max);
            count.incrementAndGet();
        }

        void reset() {
            max.set(0);
            count.set(0);
        }

        long max() {
            return max.get();
        }

        int count() {
            return count.get();
        }
    }

    /** A target's series: node_exporter-like names and label sets, with its pod and instance. */
    private static Labels[] labels(int pod) {
        Labels[] out = new Labels[SERIES_PER_TARGET];
        String instance = "10.0." + (pod / 250) + "." + (pod % 250) + ":9100";
        for (int i = 0; i < SERIES_PER_TARGET; i++) {
            out[i] = Labels.of("__name__", "node_metric_" + (i / 8), "instance", instance, "job", "node", "mode",
                    "mode" + (i % 8), "pod", "node-exporter-" + Integer.toHexString(pod * 7919));
        }
        return out;
    }
}
