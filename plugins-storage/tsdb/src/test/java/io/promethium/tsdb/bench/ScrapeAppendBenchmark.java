package io.promethium.tsdb.bench;

import com.sun.management.OperatingSystemMXBean;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * CPU per sample of the TSDB's append path shaped like scraping: {@code targets} batches of
 * {@code series} samples each (one appender and commit per batch, series refs passed back as a
 * scrape loop does), round after round 10 s apart, so the head holds targets × series series
 * (a million by default) and every sample touches a series that is cold in the CPU caches.
 * After the warm-up rounds, thread and process CPU are divided by the samples appended; the
 * median and lowest round are printed too, as a loaded machine inflates some rounds.
 *
 * <p>Arguments: {@code [targets=1000] [series=1000] [rounds=26] [warmupRounds=6] [fsync=false] [values=mixed]}.
 * Values {@code mixed}: a third constant, a third counters, a third gauges that change at every
 * scrape (many bits per sample); {@code steady}, like the side-by-side harness's node_exporter
 * page: a third constant, a third counters, a third gauges that change at one scrape in ten, and
 * timestamps a few milliseconds off the interval (few bits per sample).
 */
public final class ScrapeAppendBenchmark {
    private ScrapeAppendBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int targets = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int series = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 26;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        boolean fsync = args.length > 4 && Boolean.parseBoolean(args[4]);
        boolean steady = args.length > 5 && switch (args[5]) {
            case "steady" -> true;
            case "mixed" -> false;
            default -> throw new IllegalArgumentException("values must be mixed or steady: " + args[5]);
        };
        Path dir = Files.createTempDirectory("append-bench");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        Labels[][] labels = new Labels[targets][series];
        long[][] refs = new long[targets][series];
        double[][] values = new double[targets][series];
        for (int t = 0; t < targets; t++) {
            for (int s = 0; s < series; s++) {
                labels[t][s] = Labels.of("__name__", "node_metric_" + (s / 10), "cpu", Integer.toString(s % 10),
                        "instance", "host-" + t + ":9100", "job", "node");
            }
        }
        SplittableRandom random = new SplittableRandom(42);
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO).withWal(true, fsync))) {
            long thread0 = 0;
            long process0 = 0;
            long samples = 0;
            long[] roundCpu = new long[rounds - warmup];
            long start = 1_700_000_000_000L;
            for (int round = 0; round < rounds; round++) {
                if (round == warmup) {
                    thread0 = threads.getCurrentThreadCpuTime();
                    process0 = os.getProcessCpuTime();
                }
                long roundStart = threads.getCurrentThreadCpuTime();
                for (int t = 0; t < targets; t++) {
                    // Scrapes of one target are 10 s apart, targets spread over the interval.
                    long ts = start + round * 10_000L + t * 10L + (steady ? random.nextInt(4) : 0);
                    Appender app = db.appender();
                    long[] r = refs[t];
                    double[] v = values[t];
                    Labels[] l = labels[t];
                    for (int s = 0; s < series; s++) {
                        // A third constant, a third counters, a third gauges with two decimals.
                        v[s] = switch (s % 3) {
                            case 0 -> v[s];
                            case 1 -> v[s] + random.nextInt(100);
                            default -> steady && random.nextInt(10) != 0 ? v[s] : Math.round(random.nextDouble() * 10_000) / 100.0;
                        };
                        r[s] = app.append(r[s], l[s], ts, v[s]);
                    }
                    app.commit();
                    if (round >= warmup) {
                        samples += series;
                    }
                }
                if (round >= warmup) {
                    roundCpu[round - warmup] = threads.getCurrentThreadCpuTime() - roundStart;
                }
            }
            java.util.Arrays.sort(roundCpu);
            double perRound = (double) targets * series;
            long thread = threads.getCurrentThreadCpuTime() - thread0;
            long process = os.getProcessCpuTime() - process0;
            System.out.printf("%d series (%d batches x %d), %d measured rounds, %s values, WAL %s%n", (long) targets * series, targets,
                    series, rounds - warmup, steady ? "steady" : "mixed", fsync ? "fsync per commit" : "written through, fsync every second");
            System.out.printf("appending thread CPU per sample: %.3f us%n", thread / 1e3 / samples);
            System.out.printf("process CPU per sample (GC, WAL sync included): %.3f us%n", process / 1e3 / samples);
            System.out.printf("appending thread CPU per sample by round: median %.3f us, lowest %.3f us%n",
                    roundCpu[roundCpu.length / 2] / 1e3 / perRound, roundCpu[0] / 1e3 / perRound);
        }
    }
}
