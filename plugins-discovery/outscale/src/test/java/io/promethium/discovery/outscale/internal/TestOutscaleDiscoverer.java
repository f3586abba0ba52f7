package io.promethium.discovery.outscale.internal;

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

/** The Outscale discoverer passes the api's discovery contract against {@link FakeCloud}, a stand-in of Outscale's OSC API. */
class TestOutscaleDiscoverer extends AbstractDiscovererContractTest {

    private static final String VM = "{\"VmId\": \"i-%d\", \"State\": \"running\", \"PrivateIp\": \"10.0.0.%d\"}";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private volatile String vms;

    @AfterEach
    void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        cloud = new FakeCloud();
        vms = "{\"Vms\": [" + VM.formatted(1, 1) + "]}";
        cloud.route("/api/v1/ReadVms", r -> FakeCloud.Answer.json(vms));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected OutscaleDiscovererFactory factory() {
        return new OutscaleDiscovererFactory(OutscaleDiscovererFactory.BODY_LIMIT);
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("endpoint", cloud.endpoint() + "api/v1", "access_key", "a", "secret_key", "s", "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected boolean breakPeer() {
        cloud.fault(new FakeCloud.Answer(500, "{\"Errors\": [{\"Type\": \"InternalError\"}]}", Map.of()));
        return true;
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        vms = "{\"Vms\": [" + VM.formatted(1, 1) + ", " + VM.formatted(2, 2) + "]}";
    }

    @Override
    protected void removeSource() {
        // The one group empties when the account has no VMs.
        vms = "{\"Vms\": []}";
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
