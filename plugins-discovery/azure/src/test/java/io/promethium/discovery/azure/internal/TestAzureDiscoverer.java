package io.promethium.discovery.azure.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The Azure discoverer passes the api's discovery contract against {@link FakeCloud}, a stand-in of Resource Manager. */
class TestAzureDiscoverer extends AbstractDiscovererContractTest {

    private static final String RG = "/subscriptions/s/resourceGroups/rg";
    private static final String VM = "{\"id\": \"" + RG + "/providers/Microsoft.Compute/virtualMachines/vm%d\", \"name\": \"vm%d\", "
            + "\"properties\": {\"networkProfile\": {\"networkInterfaces\": [{\"id\": \"" + RG
            + "/providers/Microsoft.Network/networkInterfaces/nic%d\"}]}}}";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private volatile String vms;

    @AfterEach
    void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        cloud = new FakeCloud();
        vms = "{\"value\": [" + VM.formatted(1, 1, 1) + "]}";
        cloud.route("/t/oauth2/v2.0/token", r -> FakeCloud.Answer.json("{\"access_token\": \"x\", \"expires_in\": 3599}"));
        cloud.route("/subscriptions/s/providers/Microsoft.Compute/virtualMachines", r -> FakeCloud.Answer.json(vms));
        cloud.route("/subscriptions/s/providers/Microsoft.Compute/virtualMachineScaleSets", r -> FakeCloud.Answer.json("{\"value\": []}"));
        for (int i = 1; i <= 2; i++) {
            String ip = "10.0.0." + i;
            cloud.route(RG + "/providers/Microsoft.Network/networkInterfaces/nic" + i, r -> FakeCloud.Answer.json(
                    "{\"properties\": {\"primary\": true, \"ipConfigurations\": [{\"properties\": {\"privateIPAddress\": \"" + ip + "\"}}]}}"));
        }
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected AzureDiscovererFactory factory() {
        Map<String, String> env = Map.of("AZURE_AUTHORITY_HOST", cloud.endpoint().toString());
        return new AzureDiscovererFactory(env::get, cloud.endpoint(), cloud.endpoint(), AzureDiscovererFactory.BODY_LIMIT);
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("subscription_id", "s", "tenant_id", "t", "client_id", "c", "client_secret", "x", "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        vms = "{\"value\": [" + VM.formatted(1, 1, 1) + ", " + VM.formatted(2, 2, 2) + "]}";
    }

    @Override
    protected void removeSource() {
        // The one group empties when the subscription has no machines.
        vms = "{\"value\": []}";
    }

    @Override
    protected boolean breakPeer() {
        cloud.fault(new FakeCloud.Answer(500, "{}", Map.of()));
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
