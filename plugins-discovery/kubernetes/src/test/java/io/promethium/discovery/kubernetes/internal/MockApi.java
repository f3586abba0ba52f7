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
import io.promethium.api.testing.TestPluginContext;
import io.promethium.config.http.KernelHttpClientFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * fabric8's Kubernetes API mock in CRUD mode on loopback, a client to change its objects, and
 * discoverers started against it whose updates are gathered as the kernel would hold them.
 */
final class MockApi implements AutoCloseable {

    final KubernetesMockServer server;
    final NamespacedKubernetesClient client;
    final KubernetesDiscovererFactory factory;
    private final Path dir;
    private final List<Discoverer> started = new ArrayList<>();

    MockApi(Path dir) {
        this(dir, Duration.ofSeconds(10));
    }

    MockApi(Path dir, Duration initialWait) {
        this.dir = dir;
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient(new FixtureTransport());
        factory = new KubernetesDiscovererFactory(new InCluster(null, null, dir.resolve("token"), dir.resolve("ca.crt"),
                dir.resolve("namespace")), initialWait, Duration.ofMillis(100));
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
        return new TestPluginContext(dir, owner, new KernelHttpClientFactory());
    }

    Run start(PluginConfig block) throws Exception {
        return start(block, context("test"));
    }

    Run start(PluginConfig block, TestPluginContext context) throws Exception {
        Discoverer discoverer = factory.create(block, context);
        started.add(discoverer);
        Run run = new Run(discoverer, context);
        discoverer.start(run.updates::add);
        return run;
    }

    @Override
    public void close() {
        for (Discoverer discoverer : started) {
            discoverer.close();
        }
        client.close();
        server.destroy();
    }

    /** One running discoverer and what it sent. */
    static final class Run {
        final Discoverer discoverer;
        final TestPluginContext context;
        final BlockingQueue<List<TargetGroup>> updates = new LinkedBlockingQueue<>();
        final Map<String, TargetGroup> state = new LinkedHashMap<>();
        final List<List<TargetGroup>> received = new ArrayList<>();

        Run(Discoverer discoverer, TestPluginContext context) {
            this.discoverer = discoverer;
            this.context = context;
        }

        /** Takes updates until {@code done} holds of the groups by source; fails after 15 s. */
        Map<String, TargetGroup> await(String what, Predicate<Map<String, TargetGroup>> done) throws InterruptedException {
            if (!within(Duration.ofSeconds(15), done)) {
                throw new AssertionError("no update with " + what + " within 15 s; groups so far: " + state);
            }
            return state;
        }

        /** Takes updates until {@code done} holds of the groups by source, or {@code wait} passes. */
        boolean within(Duration wait, Predicate<Map<String, TargetGroup>> done) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (!done.test(state)) {
                long left = deadline - System.nanoTime();
                List<TargetGroup> update = left <= 0 ? null : updates.poll(left, TimeUnit.NANOSECONDS);
                if (update == null) {
                    return false;
                }
                take(update);
            }
            return true;
        }

        void take(List<TargetGroup> update) {
            received.add(update);
            for (TargetGroup group : update) {
                state.put(group.source(), group);
            }
        }

        /** The first update (the initial state). */
        List<TargetGroup> initial() throws InterruptedException {
            List<TargetGroup> first = updates.poll(15, TimeUnit.SECONDS);
            if (first == null) {
                throw new AssertionError("no initial update within 15 s");
            }
            take(first);
            return first;
        }

        /**
         * Waits until the discoverer's informers watch. The mock, unlike an API server, does not
         * replay events from a watch's resourceVersion: a change made before the watch opens is lost.
         */
        Run awaitWatching() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!((KubernetesDiscoverer) discoverer).watching()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the informers are not watching after 15 s");
                }
                Thread.sleep(20);
            }
            return this;
        }

        TargetGroup group(String source) {
            return state.get(source);
        }
    }
}
