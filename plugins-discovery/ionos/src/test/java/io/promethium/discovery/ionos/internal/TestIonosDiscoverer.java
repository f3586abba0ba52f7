package io.promethium.discovery.ionos.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The Ionos discoverer passes the api's discovery contract against {@link FakeCloud}, a stand-in of Ionos's API. */
class TestIonosDiscoverer extends AbstractDiscovererContractTest {

    private static final String INSTANCE = "{\"id\": \"s%d\", \"entities\": {\"nics\": {\"items\": [{\"properties\": {\"ips\": [\"10.0.0.%d\"]}}]}}}";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private volatile String instances;

    @AfterEach
    void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        cloud = new FakeCloud();
        instances = "{\"items\": [" + INSTANCE.formatted(1, 1, 1) + "]}";
        cloud.route("/cloudapi/v6/datacenters/d/servers", r -> FakeCloud.Answer.json(instances));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected IonosDiscovererFactory factory() {
        return new IonosDiscovererFactory(cloud.endpoint().resolve("cloudapi/v6/"), IonosDiscovererFactory.BODY_LIMIT);
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("datacenter_id", "d", "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        instances = "{\"items\": [" + INSTANCE.formatted(1, 1, 1) + ", " + INSTANCE.formatted(2, 2, 2) + "]}";
    }

    @Override
    protected void removeSource() {
        // The one group empties when the account has no instances.
        instances = "{\"items\": []}";
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
