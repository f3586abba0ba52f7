import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Blocks side by side: one OpenMetrics file made from a real node_exporter page (N targets, each
 * its own {@code instance}, scraped every S seconds for H hours, values moving as in
 * {@link SideBySide}) is backfilled by promtool ({@code tsdb create-blocks-from openmetrics}) and
 * by Promethium; prints chunk bytes per sample, index bytes per series, peak RSS and wall time of
 * each, with Promethium's ratios. Bounded by the sample count; no network but node_exporter on
 * loopback for the page.
 *
 * <p>Run through {@code distribution/bench/blocks} (builds the tarball, finds a JDK); a
 * multi-file source program (Java 22+) that uses {@link SideBySide}'s page template.
 */
public final class Blocks {

    record Options(int targets, double hours, int intervalSeconds, Path work, List<String> promethium, boolean keep, Path file) {
    }

    /** What one backfill produced. */
    record Figures(long samples, long series, long chunkBytes, long indexBytes, long peakRssKb, double seconds, int blocks) {
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Files.createDirectories(o.work());
        Path file = o.file();
        if (file == null) {
            List<SideBySide.Line> page = SideBySide.template(o.work()).stream().filter(l -> l.kind() != '#').toList();
            file = o.work().resolve("node.om");
            long samples = writeFile(file, page, o);
            System.out.printf(Locale.ROOT, "file: %s, %,d bytes, %,d samples (%d targets x %d series, %.1f h every %d s)%n",
                    file, Files.size(file), samples, o.targets(), page.size(), o.hours(), o.intervalSeconds());
        } else {
            System.out.printf(Locale.ROOT, "file: %s, %,d bytes (given)%n", file, Files.size(file));
        }
        Figures prom = backfill(List.of("promtool"), file, o.work().resolve("prometheus"));
        Figures ours = backfill(o.promethium(), file, o.work().resolve("promethium"));
        print(prom, ours);
        if (!o.keep() && o.file() == null) {
            Files.deleteIfExists(file);
        }
    }

    static Options parse(String[] args) {
        int targets = 10;
        double hours = 4;
        int interval = 15;
        Path work = null;
        List<String> promethium = null;
        boolean keep = false;
        Path file = null;
        for (String a : args) {
            String v = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--targets=")) {
                targets = Integer.parseInt(v);
            } else if (a.startsWith("--hours=")) {
                hours = Double.parseDouble(v);
            } else if (a.startsWith("--interval=")) {
                interval = Integer.parseInt(v);
            } else if (a.startsWith("--work=")) {
                work = Path.of(v);
            } else if (a.startsWith("--promethium=")) {
                promethium = List.of(v.split(" "));
            } else if (a.startsWith("--file=")) {
                file = Path.of(v);
            } else if (a.equals("--keep")) {
                keep = true;
            } else {
                throw new IllegalArgumentException("unknown argument " + a
                        + " (--targets=N --hours=H --interval=S --work=DIR --promethium='CMD ...' --keep --file=FILE)");
            }
        }
        if (work == null || promethium == null) {
            throw new IllegalArgumentException("--work and --promethium are required");
        }
        return new Options(targets, hours, interval, work, promethium, keep, file);
    }

    /**
     * Scrape-major order (every target's page at one time, then the next time), as a scrape
     * would log them; timestamps in seconds; no metadata lines (both read the samples alike).
     */
    static long writeFile(Path file, List<SideBySide.Line> page, Options o) throws IOException {
        long start = 1_700_006_400_000L; // 2 h aligned
        long scrapes = (long) (o.hours() * 3600 / o.intervalSeconds());
        String[][] prefixes = new String[o.targets()][page.size()];
        for (int t = 0; t < o.targets(); t++) {
            String extra = "instance=\"10.0." + (t / 250) + "." + (t % 250 + 1) + ":9100\",job=\"node\"";
            for (int i = 0; i < page.size(); i++) {
                String p = page.get(i).prefix().stripTrailing();
                int brace = p.indexOf('{');
                prefixes[t][i] = brace < 0 ? p + "{" + extra + "} "
                        : p.endsWith("{}") ? p.substring(0, brace) + "{" + extra + "} "
                        : p.substring(0, p.length() - 1) + "," + extra + "} ";
            }
        }
        long n = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (long s = 0; s < scrapes; s++) {
                long now = start + s * o.intervalSeconds() * 1000L;
                for (int t = 0; t < o.targets(); t++) {
                    long ts = now + t * 7L; // targets are scraped a few ms apart
                    String[] lines = new String(SideBySide.render(page, t, ts), StandardCharsets.UTF_8).split("\n");
                    String stamp = " " + (ts / 1000) + "." + String.format(Locale.ROOT, "%03d", ts % 1000) + "\n";
                    for (int i = 0; i < page.size(); i++) {
                        String value = lines[i].substring(page.get(i).prefix().length());
                        out.write((prefixes[t][i] + value + stamp).getBytes(StandardCharsets.UTF_8));
                        n++;
                    }
                }
            }
            out.write("# EOF\n".getBytes(StandardCharsets.UTF_8));
        }
        return n;
    }

    static Figures backfill(List<String> command, Path file, Path dir) throws Exception {
        deleteRecursively(dir);
        Run r = backfillInto(command, file, dir);
        return measure(dir, r.peakRssKb(), r.seconds());
    }

    /** One backfill's wall time and peak RSS (-1 when {@code time -v} gave none). */
    record Run(double seconds, long peakRssKb) {
    }

    /** Backfills FILE into DIR beside the blocks already there. */
    static Run backfillInto(List<String> command, Path file, Path dir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-v"));
        cmd.addAll(command);
        cmd.addAll(List.of("tsdb", "create-blocks-from", "openmetrics", file.toString(), dir.toString()));
        Path log = dir.resolveSibling(dir.getFileName() + ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int rc = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        String out = Files.readString(log);
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + rc + "), see " + log + ":\n" + out);
        }
        Matcher m = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)").matcher(out);
        return new Run(seconds, m.find() ? Long.parseLong(m.group(1)) : -1);
    }

    /** The blocks in a data folder: samples, series and chunk and index bytes summed over them (a series counts once per block). */
    static Figures measure(Path dir, long rss, double seconds) throws IOException {
        long samples = 0;
        long series = 0;
        long chunks = 0;
        long index = 0;
        int blocks = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path b : s.filter(x -> Files.exists(x.resolve("meta.json"))).toList()) {
                String meta = Files.readString(b.resolve("meta.json"));
                samples += number(meta, "numSamples");
                series += number(meta, "numSeries");
                chunks += Proc.size(b.resolve("chunks"));
                index += Proc.size(b.resolve("index"));
                if (Files.exists(b.resolve("symbols"))) {
                    index += Proc.size(b.resolve("symbols")); // Promethium's symbol table, inside Prometheus's index file
                }
                blocks++;
            }
        }
        return new Figures(samples, series, chunks, index, rss, seconds, blocks);
    }

    static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in meta.json");
        }
        return Long.parseLong(m.group(1));
    }

    static void print(Figures prom, Figures ours) {
        System.out.printf(Locale.ROOT, "load average: %s%n", Proc.loadAverage());
        System.out.printf(Locale.ROOT, "%-34s %18s %18s %8s%n", "", "promtool 2.42", "Promethium", "ratio");
        row("blocks / series / samples", prom.blocks() + " / " + prom.series() + " / " + prom.samples(),
                ours.blocks() + " / " + ours.series() + " / " + ours.samples(), "");
        double pc = (double) prom.chunkBytes() / prom.samples();
        double oc = (double) ours.chunkBytes() / ours.samples();
        row("chunk bytes per sample", fmt(pc), fmt(oc), fmt(oc / pc));
        double pi = (double) prom.indexBytes() / prom.series();
        double oi = (double) ours.indexBytes() / ours.series();
        row("index bytes per series (per block)", fmt(pi), fmt(oi), fmt(oi / pi));
        double pt = (double) (prom.chunkBytes() + prom.indexBytes()) / prom.samples();
        double ot = (double) (ours.chunkBytes() + ours.indexBytes()) / ours.samples();
        row("block bytes per sample (all)", fmt(pt), fmt(ot), fmt(ot / pt));
        row("backfill peak RSS (MB)", fmt(prom.peakRssKb() / 1024.0), fmt(ours.peakRssKb() / 1024.0),
                fmt((double) ours.peakRssKb() / prom.peakRssKb()));
        row("backfill wall time (s)", fmt(prom.seconds()), fmt(ours.seconds()), fmt(ours.seconds() / prom.seconds()));
    }

    static void row(String what, String a, String b, String ratio) {
        System.out.printf(Locale.ROOT, "%-34s %18s %18s %8s%n", what, a, b, ratio);
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
