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

/** The Docker discoverer passes the api's discovery contract against {@link FakeDocker} over its Unix socket. */
class TestDockerDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private FakeDocker docker;

    static String container(String id, String ip) {
        return """
                {"Id":"%1$s","Names":["/%1$s"],"Image":"img","Ports":[{"PrivatePort":9100,"Type":"tcp"}],
                 "HostConfig":{"NetworkMode":"bridge"},
                 "NetworkSettings":{"Networks":{"bridge":{"NetworkID":"n1","IPAddress":"%2$s"}}}}""".formatted(id, ip);
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
        docker.answer("[" + container("a", "172.17.0.2") + "]", "[{\"Id\":\"n1\",\"Name\":\"bridge\",\"Scope\":\"local\"}]");
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected DockerDiscovererFactory factory() {
        return new DockerDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("host", "unix://" + docker.socket, "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() {
        docker.answer("[" + container("a", "172.17.0.2") + "," + container("b", "172.17.0.3") + "]",
                "[{\"Id\":\"n1\",\"Name\":\"bridge\",\"Scope\":\"local\"}]");
    }

    @Override
    protected void removeSource() {
        // Docker's one group ("Docker") empties when no container runs.
        docker.answer("[]", "[]");
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
