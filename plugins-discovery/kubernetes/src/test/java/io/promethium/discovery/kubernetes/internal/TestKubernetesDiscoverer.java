package io.promethium.discovery.kubernetes.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.TestPluginContext;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes discoverer passes the api's discovery contract against the API mock (pod role). */
class TestKubernetesDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private MockApi api;

    @AfterEach
    void stopApi() {
        if (api != null) {
            api.close();
        }
    }

    @Override
    protected TestPluginContext newContext() {
        api = new MockApi(dir);
        api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-1", "10.1.2.3")).create();
        api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-2", "10.1.2.4")).create();
        return api.context("contract");
    }

    @Override
    protected Discoverer create(TestPluginContext context) throws Exception {
        return api.factory.create(api.block("pod"), context);
    }

    @Override
    protected void changeTargets() {
        api.client.pods().inNamespace("shop").withName("web-1").edit(p -> {
            p.getMetadata().getLabels().put("track", "canary");
            return p;
        });
    }

    @Override
    protected void removeSource() {
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
