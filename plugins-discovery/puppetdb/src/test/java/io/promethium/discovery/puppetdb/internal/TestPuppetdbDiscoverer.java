package io.promethium.discovery.puppetdb.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The PuppetDB discoverer passes the api's discovery contract against {@link FakePuppetdb}, a loopback stand-in of PuppetDB's query API. */
class TestPuppetdbDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private FakePuppetdb puppetdb;

    @AfterEach
    void stopPuppetdb() {
        if (puppetdb != null) {
            puppetdb.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        puppetdb = new FakePuppetdb();
        puppetdb.answer("[{\"certname\":\"a.example.com\",\"type\":\"Class\",\"title\":\"Node_exporter\"}]");
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected PuppetdbDiscovererFactory factory() {
        return new PuppetdbDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("url", puppetdb.url(), "query", "resources { type = \"Class\" }", "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() {
        puppetdb.answer("[{\"certname\":\"a.example.com\"},{\"certname\":\"b.example.com\"}]");
    }

    @Override
    protected void removeSource() {
        // PuppetDB's one group empties when the query finds nothing.
        puppetdb.answer("[]");
    }

    @Override
    protected boolean breakPeer() {
        puppetdb.answer(500, "text/plain", "down");
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
