import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far one machine goes ({@code side-by-side --capacity=STEP}): each server in turn, alone on
 * the machine with its default flags, scrapes targets found in a file_sd file; every step adds
 * targets until STEP more series are scraped, waits until every target is up, then holds for
 * {@code --hold} and checks that the step was sustained: every target up, no scrape slower than
 * the interval, at least 99% of the scrapes due over the hold found in the server's {@code up}
 * series (no missed scrape), the server alive. The first step that fails (or the machine's memory running
 * low, or {@code --capacity-max}) ends that server's ramp; the last sustained step is its
 * capacity, printed as series and as series per GiB of its peak RSS (what the machine must hold there).
 * A ramp that reaches {@code --capacity-max} instead is measured there ({@link AtSize}).
 *
 * <p>One server at a time, so each has the machine's memory and cores to itself; the load
 * generator (this process) renders each page as it sends it, keeping none, and collects its heap
 * before each ramp, so that it holds as little at every server's start (its CPU and RSS are
 * printed). Part of {@link SideBySide}.
 */
final class Capacity {
    /** Below this much available memory on the machine the ramp stops: a step further would start swapping or the OOM killer. */
    static final long MACHINE_RESERVE = 1L << 30;

    private Capacity() {
    }

    /** One sustained or failed step. */
    record Step(long series, int targets, double up, double maxScrapeSeconds, double scrapedShare, double appendedShare, long rss, long peakRss,
                long machineAvailable, String failure) {
    }

    static void run(SideBySide.Options o, SideBySide.Pages pages) throws Exception {
        long perTarget = pages.samplesPerTarget() + 5; // the page's series and the scrape's own (up, scrape_duration_seconds, ...)
        int targetsPerStep = (int) Math.max(1, Math.round((double) o.capacity() / perTarget));
        System.out.printf(Locale.ROOT, "capacity: steps of %d targets (%,d series), each held %d s after every target is up; "
                + "machine memory available at the start %,d MB%n", targetsPerStep, targetsPerStep * perTarget, o.hold().toSeconds(),
                Proc.machineAvailableBytes() / (1 << 20));
        Map<String, List<Step>> all = new LinkedHashMap<>();
        Map<String, AtSize.Figures> atSize = new LinkedHashMap<>();
        for (String name : o.servers()) {
            if (name.equals("victoria-metrics") && !SideBySide.installed("victoria-metrics", "victoria-metrics-prod")) {
                System.out.println("victoria-metrics is not installed: left out (Debian package victoria-metrics)");
                continue;
            }
            all.put(name, ramp(o, pages, name, targetsPerStep, perTarget, atSize));
        }
        print(all);
        AtSize.print(atSize);
    }

    /** Ramps one server; when it reaches {@code --capacity-max} it is measured there ({@link AtSize}) into {@code atSize}. */
    private static List<Step> ramp(SideBySide.Options o, SideBySide.Pages pages, String name, int targetsPerStep, long perTarget,
                                   Map<String, AtSize.Figures> atSize) throws Exception {
        List<Step> steps = new ArrayList<>();
        List<HttpServer> targets = new ArrayList<>();
        Path file = o.work().resolve(name + "-targets.json");
        Path config = o.work().resolve(name + ".yml");
        // A ramp before this one grew this process's heap by a GB with pages sent; a full collection gives it back to
        // the machine (G1 shrinks the heap after one), so each server starts its ramp with the same memory.
        System.gc();
        ChurnRun.writeTargets(file, new HttpServer[0], new int[0]);
        Files.writeString(config, "global:\n  scrape_interval: " + o.interval().toSeconds() + "s\n"
                + "scrape_configs:\n  - job_name: node\n    file_sd_configs:\n      - files: ['" + file + "']\n");
        SideBySide.Server s = SideBySide.start(name, o, config, o.work().resolve(name));
        System.out.printf(Locale.ROOT, "%s:%n", name);
        try {
            SideBySide.waitReady(s, Duration.ofMinutes(2));
            long self = ProcessHandle.current().pid();
            double generator0 = Proc.cpuSeconds(self);
            long generatorRss0 = Proc.rssBytes(self);
            long started = System.nanoTime();
            while (true) {
                targets.addAll(Targets.serveStreamed(targets.size(), targetsPerStep, pages::write));
                HttpServer[] slots = targets.toArray(HttpServer[]::new);
                int[] ids = new int[slots.length];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = i;
                }
                ChurnRun.writeTargets(file, slots, ids);
                long series = targets.size() * perTarget;
                Step step = step(o, s, targets.size(), series);
                steps.add(step);
                System.out.printf(Locale.ROOT, "  %,12d series, %5d targets: up %.0f, slowest scrape %.2f s, scrapes %.1f%% of due, appended %.1f%% of scraped, "
                        + "RSS %,d MB (peak %,d), machine available %,d MB%s%n", series, targets.size(), step.up(),
                        step.maxScrapeSeconds(), 100 * step.scrapedShare(), 100 * step.appendedShare(), step.rss() >> 20, step.peakRss() >> 20,
                        step.machineAvailable() >> 20, step.failure() == null ? "" : ": " + step.failure());
                if (step.failure() != null) {
                    break;
                }
                if (o.capacityMax() > 0 && series + targetsPerStep * perTarget > o.capacityMax()) {
                    steps.add(new Step(series, targets.size(), 0, 0, 0, 0, 0, 0, 0, "--capacity-max reached (not a limit of the server)"));
                    AtSize.Measured m = AtSize.measure(o, s, config, series);
                    s = m.server();
                    atSize.put(name, m.figures());
                    break;
                }
                if (step.machineAvailable() - step.rss() / 4 < MACHINE_RESERVE) {
                    // The server's next step would need about a quarter of its RSS again: stop before the machine swaps.
                    steps.add(new Step(series, targets.size(), 0, 0, 0, 0, 0, 0, 0, "the machine's memory (a step further leaves under 1 GB)"));
                    break;
                }
            }
            double generator = Proc.cpuSeconds(self) - generator0;
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "  load generator CPU over the ramp %.1f s (%.1f%% of a core), RSS %,d MB at the start and %,d at the end "
                    + "(its peak so far %,d); load average %s%n", generator, 100 * generator / seconds, generatorRss0 >> 20, Proc.rssBytes(self) >> 20,
                    Proc.peakRssBytes(self) >> 20, Proc.loadAverage());
        } finally {
            s.process().destroyForcibly().waitFor();
            targets.forEach(t -> t.stop(0));
            delete(o.work().resolve(name));
        }
        return steps;
    }

    /** Waits until every target is up (a failure after 5 intervals), then holds and checks the step. */
    private static Step step(SideBySide.Options o, SideBySide.Server s, int targets, long series) throws Exception {
        long interval = o.interval().toMillis();
        long deadline = System.currentTimeMillis() + 5 * interval + 30_000;
        double up = 0;
        while (System.currentTimeMillis() < deadline && s.process().isAlive()) {
            up = value(s, "count(up == 1)");
            if (up >= targets) {
                break;
            }
            Thread.sleep(1000);
        }
        long pid = s.process().pid();
        if (!s.process().isAlive()) {
            return new Step(series, targets, up, Double.NaN, Double.NaN, 0, 0, 0, Proc.machineAvailableBytes(), "the server exited (see its log)");
        }
        if (up < targets) {
            return new Step(series, targets, up, Double.NaN, Double.NaN, 0, Proc.rssBytes(pid), Proc.peakRssBytes(pid), Proc.machineAvailableBytes(),
                    "not every target up within 5 intervals");
        }
        // The hold starts on an interval's boundary past the step's first full scrapes, so it counts whole scrapes.
        Thread.sleep(interval);
        double appended0 = SideBySide.samples(s);
        long t0 = System.nanoTime();
        Thread.sleep(o.hold().toMillis());
        boolean alive = s.process().isAlive();
        double appended = alive ? SideBySide.samples(s) - appended0 : 0;
        double heldIntervals = (System.nanoTime() - t0) / 1e6 / interval;
        double share = appended / (series * heldIntervals);
        if (!alive) {
            return new Step(series, targets, up, Double.NaN, Double.NaN, share, 0, 0, Proc.machineAvailableBytes(),
                    "the server exited (see its log)");
        }
        double upAfter = value(s, "count(up == 1)");
        double slowest = value(s, "max(max_over_time(scrape_duration_seconds[" + Math.max(1, o.hold().toSeconds()) + "s]))");
        // Missed scrapes counted by their timestamps (each target's scrapes keep their phase, so a stretch of
        // k intervals holds k of each), not by the appended-samples counter: read while a step's appends
        // are under way, that counter swung between 94% and 121% of the due samples from step to step.
        // Half an interval back, so scrapes still being appended at the end are not taken for missed ones
        // (the hold began an interval after every target was up, so the stretch is still all up).
        long due = (long) targets * (o.hold().toMillis() / interval);
        double scraped = value(s, "sum(count_over_time(up[" + o.hold().toSeconds() + "s] offset " + interval / 2 + "ms))") / due;
        String failure = upAfter < targets ? String.format(Locale.ROOT, "%.0f of %d targets up after the hold (%s)", upAfter, targets, downTargets(s))
                : !(slowest < interval / 1000.0) ? "a scrape took longer than the interval"
                : !(scraped >= 0.99) ? "scrapes missed: more than 1% of those due over the hold" : null;
        return new Step(series, targets, upAfter, slowest, scraped, share, Proc.rssBytes(pid), Proc.peakRssBytes(pid), Proc.machineAvailableBytes(), failure);
    }

    private static final Pattern DOWN = Pattern.compile(
            "\"scrapeUrl\":\"([^\"]*)\"[^{}]*?\"lastError\":\"((?:[^\"\\\\]|\\\\.)*)\"[^{}]*?\"health\":\"(down|unknown)\"");

    /** Which targets the server's targets API reports down and why, so that a failed step names its cause. */
    private static String downTargets(SideBySide.Server s) {
        try {
            Matcher m = DOWN.matcher(SideBySide.get(s, "/api/v1/targets?state=active").body());
            List<String> down = new ArrayList<>();
            while (m.find()) {
                down.add(m.group(1) + " " + m.group(3) + ": " + (m.group(2).isEmpty() ? "no error" : m.group(2)));
            }
            return down.isEmpty() ? "the targets API reports every target up" : down.size() + " down in the targets API: "
                    + String.join("; ", down.subList(0, Math.min(3, down.size())));
        } catch (Exception e) {
            return "the targets API did not answer: " + e;
        }
    }

    /** An instant query's single value, or NaN when the answer is empty or not a number. */
    private static double value(SideBySide.Server s, String query) throws Exception {
        try {
            return SideBySide.query1(s, query);
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static void print(Map<String, List<Step>> all) throws IOException {
        // Peak RSS is what the machine must hold at that size: VictoriaMetrics' RSS falls back by several
        // GB once new series are registered, so its RSS at the step's end would understate what it needs.
        StringBuilder sb = new StringBuilder("\n| server | series sustained | RSS there (MB) | peak RSS (MB) | series per GiB of peak RSS "
                + "| series per GiB of the machine | what ended the ramp |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        Map<String, Double> perGib = new LinkedHashMap<>();
        Map<String, Double> sustained = new LinkedHashMap<>();
        double machineGib = Proc.machineTotalBytes() / (double) (1L << 30);
        for (Map.Entry<String, List<Step>> e : all.entrySet()) {
            Step last = null;
            String ended = "—";
            for (Step st : e.getValue()) {
                if (st.failure() == null) {
                    last = st;
                } else {
                    ended = String.format(Locale.ROOT, "%s (at %,d series)", st.failure(), st.series());
                    break;
                }
            }
            double gib = last == null ? Double.NaN : last.series() / (last.peakRss() / (double) (1L << 30));
            perGib.put(e.getKey(), gib);
            sustained.put(e.getKey(), last == null ? 0.0 : last.series());
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(),
                    last == null ? "none" : String.format(Locale.ROOT, "%,d", last.series()),
                    last == null ? "—" : String.format(Locale.ROOT, "%,d", last.rss() >> 20),
                    last == null ? "—" : String.format(Locale.ROOT, "%,d", last.peakRss() >> 20),
                    Double.isNaN(gib) ? "—" : String.format(Locale.ROOT, "%,.0f", gib),
                    last == null ? "—" : String.format(Locale.ROOT, "%,.0f", last.series() / machineGib), ended));
        }
        System.out.print(sb);
        if (all.values().stream().anyMatch(steps -> !steps.isEmpty() && String.valueOf(steps.getLast().failure()).startsWith("--capacity-max"))) {
            // A ramp cut short says nothing of that server's limit: the at-size figures compare them instead.
            System.out.println("capacity not judged: a ramp stopped at --capacity-max");
            return;
        }
        verdicts("series per GiB of peak RSS", perGib);
        verdicts("series sustained", sustained);
    }

    private static void verdicts(String what, Map<String, Double> figures) {
        Double ours = figures.get("promethium");
        Double prom = figures.get("prometheus");
        Double vm = figures.get("victoria-metrics");
        if (ours != null && prom != null) {
            System.out.printf(Locale.ROOT, "target: %s ≥ 2× Prometheus's: %.2f× %s%n", what, ours / prom, ours >= 2 * prom ? "met" : "NOT met");
        }
        if (ours != null && vm != null) {
            System.out.printf(Locale.ROOT, "target: %s above VictoriaMetrics': %.2f× %s%n", what, ours / vm, ours > vm ? "met" : "NOT met");
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
