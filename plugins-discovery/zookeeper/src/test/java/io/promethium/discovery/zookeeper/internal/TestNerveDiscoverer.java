package io.promethium.discovery.zookeeper.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The nerve discoverer passes the api's discovery contract against a real ZooKeeper server ({@link ZkFixture}). */
class TestNerveDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private ZkFixture zk;

    @AfterEach
    void stopZooKeeper() throws Exception {
        if (zk != null) {
            zk.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        zk = new ZkFixture();
        zk.put("/nerve/services/web/services/web-1", "{\"host\":\"10.0.0.1\",\"port\":8080,\"name\":\"web-1\"}");
        zk.put("/nerve/services/web/services/web-2", "{\"host\":\"10.0.0.2\",\"port\":8080,\"name\":\"web-2\"}");
        return new TestPluginContext(dir, "contract");
    }

    @Override
    protected NerveDiscovererFactory factory() {
        return new NerveDiscovererFactory(Duration.ofSeconds(1));
    }

    @Override
    protected Map<String, Object> block() {
        // A short session timeout: the failure check waits for the lost session to be noticed.
        return Map.of("servers", List.of(zk.connectString()), "paths", List.of("/nerve/services/web"), "timeout", "2s");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("timeout", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() throws Exception {
        zk.put("/nerve/services/web/services/web-1", "{\"host\":\"10.0.0.1\",\"port\":9090,\"name\":\"web-1\"}");
    }

    @Override
    protected void removeSource() throws Exception {
        zk.delete("/nerve/services/web/services/web-2");
    }

    /** The ZooKeeper server stops: the session's connection is lost and the tree cache says so. */
    @Override
    protected boolean breakPeer() throws Exception {
        zk.stopServer();
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        String name = thread.getName();
        // ZooKeeper's server threads, and the fixture client's (named after the test thread).
        return super.isFixtureThread(thread) || name.startsWith("NIOWorkerThread") || name.startsWith("main-")
                || name.startsWith("SyncThread") || name.startsWith("ProcessThread") || name.startsWith("SessionTracker")
                || name.startsWith("NIOServerCxnFactory") || name.startsWith("ConnnectionExpirer")
                || name.startsWith("RequestThrottler") || name.startsWith("Time-limited test");
    }
}
