package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DNS and Consul discovery plugins in the real server: a dns job against a real dnsmasq and
 * a consul job against a stub of Consul's HTTP API show in /api/v1/targets with Prometheus's
 * meta labels; removing a plugin's jar drops its targets (after the grace period a replacement
 * would get) and leaves its job waiting for the plugin (shown in the targets API and a metric; a
 * reload succeeds), putting it back restores them; check config accepts Prometheus's documented examples.
 */
class DiscoveryPluginsIT {

    private static ServerProcess server;
    private static Process dnsmasq;
    private static HttpServer consul;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Peers.require("dnsmasq");
        server = ServerProcess.prepare();
        int dnsPort = ServerProcess.freePort();
        Path dnsConf = server.home.resolve("dnsmasq.conf");
        Files.writeString(dnsConf, String.join("\n", "port=" + dnsPort, "listen-address=127.0.0.1", "bind-interfaces",
                "no-resolv", "no-hosts", "no-poll", "pid-file=", "local=/example.test/",
                "srv-host=_promethium._tcp.example.test,localhost," + server.port, ""));
        dnsmasq = new ProcessBuilder(binary.toString(), "--keep-in-foreground", "--conf-file=" + dnsConf)
                .redirectErrorStream(true).redirectOutput(server.home.resolve("dnsmasq.log").toFile()).start();
        Path resolv = server.home.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver 127.0.0.1:" + dnsPort + "\noptions timeout:1 attempts:2\n");

        consul = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        consul.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        consul.createContext("/", DiscoveryPluginsIT::consulApi);
        consul.start();

        server.config("""
                global:
                  scrape_interval: 5s
                scrape_configs:
                  - job_name: dns
                    dns_sd_configs:
                      - names: [_promethium._tcp.example.test]
                        refresh_interval: 1s
                  - job_name: consul
                    consul_sd_configs:
                      - server: 127.0.0.1:%d
                        token: s3cr3t-consul-token
                        refresh_interval: 1s
                """.formatted(consul.getAddress().getPort()))
                .start("--web.enable-lifecycle", "--plugins.scan-interval=1s", KubernetesDiscoveryIT.SHORT_GRACE,
                        "--discovery.dns.resolv-conf=" + resolv).awaitReady();
    }

    /** Just enough of Consul's documented API: the agent, the catalog, one healthy service instance; blocking queries wait. */
    private static void consulApi(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        String body;
        if (path.equals("/v1/agent/self")) {
            body = "{\"Config\":{\"Datacenter\":\"dc1\"}}";
        } else if (path.equals("/v1/catalog/services")) {
            body = "{\"promethium\":[\"prod\"]}";
        } else if (path.equals("/v1/health/service/promethium")) {
            body = """
                    [{"Node":{"Node":"node-1","Address":"127.0.0.1","Meta":{"rack":"r1"},"TaggedAddresses":{"lan":"127.0.0.1"}},
                      "Service":{"ID":"promethium-1","Service":"promethium","Tags":["prod"],"Address":"127.0.0.1","Port":%d,
                                 "Meta":{"version":"1"}},
                      "Checks":[{"CheckID":"serfHealth","Status":"passing"}]}]""".formatted(server.port);
        } else {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        if (!"s3cr3t-consul-token".equals(exchange.getRequestHeaders().getFirst("X-Consul-Token"))) {
            body = "ACL not found";
            exchange.sendResponseHeaders(403, body.length());
        } else {
            if (query != null && query.contains("index=")) {
                // Nothing ever changes: a blocking query waits (briefly here) and answers with the same index.
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.getResponseHeaders().set("X-Consul-Index", "42");
            exchange.sendResponseHeaders(200, body.getBytes(StandardCharsets.UTF_8).length);
        }
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (consul != null) {
            consul.stop(0);
        }
        if (dnsmasq != null) {
            dnsmasq.destroy();
            dnsmasq.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static boolean targetsShow(String... parts) {
        String body = server.get("/api/v1/targets").body();
        for (String part : parts) {
            if (!body.contains(part)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void dnsAndConsulJobsShowInTheTargetsApiWithPrometheusMetaLabels() {
        server.await(Duration.ofSeconds(30), () -> targetsShow("\"__meta_dns_name\":\"_promethium._tcp.example.test\"",
                "\"__meta_dns_srv_record_target\":\"localhost.\"", "\"__meta_dns_srv_record_port\":\"" + server.port + "\"",
                "\"job\":\"dns\""), "the dns job's target with its meta labels");
        server.await(Duration.ofSeconds(30), () -> targetsShow("\"__meta_consul_service\":\"promethium\"",
                "\"__meta_consul_dc\":\"dc1\"", "\"__meta_consul_health\":\"passing\"", "\"__meta_consul_tags\":\",prod,\"",
                "\"__meta_consul_service_metadata_version\":\"1\"", "\"__meta_consul_metadata_rack\":\"r1\"",
                "\"__meta_consul_tagged_address_lan\":\"127.0.0.1\"", "\"job\":\"consul\""),
                "the consul job's target with its meta labels");
        String config = server.get("/api/v1/status/config").body();
        // The JSON escapes < and > as Prometheus's does.
        assertThat(config).contains("token: \\u003csecret\\u003e").doesNotContain("s3cr3t-consul-token");
        server.await(Duration.ofSeconds(30), () -> server.get("/metrics").body()
                .contains("prometheus_sd_discovered_targets{config=\"consul\",name=\"scrape\"} 1"), "discovered targets metric");
        assertThat(server.get("/metrics").body()).contains("prometheus_sd_dns_lookups_total")
                .contains("prometheus_sd_consul_rpc_duration_seconds_count");
    }

    @Test
    void removingThePluginJarDropsItsTargetsAndLeavesTheJobWaitingPuttingItBackRestoresThem() throws Exception {
        server.await(Duration.ofSeconds(30), () -> targetsShow("\"job\":\"dns\""), "the dns job's target");
        Path jar = server.home.resolve("plugins/promethium-discovery-dns.jar");
        Path aside = server.home.resolve("promethium-discovery-dns.jar.aside");
        Files.move(jar, aside);
        server.await(Duration.ofSeconds(45), () -> !targetsShow("\"job\":\"dns\""), "the dns targets dropped with the plugin");
        assertThat(targetsShow("\"waitingScrapePools\":[{\"scrapePool\":\"dns\",\"plugin\":\"dns\"",
                "waiting for plugin `dns`")).isTrue();
        assertThat(server.get("/metrics").body()).contains("promethium_config_waiting_plugin{key=\"dns_sd_configs\"} 1");
        HttpResponse<String> reload = server.post("/-/reload");
        assertThat(reload.statusCode()).as("a key waiting for its plugin does not fail the reload").isEqualTo(200);
        assertThat(targetsShow("\"job\":\"consul\"")).as("the other plugin's job carries on").isTrue();
        Files.move(aside, jar, StandardCopyOption.ATOMIC_MOVE);
        server.await(Duration.ofSeconds(30), () -> targetsShow("\"job\":\"dns\"", "__meta_dns_srv_record_target"),
                "the dns targets back with the plugin, without a reload");
        assertThat(targetsShow("waitingScrapePools")).isFalse();
        assertThat(server.post("/-/reload").statusCode()).isEqualTo(200);
    }

    @Test
    void checkConfigAcceptsPrometheusDocumentedDnsAndConsulExamples() throws Exception {
        Path examples = server.home.resolve("conf/sd-examples.yml");
        Files.writeString(examples, """
                scrape_configs:
                  - job_name: service-x
                    dns_sd_configs:
                      - refresh_interval: 15s
                        names:
                          - first.dns.address.domain.com
                          - second.dns.address.domain.com
                      - names:
                          - first.dns.address.domain.com
                      - names: [mail.example.org]
                        type: MX
                        port: 25
                      - names: [ns.example.org]
                        type: NS
                        port: 53
                      - names: [node.example.org]
                        type: AAAA
                        port: 9100
                  - job_name: service-y
                    consul_sd_configs:
                      - server: 'localhost:1234'
                        token: mysecret
                        path_prefix: /consul
                        services: ['nginx', 'cache', 'mysql']
                        tags: ['canary', 'v1']
                        node_meta:
                          rack: '123'
                        allow_stale: true
                        scheme: https
                        tls_config:
                          ca_file: valid_ca_file
                          cert_file: valid_cert_file
                          key_file: valid_key_file
                          insecure_skip_verify: false
                      - server: 'localhost:8500'
                        datacenter: dc1
                        namespace: ns1
                        partition: admin
                        tag_separator: ';'
                        refresh_interval: 1m
                        filter: 'Service.Tags contains "prod"'
                        basic_auth:
                          username: prometheus
                          password: secret
                    relabel_configs:
                      - source_labels: [__meta_consul_service]
                        target_label: service
                """);
        for (String file : new String[] {"valid_ca_file", "valid_cert_file", "valid_key_file"}) {
            Files.writeString(server.home.resolve("conf").resolve(file), "");
        }
        ServerProcess.Result ok = server.runToCompletion("check", "config", examples.toString());
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        Files.writeString(examples, """
                scrape_configs:
                  - job_name: bad
                    dns_sd_configs:
                      - names: [a.example.org]
                        type: A
                    consul_sd_configs:
                      - token: t
                        authorization:
                          credentials: c
                """);
        ServerProcess.Result bad = server.runToCompletion("check", "config", examples.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.output()).contains("sd-examples.yml:4:9").contains("a port is required in DNS-SD configs");
    }
}
