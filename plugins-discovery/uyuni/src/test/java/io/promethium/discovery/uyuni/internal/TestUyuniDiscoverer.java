package io.promethium.discovery.uyuni.internal;

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

/** The Uyuni discoverer passes the api's discovery contract against {@link FakeUyuni}, a loopback stand-in of Uyuni's XML-RPC API. */
class TestUyuniDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private FakeUyuni uyuni;

    static FakeUyuni.System system(long id) {
        return new FakeUyuni.System(id, "minion-" + id, "minion-" + id + ".example.com", List.of("web"), "node_exporter",
                "node_exporter", 9100, "/metrics", "", false);
    }

    @AfterEach
    void stopUyuni() {
        if (uyuni != null) {
            uyuni.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        uyuni = new FakeUyuni();
        uyuni.systems.add(system(1));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected UyuniDiscovererFactory factory() {
        return new UyuniDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("server", uyuni.url(), "username", "admin", "password", "s3cr3t", "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() {
        uyuni.systems.add(system(2));
    }

    @Override
    protected void removeSource() {
        // Uyuni's one group empties when no system is monitored.
        uyuni.systems.clear();
    }

    @Override
    protected boolean breakPeer() {
        uyuni.fault(new FakeUyuni.Answer(500, "error", Map.of()));
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
