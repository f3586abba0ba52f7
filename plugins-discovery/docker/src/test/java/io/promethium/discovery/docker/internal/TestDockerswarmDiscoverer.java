package io.promethium.discovery.docker.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The Docker Swarm discoverer (role nodes) passes the api's discovery contract against {@link FakeDocker} over its Unix socket. */
class TestDockerswarmDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private FakeDocker docker;

    static String node(String id, String addr) {
        return """
                {"ID":"%s","Spec":{"Role":"worker","Availability":"active","Labels":{}},
                 "Description":{"Hostname":"h-%1$s","Platform":{"Architecture":"x86_64","OS":"linux"},"Engine":{"EngineVersion":"24.0"}},
                 "Status":{"State":"ready","Addr":"%s"}}""".formatted(id, addr);
    }

    @AfterEach
    void stopDocker() throws Exception {
        if (docker != null) {
            docker.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        docker = new FakeDocker(dir);
        docker.answerNodes("[" + node("n1", "10.0.0.1") + "]");
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected DockerswarmDiscovererFactory factory() {
        return new DockerswarmDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("host", "unix://" + docker.socket, "role", "nodes", "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("role", "nope"); // no such role
    }

    @Override
    protected void changeTargets() {
        docker.answerNodes("[" + node("n1", "10.0.0.1") + "," + node("n2", "10.0.0.2") + "]");
    }

    @Override
    protected void removeSource() {
        // The one group ("DockerSwarm") empties when the swarm has no node.
        docker.answerNodes("[]");
    }

    @Override
    protected boolean breakPeer() {
        docker.failWith(500);
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
