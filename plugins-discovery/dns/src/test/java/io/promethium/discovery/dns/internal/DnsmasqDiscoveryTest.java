package io.promethium.discovery.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DNS discovery against a real dnsmasq on loopback: record types, meta labels, changes, NXDOMAIN, bad servers. */
class DnsmasqDiscoveryTest {

    @TempDir
    Path dir;
    private Dnsmasq dnsmasq;
    private DiscoveryHarness harness;

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    private void start(String records, String resolvExtra, Map<String, Object> block) throws Exception {
        dnsmasq = Dnsmasq.start(dir, records);
        Files.writeString(dir.resolve("resolv.conf"), dnsmasq.resolvConf(resolvExtra));
        harness = new DiscoveryHarness(new TestPluginContext(dir, "dns-test"), Duration.ofSeconds(15));
        harness.start(new DnsDiscovererFactory(dir.resolve("resolv.conf")), block);
    }

    private static List<String> addresses(TargetGroup group) {
        List<String> result = new ArrayList<>();
        group.targets().forEach(t -> result.add(t.get("__address__")));
        result.sort(null);
        return result;
    }

    @Test
    void srvRecordsBecomeTargetsWithPrometheusMetaLabels() throws Exception {
        start("srv-host=_web._tcp.example.test,web1.example.test,8080\nsrv-host=_web._tcp.example.test,web2.example.test,8081",
                "", Map.of("names", List.of("_web._tcp.example.test")));
        TargetGroup group = harness.awaitSource("_web._tcp.example.test", g -> g.targets().size() == 2);
        assertThat(addresses(group)).containsExactly("web1.example.test:8080", "web2.example.test:8081");
        Labels web1 = group.targets().stream().filter(t -> t.get("__address__").startsWith("web1")).findFirst().orElseThrow();
        assertThat(web1.get("__meta_dns_name")).isEqualTo("_web._tcp.example.test");
        assertThat(web1.get("__meta_dns_srv_record_target")).isEqualTo("web1.example.test.");
        assertThat(web1.get("__meta_dns_srv_record_port")).isEqualTo("8080");
        assertThat(web1.get("__meta_dns_mx_record_target")).isEmpty();
        assertThat(web1.get("__meta_dns_ns_record_target")).isEmpty();
        assertThat(harness.context().metrics().value("prometheus_sd_dns_lookups_total")).isGreaterThanOrEqualTo(1);
        // Each refresh is timed, as Prometheus's refresh discoverers; a refresh as a whole never fails.
        assertThat(harness.context().metrics().count("prometheus_sd_refresh_duration_seconds", "dns", "dns-test")).isGreaterThanOrEqualTo(1);
        assertThat(harness.context().metrics().count("prometheus_sd_refresh_duration_histogram_seconds", "dns")).isGreaterThanOrEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "dns", "dns-test")).isZero();
    }

    @Test
    void aAndAaaaRecordsTakeTheConfiguredPort() throws Exception {
        start("host-record=node.example.test,127.0.0.11,fd00::11\nhost-record=node.example.test,127.0.0.12", "",
                Map.of("names", List.of("node.example.test"), "type", "A", "port", 9100));
        assertThat(addresses(harness.awaitSource("node.example.test", g -> g.targets().size() == 2)))
                .containsExactly("127.0.0.11:9100", "127.0.0.12:9100");
        harness.closeDiscoverer();
        harness.groups().clear();
        harness.discardUpdates();
        harness.start(new DnsDiscovererFactory(dir.resolve("resolv.conf")),
                Map.of("names", List.of("node.example.test"), "type", "AAAA", "port", 9100));
        TargetGroup v6 = harness.awaitSource("node.example.test", g -> g.targets().size() == 1);
        assertThat(addresses(v6)).containsExactly("[fd00::11]:9100");
        assertThat(v6.targets().get(0).get("__meta_dns_name")).isEqualTo("node.example.test");
    }

    @Test
    void mxRecordsTakeTheConfiguredPortAndNameTheExchange() throws Exception {
        start("mx-host=example.test,mail.example.test,10", "",
                Map.of("names", List.of("example.test"), "type", "MX", "port", 25));
        TargetGroup group = harness.awaitSource("example.test", g -> g.targets().size() == 1);
        assertThat(addresses(group)).containsExactly("mail.example.test:25");
        assertThat(group.targets().get(0).get("__meta_dns_mx_record_target")).isEqualTo("mail.example.test.");
        assertThat(group.targets().get(0).get("__meta_dns_srv_record_target")).isEmpty();
    }

    @Test
    void recordsChangingBetweenRefreshesAreFollowedAndANameThatGoesAwayEmptiesItsGroup() throws Exception {
        start("host-record=node.example.test,127.0.0.11", "",
                Map.of("names", List.of("node.example.test"), "type", "A", "port", 80, "refresh_interval", "500ms"));
        harness.awaitSource("node.example.test", g -> g.targets().size() == 1);
        dnsmasq.serve("host-record=node.example.test,127.0.0.11\nhost-record=node.example.test,127.0.0.12");
        assertThat(addresses(harness.awaitSource("node.example.test", g -> g.targets().size() == 2)))
                .containsExactly("127.0.0.11:80", "127.0.0.12:80");
        dnsmasq.serve("host-record=other.example.test,127.0.0.13");
        harness.awaitSource("node.example.test", g -> g.targets().isEmpty());
    }

    @Test
    void nxdomainIsAnEmptyGroupNotAFailure() throws Exception {
        start("host-record=node.example.test,127.0.0.11", "",
                Map.of("names", List.of("missing.example.test"), "type", "A", "port", 80));
        assertThat(harness.awaitSource("missing.example.test", g -> true).targets()).isEmpty();
        assertThat(harness.context().metrics().value("prometheus_sd_dns_lookup_failures_total")).isZero();
    }

    @Test
    void theSearchPathAndNdotsOfResolvConfApply() throws Exception {
        start("host-record=node.example.test,127.0.0.11", "search nothere.test example.test\n",
                Map.of("names", List.of("node"), "type", "A", "port", 80));
        assertThat(addresses(harness.awaitSource("node", g -> !g.targets().isEmpty()))).containsExactly("127.0.0.11:80");
    }

    @Test
    void aSilentServerThenOneAnsweringGarbageKeepTheLastTargetsAndAreCountedAndLoggedOnce() throws Exception {
        start("host-record=node.example.test,127.0.0.11", "",
                Map.of("names", List.of("node.example.test"), "type", "A", "port", 80, "refresh_interval", "300ms"));
        List<String> warnings = harness.warnings();
        harness.awaitSource("node.example.test", g -> g.targets().size() == 1);
        int port = dnsmasq.port();
        dnsmasq.close();
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            harness.awaitMetric("prometheus_sd_dns_lookup_failures_total", 3);
        }
        assertThat(warnings).as("one warning for an unchanged error").hasSize(1);
        assertThat(warnings.get(0)).contains("node.example.test").contains("no answer");
        try (DatagramSocket garbage = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            Thread answering = Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[512];
                while (!garbage.isClosed()) {
                    try {
                        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                        garbage.receive(packet);
                        byte[] junk = {packet.getData()[0], packet.getData()[1], (byte) 0x81, 0x7f, 0x00, 0x01};
                        garbage.send(new DatagramPacket(junk, junk.length, packet.getSocketAddress()));
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            harness.awaitWarning("unparsable answer");
            garbage.close();
            answering.join();
        }
        assertThat(warnings.get(1)).contains("unparsable answer");
        for (List<TargetGroup> update = harness.nextUpdate(Duration.ZERO); update != null;
                update = harness.nextUpdate(Duration.ZERO)) {
            assertThat(update).as("no update replaced the last good targets").isEmpty();
        }
        assertThat(harness.groups().get("node.example.test").targets()).hasSize(1);
    }
}
