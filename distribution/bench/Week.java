import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A week of data, side by side: N node_exporter-shaped hosts (the series a node dashboard reads,
 * from a real node_exporter page: CPU, memory, load, disk, network, filesystem) scraped every S
 * seconds for D days, ending now, are backfilled into Prometheus (promtool) and Promethium
 * ({@code tsdb create-blocks-from openmetrics}) and imported into VictoriaMetrics; each server
 * then starts on its data with default flags (VictoriaMetrics with its result cache off) and
 * compacts it as it would; then the dashboard's panel queries run over 1 h, 24 h and D days at
 * the step Grafana chooses, after untimed passes of every query ({@code --warmup-passes}, each
 * pass's total printed per server) and of the 1 h panels ({@code --refresh-passes}): warm (the
 * median of {@code --rounds} rounds' medians of {@code --repeats} requests in a row, the servers
 * taking turns) and cold (median of {@code --cold-repeats} requests, each right after the page
 * cache was dropped, where the machine allows; else the first request), each round going through
 * every query before the next begins; each answer is compared with Prometheus's. Every timed
 * request or run of requests waits half a second first, so that what the server queried before
 * left running (a collector, a merge) has settled.
 * The kernel does not drop pages a process has mapped, so the blocks' pages a server has mapped and
 * touched stay in memory; cold measures the rest (files read, caches rebuilt), and the
 * run prints what each server's cold requests read from the disk. Query times are half a second
 * past the scrape times, and windows that reach back to the first sample are not compared:
 * Prometheus 2.42 differs from Prometheus 3 there (see {@link #run}); Promethium answers as
 * Prometheus 3.
 *
 * <p>Values move as real ones do: counters grow by noisy increments (CPU seconds with two
 * decimals, bytes as integers), gauges wander. The data folders are kept in the work folder and
 * reused by a later run with the same shape ({@code --reuse}). Loopback only, bounded by the
 * sample count. Run through {@code distribution/bench/week}.
 */
public final class Week {

    record Options(Path home, int targets, int days, int intervalSeconds, int repeats, int rounds, int coldRepeats, int warmupPasses, int refreshPasses,
                   List<String> servers, Path work, boolean reuse, boolean cold, boolean prepareOnly) {
    }

    /** One panel query, with {@code $ri} for Grafana's {@code $__rate_interval}. */
    record Panel(String name, String expr) {
    }

    /** A query range and the step Grafana would choose for it (a ~1,000 px wide panel). */
    record Range(String name, long seconds, long stepSeconds) {
    }

    static final List<String> METRICS = List.of("node_cpu_seconds_total", "node_load1", "node_load5", "node_load15",
            "node_memory_MemTotal_bytes", "node_memory_MemFree_bytes", "node_memory_MemAvailable_bytes",
            "node_memory_Cached_bytes", "node_memory_Buffers_bytes", "node_memory_SwapTotal_bytes", "node_memory_SwapFree_bytes",
            "node_disk_read_bytes_total", "node_disk_written_bytes_total", "node_disk_io_time_seconds_total",
            "node_network_receive_bytes_total", "node_network_transmit_bytes_total",
            "node_filesystem_avail_bytes", "node_filesystem_size_bytes");

    /** Node Exporter Full's panels, over every host (a fleet view) and over one host. */
    static final List<Panel> PANELS = List.of(
            new Panel("cpu busy, all hosts", "100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[$ri])))"),
            new Panel("cpu by mode, all hosts", "sum by (mode) (rate(node_cpu_seconds_total{mode!=\"idle\"}[$ri]))"),
            new Panel("cpu by mode, one host", "sum by (mode) (rate(node_cpu_seconds_total{instance=\"$host\",mode!=\"idle\"}[$ri]))"),
            new Panel("memory used %, all hosts", "100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)"),
            new Panel("memory parts, one host", "node_memory_MemTotal_bytes{instance=\"$host\"} - node_memory_MemFree_bytes{instance=\"$host\"} - node_memory_Cached_bytes{instance=\"$host\"} - node_memory_Buffers_bytes{instance=\"$host\"}"),
            new Panel("swap used, all hosts", "node_memory_SwapTotal_bytes - node_memory_SwapFree_bytes"),
            new Panel("load, all hosts", "node_load1"),
            new Panel("disk read+written, all hosts", "sum by (instance) (rate(node_disk_read_bytes_total[$ri]) + rate(node_disk_written_bytes_total[$ri]))"),
            new Panel("disk io time, one host", "rate(node_disk_io_time_seconds_total{instance=\"$host\"}[$ri])"),
            new Panel("network rx bits, all hosts", "sum by (instance) (rate(node_network_receive_bytes_total{device!=\"lo\"}[$ri]) * 8)"),
            new Panel("network tx bits, one host", "rate(node_network_transmit_bytes_total{instance=\"$host\"}[$ri]) * 8"),
            new Panel("filesystem used %, all hosts", "100 - node_filesystem_avail_bytes * 100 / node_filesystem_size_bytes"));

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Files.createDirectories(o.work());
        List<Range> ranges = List.of(new Range("1h", 3600, grafanaStep(3600, o.intervalSeconds())),
                new Range("24h", 86400, grafanaStep(86400, o.intervalSeconds())),
                new Range(o.days() + "d", o.days() * 86400L, grafanaStep(o.days() * 86400L, o.intervalSeconds())));
        Path stamp = o.work().resolve("shape");
        String shape = o.targets() + " targets, " + o.days() + " d every " + o.intervalSeconds() + " s";
        long end;
        if (o.reuse() && Files.exists(stamp) && Files.readString(stamp).startsWith(shape + "\n")) {
            end = Long.parseLong(Files.readString(stamp).split("\n")[1].trim());
            System.out.printf(Locale.ROOT, "week: reusing the data of %s (ending at %d)%n", shape, end);
        } else {
            Files.deleteIfExists(stamp);
            end = System.currentTimeMillis() / 60_000 * 60_000 - 60_000;
            prepare(o, end);
            Files.writeString(stamp, shape + "\n" + end + "\n");
        }
        if (o.prepareOnly()) {
            // The data alone (hours at 200 hosts), for queries on a quiet machine later with --reuse.
            return;
        }
        Map<String, SideBySide.Server> servers = new LinkedHashMap<>();
        try {
            for (String name : o.servers()) {
                SideBySide.Server s = start(name, o);
                servers.put(name, s);
            }
            long started = System.nanoTime();
            for (SideBySide.Server s : servers.values()) {
                SideBySide.waitReady(s, Duration.ofMinutes(10));
                settle(s, started);
            }
            bytes(servers);
            run(o, servers, ranges, end);
        } finally {
            for (SideBySide.Server s : servers.values()) {
                s.process().destroy();
                s.process().waitFor();
            }
        }
    }

    /** Grafana's interval: range / 1,000 px rounded to its "nice" steps, at least the scrape interval. */
    static long grafanaStep(long rangeSeconds, int scrape) {
        long raw = rangeSeconds / 1000;
        long[] nice = {1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
        long step = nice[nice.length - 1];
        for (int i = 0; i < nice.length - 1; i++) {
            if (raw < (nice[i] + nice[i + 1]) / 2) {
                step = nice[i];
                break;
            }
        }
        return Math.max(step, scrape);
    }

    // ---- the data ---------------------------------------------------------------------------

    /** Two hours, the span of a backfilled block in both backfills. */
    static final long WINDOW_MILLIS = 2 * 3600_000L;

    /**
     * The data, one 2 h window at a time: each window's OpenMetrics file goes to each backfill and
     * its import file to a running VictoriaMetrics, then both are deleted. promtool 2.42 reads its
     * whole input once per block window, so one file of the week would be read 85 times (~8 h at
     * 200 hosts); a window's file is read twice. The disk holds one window (~0.8 GB at 200 hosts),
     * not the week (~60 GB in the two formats). Every server gets the same seeded samples.
     */
    static void prepare(Options o, long end) throws Exception {
        List<SideBySide.Line> page = SideBySide.template(o.work()).stream()
                .filter(l -> l.kind() != '#' && METRICS.contains(name(l.prefix()))).toList();
        Map<String, List<String>> backfills = new LinkedHashMap<>();
        for (String name : o.servers()) {
            switch (name) {
                case "prometheus" -> backfills.put(name, List.of("promtool"));
                case "promethium" -> backfills.put(name, List.of(o.home().resolve("bin/promethium").toString()));
                case "victoria-metrics" -> { }
                default -> throw new IllegalArgumentException("unknown server " + name);
            }
        }
        Map<String, double[]> spent = new LinkedHashMap<>(); // seconds, peak RSS (kB)
        for (String name : backfills.keySet()) {
            Blocks.deleteRecursively(o.work().resolve(name + "-data"));
            spent.put(name, new double[] {0, -1});
        }
        SideBySide.Server vm = null;
        double[] imported = {0};
        if (o.servers().contains("victoria-metrics")) {
            Path data = o.work().resolve("victoria-metrics-data");
            Blocks.deleteRecursively(data);
            vm = startVm(o, data);
            SideBySide.waitReady(vm, Duration.ofMinutes(1));
        }
        SideBySide.Server importer = vm;
        try {
            long t0 = System.nanoTime();
            Path om = backfills.isEmpty() ? null : o.work().resolve("window.om");
            Path prom = vm == null ? null : o.work().resolve("window.prom");
            long[] windows = {0};
            long samples = write(page, o, end, om, prom, () -> {
                for (Map.Entry<String, List<String>> b : backfills.entrySet()) {
                    Blocks.Run r = Blocks.backfillInto(b.getValue(), om, o.work().resolve(b.getKey() + "-data"));
                    double[] f = spent.get(b.getKey());
                    f[0] += r.seconds();
                    f[1] = Math.max(f[1], r.peakRssKb());
                }
                if (importer != null) {
                    long i0 = System.nanoTime();
                    importVm(importer, prom);
                    imported[0] += (System.nanoTime() - i0) / 1e9;
                }
                windows[0]++;
            });
            double elapsed = (System.nanoTime() - t0) / 1e9;
            double loading = imported[0] + spent.values().stream().mapToDouble(f -> f[0]).sum();
            System.out.printf(Locale.ROOT, "week: %,d samples (%d targets x %d series, %d d every %d s) written in %d windows of 2 h in %.0f s%n",
                    samples, o.targets(), page.size(), o.days(), o.intervalSeconds(), windows[0], elapsed - loading);
            for (Map.Entry<String, double[]> e : spent.entrySet()) {
                Blocks.Figures f = Blocks.measure(o.work().resolve(e.getKey() + "-data"), (long) e.getValue()[1], e.getValue()[0]);
                System.out.printf(Locale.ROOT, "week: %s backfilled %,d samples into %d blocks in %.0f s (peak RSS %,d MB)%n",
                        e.getKey(), f.samples(), f.blocks(), f.seconds(), f.peakRssKb() / 1024);
            }
            if (importer != null) {
                SideBySide.get(importer, "/internal/force_flush");
                System.out.printf(Locale.ROOT, "week: victoria-metrics imported in %.0f s%n", imported[0]);
            }
        } finally {
            if (vm != null) {
                vm.process().destroy();
                vm.process().waitFor();
            }
        }
    }

    static String name(String prefix) {
        int brace = prefix.indexOf('{');
        return (brace < 0 ? prefix : prefix.substring(0, brace)).strip();
    }

    /** Called once a window's files are complete; they are overwritten by the next window. */
    interface WindowDone {
        void run() throws Exception;
    }

    /**
     * Writes, each unless null, the OpenMetrics file (timestamps in seconds) and VictoriaMetrics'
     * import file (milliseconds), in scrape order, one 2 h window at a time: when a sample falls in
     * the next window the files are closed and handed to {@code done}. Byte-level writing: billions
     * of characters.
     */
    static long write(List<SideBySide.Line> page, Options o, long end, Path om, Path vm, WindowDone done) throws Exception {
        long scrapes = o.days() * 86400L / o.intervalSeconds();
        long start = end - (scrapes - 1) * o.intervalSeconds() * 1000L;
        int n = o.targets() * page.size();
        byte[][] prefixes = new byte[n][];
        double[] value = new double[n];
        double[] rate = new double[n];
        boolean[] counter = new boolean[n];
        boolean[] decimals = new boolean[n];
        SplittableRandom random = new SplittableRandom(42);
        for (int t = 0; t < o.targets(); t++) {
            String extra = "instance=\"10.0." + (t / 250) + "." + (t % 250 + 1) + ":9100\",job=\"node\"";
            for (int i = 0; i < page.size(); i++) {
                SideBySide.Line l = page.get(i);
                String p = l.prefix().stripTrailing();
                int brace = p.indexOf('{');
                String full = brace < 0 ? p + "{" + extra + "} "
                        : p.endsWith("{}") ? p.substring(0, brace) + "{" + extra + "} "
                        : p.substring(0, p.length() - 1) + "," + extra + "} ";
                int k = t * page.size() + i;
                prefixes[k] = full.getBytes(StandardCharsets.UTF_8);
                String metric = name(p);
                counter[k] = l.kind() == 'c';
                decimals[k] = metric.contains("seconds") || metric.startsWith("node_load");
                value[k] = l.base() * (0.5 + random.nextDouble());
                // Counters: a CPU second per second at most; bytes up to a few MB/s.
                rate[k] = metric.contains("seconds") ? random.nextDouble() : metric.endsWith("bytes_total") ? random.nextDouble() * 3e6 : 0;
            }
        }
        long samples = 0;
        long windowEnd = Math.floorDiv(start, WINDOW_MILLIS) * WINDOW_MILLIS + WINDOW_MILLIS;
        OutputStream a = om == null ? null : new BufferedOutputStream(Files.newOutputStream(om), 1 << 20);
        OutputStream b = vm == null ? null : new BufferedOutputStream(Files.newOutputStream(vm), 1 << 20);
        for (long s = 0; s < scrapes; s++) {
            long now = start + s * o.intervalSeconds() * 1000L;
            for (int t = 0; t < o.targets(); t++) {
                long ts = now + t * 7L; // targets are scraped a few ms apart
                if (ts >= windowEnd) {
                    closeWindow(a, b);
                    done.run();
                    windowEnd += WINDOW_MILLIS;
                    a = om == null ? null : new BufferedOutputStream(Files.newOutputStream(om), 1 << 20);
                    b = vm == null ? null : new BufferedOutputStream(Files.newOutputStream(vm), 1 << 20);
                }
                for (int i = 0; i < page.size(); i++) {
                    int k = t * page.size() + i;
                    double v = next(k, value, rate, counter, decimals, o.intervalSeconds(), random);
                    StringBuilder sb = new StringBuilder(24);
                    if (decimals[k]) {
                        sb.append(Math.round(v * 100) / 100.0);
                    } else {
                        sb.append((long) v);
                    }
                    byte[] vb = sb.toString().getBytes(StandardCharsets.US_ASCII);
                    if (a != null) {
                        a.write(prefixes[k]);
                        a.write(vb);
                        a.write(' ');
                        a.write(Long.toString(ts / 1000).getBytes(StandardCharsets.US_ASCII));
                        a.write('.');
                        long ms = ts % 1000;
                        a.write('0' + (int) (ms / 100));
                        a.write('0' + (int) (ms / 10 % 10));
                        a.write('0' + (int) (ms % 10));
                        a.write('\n');
                    }
                    if (b != null) {
                        b.write(prefixes[k]);
                        b.write(vb);
                        b.write(' ');
                        b.write(Long.toString(ts).getBytes(StandardCharsets.US_ASCII));
                        b.write('\n');
                    }
                    samples++;
                }
            }
        }
        closeWindow(a, b);
        done.run();
        if (om != null) {
            Files.deleteIfExists(om);
        }
        if (vm != null) {
            Files.deleteIfExists(vm);
        }
        return samples;
    }

    private static void closeWindow(OutputStream om, OutputStream vm) throws IOException {
        if (om != null) {
            om.write("# EOF\n".getBytes(StandardCharsets.US_ASCII));
            om.close();
        }
        if (vm != null) {
            vm.close();
        }
    }

    static double next(int k, double[] value, double[] rate, boolean[] counter, boolean[] decimals, int interval, SplittableRandom random) {
        if (counter[k]) {
            value[k] += rate[k] * interval * (0.5 + random.nextDouble());
        } else if (value[k] != 0 && random.nextInt(4) == 0) {
            // Gauges wander by up to 1% now and then, pulled back towards their start.
            value[k] *= 1 + (random.nextDouble() - 0.5) * 0.02;
        }
        return value[k];
    }

    static void importVm(SideBySide.Server s, Path file) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/v1/import/prometheus"))
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("VictoriaMetrics import answered " + r.statusCode() + ": " + r.body());
        }
    }

    // ---- the servers ------------------------------------------------------------------------

    static SideBySide.Server start(String name, Options o) throws IOException {
        Path data = o.work().resolve(name + "-data");
        int port = Proc.freePort();
        Path config = o.work().resolve("week.yml");
        Files.writeString(config, "global:\n  scrape_interval: " + o.intervalSeconds() + "s\n");
        List<String> command = switch (name) {
            case "prometheus" -> List.of(SideBySide.binary("prometheus"), "--config.file=" + config, "--storage.tsdb.path=" + data,
                    "--web.listen-address=127.0.0.1:" + port);
            case "victoria-metrics" -> null;
            case "promethium" -> List.of(o.home().resolve("bin/promethium").toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port,
                    "--plugins.dir=" + o.work().resolve("promethium-plugins"));
            default -> throw new IllegalArgumentException("unknown server " + name + " (prometheus, victoria-metrics, promethium)");
        };
        if (command == null) {
            return startVm(o, data);
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(o.work().resolve(name + ".log").toFile())).start();
        return new SideBySide.Server(name, p, port, data);
    }

    static SideBySide.Server startVm(Options o, Path data) throws IOException {
        int port = Proc.freePort();
        Process p = new ProcessBuilder(SideBySide.binary("victoria-metrics", "victoria-metrics-prod"), "-storageDataPath=" + data,
                "-httpListenAddr=127.0.0.1:" + port, "-retentionPeriod=100y", "-search.disableCache")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(o.work().resolve("victoria-metrics.log").toFile())).start();
        return new SideBySide.Server("victoria-metrics", p, port, data);
    }

    /**
     * Waits until the server's compaction of the backfilled blocks is over: at least 75 s (Prometheus
     * and Promethium look for blocks to compact once a minute and then merge the 2 h blocks into
     * longer ones; VictoriaMetrics merges parts), then its CPU idle for 10 s; at most 15 minutes.
     */
    static void settle(SideBySide.Server s, long t0) throws Exception {
        double last = Proc.cpuSeconds(s.process().pid());
        int quiet = 0;
        while ((quiet < 10 || System.nanoTime() - t0 < Duration.ofSeconds(75).toNanos())
                && System.nanoTime() - t0 < Duration.ofMinutes(15).toNanos()) {
            Thread.sleep(1000);
            double now = Proc.cpuSeconds(s.process().pid());
            quiet = now - last < 0.05 ? quiet + 1 : 0;
            last = now;
        }
        System.out.printf(Locale.ROOT, "week: %s settled after %.0f s (%.1f s CPU)%s%n", s.name(),
                (System.nanoTime() - t0) / 1e9, last, blocks(s.data()) > 0 ? ", " + blocks(s.data()) + " blocks" : "");
    }

    /**
     * Long-term bytes once each server has compacted its data: the blocks' chunk bytes and all
     * their bytes (chunks, index, Promethium's symbol table) per sample, index bytes per series (a
     * series counted once per block it is in) and all the blocks' index bytes, and the peak RSS so
     * far (the compaction's, when the data was new; with {@code --reuse} the data was compacted by
     * an earlier run). VictoriaMetrics
     * keeps no blocks: its data folder per sample is printed as context.
     */
    static void bytes(Map<String, SideBySide.Server> servers) throws IOException {
        System.out.printf(Locale.ROOT, "%-40s %24s %24s %24s%n", "long-term bytes", "prometheus", "promethium", "ratio");
        Blocks.Figures prom = servers.containsKey("prometheus") ? Blocks.measure(servers.get("prometheus").data(), -1, 0) : null;
        Blocks.Figures ours = servers.containsKey("promethium") ? Blocks.measure(servers.get("promethium").data(), -1, 0) : null;
        bytesRow("blocks / series in them / samples", prom, ours, f -> Double.NaN,
                f -> f.blocks() + " / " + f.series() + " / " + f.samples());
        bytesRow("chunk bytes per sample", prom, ours, f -> (double) f.chunkBytes() / f.samples(), null);
        bytesRow("index bytes per series (per block)", prom, ours, f -> (double) f.indexBytes() / f.series(), null);
        // The same series and samples in both: the ratio of the whole indexes is the index per series
        // with each series counted once, which the per-block figure is not when the compactions
        // grouped the data into different numbers of blocks (fewer, longer blocks list more chunks
        // per series in each).
        bytesRow("index bytes, all blocks (kB)", prom, ours, f -> f.indexBytes() / 1e3, null);
        bytesRow("block bytes per sample (all)", prom, ours, f -> (double) (f.chunkBytes() + f.indexBytes()) / f.samples(), null);
        StringBuilder rss = new StringBuilder(String.format(Locale.ROOT, "%-40s", "peak RSS so far (MB)"));
        double[] peaks = new double[2];
        int i = 0;
        for (String n : List.of("prometheus", "promethium")) {
            SideBySide.Server s = servers.get(n);
            peaks[i] = s == null ? Double.NaN : Proc.peakRssBytes(s.process().pid()) / 1e6;
            rss.append(String.format(Locale.ROOT, " %24.0f", peaks[i++]));
        }
        System.out.println(rss.append(String.format(Locale.ROOT, " %23.2f×", peaks[1] / peaks[0])));
        SideBySide.Server vm = servers.get("victoria-metrics");
        Blocks.Figures any = prom != null ? prom : ours;
        if (vm != null && any != null) {
            System.out.printf(Locale.ROOT, "victoria-metrics: data folder %.1f MB, %.2f bytes per sample (its own layout, as context)%n",
                    Proc.size(vm.data()) / 1e6, (double) Proc.size(vm.data()) / any.samples());
        }
    }

    interface BlockMeasure {
        double of(Blocks.Figures f);
    }

    static void bytesRow(String what, Blocks.Figures prom, Blocks.Figures ours, BlockMeasure m,
                         java.util.function.Function<Blocks.Figures, String> text) {
        String a = prom == null ? "-" : text != null ? text.apply(prom) : String.format(Locale.ROOT, "%.2f", m.of(prom));
        String b = ours == null ? "-" : text != null ? text.apply(ours) : String.format(Locale.ROOT, "%.2f", m.of(ours));
        String r = prom == null || ours == null || text != null ? "" : String.format(Locale.ROOT, "%.2f×", m.of(ours) / m.of(prom));
        System.out.printf(Locale.ROOT, "%-40s %24s %24s %24s%n", what, a, b, r);
    }

    static long blocks(Path data) throws IOException {
        try (var s = Files.list(data)) {
            return s.filter(p -> Files.exists(p.resolve("meta.json"))).count();
        }
    }

    // ---- the queries -------------------------------------------------------------------------

    static void run(Options o, Map<String, SideBySide.Server> servers, List<Range> ranges, long end) throws Exception {
        boolean dropCaches = o.cold() && Proc.canDropCaches();
        Map<String, KeepAliveGet> clients = new LinkedHashMap<>();
        servers.values().forEach(s -> clients.put(s.name(), new KeepAliveGet(s.port())));
        warmUp(o, servers, clients, ranges, end);
        System.out.printf(Locale.ROOT, "load average: %s; cold = %s%n", Proc.loadAverage(),
                dropCaches ? "median of " + o.coldRepeats() + " requests, each after the page cache was dropped"
                        : "first request (page cache not dropped)");
        // Each query's timed requests are spread over the whole run: every cold round and every warm
        // round goes through all the queries before the next begins. The machine drifts by the
        // minute (one server's same request took 0.29-0.46 ms at the median in one stretch, 0.11-0.16
        // a few minutes later), so a query's rounds taken one after another measured one stretch.
        // Half a second past the scrape times: Prometheus 2.42 closes a window at its start,
        // Prometheus 3 (and Promethium) leave it open, so a sample exactly there would differ.
        List<Timed> timed = queries(o, ranges, end, ".5");
        Map<String, List<double[]>> afterPause = new LinkedHashMap<>(); // server -> each query's warm requests, in order
        Map<String, Proc.DiskReads> coldReads = new LinkedHashMap<>(); // server -> what its cold requests read from disk
        Map<String, Map<String, double[]>> colds = new LinkedHashMap<>(); // query -> server -> each cold round's time
        Map<String, Map<String, String>> answers = new LinkedHashMap<>(); // query -> server -> its first answer
        Map<String, Map<String, double[]>> roundMedians = new LinkedHashMap<>(); // query -> server -> each warm round's median
        // Cold: the median of --cold-repeats requests (nine), each right after the page cache was dropped (one such
        // request varied 2-4x in each server, as any first request after a pause does, drop or
        // not): on one server, two runs of the 36 queries moved a query's median of three by up to
        // 2.2x, its median of nine by up to 1.6x. The servers take turns; the first answer is the
        // one compared. Each drop waits the warm requests' pause first: what the server before
        // left running (Prometheus's collector after a week of 200 hosts' load) made the next
        // server's cold request 81 ms against 61-73 after the pause.
        int coldRounds = dropCaches ? o.coldRepeats() : 1;
        int coldRequests = coldRounds * timed.size();
        for (int round = 0; round < coldRounds; round++) {
            for (Timed t : timed) {
                for (SideBySide.Server s : servers.values()) {
                    Thread.sleep(PAUSE_MILLIS);
                    if (dropCaches) {
                        Proc.dropCaches();
                    }
                    Proc.DiskReads before = Proc.diskReads(s.process().pid());
                    long t0 = System.nanoTime();
                    KeepAliveGet.Response r = clients.get(s.name()).get(t.path());
                    colds.computeIfAbsent(t.key(), k -> new LinkedHashMap<>()).computeIfAbsent(s.name(), n -> new double[coldRounds])[round] =
                            (System.nanoTime() - t0) / 1e6;
                    Proc.DiskReads read = Proc.diskReads(s.process().pid()).minus(before);
                    coldReads.merge(s.name(), read, Proc.DiskReads::plus);
                    if (r.status() != 200) {
                        throw new IllegalStateException(s.name() + " answered " + r.status() + " to " + t.expr() + ": " + r.body());
                    }
                    answers.computeIfAbsent(t.key(), k -> new LinkedHashMap<>()).putIfAbsent(s.name(), r.body());
                }
            }
        }
        // Each server's warm requests in a row, as a dashboard sends one server its panels
        // (taking turns between the three servers added 0.1-0.3 ms to a millisecond query in
        // each: the others' requests evict its caches), after a pause that lets what the
        // previous server left running settle (Go's collector after Prometheus's second-long
        // queries slowed the next server's). Warm is the median of the rounds' medians, the
        // servers taking turns: one server's medians of nine of the same small query varied
        // twofold from one round to the next (the machine's moment), so one round measured the
        // moment as much as the server.
        for (int round = 0; round < o.rounds(); round++) {
            for (Timed t : timed) {
                for (SideBySide.Server s : servers.values()) {
                    Thread.sleep(PAUSE_MILLIS);
                    double[] ms = new double[o.repeats()];
                    for (int i = 0; i < o.repeats(); i++) {
                        long t1 = System.nanoTime();
                        clients.get(s.name()).get(t.path());
                        ms[i] = (System.nanoTime() - t1) / 1e6;
                    }
                    afterPause.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(ms);
                    roundMedians.computeIfAbsent(t.key(), k -> new LinkedHashMap<>()).computeIfAbsent(s.name(), n -> new double[o.rounds()])[round] = median(ms);
                }
            }
        }
        Map<String, Map<String, double[]>> figures = new LinkedHashMap<>(); // query -> server -> {cold, warm}
        int disagreements = 0;
        for (Timed t : timed) {
            Map<String, double[]> row = new LinkedHashMap<>();
            for (SideBySide.Server s : servers.values()) {
                row.put(s.name(), new double[] {median(colds.get(t.key()).get(s.name())), median(roundMedians.get(t.key()).get(s.name()))});
            }
            figures.put(t.key(), row);
            Map<String, String> answer = answers.get(t.key());
            if (answer.containsKey("prometheus") && answer.containsKey("promethium")) {
                // Windows reaching back to the data's first sample are left out: there Prometheus 2.42
                // limits a counter's extrapolation to zero before its "series starts here" check,
                // Prometheus 3 after it (prometheus/prometheus#13725, 2.51), and Promethium is 3.
                long firstSample = end / 1000 - (o.days() * 86400L / o.intervalSeconds() - 1) * o.intervalSeconds();
                String diff = compare(answer.get("prometheus"), answer.get("promethium"), firstSample + t.rateInterval());
                if (diff != null) {
                    disagreements++;
                    System.out.printf(Locale.ROOT, "DIFFERENT ANSWER %s: %s%n", t.key(), diff);
                }
            }
        }
        clients.values().forEach(KeepAliveGet::close);
        print(figures, servers.keySet(), ranges, disagreements);
        printColdReads(coldReads, coldRequests, dropCaches);
        printAfterPause(afterPause);
    }

    /**
     * What each server's cold requests read from the disk, all together: the kernel drops only the
     * pages no process maps, so a server that maps its blocks and has touched them in the warm-up
     * reads little or nothing, and its cold time is mostly that of the first request after a pause.
     */
    static void printColdReads(Map<String, Proc.DiskReads> reads, int requests, boolean dropped) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "read from disk by each server's %d cold requests%s:", requests,
                dropped ? "" : " (page cache not dropped)"));
        reads.forEach((name, r) -> line.append(String.format(Locale.ROOT, " %s %s, %d major faults;", name,
                r.bytes() < 0 ? "? bytes (no I/O accounting)" : String.format(Locale.ROOT, "%,d kB", r.bytes() / 1024), r.majorFaults())));
        System.out.println(line.substring(0, line.length() - 1));
    }

    /**
     * The requests right after the pause, for the small queries (warm median under
     * {@link #SMALL_MILLIS} in every server): on this virtual machine the first request after a
     * quiet half second took 5-9 ms in each server, with this client or Python's, and after 2 s
     * 14-23 ms; the next few stay above the server's steady time. A sub-millisecond query's
     * warm median takes part of that slope in, and this line shows how much in each server.
     */
    static void printAfterPause(Map<String, List<double[]>> afterPause) {
        int queries = afterPause.values().stream().mapToInt(List::size).min().orElse(0);
        List<Integer> small = java.util.stream.IntStream.range(0, queries)
                .filter(q -> afterPause.values().stream().allMatch(runs -> median(runs.get(q)) < SMALL_MILLIS)).boxed().toList();
        if (small.isEmpty()) {
            return;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "after the pause, the %d runs of the queries under %.0f ms warm in every server (ms, median of each request's place: 1st / 2nd-5th / 6th on):",
                small.size(), SMALL_MILLIS));
        afterPause.forEach((name, runs) -> {
            double[] first = small.stream().mapToDouble(q -> runs.get(q)[0]).toArray();
            double[] early = small.stream().mapToDouble(q -> median(Arrays.copyOfRange(runs.get(q), 1, Math.min(5, runs.get(q).length)))).toArray();
            double[] late = small.stream().filter(q -> runs.get(q).length > 5)
                    .mapToDouble(q -> median(Arrays.copyOfRange(runs.get(q), 5, runs.get(q).length))).toArray();
            line.append(String.format(Locale.ROOT, " %s %.2f / %.2f / %s;", name, median(first), median(early),
                    late.length == 0 ? "-" : String.format(Locale.ROOT, "%.2f", median(late))));
        });
        System.out.println(line);
    }

    /** Below this warm median (ms) a query counts as small in {@link #printAfterPause}. */
    static final double SMALL_MILLIS = 2.0;

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /**
     * Every query on every server, untimed, {@code --warmup-passes} times: a server that has run
     * for a while has compiled its query code (a JVM's JIT, Go's none). One pass left
     * Promethium's few-millisecond queries at two to three times their steady time (the JIT's
     * second tier had not compiled them yet; a single-host 1 h rate over 1,000 requests went from
     * 2.3 ms to 0.43 ms, and needed a few hundred runs of the query to get there). Thirty passes
     * by default, as many as a dashboard of a dozen panels left open for a quarter of an hour
     * runs; the printed totals show whether each server's had stopped falling. "Cold" below
     * means the page cache dropped, not a fresh process. The passes use times a quarter-second
     * past the second, the timed requests half-second ones: nothing a server might keep of an
     * answer is asked again, yet the times take the same path through a server's code. With
     * whole seconds in the passes, the first timed request was Promethium's first fractional time:
     * the JIT had compiled the time parsing and formatting for integers only, and dropped them
     * (PrintCompilation: four methods "made not entrant: uncommon trap" at that request, ten in
     * the first 45 seconds; one with quarter-second passes), so the first hour-long panels' cold
     * requests ran them uncompiled while they were compiled again.
     *
     * <p>Then {@code --refresh-passes} passes of the first range's panels (330 by default, bringing
     * each server's warm-up to about 5,000 requests): Promethium's first request after a pause
     * kept getting faster for some thousands of requests, the compile thresholds of its request
     * path scaled down as they are ({@code bin/promethium}). A one-host memory panel's first
     * request after a 0.3 s pause (40 such requests, the server warmed on that query alone) took a
     * median 2.3 ms after 340 requests, 0.9 after 1,300 (about what thirty full passes send), 0.57
     * after 5,000 and 0.58 after 10,000, its evaluation 0.1 to 0.3 ms throughout; the compiler
     * threads ran during most of the paused requests before 1,300, few after.
     */
    static void warmUp(Options o, Map<String, SideBySide.Server> servers, Map<String, KeepAliveGet> clients, List<Range> ranges, long end)
            throws Exception {
        List<Timed> all = queries(o, ranges, end, ".25");
        for (int pass = 1; pass <= o.warmupPasses(); pass++) {
            Map<String, Double> totals = warmUpPass(servers, clients, all);
            System.out.println(passLine("warm-up pass " + pass + ", all queries:", totals));
        }
        // The refresh passes: the first range's panels alone, as a dashboard left open on the last
        // hour sends them (the passes above take most of their time in the long ranges).
        List<Timed> refreshed = queries(o, ranges.subList(0, 1), end, ".25");
        for (int pass = 1; pass <= o.refreshPasses(); pass++) {
            Map<String, Double> totals = warmUpPass(servers, clients, refreshed);
            if (pass == 1 || pass % 50 == 0 || pass == o.refreshPasses()) {
                System.out.println(passLine("refresh pass " + pass + ", " + ranges.get(0).name() + " queries:", totals));
            }
        }
        // Every server gets every pass's requests.
        int requests = o.warmupPasses() * all.size() + o.refreshPasses() * refreshed.size();
        StringBuilder line = new StringBuilder("warm-up requests:");
        servers.values().forEach(s -> line.append(String.format(Locale.ROOT, " %s %,d", s.name(), requests)));
        System.out.println(line);
    }

    /** Every query once on each server, untimed but for the printed totals. */
    static Map<String, Double> warmUpPass(Map<String, SideBySide.Server> servers, Map<String, KeepAliveGet> clients, List<Timed> queries)
            throws Exception {
        Map<String, Double> totals = new LinkedHashMap<>();
        for (Timed q : queries) {
            for (SideBySide.Server s : servers.values()) {
                long t0 = System.nanoTime();
                clients.get(s.name()).get(q.path());
                totals.merge(s.name(), (System.nanoTime() - t0) / 1e6, Double::sum);
            }
        }
        return totals;
    }

    /** One query of the dashboard: its table key, expression, request path and rate interval (s). */
    record Timed(String key, String expr, String path, long rateInterval) {
    }

    /** Every panel over each of {@code ranges}, its times {@code fraction} of a second past the range's ends. */
    static List<Timed> queries(Options o, List<Range> ranges, long end, String fraction) {
        List<Timed> queries = new ArrayList<>();
        for (Range range : ranges) {
            long ri = rateInterval(o, range);
            for (Panel panel : PANELS) {
                String expr = panel.expr().replace("$ri", ri + "s").replace("$host", HOST);
                queries.add(new Timed(range.name() + " · " + panel.name(), expr, rangePath(expr, range, end, fraction), ri));
            }
        }
        return queries;
    }

    static String passLine(String head, Map<String, Double> totals) {
        StringBuilder line = new StringBuilder(head);
        totals.forEach((name, ms) -> line.append(String.format(Locale.ROOT, " %s %.0f ms", name, ms)));
        return line.toString();
    }

    /** The pause before a server's warm requests. */
    static final long PAUSE_MILLIS = 500;

    /** The one host the single-host panels show. */
    static final String HOST = "10.0.0.1:9100";

    /** Grafana's {@code $__rate_interval} for the range's step, in seconds. */
    static long rateInterval(Options o, Range range) {
        return Math.max(range.stepSeconds() + o.intervalSeconds(), 4L * o.intervalSeconds());
    }

    /** The panel's range query over the range ending at {@code end} (ms), its times given {@code fraction} of a second. */
    static String rangePath(String expr, Range range, long end, String fraction) {
        return "/api/v1/query_range?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&start="
                + (end / 1000 - range.seconds()) + fraction + "&end=" + end / 1000 + fraction + "&step=" + range.stepSeconds();
    }

    static void print(Map<String, Map<String, double[]>> figures, java.util.Set<String> names, List<Range> ranges, int disagreements) {
        System.out.printf(Locale.ROOT, "load average: %s%n", Proc.loadAverage());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-44s", "query (warm median / cold, ms)"));
        for (String n : names) {
            head.append(String.format(Locale.ROOT, " %22s", n));
        }
        head.append("   vs Prometheus   vs VictoriaMetrics");
        System.out.println(head);
        List<Double> toProm = new ArrayList<>();
        List<Double> toVm = new ArrayList<>();
        List<Double> toPromCold = new ArrayList<>();
        List<Double> toVmCold = new ArrayList<>();
        for (Map.Entry<String, Map<String, double[]>> e : figures.entrySet()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-44s", e.getKey()));
            for (String n : names) {
                double[] f = e.getValue().get(n);
                line.append(String.format(Locale.ROOT, " %22s", String.format(Locale.ROOT, "%.1f / %.1f", f[1], f[0])));
            }
            double[] ours = e.getValue().get("promethium");
            double[] prom = e.getValue().get("prometheus");
            double[] vm = e.getValue().get("victoria-metrics");
            line.append(ours != null && prom != null ? String.format(Locale.ROOT, "   %.2f× / %.2f×", ours[1] / prom[1], ours[0] / prom[0]) : "   -");
            line.append(ours != null && vm != null ? String.format(Locale.ROOT, "   %.2f× / %.2f×", ours[1] / vm[1], ours[0] / vm[0]) : "   -");
            System.out.println(line);
            if (ours != null && prom != null) {
                toProm.add(ours[1] / prom[1]);
                toPromCold.add(ours[0] / prom[0]);
            }
            if (ours != null && vm != null) {
                toVm.add(ours[1] / vm[1]);
                toVmCold.add(ours[0] / vm[0]);
            }
        }
        verdict("warm, time against Prometheus's (target ≤ 0.50× for every query)", toProm, 0.5);
        verdict("cold, time against Prometheus's (target ≤ 0.50×)", toPromCold, 0.5);
        verdict("warm, time against VictoriaMetrics' (target ≤ 1×)", toVm, 1.0);
        verdict("cold, time against VictoriaMetrics' (target ≤ 1×)", toVmCold, 1.0);
        System.out.printf(Locale.ROOT, "answers different from Prometheus's: %d%n", disagreements);
    }

    static void verdict(String what, List<Double> ratios, double target) {
        if (ratios.isEmpty()) {
            return;
        }
        double[] r = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long met = ratios.stream().filter(x -> x <= target).count();
        System.out.printf(Locale.ROOT, "%s: median %.2f×, worst %.2f×, %d of %d met %s%n", what, r[r.length / 2], r[r.length - 1],
                met, r.length, met == r.length ? "✓" : "✗");
    }

    /**
     * Compares two query_range answers: the same series (by their label sets) with the same
     * points, values equal within 1e-9 relative. Returns what differs, or null.
     */
    static String compare(String expected, String actual, double fromSeconds) {
        Map<String, String> a = series(expected);
        Map<String, String> b = series(actual);
        if (!a.keySet().equals(b.keySet())) {
            return "series " + a.keySet().size() + " vs " + b.keySet().size() + ", e.g. " + firstDifference(a.keySet(), b.keySet());
        }
        for (Map.Entry<String, String> e : a.entrySet()) {
            double[] x = numbers(e.getValue());
            double[] y = numbers(b.get(e.getKey()));
            if (x.length != y.length) {
                return e.getKey() + ": " + x.length / 2 + " points vs " + y.length / 2;
            }
            for (int i = 0; i < x.length; i++) {
                if (x[i - i % 2] < fromSeconds) {
                    continue;
                }
                if (x[i] != y[i] && Math.abs(x[i] - y[i]) > 1e-9 * Math.max(Math.abs(x[i]), Math.abs(y[i]))) {
                    return e.getKey() + ": at " + x[i - i % 2] + " " + x[i] + " vs " + y[i];
                }
            }
        }
        return null;
    }

    static String firstDifference(java.util.Set<String> a, java.util.Set<String> b) {
        for (String x : a) {
            if (!b.contains(x)) {
                return "only Prometheus has " + x;
            }
        }
        for (String x : b) {
            if (!a.contains(x)) {
                return "only Promethium has " + x;
            }
        }
        return "?";
    }

    private static final Pattern SERIES = Pattern.compile("\\{\"metric\":(\\{[^}]*}),\"values\":\\[(.*?)]]");

    static Map<String, String> series(String body) {
        Map<String, String> out = new TreeMap<>();
        Matcher m = SERIES.matcher(body);
        while (m.find()) {
            String[] labels = m.group(1).substring(1, m.group(1).length() - 1).split(",");
            Arrays.sort(labels);
            out.put(String.join(",", labels), m.group(2));
        }
        return out;
    }

    static double[] numbers(String values) {
        String[] parts = values.replace("[", "").replace("]", "").replace("\"", "").split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i]);
        }
        return out;
    }

    static Options parse(String[] args) {
        Path home = null;
        int targets = 20;
        int days = 7;
        int interval = 15;
        int repeats = 9;
        int rounds = 5;
        int coldRepeats = 9;
        int warmupPasses = 30;
        int refreshPasses = 330;
        List<String> servers = List.of("prometheus", "victoria-metrics", "promethium");
        Path work = null;
        boolean reuse = false;
        boolean cold = true;
        boolean prepareOnly = false;
        for (String a : args) {
            String v = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--home=")) {
                home = Path.of(v);
            } else if (a.startsWith("--targets=")) {
                targets = Integer.parseInt(v);
            } else if (a.startsWith("--days=")) {
                days = Integer.parseInt(v);
            } else if (a.startsWith("--interval=")) {
                interval = Integer.parseInt(v);
            } else if (a.startsWith("--repeats=")) {
                repeats = Integer.parseInt(v);
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(v);
            } else if (a.startsWith("--cold-repeats=")) {
                coldRepeats = Integer.parseInt(v);
            } else if (a.startsWith("--warmup-passes=")) {
                warmupPasses = Integer.parseInt(v);
            } else if (a.startsWith("--refresh-passes=")) {
                refreshPasses = Integer.parseInt(v);
            } else if (a.startsWith("--servers=")) {
                servers = List.of(v.split(","));
            } else if (a.startsWith("--work=")) {
                work = Path.of(v);
            } else if (a.equals("--reuse")) {
                reuse = true;
            } else if (a.equals("--no-cold")) {
                cold = false;
            } else if (a.equals("--prepare-only")) {
                prepareOnly = true;
            } else {
                throw new IllegalArgumentException("unknown argument " + a
                        + " (--targets=N --days=D --interval=S --repeats=N --rounds=N --cold-repeats=N --warmup-passes=N --refresh-passes=N --servers=a,b --work=DIR --reuse --no-cold --prepare-only)");
            }
        }
        if (home == null || work == null) {
            throw new IllegalArgumentException("--home and --work are required");
        }
        return new Options(home, targets, days, interval, repeats, rounds, coldRepeats, warmupPasses, refreshPasses, servers, work, reuse, cold, prepareOnly);
    }
}
