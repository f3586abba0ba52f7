package io.promethium.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The real Prometheus (Debian's {@code prometheus}, found by {@link Peers}: under {@code CI=true} a missing binary fails,
 * otherwise the test is skipped) on 127.0.0.1 with a config of the test's, whose targets' discovered labels
 * ({@code /api/v1/targets?state=any}) a differential test compares with the plugin's.
 */
public final class RealPrometheus implements AutoCloseable {

    /** What a scrape config adds to every discovered label set: not discovery's, so not compared. */
    private static final Set<String> FROM_SCRAPE_CONFIG = Set.of("job", "__scheme__", "__metrics_path__", "__scrape_interval__",
            "__scrape_timeout__");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path home;
    private final int port;
    private final Process process;

    private RealPrometheus(Path home, int port, Process process) {
        this.home = home;
        this.port = port;
        this.process = process;
    }

    /**
     * A job's relabelling that keeps every target apart: Prometheus keeps one target per distinct label set after
     * relabelling, so without it targets differing only in meta labels (one port bound on IPv4 and IPv6, say) would
     * show as one. Copied to {@code meta_*}, every discovered meta label is in the target's labels.
     */
    public static final String KEEP_META = """
            relabel_configs:
              - action: labelmap
                regex: __meta_(.+)
                replacement: meta_$1
        """;

    /**
     * Starts Prometheus with {@code scrapeConfigs} (YAML list items under {@code scrape_configs:}, each job ending with
     * {@link #KEEP_META}) and waits until it is ready.
     */
    public static RealPrometheus start(String scrapeConfigs) throws Exception {
        Path binary = Peers.require("prometheus");
        Path home = Files.createTempDirectory("prometheus-sd-");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        // Scrapes are not the point (the targets are not there): once an hour, so none but the first is tried.
        Files.writeString(home.resolve("prometheus.yml"), "global:\n  scrape_interval: 1h\nscrape_configs:\n" + scrapeConfigs);
        Process p = new ProcessBuilder(binary.toString(), "--config.file=" + home.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + home.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(home.resolve("prometheus.log").toFile()).start();
        RealPrometheus prometheus = new RealPrometheus(home, port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = prometheus.log();
                prometheus.close();
                throw new AssertionError("prometheus exited: " + log);
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(prometheus.uri("/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return prometheus;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        String log = prometheus.log();
        prometheus.close();
        throw new AssertionError("prometheus did not get ready: " + log);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public String log() {
        try {
            return Files.readString(home.resolve("prometheus.log"));
        } catch (IOException e) {
            return "<no log: " + e + ">";
        }
    }

    /**
     * The discovered label sets of {@code job}'s targets, active and dropped, without those the scrape config adds.
     * Prometheus keeps one target per distinct label set: equal discovered sets show once.
     */
    public Set<Map<String, String>> discovered(String job) throws IOException, InterruptedException {
        String body = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/targets?state=any")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        JsonNode data = JSON.readTree(body).path("data");
        Set<Map<String, String>> targets = sortedSet();
        for (JsonNode target : (Iterable<JsonNode>) () -> Stream.concat(
                Stream.of(data.path("activeTargets")).flatMap(a -> Stream.iterate(0, i -> i < a.size(), i -> i + 1).map(a::get)),
                Stream.of(data.path("droppedTargets")).flatMap(a -> Stream.iterate(0, i -> i < a.size(), i -> i + 1).map(a::get)))
                .iterator()) {
            JsonNode labels = target.path("discoveredLabels");
            if (!job.equals(labels.path("job").asText())) {
                continue;
            }
            Map<String, String> kept = new TreeMap<>();
            labels.fields().forEachRemaining(e -> {
                if (!FROM_SCRAPE_CONFIG.contains(e.getKey())) {
                    kept.put(e.getKey(), e.getValue().asText());
                }
            });
            targets.add(kept);
        }
        return targets;
    }

    /** The discovered label sets of the plugin's groups: each target's labels over its group's, distinct as Prometheus keeps them. */
    public static Set<Map<String, String>> discovered(Collection<TargetGroup> groups) {
        Set<Map<String, String>> targets = sortedSet();
        for (TargetGroup group : groups) {
            for (Labels target : group.targets()) {
                Map<String, String> merged = new TreeMap<>();
                group.labels().forEach(merged::put);
                target.forEach(merged::put);
                targets.add(merged);
            }
        }
        return targets;
    }

    /**
     * Waits (up to 15 s) until Prometheus's targets of {@code job} are {@code count} and equal to those of the discoverer
     * running in {@code harness} (its updates merged meanwhile), then asserts both: target by target, every label.
     */
    public void assertSameTargets(String job, DiscoveryHarness harness, int count) throws Exception {
        assertSameTargets(job, harness, count, true, Set.of(), t -> true);
    }

    /**
     * As {@link #assertSameTargets(String, DiscoveryHarness, int)}, with Prometheus's targets at least {@code atLeast}
     * (a peer may list more than the test made), on the targets of both that are {@code shared} (those one Prometheus
     * version discovers and the other not are left out), without the labels {@code ignored} (those one version sets and
     * the other not).
     */
    public void assertSameTargets(String job, DiscoveryHarness harness, int atLeast, Set<String> ignored,
                                  Predicate<Map<String, String>> shared) throws Exception {
        assertSameTargets(job, harness, atLeast, false, ignored, shared);
    }

    private void assertSameTargets(String job, DiscoveryHarness harness, int count, boolean exactly, Set<String> ignored,
                                   Predicate<Map<String, String>> shared) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Set<Map<String, String>> expected = without(discovered(job), ignored, shared);
        Set<Map<String, String>> actual = without(discovered(harness.groups().values()), ignored, shared);
        while (((exactly ? expected.size() != count : expected.size() < count) || !expected.equals(actual))
                && System.nanoTime() < deadline) {
            // The plugin's updates so far, merged by source as the kernel merges them.
            harness.nextUpdate(Duration.ofMillis(200));
            expected = without(discovered(job), ignored, shared);
            actual = without(discovered(harness.groups().values()), ignored, shared);
        }
        if (exactly) {
            assertThat(expected).as("Prometheus's targets of " + job + "; its log: " + log()).hasSize(count);
        } else {
            assertThat(expected).as("Prometheus's targets of " + job + "; its log: " + log()).hasSizeGreaterThanOrEqualTo(count);
        }
        assertThat(actual).as("the plugin's discovered labels, target by target").containsExactlyElementsOf(expected);
    }

    /** A set of label sets in a fixed order, so that a failed comparison lines them up. */
    private static Set<Map<String, String>> sortedSet() {
        return new TreeSet<>(Comparator.comparing(Map::toString));
    }

    /** The {@code shared} sets, each without the labels named, for those one Prometheus version has and the other not. */
    private static Set<Map<String, String>> without(Set<Map<String, String>> targets, Set<String> names,
                                             Predicate<Map<String, String>> shared) {
        Set<Map<String, String>> out = sortedSet();
        for (Map<String, String> t : targets) {
            if (!shared.test(t)) {
                continue;
            }
            Map<String, String> kept = new TreeMap<>(t);
            kept.keySet().removeAll(names);
            out.add(kept);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(home)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
