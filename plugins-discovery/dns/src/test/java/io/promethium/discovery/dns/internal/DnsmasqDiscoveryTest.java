package io.promethium.discovery.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.TestPluginContext;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DNS discovery against a real dnsmasq on loopback: record types, meta labels, changes, NXDOMAIN, bad servers. */
class DnsmasqDiscoveryTest {

    @TempDir
    Path dir;
    private Dnsmasq dnsmasq;
    private Discoverer discoverer;
    private TestPluginContext context;
    private final BlockingQueue<List<TargetGroup>> updates = new LinkedBlockingQueue<>();
    private final Map<String, TargetGroup> groups = new HashMap<>();

    @AfterEach
    void stop() throws Exception {
        if (discoverer != null) {
            discoverer.close();
        }
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    private void start(String records, String resolvExtra, Map<String, Object> block) throws Exception {
        dnsmasq = Dnsmasq.start(dir, records);
        Files.writeString(dir.resolve("resolv.conf"), dnsmasq.resolvConf(resolvExtra));
        context = new TestPluginContext(dir, "dns-test");
        discoverer = new DnsDiscovererFactory(dir.resolve("resolv.conf"))
                .create(new PluginConfig("dns_sd_configs", block, "prometheus.yml:9:7"), context);
        discoverer.start(updates::add);
    }

    private TargetGroup await(String source, Predicate<TargetGroup> check) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            TargetGroup group = groups.get(source);
            if (group != null && check.test(group)) {
                return group;
            }
            long left = deadline - System.nanoTime();
            List<TargetGroup> update = left <= 0 ? null : updates.poll(left, TimeUnit.NANOSECONDS);
            assertThat(update).as("an update for " + source + "; have " + groups).isNotNull();
            update.forEach(g -> groups.put(g.source(), g));
        }
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
        TargetGroup group = await("_web._tcp.example.test", g -> g.targets().size() == 2);
        assertThat(addresses(group)).containsExactly("web1.example.test:8080", "web2.example.test:8081");
        Labels web1 = group.targets().stream().filter(t -> t.get("__address__").startsWith("web1")).findFirst().orElseThrow();
        assertThat(web1.get("__meta_dns_name")).isEqualTo("_web._tcp.example.test");
        assertThat(web1.get("__meta_dns_srv_record_target")).isEqualTo("web1.example.test.");
        assertThat(web1.get("__meta_dns_srv_record_port")).isEqualTo("8080");
        assertThat(web1.get("__meta_dns_mx_record_target")).isEmpty();
        assertThat(web1.get("__meta_dns_ns_record_target")).isEmpty();
        assertThat(context.metrics().value("prometheus_sd_dns_lookups_total")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aAndAaaaRecordsTakeTheConfiguredPort() throws Exception {
        start("host-record=node.example.test,127.0.0.11,fd00::11\nhost-record=node.example.test,127.0.0.12", "",
                Map.of("names", List.of("node.example.test"), "type", "A", "port", 9100));
        assertThat(addresses(await("node.example.test", g -> g.targets().size() == 2)))
                .containsExactly("127.0.0.11:9100", "127.0.0.12:9100");
        discoverer.close();
        groups.clear();
        updates.clear();
        discoverer = new DnsDiscovererFactory(dir.resolve("resolv.conf")).create(new PluginConfig("dns_sd_configs",
                Map.of("names", List.of("node.example.test"), "type", "AAAA", "port", 9100), ""), context);
        discoverer.start(updates::add);
        TargetGroup v6 = await("node.example.test", g -> g.targets().size() == 1);
        assertThat(addresses(v6)).containsExactly("[fd00::11]:9100");
        assertThat(v6.targets().get(0).get("__meta_dns_name")).isEqualTo("node.example.test");
    }

    @Test
    void mxRecordsTakeTheConfiguredPortAndNameTheExchange() throws Exception {
        start("mx-host=example.test,mail.example.test,10", "",
                Map.of("names", List.of("example.test"), "type", "MX", "port", 25));
        TargetGroup group = await("example.test", g -> g.targets().size() == 1);
        assertThat(addresses(group)).containsExactly("mail.example.test:25");
        assertThat(group.targets().get(0).get("__meta_dns_mx_record_target")).isEqualTo("mail.example.test.");
        assertThat(group.targets().get(0).get("__meta_dns_srv_record_target")).isEmpty();
    }

    @Test
    void recordsChangingBetweenRefreshesAreFollowedAndANameThatGoesAwayEmptiesItsGroup() throws Exception {
        start("host-record=node.example.test,127.0.0.11", "",
                Map.of("names", List.of("node.example.test"), "type", "A", "port", 80, "refresh_interval", "500ms"));
        await("node.example.test", g -> g.targets().size() == 1);
        dnsmasq.serve("host-record=node.example.test,127.0.0.11\nhost-record=node.example.test,127.0.0.12");
        assertThat(addresses(await("node.example.test", g -> g.targets().size() == 2)))
                .containsExactly("127.0.0.11:80", "127.0.0.12:80");
        dnsmasq.serve("host-record=other.example.test,127.0.0.13");
        await("node.example.test", g -> g.targets().isEmpty());
    }

    @Test
    void nxdomainIsAnEmptyGroupNotAFailure() throws Exception {
        start("host-record=node.example.test,127.0.0.11", "",
                Map.of("names", List.of("missing.example.test"), "type", "A", "port", 80));
        assertThat(await("missing.example.test", g -> true).targets()).isEmpty();
        assertThat(context.metrics().value("prometheus_sd_dns_lookup_failures_total")).isZero();
    }

    @Test
    void theSearchPathAndNdotsOfResolvConfApply() throws Exception {
        start("host-record=node.example.test,127.0.0.11", "search nothere.test example.test\n",
                Map.of("names", List.of("node"), "type", "A", "port", 80));
        assertThat(addresses(await("node", g -> !g.targets().isEmpty()))).containsExactly("127.0.0.11:80");
    }

    @Test
    void aSilentServerThenOneAnsweringGarbageKeepTheLastTargetsAndAreCountedAndLoggedOnce() throws Exception {
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        start("host-record=node.example.test,127.0.0.11", "",
                Map.of("names", List.of("node.example.test"), "type", "A", "port", 80, "refresh_interval", "300ms"));
        Logger logger = context.logger();
        logger.addHandler(handler);
        try {
            await("node.example.test", g -> g.targets().size() == 1);
            int port = dnsmasq.port();
            dnsmasq.close();
            try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (context.metrics().value("prometheus_sd_dns_lookup_failures_total") < 3) {
                    assertThat(System.nanoTime()).as("three failed lookups against a silent server").isLessThan(deadline);
                    Thread.sleep(50);
                }
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
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (warnings.size() < 2) {
                    assertThat(System.nanoTime()).as("a new warning for the new error").isLessThan(deadline);
                    Thread.sleep(50);
                }
                garbage.close();
                answering.join();
            }
            assertThat(warnings.get(1)).contains("unparsable answer");
            assertThat(updates).as("no update replaced the last good targets").allSatisfy(u -> assertThat(u).isEmpty());
            assertThat(groups.get("node.example.test").targets()).hasSize(1);
        } finally {
            logger.removeHandler(handler);
        }
    }
}
