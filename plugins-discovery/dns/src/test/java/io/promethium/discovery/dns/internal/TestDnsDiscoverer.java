package io.promethium.discovery.dns.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The DNS discoverer passes the api's discovery contract against a real dnsmasq. */
class TestDnsDiscoverer extends AbstractDiscovererContractTest {

    private static final String WEB = "srv-host=_web._tcp.example.test,web1.example.test,8080";
    private static final String DB = "srv-host=_db._tcp.example.test,db1.example.test,5432";

    @TempDir
    Path dir;
    private Dnsmasq dnsmasq;

    @AfterEach
    void stopDnsmasq() throws Exception {
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        dnsmasq = Dnsmasq.start(dir, WEB + "\n" + DB);
        Files.writeString(dir.resolve("resolv.conf"), dnsmasq.resolvConf(""));
        return new TestPluginContext(dir, "contract");
    }

    @Override
    protected DnsDiscovererFactory factory() {
        return new DnsDiscovererFactory(dir.resolve("resolv.conf"));
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("names", List.of("_web._tcp.example.test", "_db._tcp.example.test"), "refresh_interval", "1s");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() throws Exception {
        dnsmasq.serve(WEB + "\n" + "srv-host=_web._tcp.example.test,web2.example.test,8081" + "\n" + DB);
    }

    @Override
    protected void removeSource() throws Exception {
        dnsmasq.serve(WEB);
    }

    /** dnsmasq stops: lookups get no answer. */
    @Override
    protected boolean breakPeer() throws Exception {
        dnsmasq.close();
        return true;
    }
}
