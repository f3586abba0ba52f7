package io.promethium.discovery.http.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP discoverer passes the api's discovery contract against a loopback HTTP SD endpoint. */
class TestHttpDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private HttpSdEndpoint endpoint;

    @AfterEach
    void stopEndpoint() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        endpoint = new HttpSdEndpoint();
        endpoint.answer("""
                [{"targets":["10.0.0.1:9100"],"labels":{"env":"prod"}},{"targets":["10.0.0.2:9100"]}]""");
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected HttpDiscovererFactory factory() {
        return new HttpDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("url", endpoint.url(), "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected boolean breakPeer() {
        endpoint.answer(500, "text/plain", "down");
        return true;
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_http_failures_total", "prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        endpoint.answer("""
                [{"targets":["10.0.0.1:9100","10.0.0.3:9100"],"labels":{"env":"prod"}},{"targets":["10.0.0.2:9100"]}]""");
    }

    @Override
    protected void removeSource() {
        endpoint.answer("""
                [{"targets":["10.0.0.1:9100","10.0.0.3:9100"],"labels":{"env":"prod"}}]""");
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
