package io.promethium.discovery.stackit.internal;

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

/** The STACKIT discoverer passes the api's discovery contract against {@link FakeCloud}, a stand-in of STACKIT's IaaS API. */
class TestStackitDiscoverer extends AbstractDiscovererContractTest {

    private static final String SERVER = "{\"id\": \"s%d\", \"name\": \"s%d\", \"nics\": [{\"networkName\": \"n\", \"ipv4\": \"10.0.0.%d\"}]}";

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
        servers = "{\"items\": [" + SERVER.formatted(1, 1, 1) + "]}";
        cloud.route("/v1/projects/p/servers", r -> FakeCloud.Answer.json(servers));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected StackitDiscovererFactory factory() {
        return new StackitDiscovererFactory(name -> null, dir, StackitDiscovererFactory.BODY_LIMIT);
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("project", "p", "endpoint", cloud.endpoint().toString(), "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected boolean breakPeer() {
        cloud.fault(new FakeCloud.Answer(500, "{\"message\": \"internal error\"}", Map.of()));
        return true;
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        servers = "{\"items\": [" + SERVER.formatted(1, 1, 1) + ", " + SERVER.formatted(2, 2, 2) + "]}";
    }

    @Override
    protected void removeSource() {
        // The one group empties when the project has no servers.
        servers = "{\"items\": []}";
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
