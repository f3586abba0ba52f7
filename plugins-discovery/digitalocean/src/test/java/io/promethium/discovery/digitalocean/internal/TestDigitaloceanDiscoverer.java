package io.promethium.discovery.digitalocean.internal;

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

/** The DigitalOcean discoverer passes the api's discovery contract against {@link FakeCloud}, a stand-in of DigitalOcean's API. */
class TestDigitaloceanDiscoverer extends AbstractDiscovererContractTest {

    private static final String DROPLET = "{\"id\": %d, \"name\": \"d%d\", \"networks\": {\"v4\": [{\"ip_address\": \"10.0.0.%d\", "
            + "\"type\": \"public\"}]}}";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private volatile String droplets;

    @AfterEach
    void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        cloud = new FakeCloud();
        droplets = "{\"droplets\": [" + DROPLET.formatted(1, 1, 1) + "]}";
        cloud.route("/v2/droplets", r -> FakeCloud.Answer.json(droplets));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected DigitaloceanDiscovererFactory factory() {
        return new DigitaloceanDiscovererFactory(cloud.endpoint(), DigitaloceanDiscovererFactory.BODY_LIMIT);
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("bearer_token", "t", "refresh_interval", "500ms");
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
        droplets = "{\"droplets\": [" + DROPLET.formatted(1, 1, 1) + ", " + DROPLET.formatted(2, 2, 2) + "]}";
    }

    @Override
    protected void removeSource() {
        // The one group empties when the account has no droplets.
        droplets = "{\"droplets\": []}";
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
