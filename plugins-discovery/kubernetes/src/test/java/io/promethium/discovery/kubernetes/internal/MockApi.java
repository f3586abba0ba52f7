package io.promethium.discovery.kubernetes.internal;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's Kubernetes API mock in CRUD mode on loopback, a client to change its objects, and
 * discoverers started against it, each in a {@link DiscoveryHarness}.
 */
final class MockApi implements AutoCloseable {

    final KubernetesMockServer server;
    final NamespacedKubernetesClient client;
    final KubernetesDiscovererFactory factory;
    private final Path dir;
    private final List<DiscoveryHarness> started = new ArrayList<>();

    MockApi(Path dir) {
        this(dir, Duration.ofSeconds(10));
    }

    MockApi(Path dir, Duration initialWait) {
        this(dir, initialWait, KubernetesDiscovererFactory.WATCH_TIMEOUT);
    }

    /** With {@code watchTimeout}: how long a silent watch lasts before it is renewed (see {@link Connections}). */
    MockApi(Path dir, Duration initialWait, Duration watchTimeout) {
        this.dir = dir;
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient(new FixtureTransport());
        factory = new KubernetesDiscovererFactory(new InCluster(null, null, dir.resolve("token"), dir.resolve("ca.crt"),
                dir.resolve("namespace")), initialWait, Duration.ofMillis(100), watchTimeout);
    }

    /** The test's own client runs on threads named for the fixture, so thread checks can tell them from the discoverer's. */
    private static final class FixtureTransport extends JdkHttpClientFactory {
        @Override
        protected java.net.http.HttpClient.Builder createNewHttpClientBuilder() {
            return java.net.http.HttpClient.newBuilder().executor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread thread = new Thread(r, "mock-api-client");
                thread.setDaemon(true);
                return thread;
            }));
        }
    }

    String url() {
        return server.url("/");
    }

    /** A block for this API server with the given role and extra fields. */
    PluginConfig block(String role, Object... more) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("role", role);
        values.put("api_server", url());
        for (int i = 0; i < more.length; i += 2) {
            values.put((String) more[i], more[i + 1]);
        }
        return new PluginConfig("kubernetes_sd_configs", values, "prometheus.yml:3:7");
    }

    TestPluginContext context(String owner) {
        return new TestPluginContext(dir, owner, new HttpConfigClientFactory());
    }

    DiscoveryHarness start(PluginConfig block) throws Exception {
        return start(block, context("test"));
    }

    /** Starts a discoverer of {@link #factory} on {@code context}; closed with this mock. */
    DiscoveryHarness start(PluginConfig block, TestPluginContext context) throws Exception {
        return start(factory.create(block, context), context);
    }

    /** Runs {@code discoverer} (built by the test) in a harness on {@code context}; closed with this mock. */
    DiscoveryHarness start(Discoverer discoverer, TestPluginContext context) {
        DiscoveryHarness harness = new DiscoveryHarness(context, Duration.ofSeconds(15));
        started.add(harness);
        harness.start(discoverer);
        return harness;
    }

    @Override
    public void close() {
        for (DiscoveryHarness harness : started) {
            harness.close();
        }
        client.close();
        server.destroy();
    }

    /** The first update (the initial state), merged into the harness's groups. */
    static List<TargetGroup> initial(DiscoveryHarness harness) throws InterruptedException {
        List<TargetGroup> first = harness.nextUpdate(harness.timeout());
        if (first == null) {
            throw new AssertionError("no initial update within " + harness.timeout());
        }
        return first;
    }

    /**
     * Waits until the discoverer's informers watch. The mock, unlike an API server, does not
     * replay events from a watch's resourceVersion: a change made before the watch opens is lost.
     */
    static void awaitWatching(Discoverer discoverer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!((KubernetesDiscoverer) discoverer).watching()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the informers are not watching after 15 s");
            }
            Thread.sleep(20);
        }
    }

    /** As {@link #awaitWatching(Discoverer)} for the harness's discoverer; returns the harness. */
    static DiscoveryHarness awaitWatching(DiscoveryHarness harness) throws InterruptedException {
        awaitWatching(harness.discoverer());
        return harness;
    }
}
