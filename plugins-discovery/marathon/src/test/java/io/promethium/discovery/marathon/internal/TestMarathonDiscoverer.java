package io.promethium.discovery.marathon.internal;

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

/** The Marathon discoverer passes the api's discovery contract against {@link FakeMarathon}, a loopback stand-in of Marathon's API. */
class TestMarathonDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private FakeMarathon marathon;

    static String app(String id, String... hosts) {
        StringBuilder tasks = new StringBuilder();
        for (String host : hosts) {
            tasks.append(tasks.isEmpty() ? "" : ",").append("{\"id\":\"").append(id).append('.').append(host)
                    .append("\",\"host\":\"").append(host).append("\",\"ports\":[31000]}");
        }
        return "{\"id\":\"" + id + "\",\"tasks\":[" + tasks + "],\"portDefinitions\":[{\"port\":0}]}";
    }

    @AfterEach
    void stopMarathon() {
        if (marathon != null) {
            marathon.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        marathon = new FakeMarathon();
        marathon.answer("{\"apps\":[" + app("/web", "10.0.0.1") + "," + app("/db", "10.0.0.2") + "]}");
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected MarathonDiscovererFactory factory() {
        return new MarathonDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("servers", List.of(marathon.url()), "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() {
        marathon.answer("{\"apps\":[" + app("/web", "10.0.0.1", "10.0.0.3") + "," + app("/db", "10.0.0.2") + "]}");
    }

    @Override
    protected void removeSource() {
        marathon.answer("{\"apps\":[" + app("/web", "10.0.0.1", "10.0.0.3") + "]}");
    }

    @Override
    protected boolean breakPeer() {
        marathon.answer(500, "text/plain", "down");
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
