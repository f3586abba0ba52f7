package io.promethium.discovery.aws.internal;

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

/** The Lightsail discoverer ({@code lightsail_sd_configs}) passes the api's discovery contract against {@link FakeCloud}, a stand-in of Lightsail's JSON API. */
class TestLightsailDiscoverer extends AbstractDiscovererContractTest {

    private static final String INSTANCE = "{\"name\": \"web-%d\", \"privateIpAddress\": \"172.26.1.%d\", \"state\": {\"name\": \"running\"}}";

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
        instances = "{\"instances\": [" + INSTANCE.formatted(1, 1) + "]}";
        cloud.route("/", r -> "Lightsail_20161128.GetInstances".equals(r.header("X-Amz-Target")) ? FakeCloud.Answer.json(instances)
                : new FakeCloud.Answer(400, "{\"__type\": \"UnknownOperationException\"}", Map.of()));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected LightsailDiscovererFactory factory() {
        return new LightsailDiscovererFactory(name -> null, dir, LightsailDiscovererFactory.BODY_LIMIT);
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("region", "eu-west-2", "endpoint", cloud.endpoint().toString(), "access_key", "AKID", "secret_key", "s",
                "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected boolean breakPeer() {
        cloud.fault(new FakeCloud.Answer(500, "{\"__type\": \"ServiceException\", \"message\": \"boom\"}", Map.of()));
        return true;
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        instances = "{\"instances\": [" + INSTANCE.formatted(1, 1) + ", " + INSTANCE.formatted(2, 2) + "]}";
    }

    @Override
    protected void removeSource() {
        // The region's one group empties when it has no instances.
        instances = "{\"instances\": []}";
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
