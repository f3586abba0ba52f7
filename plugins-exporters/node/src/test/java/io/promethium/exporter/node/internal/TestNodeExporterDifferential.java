package io.promethium.exporter.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node exporter against the real node_exporter (Debian's prometheus-node-exporter) on this
 * machine at the same moment, with the same collectors on: for every family node_exporter emits,
 * the same name, type, HELP and label sets (empty-valued labels dropped, as Prometheus stores
 * them), and values equal for static families and within the tolerances below for moving ones.
 * Prints the family coverage. Under CI=true a missing node_exporter fails the test.
 */
class TestNodeExporterDifferential {

    /** Families whose values must be equal: they do not move between two scrapes a moment apart. */
    private static final Set<String> STATIC = Set.of("node_memory_MemTotal_bytes", "node_memory_SwapTotal_bytes",
            "node_filesystem_size_bytes", "node_filesystem_files", "node_filesystem_readonly", "node_uname_info",
            "node_os_info", "node_os_version", "node_boot_time_seconds", "node_network_mtu_bytes", "node_network_info",
            "node_entropy_pool_size_bits", "node_filefd_maximum", "node_nf_conntrack_entries_limit", "node_disk_info",
            "node_time_clocksource_available_info", "node_time_clocksource_current_info", "node_network_iface_id",
            "node_network_flags", "node_network_speed_bytes", "node_scrape_collector_success", "node_textfile_scrape_error",
            "node_textfile_mtime_seconds", "node_time_zone_offset_seconds", "node_memory_Hugepagesize_bytes",
            "node_cpu_frequency_max_hertz", "node_cpu_frequency_min_hertz", "node_network_protocol_type");
    /** Not compared by value: implementation-specific (how long each collector took). */
    private static final Set<String> UNCOMPARED = Set.of("node_scrape_collector_duration_seconds");

    @TempDir
    Path textfiles;

    @Test
    void sameFamiliesLabelsTypesHelpAndValuesAsNodeExporter() throws Exception {
        Path nodeExporter = Peers.require("prometheus-node-exporter");
        Files.writeString(textfiles.resolve("app.prom"), """
                # HELP app_jobs_total Jobs done.
                # TYPE app_jobs_total counter
                app_jobs_total{queue="a"} 3
                app_jobs_total{queue="b",prio="high"} 4
                no_help_metric 1.5
                """);
        Files.writeString(textfiles.resolve("broken.prom"), "bad line {{\n");

        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(nodeExporter.toString(), "--collector.disable-defaults",
                "--web.listen-address=127.0.0.1:" + port, "--collector.textfile.directory=" + textfiles));
        for (String c : NodeSettings.COLLECTORS) {
            command.add("--collector." + c);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(20)).build();
            waitUntilServing(http, request, process);

            Map<String, String> flags = Map.of(NodeSettings.PROPERTY_PREFIX + "collector.textfile.directory", textfiles.toString());
            NodeExporter ours = new NodeExporter(NodeSettings.from(flags::get));
            PageRecorder before = new PageRecorder();
            ours.collect(before);
            String page = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            PageRecorder after = new PageRecorder();
            ours.collect(after);

            compare(TextfileParser.parse(page, "node_exporter"), before, after);
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    private static void waitUntilServing(HttpClient http, HttpRequest request, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("node_exporter did not start serving: " + e);
                }
            }
            Thread.sleep(100);
        }
    }

    private static void compare(List<TextfileParser.Family> theirs, PageRecorder before, PageRecorder after) {
        List<String> problems = new ArrayList<>();
        Set<String> missing = new TreeSet<>();
        int expected = 0;
        int matched = 0;
        Set<String> theirNames = new TreeSet<>();
        for (TextfileParser.Family family : theirs) {
            if (!isNodeFamily(family.name)) {
                continue;
            }
            theirNames.add(family.name);
            expected++;
            PageRecorder.Family mine = before.families.get(family.name);
            PageRecorder.Family mineAfter = after.families.get(family.name);
            if (mine == null || mineAfter == null) {
                missing.add(family.name);
                continue;
            }
            int problemsBefore = problems.size();
            if (mine.type != family.type) {
                problems.add(family.name + ": type " + mine.type + ", node_exporter " + family.type);
            }
            if (!mine.help.equals(family.help)) {
                problems.add(family.name + ": HELP \"" + mine.help + "\", node_exporter \"" + family.help + "\"");
            }
            Map<String, Double> expectedSamples = new TreeMap<>();
            for (TextfileParser.Sample s : family.samples) {
                expectedSamples.put(s.name() + Labels.fromMap(s.labels()), s.value());
            }
            if (!expectedSamples.keySet().equals(new TreeSet<>(mine.samples.keySet()))) {
                Set<String> onlyTheirs = new TreeSet<>(expectedSamples.keySet());
                onlyTheirs.removeAll(mine.samples.keySet());
                Set<String> onlyOurs = new TreeSet<>(mine.samples.keySet());
                onlyOurs.removeAll(expectedSamples.keySet());
                problems.add(family.name + ": label sets differ; only node_exporter: " + onlyTheirs + "; only ours: " + onlyOurs);
            } else if (!UNCOMPARED.contains(family.name)) {
                for (Map.Entry<String, Double> e : expectedSamples.entrySet()) {
                    String problem = compareValue(family.name, family.type, e.getValue(),
                            mine.samples.get(e.getKey()), mineAfter.samples.get(e.getKey()));
                    if (problem != null) {
                        problems.add(e.getKey() + ": " + problem);
                    }
                }
            }
            if (problems.size() == problemsBefore) {
                matched++;
            }
        }
        Set<String> extra = new TreeSet<>(before.families.keySet());
        extra.removeAll(theirNames);
        extra.removeIf(name -> !isNodeFamily(name));
        double coverage = expected == 0 ? 0 : 100.0 * matched / expected;
        System.out.printf("node exporter differential: %d of %d node_exporter families matched (%.1f%% coverage)%n",
                matched, expected, coverage);
        System.out.println("  missing here: " + missing);
        System.out.println("  only here: " + extra);
        problems.forEach(p -> System.out.println("  mismatch: " + p));
        assertThat(extra).as("families node_exporter does not emit here").isEmpty();
        assertThat(coverage).as("coverage; mismatches: " + problems + "; missing: " + missing).isGreaterThanOrEqualTo(95.0);
    }

    /** node_exporter's own families from its collectors (not go_*, process_*, promhttp_*, its build info). */
    private static boolean isNodeFamily(String name) {
        return name.startsWith("node_") && !name.equals("node_exporter_build_info")
                || name.equals("app_jobs_total") || name.equals("no_help_metric");
    }

    /**
     * Null when node_exporter's value fits ours: equal for static families; for others between our
     * scrape before and our scrape after it, widened by a tolerance: 1% (at least 1) for counters;
     * for gauges 10% or 64 MiB for byte gauges, 5 s for clocks, 1.0 for load averages, 16
     * processes for the running and blocked counts.
     */
    private static String compareValue(String family, MetricType type, double theirs, double before, double after) {
        if (Double.isNaN(theirs) && Double.isNaN(before)) {
            return null;
        }
        if (STATIC.contains(family)) {
            return theirs == before ? null : "static value " + before + ", node_exporter " + theirs;
        }
        double tolerance;
        if (type == MetricType.COUNTER) {
            tolerance = Math.max(1, Math.abs(theirs) * 0.01);
        } else if (family.endsWith("_bytes")) {
            tolerance = Math.max(64 * 1024 * 1024, Math.abs(theirs) * 0.10);
        } else if (family.equals("node_time_seconds")) {
            tolerance = 5;
        } else if (family.startsWith("node_load")) {
            tolerance = 1.0;
        } else if (family.startsWith("node_procs_")) {
            tolerance = 16; // runnable and blocked processes jump on a busy machine
        } else {
            tolerance = Math.max(2, Math.abs(theirs) * 0.10);
        }
        double low = Math.min(before, after) - tolerance;
        double high = Math.max(before, after) + tolerance;
        return theirs >= low && theirs <= high ? null
                : "node_exporter " + theirs + " outside ours [" + before + ", " + after + "] ± " + tolerance;
    }
}
