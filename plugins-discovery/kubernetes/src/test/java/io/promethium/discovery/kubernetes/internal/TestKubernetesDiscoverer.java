package io.promethium.discovery.kubernetes.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testsupport.FaultyProxy;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes discoverer passes the api's discovery contract against the API mock (pod role),
 * reached through a {@link FaultyProxy} so that {@link #breakPeer()} can make the API answer 500,
 * with a watch renewed after 1 to 2 s of silence.
 */
class TestKubernetesDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private MockApi api;
    private FaultyProxy proxy;

    @AfterEach
    void stopApi() {
        if (api != null) {
            api.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws java.io.IOException {
        // A short watch timeout: breakPeer() drops the watch's connection, and the JDK's WebSocket
        // does not always notice a dropped connection; the renewed watch's list meets the 500.
        api = new MockApi(dir, java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(1));
        api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-1", "10.1.2.3")).create();
        api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-2", "10.1.2.4")).create();
        proxy = new FaultyProxy(api.url());
        return api.context("contract");
    }

    private Discoverer discoverer;

    @Override
    protected KubernetesDiscovererFactory factory() {
        return api.factory;
    }

    @Override
    protected Map<String, Object> block() {
        return api.block("pod", "api_server", proxy.url()).values();
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("role", "nope"); // no such role
    }

    @Override
    protected Discoverer create(TestPluginContext context) throws Exception {
        discoverer = super.create(context);
        return discoverer;
    }

    /** Changes made before the informers watch would be lost on the mock (it does not replay); after close() there is nothing to wait for. */
    private void awaitWatching() throws InterruptedException {
        if (((KubernetesDiscoverer) discoverer).watching()) {
            return;
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!((KubernetesDiscoverer) discoverer).watching() && System.nanoTime() < deadline && !closedAlready()) {
            Thread.sleep(20);
        }
    }

    private boolean closedAlready() {
        return ((KubernetesDiscoverer) discoverer).isClosed();
    }

    /** Every request from now on is answered 500 and the connections in flight (the watch) are dropped. */
    @Override
    protected boolean breakPeer() throws InterruptedException {
        awaitWatching();
        proxy.failWith(500);
        return true;
    }

    @Override
    protected void changeTargets() throws InterruptedException {
        awaitWatching();
        api.client.pods().inNamespace("shop").withName("web-1").edit(p -> {
            p.getMetadata().getLabels().put("track", "canary");
            return p;
        });
    }

    @Override
    protected void removeSource() throws InterruptedException {
        awaitWatching();
        api.client.pods().inNamespace("shop").withName("web-2").delete();
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The API mock runs on Vert.x/Netty event loops; the test's own client runs on mock-api-client threads.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.startsWith("vert.x-") || name.startsWith("MockWebServer")
                || name.startsWith("mock-api-client");
    }
}
