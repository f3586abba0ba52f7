package io.promethium.discovery.kuma.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The Kuma discoverer passes the api's discovery contract against {@link FakeKuma}, a loopback stand-in of Kuma's MADS endpoint. */
class TestKumaDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private FakeKuma kuma;

    static String assignment(String service, String... addresses) {
        StringBuilder targets = new StringBuilder();
        for (String address : addresses) {
            targets.append(targets.isEmpty() ? "" : ",").append("{\"name\":\"").append(service).append('-').append(address)
                    .append("\",\"scheme\":\"http\",\"address\":\"").append(address).append("\",\"metricsPath\":\"/metrics\"}");
        }
        return "{\"@type\":\"type.googleapis.com/kuma.observability.v1.MonitoringAssignment\",\"mesh\":\"default\",\"service\":\""
                + service + "\",\"targets\":[" + targets + "]}";
    }

    @AfterEach
    void stopKuma() {
        if (kuma != null) {
            kuma.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        kuma = new FakeKuma();
        kuma.assignments("[" + assignment("web", "10.0.0.1:5670") + "]");
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected KumaDiscovererFactory factory() {
        return new KumaDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("server", kuma.url(), "refresh_interval", "500ms", "client_id", "promethium");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() {
        kuma.assignments("[" + assignment("web", "10.0.0.1:5670", "10.0.0.2:5670") + "]");
    }

    @Override
    protected void removeSource() {
        // Kuma's one group ("kuma") empties when no assignment is left.
        kuma.assignments("[]");
    }

    @Override
    protected boolean breakPeer() {
        kuma.failWith(500);
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
