package io.promethium.discovery.eureka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.RealPrometheus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Eureka SD against a real Eureka server: Netflix's {@code eureka-core} registry as Spring Cloud
 * Netflix's Eureka server runs it (test scope, from Maven Central), started once for the class on
 * 127.0.0.1. Applications register, change status, cancel and expire through Eureka's REST API
 * as its clients do, and the plugin's targets and {@code __meta_eureka_*} labels are those
 * Prometheus's {@code eureka_sd_configs} documents for what the server lists. Faults the real
 * server does not produce (a 500, garbage XML, no answer) and the discoverer contract (which
 * breaks its peer) stay on {@link FakeEureka}.
 */
class EurekaServerTest {

    private static final String P = "__meta_eureka_app_instance_";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A Eureka server and nothing else: no component scan of the test package. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableEurekaServer
    static class Server {
    }

    private static ConfigurableApplicationContext server;
    private static String url;

    @TempDir
    Path dir;
    private DiscoveryHarness harness;
    private final List<String[]> registered = new ArrayList<>();

    @BeforeAll
    static void startEureka() {
        server = new SpringApplicationBuilder(Server.class).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .properties(Map.ofEntries(
                        Map.entry("server.address", "127.0.0.1"),
                        Map.entry("server.port", "0"),
                        Map.entry("spring.application.name", "eureka"),
                        Map.entry("logging.level.root", "WARN"),
                        Map.entry("spring.jmx.enabled", "false"),
                        // A lone server: it neither registers with nor fetches from a peer; its own
                        // host is 127.0.0.1, so the service URL below is itself and no peer.
                        Map.entry("eureka.instance.hostname", "127.0.0.1"),
                        Map.entry("eureka.client.register-with-eureka", "false"),
                        Map.entry("eureka.client.fetch-registry", "false"),
                        Map.entry("eureka.client.service-url.defaultZone", "http://127.0.0.1:1/eureka/"),
                        Map.entry("eureka.dashboard.enabled", "false"),
                        // Leases expire (no self-preservation), eviction runs every half second, and
                        // reads see changes at once (no 30 s read-only cache).
                        Map.entry("eureka.server.enable-self-preservation", "false"),
                        Map.entry("eureka.server.eviction-interval-timer-in-ms", "500"),
                        Map.entry("eureka.server.use-read-only-response-cache", "false"),
                        Map.entry("eureka.server.wait-time-in-ms-when-sync-empty", "0")))
                .run();
        int port = ((ServletWebServerApplicationContext) server).getWebServer().getPort();
        url = "http://127.0.0.1:" + port + "/eureka";
    }

    @AfterAll
    static void stopEureka() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newHarness() {
        harness = new DiscoveryHarness(dir, "eureka-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void cancelAll() throws Exception {
        harness.close();
        for (String[] instance : registered) {
            send("DELETE", "/apps/" + instance[0] + "/" + instance[1], null);
        }
    }

    private void start() throws Exception {
        harness.start(new EurekaDiscovererFactory(), "eureka_sd_configs", Map.of("server", url, "refresh_interval", "500ms"));
    }

    private TargetGroup await(Predicate<TargetGroup> check) throws InterruptedException {
        return harness.awaitLast(check);
    }

    private void register(String app, String id, String xml) throws Exception {
        assertThat(send("POST", "/apps/" + app, xml)).as("register " + id).isEqualTo(204);
        registered.add(new String[] {app, id});
    }

    private static int send(String method, String path, String xml) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/xml");
        request.method(method, xml == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(xml));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** An instance on AWS as Netflix's client registers it: the data centre's metadata comes along. */
    private static String amazonInstance(String app, String id, String host, String ip, int port) {
        return """
                <instance>
                  <instanceId>%1$s</instanceId>
                  <hostName>%2$s</hostName>
                  <app>%3$s</app>
                  <ipAddr>%4$s</ipAddr>
                  <status>UP</status>
                  <port enabled="false">%5$d</port>
                  <securePort enabled="true">8443</securePort>
                  <countryId>1</countryId>
                  <dataCenterInfo class="com.netflix.appinfo.AmazonInfo">
                    <name>Amazon</name>
                    <metadata>
                      <instance-id>%1$s</instance-id>
                      <ami-id>ami-0abc</ami-id>
                      <availability-zone>eu-west-1a</availability-zone>
                      <local-ipv4>%4$s</local-ipv4>
                    </metadata>
                  </dataCenterInfo>
                  <leaseInfo><renewalIntervalInSecs>30</renewalIntervalInSecs><durationInSecs>90</durationInSecs></leaseInfo>
                  <metadata><zone>eu-west-1a</zone></metadata>
                  <homePageUrl>http://%2$s:%5$d/</homePageUrl>
                  <statusPageUrl>http://%2$s:%5$d/info</statusPageUrl>
                  <healthCheckUrl>http://%2$s:%5$d/health</healthCheckUrl>
                  <vipAddress>%6$s</vipAddress>
                  <secureVipAddress>%6$s-secure</secureVipAddress>
                </instance>""".formatted(id, host, app, ip, port, app.toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void registeredInstancesAreTargetsWithPrometheusLabels() throws Exception {
        register("CONFIG-SERVICE", "config-1.test:config-service:8080",
                EurekaClient.instance("CONFIG-SERVICE", "config-1.test", "192.133.83.31", 8080, "UP", 90));
        register("API", "i-0123", amazonInstance("API", "i-0123", "api-1.test", "10.1.2.3", 7001));
        start();
        TargetGroup g = await(x -> x.targets().size() == 2);
        assertThat(g.source()).isEqualTo("eureka");
        assertThat(g.labels()).isEqualTo(Labels.EMPTY);
        assertThat(g.targets()).containsExactlyInAnyOrder(Labels.fromMap(Map.ofEntries(
                Map.entry("__address__", "config-1.test:8080"),
                Map.entry("instance", "config-1.test:config-service:8080"),
                Map.entry("__meta_eureka_app_name", "CONFIG-SERVICE"),
                Map.entry(P + "hostname", "config-1.test"),
                Map.entry(P + "homepage_url", "http://config-1.test:8080/"),
                Map.entry(P + "statuspage_url", "http://config-1.test:8080/info"),
                Map.entry(P + "healthcheck_url", "http://config-1.test:8080/health"),
                Map.entry(P + "ip_addr", "192.133.83.31"),
                Map.entry(P + "vip_address", "config-service"),
                Map.entry(P + "secure_vip_address", "config-service"),
                Map.entry(P + "status", "UP"),
                Map.entry(P + "country_id", "1"),
                Map.entry(P + "id", "config-1.test:config-service:8080"),
                Map.entry(P + "port", "8080"),
                Map.entry(P + "port_enabled", "true"),
                Map.entry(P + "secure_port", "443"),
                Map.entry(P + "secure_port_enabled", "false"),
                Map.entry(P + "datacenterinfo_name", "MyOwn"),
                Map.entry(P + "metadata_management_port", "8080"))),
                Labels.fromMap(Map.ofEntries(
                        Map.entry("__address__", "api-1.test:7001"),
                        Map.entry("instance", "i-0123"),
                        Map.entry("__meta_eureka_app_name", "API"),
                        Map.entry(P + "hostname", "api-1.test"),
                        Map.entry(P + "homepage_url", "http://api-1.test:7001/"),
                        Map.entry(P + "statuspage_url", "http://api-1.test:7001/info"),
                        Map.entry(P + "healthcheck_url", "http://api-1.test:7001/health"),
                        Map.entry(P + "ip_addr", "10.1.2.3"),
                        Map.entry(P + "vip_address", "api"),
                        Map.entry(P + "secure_vip_address", "api-secure"),
                        Map.entry(P + "status", "UP"),
                        Map.entry(P + "country_id", "1"),
                        Map.entry(P + "id", "i-0123"),
                        Map.entry(P + "port", "7001"),
                        Map.entry(P + "port_enabled", "false"),
                        Map.entry(P + "secure_port", "8443"),
                        Map.entry(P + "secure_port_enabled", "true"),
                        Map.entry(P + "datacenterinfo_name", "Amazon"),
                        Map.entry(P + "datacenterinfo_metadata_instance_id", "i-0123"),
                        Map.entry(P + "datacenterinfo_metadata_ami_id", "ami-0abc"),
                        Map.entry(P + "datacenterinfo_metadata_availability_zone", "eu-west-1a"),
                        Map.entry(P + "datacenterinfo_metadata_local_ipv4", "10.1.2.3"),
                        Map.entry(P + "metadata_zone", "eu-west-1a"))));
    }

    @Test
    void instancesChangingStatusCancellingAndExpiringAreFollowed() throws Exception {
        register("WEB", "web-1.test:web:8080", EurekaClient.instance("WEB", "web-1.test", "10.0.0.1", 8080, "UP", 90));
        start();
        await(g -> g.targets().size() == 1);
        // A lease of 2 s that is never renewed: the server's eviction drops it.
        register("BATCH", "batch-1.test:batch:9090",
                EurekaClient.instance("BATCH", "batch-1.test", "10.0.0.2", 9090, "STARTING", 2));
        TargetGroup both = await(g -> g.targets().size() == 2);
        assertThat(both.targets()).anyMatch(t -> t.get(P + "status").equals("STARTING") && t.get("instance").equals("batch-1.test:batch:9090"));
        await(g -> g.targets().size() == 1 && g.targets().get(0).get("__meta_eureka_app_name").equals("WEB"));
        // An operator takes the instance out of service: the server overrides its status.
        assertThat(send("PUT", "/apps/WEB/web-1.test:web:8080/status?value=OUT_OF_SERVICE", null)).isEqualTo(200);
        await(g -> g.targets().size() == 1 && g.targets().get(0).get(P + "status").equals("OUT_OF_SERVICE"));
        assertThat(send("DELETE", "/apps/WEB/web-1.test:web:8080", null)).isEqualTo(200);
        await(g -> g.targets().isEmpty());
    }

    /**
     * The same registry discovered by the real Prometheus (Debian's 2.42, {@link RealPrometheus}) and by the plugin, with
     * the same config: every target's discovered labels equal. Prometheus 3 changed none of {@code eureka_sd_configs}'
     * labels since 2.42, so the whole set is compared.
     */
    @Test
    void discoveredLabelsAreThoseOfTheRealPrometheus() throws Exception {
        register("CONFIG-SERVICE", "config-1.test:config-service:8080",
                EurekaClient.instance("CONFIG-SERVICE", "config-1.test", "192.133.83.31", 8080, "UP", 90));
        register("CONFIG-SERVICE", "config-2.test:config-service:8080",
                EurekaClient.instance("CONFIG-SERVICE", "config-2.test", "192.133.83.32", 8080, "DOWN", 90));
        register("API", "i-0123", amazonInstance("API", "i-0123", "api-1.test", "10.1.2.3", 7001));
        register("IPV6", "v6-1.test:ipv6:9090", EurekaClient.instance("IPV6", "v6-1.test", "::1", 9090, "STARTING", 90));
        // An IPv6 host name, metadata keys to sanitize and values with characters XML escapes.
        register("ODD", "odd-1", EurekaClient.instance("ODD", "::1", "::1", 9091, "UP", 90)
                .replace("<instanceId>::1:odd:9091</instanceId>", "<instanceId>odd-1</instanceId>")
                .replace("<management.port>9091</management.port>",
                        "<build-info>a&amp;b &lt;c&gt; \"q\" 'a'</build-info><empty></empty><ünï>ü</ünï>"));
        try (RealPrometheus prometheus = RealPrometheus.start(("""
                  - job_name: eureka
                    eureka_sd_configs:
                      - server: %s
                        refresh_interval: 1s
                """ + RealPrometheus.KEEP_META).formatted(url))) {
            start();
            prometheus.assertSameTargets("eureka", harness, 5);
        }
    }
}
