import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small scale stated honestly ({@code side-by-side --targets=1}): what each server costs before it
 * holds data (start to ready on an empty data folder, its CPU, RSS when ready, peak RSS and CPU
 * per second while scraping one target) and what each series and sample adds above that, from a
 * second run at {@code --marginal-targets=N}: (peak RSS at N − at 1) / (series at N − at 1) and
 * (CPU at N − at 1) / (samples at N − at 1) over equally long windows; then kill -9 and the
 * restart to ready with the window's WAL (Prometheus, Promethium). Each server starts alone
 * (start to ready is not shared with another's start); then all scrape together. Part of
 * {@link SideBySide}; run through {@code distribution/bench/side-by-side}.
 */
final class SmallScale {
    private SmallScale() {
    }

    /** One server's figures in one run. */
    record Figures(double readySeconds, double readyCpuSeconds, long rssAtReady, long peakRss, long rssAtEnd, double cpuSeconds,
                   double samples, long series, double restartSeconds) {
    }

    static void run(SideBySide.Options o, SideBySide.Pages pages) throws Exception {
        Map<String, Figures> one = ingest(o, pages, 1);
        Map<String, Figures> many = ingest(o, pages, o.marginalTargets());
        print(o, one, many);
        System.out.printf(Locale.ROOT, "load average after the run: %s%n", Proc.loadAverage());
    }

    /** Starts each server alone to ready, then lets them scrape {@code n} targets: warm-up, then the window. */
    static Map<String, Figures> ingest(SideBySide.Options o, SideBySide.Pages pages, int n) throws Exception {
        var targets = SideBySide.startTargets(pages, n);
        List<SideBySide.Server> servers = new ArrayList<>();
        Map<String, double[]> ready = new LinkedHashMap<>();
        Map<String, Figures> figures = new LinkedHashMap<>();
        try {
            Path config = SideBySide.writeConfig(o, targets);
            for (String name : o.servers()) {
                if (name.equals("victoria-metrics") && !SideBySide.installed("victoria-metrics", "victoria-metrics-prod")) {
                    System.out.println("victoria-metrics is not installed: left out (Debian package victoria-metrics)");
                    continue;
                }
                Path data = o.work().resolve(name + "-" + n + "-targets");
                Blocks.deleteRecursively(data);
                long t0 = System.nanoTime();
                SideBySide.Server s = SideBySide.start(name, o, config, data);
                SideBySide.waitReady(s, Duration.ofMinutes(2));
                double seconds = (System.nanoTime() - t0) / 1e9;
                ready.put(name, new double[] {seconds, Proc.cpuSeconds(s.process().pid()), Proc.rssBytes(s.process().pid())});
                servers.add(s);
            }
            SideBySide.sleep(o.warmup());
            Map<String, double[]> before = new LinkedHashMap<>();
            for (SideBySide.Server s : servers) {
                before.put(s.name(), new double[] {Proc.cpuSeconds(s.process().pid()), SideBySide.samples(s)});
            }
            double generator0 = Proc.cpuSeconds(ProcessHandle.current().pid());
            String load = Proc.loadAverage();
            SideBySide.sleep(o.window());
            double generator = Proc.cpuSeconds(ProcessHandle.current().pid()) - generator0;
            long series = n * (pages.samplesPerTarget() + 5);
            for (SideBySide.Server s : servers) {
                long pid = s.process().pid();
                double[] r = ready.get(s.name());
                double[] b = before.get(s.name());
                figures.put(s.name(), new Figures(r[0], r[1], (long) r[2], Proc.peakRssBytes(pid), Proc.rssBytes(pid),
                        Proc.cpuSeconds(pid) - b[0], SideBySide.samples(s) - b[1], series, Double.NaN));
            }
            // kill -9, then the restart to ready: the WAL of the window replayed (VictoriaMetrics keeps no WAL).
            for (int i = 0; i < servers.size(); i++) {
                SideBySide.Server s = servers.get(i);
                if (s.name().equals("victoria-metrics")) {
                    continue;
                }
                s.process().destroyForcibly().waitFor();
                long t0 = System.nanoTime();
                SideBySide.Server again = SideBySide.start(s.name(), o, config, s.data());
                servers.set(i, again);
                SideBySide.waitReady(again, Duration.ofMinutes(5));
                Figures f = figures.get(s.name());
                figures.put(s.name(), new Figures(f.readySeconds(), f.readyCpuSeconds(), f.rssAtReady(), f.peakRss(), f.rssAtEnd(),
                        f.cpuSeconds(), f.samples(), f.series(), (System.nanoTime() - t0) / 1e9));
            }
            System.out.printf(Locale.ROOT, "%d target(s), %d series: load average at the window's start %s, at its end %s; "
                    + "load generator CPU in the window %.2f s%n", n, series, load, Proc.loadAverage(), generator);
        } finally {
            for (SideBySide.Server s : servers) {
                s.process().destroy();
                if (!s.process().waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    s.process().destroyForcibly().waitFor();
                }
                Blocks.deleteRecursively(s.data());
            }
            targets.forEach(t -> t.stop(0));
        }
        return figures;
    }

    interface Measure {
        double of(Figures at1, Figures atN);
    }

    static void print(SideBySide.Options o, Map<String, Figures> one, Map<String, Figures> many) {
        List<String> names = new ArrayList<>(one.keySet());
        List<String> others = names.stream().filter(n -> !n.equals("promethium")).toList();
        boolean ratios = one.containsKey("promethium");
        StringBuilder sb = new StringBuilder("\n| fixed cost (1 target) and marginal cost (1 → " + o.marginalTargets() + " targets) |");
        names.forEach(n -> sb.append(' ').append(n).append(" |"));
        if (ratios) {
            others.forEach(n -> sb.append(" promethium / ").append(n).append(" |"));
        }
        sb.append("\n|---|").append("---|".repeat(names.size() + (ratios ? others.size() : 0))).append('\n');
        double window = o.window().toSeconds();
        row(sb, one, many, names, others, ratios, "start → ready, empty data folder (s)", (a, b) -> a.readySeconds(), "%.2f");
        row(sb, one, many, names, others, ratios, "CPU to ready (s)", (a, b) -> a.readyCpuSeconds(), "%.2f");
        row(sb, one, many, names, others, ratios, "RSS when ready (MB)", (a, b) -> a.rssAtReady() / 1e6, "%.1f");
        row(sb, one, many, names, others, ratios, "peak RSS, 1 target (MB)", (a, b) -> a.peakRss() / 1e6, "%.1f");
        row(sb, one, many, names, others, ratios, "CPU with 1 target (ms per s)", (a, b) -> a.cpuSeconds() * 1e3 / window, "%.1f");
        row(sb, one, many, names, others, ratios, "peak RSS, " + o.marginalTargets() + " targets (MB)", (a, b) -> b.peakRss() / 1e6, "%.1f");
        row(sb, one, many, names, others, ratios, "marginal peak RSS per series (B)",
                (a, b) -> (double) (b.peakRss() - a.peakRss()) / (b.series() - a.series()), "%.0f");
        row(sb, one, many, names, others, ratios, "marginal RSS at the end per series (B)",
                (a, b) -> (double) (b.rssAtEnd() - a.rssAtEnd()) / (b.series() - a.series()), "%.0f");
        row(sb, one, many, names, others, ratios, "marginal CPU per sample (µs)",
                (a, b) -> (b.cpuSeconds() - a.cpuSeconds()) / (b.samples() - a.samples()) * 1e6, "%.2f");
        row(sb, one, many, names, others, ratios, "CPU per sample at " + o.marginalTargets() + " targets, all in (µs)",
                (a, b) -> b.cpuSeconds() / b.samples() * 1e6, "%.2f");
        row(sb, one, many, names, others, ratios, "kill -9 → ready, 1 target (s)", (a, b) -> a.restartSeconds(), "%.2f");
        row(sb, one, many, names, others, ratios, "kill -9 → ready, " + o.marginalTargets() + " targets (s)", (a, b) -> b.restartSeconds(), "%.2f");
        System.out.println(sb);
    }

    static void row(StringBuilder sb, Map<String, Figures> one, Map<String, Figures> many, List<String> names, List<String> others,
                    boolean ratios, String label, Measure m, String format) {
        sb.append("| ").append(label).append(" |");
        for (String n : names) {
            double v = m.of(one.get(n), many.get(n));
            sb.append(' ').append(Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "—").append(" |");
        }
        if (ratios) {
            double ours = m.of(one.get("promethium"), many.get("promethium"));
            for (String n : others) {
                double r = ours / m.of(one.get(n), many.get(n));
                // A ratio to nothing measured (CPU under /proc's 10 ms tick) is no ratio.
                sb.append(' ').append(Double.isFinite(r) && Math.abs(r) < 1e6 ? String.format(Locale.ROOT, "%.2f×", r) : "—").append(" |");
            }
        }
        sb.append('\n');
    }
}
