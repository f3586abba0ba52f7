import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a server does at a size, not only whether it holds it ({@code side-by-side --capacity=STEP
 * --capacity-max=N}): once the ramp reaches N series with every step sustained, the server still
 * scraping them is measured for, in this order,
 * <ul>
 *   <li>the peak RSS over a stretch holding a whole head compaction: past one cut, the peak is
 *       reset (Linux's {@code clear_refs}) and read once the head has been truncated after the next
 *       block was written, plus {@link #AFTER_TRUNCATION} for the WAL checkpoint that follows. Needs
 *       {@code --head-block}: with the default 2 h blocks no head compaction falls within a run;</li>
 *   <li>queries over what it holds (the side-by-side query set, first requests then warm; a query
 *       whose first request takes over {@link #HEAVY_MILLIS} ms is timed over two more, the better
 *       of them its warm figure, with no CPU figure), and its RSS after them;</li>
 *   <li>kill -9, then the restart to ready with that WAL, and the peak RSS of the replay.</li>
 * </ul>
 * One common N for every server compares them at the same size (each server's own limit from the
 * ramp does not). VictoriaMetrics keeps no WAL and compacts no head: it gets the queries only.
 * Part of {@link SideBySide}.
 */
final class AtSize {
    /** After the head's truncation: the WAL checkpoint and the old segments' removal still run. */
    static final Duration AFTER_TRUNCATION = Duration.ofSeconds(30);

    /** A query whose first request takes longer is timed over two more requests only. */
    static final double HEAVY_MILLIS = 2000;
    /** Prometheus's own query timeout: a query over every series of millions may take a minute. */
    static final Duration QUERY_TIMEOUT = Duration.ofMinutes(2);

    private AtSize() {
    }

    /** One request's time; an IOException when it is not answered with 200 within {@link #QUERY_TIMEOUT}. */
    private static double timedMillis(SideBySide.Server s, String query) throws Exception {
        long t0 = System.nanoTime();
        var r = SideBySide.get(s, SideBySide.path(query), QUERY_TIMEOUT);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + ": " + r.body().substring(0, Math.min(200, r.body().length())));
        }
        return ms;
    }

    /** What was measured; NaN or -1 where it does not apply. */
    record Figures(long series, long rssBefore, Map<String, Double> coldMillis, Map<String, Double> warmMillis,
                   Map<String, Double> cpuMicros, long rssAfterQueries, long compactionPeakRss, double replaySeconds,
                   long replayPeakRss) {
    }

    /**
     * The query set with the query over every series last: at 4M series it took Prometheus past the
     * machine's memory and the kernel's OOM killer ended it, leaving the queries after it unmeasured.
     */
    private static final List<String> QUERIES = Stream.concat(
            SideBySide.QUERIES.stream().filter(q -> !q.equals(SideBySide.EVERY_SERIES)), Stream.of(SideBySide.EVERY_SERIES)).toList();

    /** The figures and the server left running (the restarted process when it was restarted). */
    record Measured(Figures figures, SideBySide.Server server) {
    }

    static Measured measure(SideBySide.Options o, SideBySide.Server s, Path config, long series) throws Exception {
        long pid = s.process().pid();
        long rssBefore = Proc.rssBytes(pid);
        System.out.printf(Locale.ROOT, "  at %,d series: RSS %,d MB%n", series, rssBefore >> 20);
        boolean hasHead = !s.name().equals("victoria-metrics");
        // The head compaction first: after the queries a server's heap holds what they allocated
        // (Prometheus's RSS doubled at 4M series), which would be counted as the compaction's.
        long compactionPeak = -1;
        if (hasHead && o.headBlock() != null) {
            // Starts past a cut (one may be under way now), so the stretch measured holds a whole one.
            if (awaitTruncation(o, s)) {
                Proc.resetPeakRss(pid);
                long rss = Proc.rssBytes(pid);
                long t0 = System.nanoTime();
                if (awaitTruncation(o, s)) {
                    compactionPeak = Proc.peakRssBytes(pid);
                    System.out.printf(Locale.ROOT, "  head compaction: peak RSS %,d MB over %.0f s from %,d MB%n",
                            compactionPeak >> 20, (System.nanoTime() - t0) / 1e9, rss >> 20);
                }
            }
        }
        Map<String, Double> cold = new LinkedHashMap<>();
        Map<String, Double> warm = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        queries(o, s, cold, warm, cpu);
        long rssAfterQueries = s.process().isAlive() ? Proc.rssBytes(pid) : -1;
        if (!hasHead) {
            return new Measured(new Figures(series, rssBefore, cold, warm, cpu, rssAfterQueries, -1, Double.NaN, -1), s);
        }
        if (!s.process().isAlive()) {
            System.out.println("  the server had exited: the restart below replays the WAL it left, not one cut by kill -9");
        }
        s.process().destroyForcibly().waitFor();
        long t0 = System.nanoTime();
        SideBySide.Server again = SideBySide.start(s.name(), o, config, s.data());
        try {
            SideBySide.waitReady(again, Duration.ofMinutes(15));
        } catch (IllegalStateException e) {
            System.out.printf(Locale.ROOT, "  kill -9 → ready: %s%n", e.getMessage());
            return new Measured(new Figures(series, rssBefore, cold, warm, cpu, rssAfterQueries, compactionPeak, Double.NaN, -1),
                    again);
        }
        double replay = (System.nanoTime() - t0) / 1e9;
        long replayPeak = Proc.peakRssBytes(again.process().pid());
        System.out.printf(Locale.ROOT, "  kill -9 → ready: %.1f s, peak RSS %,d MB%n", replay, replayPeak >> 20);
        return new Measured(new Figures(series, rssBefore, cold, warm, cpu, rssAfterQueries, compactionPeak, replay, replayPeak),
                again);
    }

    /** The query set: first requests, then warm, into the three maps; a query that fails is left out of them. */
    private static void queries(SideBySide.Options o, SideBySide.Server s, Map<String, Double> cold, Map<String, Double> warm,
                                Map<String, Double> cpu) throws Exception {
        for (String q : QUERIES) {
            if (!s.process().isAlive()) {
                System.out.printf(Locale.ROOT, "    the server exited (see its log): %s and the queries after it not measured%n", q);
                break;
            }
            try {
                double first = timedMillis(s, q);
                if (first > HEAVY_MILLIS) {
                    // Seconds of work per request are warm-up enough for a JIT and dwarf /proc's ticks; the
                    // side-by-side warm-up and CPU rounds would take minutes of such requests per server.
                    double[] again = {timedMillis(s, q), timedMillis(s, q)};
                    cold.put(q, first);
                    warm.put(q, Math.min(again[0], again[1]));
                } else {
                    SideBySide.measure(s, q, o.queryRepeats(), cold, warm, cpu);
                }
                System.out.printf(Locale.ROOT, "    %s: %.1f ms first, %.1f ms warm%n", q, cold.get(q), warm.get(q));
            } catch (IOException e) {
                System.out.printf(Locale.ROOT, "    %s failed: %s%n", q, e);
            }
        }
    }

    /**
     * Waits until the head is truncated after its next cut, then {@link #AFTER_TRUNCATION} more;
     * false (and says so) when none comes within three block lengths and two minutes.
     */
    private static boolean awaitTruncation(SideBySide.Options o, SideBySide.Server s) throws Exception {
        // The head is cut once it spans 1.5 blocks: within two block lengths of any moment, and the cut takes a while.
        Duration limit = o.headBlock().multipliedBy(3).plusMinutes(2);
        long deadline = System.nanoTime() + limit.toNanos();
        double truncations = Double.NaN;
        while (System.nanoTime() < deadline && s.process().isAlive()) {
            double now = truncations(s);
            if (Double.isNaN(truncations)) {
                truncations = now;
            } else if (now > truncations) {
                Thread.sleep(AFTER_TRUNCATION.toMillis());
                return true;
            }
            Thread.sleep(1000);
        }
        System.out.printf(Locale.ROOT, "  head compaction: none finished within %s%n", limit);
        return false;
    }

    /** The head truncations so far; NaN while the server is too busy to answer /metrics within a minute. */
    private static double truncations(SideBySide.Server s) throws Exception {
        try {
            return SideBySide.metric(s, "prometheus_tsdb_head_truncations_total");
        } catch (IOException e) {
            System.out.printf(Locale.ROOT, "  /metrics not answered (%s); asking again%n", e);
            return Double.NaN;
        }
    }

    /** A query whose answer reads 100k+ series at these sizes: the ones that must be 2× faster than Prometheus's. */
    private static boolean readsMany(String q) {
        return q.equals(SideBySide.EVERY_SERIES) || q.contains("node_cpu_seconds_total");
    }

    interface Measure {
        double of(Figures f);
    }

    static void print(Map<String, Figures> all) {
        if (all.isEmpty()) {
            return;
        }
        List<String> names = List.copyOf(all.keySet());
        StringBuilder sb = new StringBuilder("\n| at " + String.format(Locale.ROOT, "%,d", all.values().iterator().next().series())
                + " series |");
        names.forEach(n -> sb.append(' ').append(n).append(" |"));
        boolean ratio = all.containsKey("promethium") && all.containsKey("prometheus");
        sb.append(ratio ? " promethium / prometheus |" : "").append("\n|---|").append("---|".repeat(names.size() + (ratio ? 1 : 0))).append('\n');
        StringBuilder verdicts = new StringBuilder("targets at that size (promethium / prometheus ≤ limit):\n");
        row(sb, verdicts, all, names, "RSS before (MB)", f -> mb(f.rssBefore()), "%,.0f", Double.NaN);
        for (String q : QUERIES) {
            row(sb, verdicts, all, names, "`" + q + "` (ms, warm median)", f -> f.warmMillis().getOrDefault(q, Double.NaN), "%.2f",
                    readsMany(q) ? 0.5 : 1);
        }
        for (String q : QUERIES) {
            row(sb, verdicts, all, names, "`" + q + "` (ms, first requests)", f -> f.coldMillis().getOrDefault(q, Double.NaN), "%.2f", Double.NaN);
        }
        row(sb, verdicts, all, names, "RSS after the queries (MB)", f -> mb(f.rssAfterQueries()), "%,.0f", Double.NaN);
        row(sb, verdicts, all, names, "peak RSS over a head compaction (MB)", f -> mb(f.compactionPeakRss()), "%,.0f", 1);
        row(sb, verdicts, all, names, "kill -9 → ready (s)", Figures::replaySeconds, "%.1f", 1);
        row(sb, verdicts, all, names, "peak RSS of the replay (MB)", f -> mb(f.replayPeakRss()), "%,.0f", Double.NaN);
        System.out.print(sb);
        if (ratio) {
            System.out.print(verdicts);
        }
    }

    private static double mb(long bytes) {
        return bytes < 0 ? Double.NaN : bytes / (double) (1 << 20);
    }

    /** One row, and its verdict when {@code limit} is a number and both servers have the figure. */
    private static void row(StringBuilder sb, StringBuilder verdicts, Map<String, Figures> all, List<String> names, String label,
                            Measure m, String format, double limit) {
        sb.append("| ").append(label).append(" |");
        for (String n : names) {
            double v = m.of(all.get(n));
            sb.append(' ').append(Double.isNaN(v) ? "—" : String.format(Locale.ROOT, format, v)).append(" |");
        }
        if (all.containsKey("promethium") && all.containsKey("prometheus")) {
            double r = m.of(all.get("promethium")) / m.of(all.get("prometheus"));
            boolean known = Double.isFinite(r);
            sb.append(' ').append(known ? String.format(Locale.ROOT, "%.2f×", r) : "—").append(" |");
            if (!Double.isNaN(limit)) {
                verdicts.append(String.format(Locale.ROOT, "  %s %s: %s, limit %.1f×%n", !known ? "-" : r <= limit ? "✓" : "✗", label,
                        known ? String.format(Locale.ROOT, "%.2f×", r) : "not measured", limit));
            }
        }
        sb.append('\n');
    }
}
