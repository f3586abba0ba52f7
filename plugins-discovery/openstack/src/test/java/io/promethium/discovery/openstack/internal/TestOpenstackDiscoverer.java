package io.promethium.discovery.openstack.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The OpenStack discoverer passes the api's discovery contract against {@link FakeOpenstack}, a loopback stand-in of Keystone and Nova. */
class TestOpenstackDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    private FakeOpenstack openstack;

    @AfterEach
    void stopOpenstack() {
        if (openstack != null) {
            openstack.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        openstack = new FakeOpenstack();
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected OpenstackDiscovererFactory factory() {
        return new OpenstackDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("identity_endpoint", openstack.identityUrl(), "username", "test", "password", FakeOpenstack.PASSWORD, "domain_name", "12345", "region", "RegionOne", "role", "hypervisor", "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("role", "nope"); // no such role
    }

    @Override
    protected void changeTargets() {
        openstack.answer("/os-hypervisors/detail",
                "{\"hypervisors\":[{\"id\":1,\"host_ip\":\"172.16.70.14\",\"hypervisor_hostname\":\"nc14.cloud.com\","
                        + "\"status\":\"enabled\",\"state\":\"up\",\"hypervisor_type\":\"QEMU\"}]}");
    }

    @Override
    protected void removeSource() {
        // The one group OS_<region> empties when the region has no hypervisors.
        openstack.answer("/os-hypervisors/detail", "{\"hypervisors\":[]}");
    }

    @Override
    protected boolean breakPeer() {
        openstack.status(500);
        return true;
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
