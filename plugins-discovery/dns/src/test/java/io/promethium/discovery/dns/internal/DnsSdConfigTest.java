package io.promethium.discovery.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsSdConfigTest {

    private static PluginConfig block(Map<String, Object> values) {
        return new PluginConfig("dns_sd_configs", values, "prometheus.yml:5:7", Map.of("type", "prometheus.yml:6:9"));
    }

    @Test
    void defaultsAreSrvAndThirtySeconds() throws ConfigException {
        DnsSdConfig config = DnsSdConfig.parse(block(Map.of("names", List.of("_prometheus._tcp.example.org"))));
        assertThat(config.type()).isEqualTo(DnsSdConfig.RecordType.SRV);
        assertThat(config.port()).isZero();
        assertThat(config.refreshInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void explicitValuesAreTakenAndTheTypeIsCaseInsensitive() throws ConfigException {
        DnsSdConfig config = DnsSdConfig.parse(block(Map.of("names", List.of("a.example.org", "b.example.org"),
                "type", "aaaa", "port", 9100, "refresh_interval", "1m")));
        assertThat(config.names()).containsExactly("a.example.org", "b.example.org");
        assertThat(config.type()).isEqualTo(DnsSdConfig.RecordType.AAAA);
        assertThat(config.port()).isEqualTo(9100);
        assertThat(config.refreshInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void invalidBlocksAreRefusedWithPrometheusMessagesAndLocations() {
        assertThatThrownBy(() -> DnsSdConfig.parse(block(Map.of())))
                .hasMessage("prometheus.yml:5:7: DNS-SD config must contain at least one SRV record name");
        assertThatThrownBy(() -> DnsSdConfig.parse(block(Map.of("names", List.of("x"), "type", "TXT"))))
                .hasMessage("prometheus.yml:6:9: invalid DNS-SD records type TXT");
        assertThatThrownBy(() -> DnsSdConfig.parse(block(Map.of("names", List.of("x"), "type", "A"))))
                .hasMessageContaining("a port is required in DNS-SD configs for all record types except SRV");
        assertThatThrownBy(() -> DnsSdConfig.parse(block(Map.of("names", List.of("x"), "typo", "A"))))
                .hasMessageContaining("field typo not found in dns_sd_configs");
        assertThatThrownBy(() -> DnsSdConfig.parse(block(Map.of("names", List.of("x"), "refresh_interval", "0s"))))
                .hasMessageContaining("refresh_interval must be greater than 0");
        assertThatThrownBy(() -> DnsSdConfig.parse(block(Map.of("names", "x"))))
                .hasMessageContaining("names: expected a list of strings");
    }

    @Test
    void resolvConfIsReadAsGoReadsIt() {
        ResolvConf conf = ResolvConf.parse("""
                # comment
                nameserver 10.0.0.1
                nameserver 127.0.0.1:5353
                nameserver [::1]:5354
                nameserver example.org
                domain ignored.example
                search a.example b.example
                options ndots:2 timeout:3 attempts:4 rotate
                """);
        assertThat(conf.servers()).containsExactly(new InetSocketAddress("10.0.0.1", 53), new InetSocketAddress("127.0.0.1", 5353),
                new InetSocketAddress("::1", 5354));
        assertThat(conf.search()).containsExactly("a.example", "b.example");
        assertThat(conf.ndots()).isEqualTo(2);
        assertThat(conf.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(conf.attempts()).isEqualTo(4);
        ResolvConf empty = ResolvConf.parse("");
        assertThat(empty.servers()).containsExactly(new InetSocketAddress("127.0.0.1", 53));
        assertThat(empty.ndots()).isEqualTo(1);
        assertThat(empty.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(empty.attempts()).isEqualTo(2);
    }

    @Test
    void candidateNamesFollowTheSearchListAndNdots() {
        ResolvConf conf = ResolvConf.parse("search a.example b.example\noptions ndots:2\n");
        assertThat(conf.candidates("web.")).containsExactly("web.");
        assertThat(conf.candidates("web")).containsExactly("web.a.example.", "web.b.example.", "web.");
        assertThat(conf.candidates("x.y.z")).containsExactly("x.y.z.", "x.y.z.a.example.", "x.y.z.b.example.");
    }

    @Test
    void ipv6AddressesArePrintedAsGoPrintsThem() throws Exception {
        assertThat(io.promethium.goformat.GoAddresses.format(InetAddress.getByName("fd00:0:0:0:0:0:0:11"))).isEqualTo("fd00::11");
        assertThat(io.promethium.goformat.GoAddresses.format(InetAddress.getByName("::1"))).isEqualTo("::1");
        assertThat(io.promethium.goformat.GoAddresses.format(InetAddress.getByName("2001:db8:0:1:0:0:0:1"))).isEqualTo("2001:db8:0:1::1");
        assertThat(io.promethium.goformat.GoAddresses.format(InetAddress.getByName("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(DnsDiscoverer.hostPort("fd00::11", 80)).isEqualTo("[fd00::11]:80");
    }
}
