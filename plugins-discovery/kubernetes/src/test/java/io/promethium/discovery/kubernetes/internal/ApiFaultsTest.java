package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.testing.TestPluginContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API that refuses (401/403), fails, drops watches or answers 410: the last targets stay, the
 * failures are counted and logged once per change, discovery resumes by itself, and a job on
 * another API carries on meanwhile.
 */
class ApiFaultsTest {

    @TempDir
    Path dir;
    private MockApi api;
    private int probes;
    private FaultyProxy proxy;
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (warnings) {
                    warnings.add(record);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        api = new MockApi(dir, java.time.Duration.ofSeconds(2));
        api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-1", "10.1.2.3")).create();
        proxy = new FaultyProxy(api.url());
    }

    @AfterEach
    void stop() {
        api.close();
        proxy.close();
    }

    private List<String> warningsAbout(String text) {
        synchronized (warnings) {
            return warnings.stream().map(LogRecord::getMessage).filter(m -> m.contains(text)).toList();
        }
    }

    @Test
    void aRefusingApiKeepsTheLastTargetsCountsLogsOnceAndRecovers() throws Exception {
        TestPluginContext context = api.context("faulty");
        context.logger().addHandler(capture);
        try {
            proxy.failWith(403);
            MockApi.Run faulty = api.start(api.block("pod", "api_server", proxy.url(), "authorization",
                    Map.of("credentials", "secret-token")), context);
            MockApi.Run healthy = api.start(api.block("pod"));
            healthy.await("the other job's pod", s -> s.containsKey("pod/shop/web-1"));
            healthy.awaitWatching();

            List<TargetGroup> initial = faulty.initial();
            assertThat(initial).as("the first update comes even though the API refuses").isEmpty();
            assertThat(context.metrics().value("prometheus_sd_kubernetes_failures_total")).isPositive();
            Thread.sleep(1_000); // several retries with backoff (from 100 ms here)
            assertThat(warningsAbout("HTTP 403")).as("one warning for the 403, however many retries").hasSize(1);
            assertThat(proxy.authorizations).contains("Bearer secret-token");

            proxy.failWith(0);
            faulty.await("the pod once the API answers again", s -> s.containsKey("pod/shop/web-1")
                    && !s.get("pod/shop/web-1").targets().isEmpty());

            int updatesBefore = faulty.received.size();
            double failuresBefore = context.metrics().value("prometheus_sd_kubernetes_failures_total");
            proxy.failWith(401);
            // The watch notices the refusal only when it reconnects, which a loaded machine delays:
            // wait for the failure to be counted rather than for a fixed time.
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (context.metrics().value("prometheus_sd_kubernetes_failures_total") <= failuresBefore
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(context.metrics().value("prometheus_sd_kubernetes_failures_total")).isGreaterThan(failuresBefore);
            Thread.sleep(500); // a few retries with backoff
            assertThat(faulty.updates).as("no group is emptied while the API refuses").isEmpty();
            assertThat(faulty.received).hasSize(updatesBefore);
            assertThat(warningsAbout("HTTP 401")).hasSize(1);

            api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-2", "10.1.2.4")).create();
            healthy.await("the other job following changes meanwhile", s -> s.containsKey("pod/shop/web-2"));
            proxy.failWith(0);
            faulty.await("the change made during the outage", s -> s.containsKey("pod/shop/web-2"));
        } finally {
            context.logger().removeHandler(capture);
        }
    }

    @Test
    void goneWatchesAndDroppedConnectionsReListAndKeepFollowing() throws Exception {
        MockApi.Run run = api.start(api.block("pod", "api_server", proxy.url()));
        run.await("the pod", s -> s.containsKey("pod/shop/web-1"));
        run.awaitWatching();
        proxy.goneForWatches(true);
        Thread.sleep(1_500);
        proxy.goneForWatches(false);
        awaitFollowing(run);
        api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-2", "10.1.2.4")).create();
        run.await("a pod created after the 410s", s -> s.containsKey("pod/shop/web-2"));
        proxy.dropConnections();
        awaitFollowing(run);
        api.client.pods().inNamespace("shop").withName("web-1").delete();
        run.await("a deletion after the watch was dropped", s -> s.get("pod/shop/web-1").targets().isEmpty());
        assertThat(run.state.get("pod/shop/web-2").targets()).isNotEmpty();
    }

    /**
     * Creates probe pods until discovery reports one. The mock, unlike an API server, does not
     * replay the events a watch missed, and records a watch request only when it ends: a change
     * made before the mock holds the informer's new watch would be lost, and only a change seen
     * through it shows that the informer follows again.
     */
    private void awaitFollowing(MockApi.Run run) throws InterruptedException {
        // fabric8 reconnects with a growing backoff, which a loaded machine stretches further.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (System.nanoTime() < deadline) {
            int probe = ++probes;
            api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "probe-" + probe, "10.1.9." + probe)).create();
            if (run.within(Duration.ofMillis(500), s -> s.containsKey("pod/shop/probe-" + probe))) {
                return;
            }
        }
        throw new AssertionError("the informer did not follow changes again within 45 s");
    }

    @Test
    void jobsOnTheSameApiShareOneConnectionAndOneInformerPerKind() throws Exception {
        MockApi.Run pods = api.start(api.block("pod"));
        MockApi.Run morePods = api.start(api.block("pod"), api.context("other-job"));
        pods.await("the pod", s -> s.containsKey("pod/shop/web-1"));
        morePods.await("the pod in the second job", s -> s.containsKey("pod/shop/web-1"));
        assertThat(api.factory.connections().openConnections()).isEqualTo(1);
        int before = proxyIndependentListCount();
        assertThat(before).isEqualTo(1);
        pods.discoverer.close();
        morePods.discoverer.close();
        assertThat(api.factory.connections().openConnections()).as("closed with its last user").isZero();
    }

    /** How many pod lists the mock answered (one informer serves both jobs). */
    private int proxyIndependentListCount() throws InterruptedException {
        int lists = 0;
        int count = api.server.getRequestCount();
        for (int i = 0; i < count; i++) {
            var request = api.server.takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
            if (request != null && request.getPath().startsWith("/api/v1/pods?") && !request.getPath().contains("watch=true")) {
                lists++;
            }
        }
        return lists;
    }
}
