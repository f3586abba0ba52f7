package io.promethium.tsdb.internal.head;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Prints what ranking the head's series in label order costs ({@link Head#rankIfManyNew}): the
 * first ranking of {@code targets} targets of 512 series, then one per churn step after 10% of the
 * targets were replaced by new ones (new {@code pod} and {@code instance} values), as the
 * compaction thread ranks them under churn. Run:
 * {@code java -cp target/test-classes:target/classes:$(cat target/bench.classpath)
 * io.promethium.tsdb.internal.head.LabelRankingBenchmark [targets] [steps]} (defaults 1000, 8).
 */
public final class LabelRankingBenchmark {
    private static final int SERIES_PER_TARGET = 512;

    private LabelRankingBenchmark() {
    }

    public static void main(String[] args) {
        int targets = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Head head = new Head(new TsdbMetrics(), 0);
        int next = 0;
        for (; next < targets; next++) {
            target(head, next, 1_000);
        }
        long cpu = threads.getCurrentThreadCpuTime();
        head.rankIfManyNew();
        System.out.printf(Locale.ROOT, "first ranking, %,d series: %.0f ms of CPU%n", head.numSeries(),
                (threads.getCurrentThreadCpuTime() - cpu) / 1e6);
        for (int step = 1; step <= steps; step++) {
            for (int k = 0; k < targets / 10; k++, next++) {
                target(head, next, 1_000 + step);
            }
            cpu = threads.getCurrentThreadCpuTime();
            boolean ranked = head.rankIfManyNew();
            System.out.printf(Locale.ROOT, "step %d, %,d series (%,d new): %s, %.0f ms of CPU%n", step, head.numSeries(),
                    targets / 10 * SERIES_PER_TARGET, ranked ? "ranked" : "not ranked", (threads.getCurrentThreadCpuTime() - cpu) / 1e6);
        }
    }

    /** A node_exporter-shaped target: 100 metric names, a few series each, its own instance and pod. */
    private static void target(Head head, int t, long time) {
        Appender app = head.appender();
        for (int i = 0; i < SERIES_PER_TARGET; i++) {
            app.append(0, Labels.of("__name__", "node_metric_" + (i % 100), "cpu", String.valueOf(i / 100),
                    "instance", "127.0.0.1:" + (20_000 + t), "job", "node", "pod", "node-" + t), time, 1);
        }
        app.commit();
    }
}
