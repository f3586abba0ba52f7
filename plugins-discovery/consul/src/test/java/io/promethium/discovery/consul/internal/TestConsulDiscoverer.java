package io.promethium.discovery.consul.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The Consul discoverer passes the api's discovery contract against the in-test Consul API. */
class TestConsulDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private FakeConsul consul;

    @AfterEach
    void stopConsul() {
        if (consul != null) {
            consul.close();
        }
    }

    static FakeConsul.Instance instance(String service, String id, String address, int port) {
        return new FakeConsul.Instance(service, id, "node-" + id, "10.0.0." + port % 250, address, port, List.of("prod"),
                Map.of(), Map.of(), Map.of(), List.of("passing"));
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        consul = new FakeConsul();
        consul.register(instance("web", "web-1", "127.0.0.1", 8080));
        consul.register(instance("db", "db-1", "127.0.0.2", 5432));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected ConsulDiscovererFactory factory() {
        return new ConsulDiscovererFactory(Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("server", consul.address(), "refresh_interval", "1s");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() {
        consul.register(instance("web", "web-2", "127.0.0.3", 8081));
    }

    @Override
    protected void removeSource() {
        consul.deregister("db");
    }

    @Override
    protected boolean breakPeer() {
        consul.failWith(500);
        return true;
    }
}
