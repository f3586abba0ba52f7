package io.promethium.discovery.triton.internal;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestCertificates;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The Triton discoverer passes the api's discovery contract against a loopback HTTPS stand-in of Triton's discovery endpoint. */
class TestTritonDiscoverer extends AbstractDiscovererContractTest {

    private static final String CONTAINER = "{\"vm_uuid\": \"vm-%d\", \"vm_alias\": \"a%d\"}";

    /** The CA and server certificate, made once for the class: each keytool run starts a JVM, seven of them took seconds a test. */
    @TempDir
    static Path certificateDir;
    private static TestCertificates certificates;

    @TempDir
    Path dir;
    private HttpsServer server;
    private ExecutorService executor;
    private volatile String containers;
    private volatile int status = 200;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.create(certificateDir);
    }

    @AfterEach
    void stopTriton() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverContext()));
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        containers = "{\"containers\": [" + CONTAINER.formatted(1, 1) + "]}";
        server.createContext("/v1/discover", exchange -> {
            byte[] bytes = containers.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected TritonDiscovererFactory factory() {
        return new TritonDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("account", "a", "dns_suffix", "d", "endpoint", "localhost", "port", server.getAddress().getPort(), "refresh_interval", "500ms", "tls_config", Map.of("ca_file", certificates.caPem().toString()));
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("port", "eighty"); // not a port
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        containers = "{\"containers\": [" + CONTAINER.formatted(1, 1) + ", " + CONTAINER.formatted(2, 2) + "]}";
    }

    @Override
    protected void removeSource() {
        // The endpoint's one group empties when it lists no containers.
        containers = "{\"containers\": []}";
    }

    @Override
    protected boolean breakPeer() {
        status = 500;
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use; the HTTPS server's dispatcher.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
