package io.promethium.tsdb;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Prints the time of a sorted select of a few hundred series over the head and its blocks, what
 * {@code /api/v1/series?match[]=node_load1} asks of the TSDB: 200 targets of 512 series scraped
 * every 10 s in simulated time, 10% of them replaced every minute, 2-minute blocks, then 12 rounds
 * of selects of {@code node_load1} over the last hour (~380 series), each round's time and bytes
 * allocated per select. With {@code unique}, every
 * other series carries a label value of its own, so the blocks hold ~100k symbols and the select
 * reads a few of many. The side-by-side churn at the scale is {@code 60 no 1000 10 20}:
 * 1,000 targets, 10% replaced every 10 minutes, 20-minute blocks (~1,600 series selected). The
 * figure is each round's mean; take the best rounds, the machine being shared. Run: {@code java
 * -cp target/test-classes:target/classes:$(cat target/bench.classpath)
 * io.promethium.tsdb.SmallSelectBenchmark [minutes] [unique|no] [targets] [churn minutes] [block
 * minutes]} (defaults 9, no, 200, 1, 2); {@code -Dkeep=true} keeps the data folder, for a server
 * started on it.
 */
public final class SmallSelectBenchmark {
    private static final int SERIES_PER_TARGET = 512;
    private static final long INTERVAL = 10_000;
    private static final long MINUTE = 60_000;
    /** The selecting thread's allocation: what a request adds to the collector's work. */
    private static final com.sun.management.ThreadMXBean ALLOCATED =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    private SmallSelectBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        boolean unique = args.length > 1 && args[1].equals("unique");
        int targets = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        long churnEvery = (args.length > 3 ? Integer.parseInt(args[3]) : 1) * MINUTE;
        int blockMinutes = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        Path dir = Files.createTempDirectory("small-select-");
        try (Tsdb db = Tsdb.open(TestSupport.options(dir).withBlockDuration(Duration.ofMinutes(blockMinutes)))) {
            int[] pod = new int[targets];
            Labels[][] labels = new Labels[targets][];
            for (int k = 0; k < targets; k++) {
                pod[k] = k;
                labels[k] = labels(k, unique);
            }
            int nextPod = targets;
            long t = 0;
            for (; t <= minutes * MINUTE; t += INTERVAL) {
                Appender app = db.appender();
                if (t > 0 && t % churnEvery == 0) {
                    for (int r = 0; r < targets / 10; r++) {
                        int k = (int) ((t / churnEvery * (targets / 10) + r) % targets);
                        for (Labels l : labels[k]) {
                            app.append(0, l, t, StaleMarker.STALE_NAN);
                        }
                        pod[k] = nextPod++;
                        labels[k] = labels(pod[k], unique);
                    }
                }
                for (int k = 0; k < targets; k++) {
                    for (int i = 0; i < SERIES_PER_TARGET; i++) {
                        app.append(0, labels[k][i], t + k, t / INTERVAL * (i + 1));
                    }
                }
                app.commit();
                if (db.head().maxTime() - db.head().minTime() > 3 * blockMinutes * MINUTE / 2) {
                    db.compact();
                }
            }
            List<Matcher> matchers = List.of(Matcher.equal(Labels.METRIC_NAME, "node_load1"));
            for (int round = 0; round < 12; round++) {
                // Fewer repetitions at a larger scale (more targets, longer churn steps), so a round stays short.
                int reps = Math.max(50, 3000 * 200 / targets / (int) (churnEvery / MINUTE));
                int n = 0;
                long a0 = ALLOCATED.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    try (Querier q = db.querier(t - 60 * MINUTE, t)) {
                        // Hinted as the series API hints it: labels only.
                        SeriesSet ss = q.select(true, new SelectHints(t - 60 * MINUTE, t, 0, "series", 0, List.of(), false), matchers);
                        for (n = 0; ss.next(); n++) {
                            ss.at().labels();
                        }
                    }
                }
                long elapsed = System.nanoTime() - t0;
                System.out.printf(Locale.ROOT, "round %2d: select of %d series over the head and %d blocks: %.1f us, %.1f kB allocated%n", round,
                        n, db.blocks.size(), elapsed / 1000.0 / reps, (ALLOCATED.getCurrentThreadAllocatedBytes() - a0) / 1000.0 / reps);
            }
        } finally {
            if (Boolean.getBoolean("keep")) {
                System.out.println("data kept in " + dir + " (a server started on it answers for the same simulated hour)");
            } else {
                io.promethium.tsdb.internal.fs.Fsync.deleteRecursively(dir);
            }
        }
    }

    /** A target's series: its {@code node_load1}, then node_exporter-like ones (with {@code unique}, each with a value of its own). */
    private static Labels[] labels(int pod, boolean unique) {
        Labels[] out = new Labels[SERIES_PER_TARGET];
        String instance = "127.0.0.1:" + (20000 + pod);
        String podName = "node-" + pod;
        out[0] = Labels.of(Labels.METRIC_NAME, "node_load1", "instance", instance, "job", "node", "pod", podName);
        for (int i = 1; i < SERIES_PER_TARGET; i++) {
            Labels l = Labels.of(Labels.METRIC_NAME, "node_m" + (i / 8), "cpu", String.valueOf(i % 8), "instance", instance, "job", "node",
                    "pod", podName);
            out[i] = unique ? l.toBuilder().set("sid", "s" + (pod * SERIES_PER_TARGET + i)).build() : l;
        }
        return out;
    }
}
