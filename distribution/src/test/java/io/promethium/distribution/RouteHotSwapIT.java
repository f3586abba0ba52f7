package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.distribution.rest.GreetingResource;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Plugins that serve HTTP routes, swapped on the tarball while clients hit their routes without
 * pause: the remote storage plugin (moved from {@code bundles/} to {@code plugins/}) with its
 * remote write receiver {@code POST /api/v1/write} ({@code --web.enable-remote-write-receiver}),
 * and a JAX-RS resource plugin ({@link RestPluginIT}'s, served through the Jakarta RESTful Web
 * Services whiteboard) at {@code GET /greeting/code}. Each plugin is swapped to a rebuilt copy
 * with another {@code Bundle-Version} (the resource's copy also answers another code) and back,
 * then stopped and started through the admin API. Asserted:
 * <ul>
 *   <li>through the swaps every request is answered 2xx (the launcher stops the old version
 *       before it starts the new one; a request in that gap waits for the new version);</li>
 *   <li>during an explicit stop (7 s, longer than the web bundle's 5 s wait for a replacement) the
 *       answers are 2xx (served once started) or a clear 503 with the reason, and none takes much
 *       longer than that wait (no hang);</li>
 *   <li>every sample the receiver acknowledged is in the TSDB (queried back);</li>
 *   <li>the new code serves after a swap (the resource's code) and {@code /api/v1/admin/plugins}
 *       shows each version and state at each step.</li>
 * </ul>
 */
class RouteHotSwapIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** A request's time limit: well above the web bundle's 5 s wait for a replacement, so a hang is seen as one. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The longest an answer may take: the web bundle's wait plus room for a loaded machine. */
    private static final Duration SLOWEST_ANSWER = Duration.ofSeconds(12);
    /** How long each plugin stays stopped. */
    private static final long STOPPED_MILLIS = 7000;
    private static final String CODE_B = GreetingResource.CODE.substring(0, GreetingResource.CODE.length() - 1) + "B";

    /** One answer a client got: in which phase of the test it was sent, its status (-1: no answer), body and time. */
    private record Answer(String phase, int status, String body, long millis) {
    }

    private volatile String phase = "start";
    private volatile boolean running = true;
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    /** The remote write sample timestamps the receiver acknowledged (2xx). */
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();

    @Test
    void pluginsServingRoutesSwappedAndStoppedUnderLoadAnswerWithoutAGapAndLoseNoAcknowledgedSample() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            Path aside = Files.createDirectories(server.home.resolve("aside"));
            Path remote = null;
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(server.home.resolve("bundles"), "promethium-remote-[0-9]*.jar")) {
                for (Path jar : jars) {
                    remote = Files.move(jar, aside.resolve("remote.jar"));
                }
            }
            assertThat(remote).as("the remote storage plugin in bundles/").isNotNull();
            Path greeting = Files.write(aside.resolve("greeting.jar"), RestPluginIT.pluginJar());
            Map<String, Path> originals = Map.of("remote.jar", remote, "greeting.jar", greeting);
            Map<String, Path> rebuilt = Map.of(
                    "remote.jar", PluginLifecycleIT.rebuild(remote, aside.resolve("v2-remote.jar"), "9.9.9", null, null),
                    "greeting.jar", PluginLifecycleIT.rebuild(greeting, aside.resolve("v2-greeting.jar"), "2.0.0",
                            GreetingResource.CODE, CODE_B));
            for (String file : originals.keySet()) {
                Files.copy(originals.get(file), server.home.resolve("plugins/" + file));
            }
            server.config("global:\n  scrape_interval: 15s\n")
                    .start("--web.enable-remote-write-receiver", "--web.enable-admin-api", "--plugins.scan-interval=1s")
                    .awaitReady();
            server.await(Duration.ofSeconds(60), () -> GreetingResource.CODE.equals(server.get("/greeting/code").body())
                    && write(server, "start", System.currentTimeMillis(), System.nanoTime()).status() / 100 == 2, "both routes served");
            String remoteVersion = version(server, "remote.jar");
            assertThat(version(server, "greeting.jar")).isEqualTo("1.0.0");

            List<Thread> clients = List.of(
                    Thread.ofPlatform().name("remote-write-client").start(() -> remoteWriteClient(server)),
                    Thread.ofPlatform().name("greeting-client").start(() -> greetingClient(server)));
            try {
                ServerProcess.sleep(1000);
                for (String file : List.of("remote.jar", "greeting.jar")) {
                    String original = file.equals("remote.jar") ? remoteVersion : "1.0.0";
                    String next = file.equals("remote.jar") ? "9.9.9" : "2.0.0";
                    phase = "swap " + file + " to " + next;
                    replace(rebuilt.get(file), server.home.resolve("plugins/" + file));
                    server.await(Duration.ofSeconds(30), () -> next.equals(version(server, file)), file + " at " + next);
                    if (file.equals("greeting.jar")) {
                        awaitAnswer(server, CODE_B, "the rebuilt resource's code served after the swap");
                    }
                    ServerProcess.sleep(1500);
                    phase = "swap " + file + " back to " + original;
                    replace(originals.get(file), server.home.resolve("plugins/" + file));
                    server.await(Duration.ofSeconds(30), () -> original.equals(version(server, file)), file + " back at " + original);
                    if (file.equals("greeting.jar")) {
                        awaitAnswer(server, GreetingResource.CODE, "the original resource's code served after the swap back");
                    }
                    ServerProcess.sleep(1500);
                    assertThat(plugin(server, file).path("state").asText()).as(file + " in /api/v1/admin/plugins").isEqualTo("ACTIVE");
                }
                for (String file : List.of("remote.jar", "greeting.jar")) {
                    long id = plugin(server, file).path("id").asLong();
                    phase = "stop " + file;
                    assertThat(server.post("/api/v1/admin/plugins/" + id + "/stop").body()).as(file).contains("\"state\":\"RESOLVED\"");
                    assertThat(plugin(server, file).path("state").asText()).as(file + " stopped in /api/v1/admin/plugins")
                            .isEqualTo("RESOLVED");
                    // Longer than the web bundle's 5 s wait for a replacement: the clients see the stop's 503.
                    ServerProcess.sleep(STOPPED_MILLIS);
                    assertThat(server.post("/api/v1/admin/plugins/" + id + "/start").body()).as(file).contains("\"state\":\"ACTIVE\"");
                    phase = "started " + file;
                    assertThat(plugin(server, file).path("state").asText()).as(file + " started in /api/v1/admin/plugins")
                            .isEqualTo("ACTIVE");
                    ServerProcess.sleep(1500);
                }
                phase = "end";
                ServerProcess.sleep(1500);
            } finally {
                running = false;
                for (Thread client : clients) {
                    client.join(REQUEST_TIMEOUT.toMillis() + 5_000);
                }
            }

            List<Answer> wrong = new ArrayList<>();
            List<Answer> slow = new ArrayList<>();
            Map<String, Integer> perPhase = new java.util.TreeMap<>();
            Map<String, Long> slowest = new java.util.TreeMap<>();
            Map<String, Map<Integer, Integer>> statuses = new java.util.TreeMap<>();
            for (Answer a : answers) {
                perPhase.merge(a.phase(), 1, Integer::sum);
                slowest.merge(a.phase(), a.millis(), Math::max);
                statuses.computeIfAbsent(a.phase(), k -> new java.util.TreeMap<>()).merge(a.status(), 1, Integer::sum);
                boolean stop = a.phase().startsWith("stop ");
                boolean ok = a.status() / 100 == 2 || (stop && a.status() == 503);
                if (!ok) {
                    wrong.add(a);
                }
                if (a.millis() > SLOWEST_ANSWER.toMillis()) {
                    slow.add(a);
                }
            }
            statuses.forEach((p, byStatus) -> System.out.printf("RouteHotSwapIT %-32s answers by status %s, slowest %d ms%n",
                    p, byStatus, slowest.get(p)));
            assertThat(wrong).as("answers other than 2xx outside an explicit stop (and other than 2xx or 503 during one)")
                    .isEmpty();
            assertThat(slow).as("answers slower than " + SLOWEST_ANSWER).isEmpty();
            for (String p : List.of("swap remote.jar to 9.9.9", "swap remote.jar back to " + remoteVersion, "swap greeting.jar to 2.0.0",
                    "swap greeting.jar back to 1.0.0", "stop remote.jar", "stop greeting.jar")) {
                assertThat(perPhase.getOrDefault(p, 0)).as("requests sent during " + p + ": " + perPhase).isGreaterThan(2);
            }
            for (String p : List.of("stop remote.jar", "stop greeting.jar")) {
                assertThat(answers).as("a clear 503 while " + p.substring(5) + " was stopped: " + statuses.get(p))
                        .anyMatch(a -> a.phase().equals(p) && a.status() == 503);
            }
            assertThat(answers).as("the rebuilt resource answered during its swap")
                    .anyMatch(a -> a.phase().equals("swap greeting.jar to 2.0.0") && a.body().equals(CODE_B));

            assertEveryAcknowledgedSampleStored(server);
            assertThat(server.output()).doesNotContain("Exception in thread");
        }
    }

    /** Sends one sample a request, its timestamp strictly increasing, and notes which were acknowledged. */
    private void remoteWriteClient(ServerProcess server) {
        long last = 0;
        while (running) {
            long ts = Math.max(last + 1, System.currentTimeMillis());
            last = ts;
            String sentIn = phase;
            long start = System.nanoTime();
            Answer written = write(server, sentIn, ts, start);
            answers.add(written);
            if (written.status() / 100 == 2) {
                acknowledged.add(ts);
            }
            ServerProcess.sleep(20);
        }
    }

    private void greetingClient(ServerProcess server) {
        while (running) {
            String sentIn = phase;
            long start = System.nanoTime();
            int status;
            String body;
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri("/greeting/code")).timeout(REQUEST_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                body = r.body();
            } catch (IOException e) {
                status = -1;
                body = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            answers.add(new Answer(sentIn, status, body, (System.nanoTime() - start) / 1_000_000));
            ServerProcess.sleep(20);
        }
    }

    /** One remote write request with one sample of {@code route_swap_probe} at {@code ts}: its answer (status -1 when unanswered). */
    private static Answer write(ServerProcess server, String phase, long ts, long start) {
        int status;
        String body;
        try {
            HttpResponse<String> r = RemoteWriteClient.send(server.uri("/api/v1/write"), List.of(new RemoteWriteClient.TimeSeries(
                    Map.of("__name__", "route_swap_probe", "client", "it"), new long[] {ts}, new double[] {ts % 1000})));
            status = r.statusCode();
            body = "remote write " + ts + ": " + r.body().strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
            body = "remote write " + ts + ": interrupted";
        } catch (Exception e) {
            status = -1;
            body = "remote write " + ts + ": " + e;
        }
        return new Answer(phase, status, body, (System.nanoTime() - start) / 1_000_000);
    }

    private void awaitAnswer(ServerProcess server, String code, String what) {
        int seen = answers.size();
        server.await(Duration.ofSeconds(30), () -> {
            List<Answer> all = answers;
            for (int i = seen; i < all.size(); i++) {
                if (all.get(i).body().equals(code)) {
                    return true;
                }
            }
            return false;
        }, what);
    }

    private void assertEveryAcknowledgedSampleStored(ServerProcess server) throws IOException {
        assertThat(acknowledged.size()).as("samples acknowledged").isGreaterThan(100);
        long first = acknowledged.stream().mapToLong(Long::longValue).min().orElseThrow();
        double at = System.currentTimeMillis() / 1000.0;
        int window = (int) Math.ceil(at - first / 1000.0) + 5;
        HttpResponse<String> response = server.get("/api/v1/query?time=" + at + "&query="
                + URLEncoder.encode("route_swap_probe{client=\"it\"}[" + window + "s]", StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(response.body()).path("data").path("result");
        assertThat(result).as("route_swap_probe in the TSDB").hasSize(1);
        Set<Long> stored = new java.util.HashSet<>();
        for (JsonNode point : result.get(0).path("values")) {
            stored.add(Math.round(point.get(0).asDouble() * 1000));
        }
        SortedSet<Long> lost = new TreeSet<>(acknowledged);
        lost.removeAll(stored);
        assertThat(lost).as("acknowledged remote write samples not in the TSDB (of " + acknowledged.size() + ")").isEmpty();
    }

    private static JsonNode plugin(ServerProcess server, String file) {
        try {
            for (JsonNode p : JSON.readTree(server.get("/api/v1/admin/plugins").body()).path("data")) {
                if (file.equals(p.path("file").asText())) {
                    return p;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError(file + " not in /api/v1/admin/plugins");
    }

    /** The version of the plugin file's active bundle, "" when none is active. */
    private static String version(ServerProcess server, String file) {
        JsonNode p = plugin(server, file);
        return "ACTIVE".equals(p.path("state").asText()) ? p.path("version").asText() : "";
    }

    private static void replace(Path jar, Path target) throws IOException {
        Path temp = target.resolveSibling(".incoming-" + target.getFileName());
        Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
