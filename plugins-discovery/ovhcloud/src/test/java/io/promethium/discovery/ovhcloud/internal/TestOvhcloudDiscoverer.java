package io.promethium.discovery.ovhcloud.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The OVHcloud discoverer passes the api's discovery contract against {@link FakeCloud}, a stand-in of OVHcloud's API. */
class TestOvhcloudDiscoverer extends AbstractDiscovererContractTest {

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
        servers = "[\"s1\"]";
        cloud.route("/auth/time", r -> FakeCloud.Answer.json(Long.toString(System.currentTimeMillis() / 1000)));
        cloud.route("/dedicated/server", r -> FakeCloud.Answer.json(servers));
        for (int i = 1; i <= 2; i++) {
            String name = "s" + i;
            String ip = "[\"10.0.0." + i + "/32\"]";
            cloud.route("/dedicated/server/" + name, r -> FakeCloud.Answer.json("{\"name\": \"" + name + "\", \"serverId\": 1}"));
            cloud.route("/dedicated/server/" + name + "/ips", r -> FakeCloud.Answer.json(ip));
        }
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected OvhcloudDiscovererFactory factory() {
        return new OvhcloudDiscovererFactory(OvhcloudDiscovererFactory.BODY_LIMIT, Clock.systemUTC());
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("endpoint", cloud.endpoint().toString().replaceAll("/$", ""), "application_key", "k", "application_secret", "s",
                "consumer_key", "c", "service", "dedicated_server", "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected boolean breakPeer() {
        cloud.fault(new FakeCloud.Answer(500, "{\"message\": \"Internal server error\"}", Map.of()));
        return true;
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        servers = "[\"s1\", \"s2\"]";
    }

    @Override
    protected void removeSource() {
        // The one group empties when the account has no servers.
        servers = "[]";
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
