package io.promethium.discovery.nomad.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The Nomad discoverer passes the api's discovery contract against {@link FakeNomad}, a loopback stand-in of Nomad's API. */
class TestNomadDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private FakeNomad nomad;

    @AfterEach
    void stopNomad() {
        if (nomad != null) {
            nomad.close();
        }
    }

    static FakeNomad.Registration web(String id, String address) {
        return new FakeNomad.Registration(id, "web", "default", "node-1", "dc1", address, 8080, List.of("prod"));
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        nomad = new FakeNomad();
        nomad.register(web("web-1", "10.0.0.1"));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected NomadDiscovererFactory factory() {
        return new NomadDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("server", nomad.url(), "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() {
        nomad.register(web("web-2", "10.0.0.2"));
    }

    @Override
    protected void removeSource() {
        // Nomad's one group ("Nomad") empties when no service is left.
        nomad.deregister("web");
    }

    @Override
    protected boolean breakPeer() {
        nomad.failWith(500, "");
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
