package io.promethium.discovery.hetzner.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The Hetzner discoverer passes the api's discovery contract against {@link FakeCloud}, a stand-in of Hetzner Robot. */
class TestHetznerDiscoverer extends AbstractDiscovererContractTest {

    private static final String SERVER = "{\"server\": {\"server_ip\": \"10.0.0.%d\", \"server_number\": %d}}";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private volatile String servers;

    @AfterEach
    void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        cloud = new FakeCloud();
        servers = "[" + SERVER.formatted(1, 1) + "]";
        cloud.route("/server", r -> FakeCloud.Answer.json(servers));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected HetznerDiscovererFactory factory() {
        String root = cloud.endpoint().toString().replaceAll("/$", "");
        return new HetznerDiscovererFactory(root, root, HetznerDiscovererFactory.BODY_LIMIT);
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("role", "robot", "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("role", "nope"); // no such role
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        servers = "[" + SERVER.formatted(1, 1) + ", " + SERVER.formatted(2, 2) + "]";
    }

    @Override
    protected void removeSource() {
        // The one group empties when the account has no servers.
        servers = "[]";
    }

    @Override
    protected boolean breakPeer() {
        cloud.fault(new FakeCloud.Answer(500, "{}", Map.of()));
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
