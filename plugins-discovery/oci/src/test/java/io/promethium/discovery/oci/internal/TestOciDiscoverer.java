package io.promethium.discovery.oci.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The OCI discoverer passes the api's discovery contract against {@link FakeCloud}, a stand-in of OCI's Core API. */
class TestOciDiscoverer extends AbstractDiscovererContractTest {

    private static final String INSTANCE = "{\"id\": \"i%d\", \"compartmentId\": \"c\"}";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private volatile String instances;

    @AfterEach
    void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        cloud = new FakeCloud();
        instances = "[" + INSTANCE.formatted(1) + "]";
        cloud.route("/20160918/instances", r -> FakeCloud.Answer.json(instances));
        cloud.route("/20160918/vnicAttachments", r -> FakeCloud.Answer.json("[{\"vnicId\": \"v" + FakeCloud.query(r, "instanceId")
                + "\", \"lifecycleState\": \"ATTACHED\"}]"));
        for (int i = 1; i <= 2; i++) {
            String ip = "10.0.0." + i;
            cloud.route("/20160918/vnics/vi" + i, r -> FakeCloud.Answer.json("{\"isPrimary\": true, \"privateIp\": \"" + ip + "\"}"));
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Files.writeString(dir.resolve("oci.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected OciDiscovererFactory factory() {
        URI root = URI.create(cloud.endpoint().toString().replaceAll("/$", ""));
        return new OciDiscovererFactory(new OciRegions(name -> null, dir), region -> new URI[] {root, root, root}, root.resolve("/opc/v2"),
                OciDiscovererFactory.BODY_LIMIT);
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("tenancy", "t", "user", "u", "fingerprint", "f", "key_file", dir.resolve("oci.pem").toString(), "region", "r",
                "compartments", List.of("c"), "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected boolean breakPeer() {
        cloud.fault(new FakeCloud.Answer(500, "{\"code\": \"InternalServerError\", \"message\": \"boom\"}", Map.of()));
        return true;
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        instances = "[" + INSTANCE.formatted(1) + ", " + INSTANCE.formatted(2) + "]";
    }

    @Override
    protected void removeSource() {
        // The one group empties when the compartment has no instances.
        instances = "[]";
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
