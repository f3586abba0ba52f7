package io.promethium.exporter.node.internal;

import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Prints the cost of one node collection here (CPU time and bytes allocated by the collecting
 * thread, over every collector with this host's real /proc and /sys), and, when Debian's
 * prometheus-node-exporter is installed, node_exporter's own cost for the same collectors: the
 * CPU its process spends per scrape and the sum of its per-collector durations.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.promethium.exporter.node.internal.BenchmarkNodeExporter [collections] [per-collector]
 * </pre>
 */
public final class BenchmarkNodeExporter {

    private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");
    private static final List<String> COLLECTORS = List.of("arp", "conntrack", "cpu", "cpufreq", "diskstats", "edac",
            "entropy", "filefd", "filesystem", "hwmon", "loadavg", "mdadm", "meminfo", "netclass", "netdev",
            "netstat", "os", "pressure", "schedstat", "sockstat", "softnet", "stat", "textfile", "thermal_zone",
            "time", "uname", "vmstat");

    private BenchmarkNodeExporter() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Exporter node = null;
        for (Exporter e : ServiceLoader.load(Exporter.class)) {
            if (e.name().equals("node")) {
                node = e;
            }
        }
        if (node == null) {
            throw new IllegalStateException("no node exporter on the class path");
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Counting sink = new Counting();
        for (int i = 0; i < Math.max(200, n / 5); i++) {
            node.collect(sink); // warm-up: JIT
        }
        long[] cpu = new long[n];
        long allocatedBefore = threads.getThreadAllocatedBytes(thread);
        sink.samples = 0;
        for (int i = 0; i < n; i++) {
            long start = threads.getCurrentThreadCpuTime();
            node.collect(sink);
            cpu[i] = threads.getCurrentThreadCpuTime() - start;
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
        Arrays.sort(cpu);
        System.out.printf("promethium node exporter: %d collections, %d samples each%n", n, sink.samples / n);
        System.out.printf("  CPU per collection: mean %.3f ms, p50 %.3f ms, p99 %.3f ms%n",
                Arrays.stream(cpu).average().orElse(0) / 1e6, cpu[n / 2] / 1e6, cpu[(int) (n * 0.99)] / 1e6);
        System.out.printf("  allocated per collection: %.1f KB%n", allocated / 1024.0 / n);
        if (args.length > 1 && args[1].equals("per-collector")) {
            perCollector(threads, thread, n);
        }

        if (!Files.isExecutable(NODE_EXPORTER)) {
            System.out.println("node_exporter: not installed (" + NODE_EXPORTER + "), no comparison");
            return;
        }
        nodeExporter(Math.min(n, 300));
    }

    /** CPU and allocation of each collector alone, to find where a collection's cost goes. */
    private static void perCollector(com.sun.management.ThreadMXBean threads, long thread, int n) {
        NodeSettings settings = NodeSettings.from(System::getProperty);
        Counting sink = new Counting();
        for (String name : NodeSettings.COLLECTORS) {
            NodeExporter one = new NodeExporter(List.of(Collectors.create(name, settings)));
            for (int i = 0; i < 200; i++) {
                one.collect(sink);
            }
            long allocated = threads.getThreadAllocatedBytes(thread);
            long cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                one.collect(sink);
            }
            System.out.printf("  %-13s CPU %.3f ms, allocated %.1f KB%n", name,
                    (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / n, (threads.getThreadAllocatedBytes(thread) - allocated) / 1024.0 / n);
        }
    }

    private static void nodeExporter(int n) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(NODE_EXPORTER.toString(), "--collector.disable-defaults",
                "--web.listen-address=127.0.0.1:" + port));
        COLLECTORS.forEach(c -> command.add("--collector." + c));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build();
            for (int i = 0; i < 100; i++) {
                try {
                    http.send(request, HttpResponse.BodyHandlers.discarding());
                    break;
                } catch (java.io.IOException e) {
                    Thread.sleep(100);
                }
            }
            for (int i = 0; i < 20; i++) {
                http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            long ticksBefore = cpuTicks(process.pid());
            double durations = 0;
            for (int i = 0; i < n; i++) {
                String page = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
                for (String line : page.split("\n")) {
                    if (line.startsWith("node_scrape_collector_duration_seconds{")) {
                        durations += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            }
            long ticks = cpuTicks(process.pid()) - ticksBefore;
            System.out.printf("node_exporter (same collectors, %d scrapes over HTTP):%n", n);
            System.out.printf("  process CPU per scrape: %.3f ms (collection, HTTP and Go GC; 10 ms clock ticks)%n", ticks * 10.0 / n);
            System.out.printf("  sum of node_scrape_collector_duration_seconds per scrape: %.3f ms (wall, collectors run in parallel)%n",
                    durations * 1000 / n);
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    /** utime + stime of a process, in clock ticks (USER_HZ, 100 per second). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Counts samples and otherwise discards them. */
    private static final class Counting implements MetricWriter {
        long samples;

        @Override
        public void family(String name, MetricType type, String help, String unit) {
        }

        @Override
        public void sample(String name, Labels labels, double value) {
            samples++;
        }
    }
}
