package io.promethium.discovery.eureka.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Eureka discoverer passes the api's discovery contract against {@link FakeEureka}, a loopback stand-in of Eureka's
 * {@code GET /eureka/apps}: the contract breaks its peer (a 500), which a real Eureka ({@link EurekaServerTest}) does not
 * do, and counts threads, which a Spring Boot server in the same JVM would start by the dozen.
 */
class TestEurekaDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private FakeEureka eureka;

    @AfterEach
    void stopEureka() {
        if (eureka != null) {
            eureka.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        eureka = new FakeEureka();
        eureka.register("WEB", EurekaClient.instance("WEB", "web-1.test", "10.0.0.1", 8080, "UP", 90));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected EurekaDiscovererFactory factory() {
        return new EurekaDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("server", eureka.serviceUrl(), "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() throws Exception {
        eureka.register("WEB", EurekaClient.instance("WEB", "web-2.test", "10.0.0.2", 8080, "UP", 90));
    }

    @Override
    protected void removeSource() throws Exception {
        // Eureka's one group ("eureka") empties when every instance is gone.
        eureka.cancel("WEB", "web-1.test:web:8080");
        eureka.cancel("WEB", "web-2.test:web:8080");
    }

    @Override
    protected boolean breakPeer() {
        eureka.failWith(500);
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
