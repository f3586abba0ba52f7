package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The discovery plugins against the real Prometheus (Debian's 2.42): the same config, one job per
 * mechanism, against the same peers, and each job's discovered {@code __address__},
 * {@code instance} and {@code __meta_*} labels in {@code /api/v1/targets} compared between the two.
 * Peers: a real ZooKeeper server (Curator's TestingServer) for nerve and serverset; loopback
 * stand-ins serving the documented answers for the HTTP SD endpoint and Eureka's {@code /apps}
 * (no Eureka server is installed here). Debian's 2.42 build lacks {@code nomad_sd_configs} and
 * {@code kuma_sd_configs}, so those have no differential check.
 */
class DiscoveryDifferentialIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpServer standIns;
    private static TestingServer zooKeeper;
    private static ServerProcess promethium;
    private static PrometheusProcess prometheus;

    @BeforeAll
    static void start() throws Exception {
        standIns = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        standIns.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        standIns.createContext("/sd", exchange -> send(exchange, "application/json", """
                [{"targets":["127.0.0.1:9100","127.0.0.2:9100"],"labels":{"env":"prod","__meta_dc":"dc1"}},
                 {"targets":["127.0.0.3:9100"]}]"""));
        standIns.createContext("/eureka/apps", exchange -> send(exchange, "application/xml", EUREKA_APPS));
        standIns.start();
        zooKeeper = new TestingServer(true);
        populateZooKeeper(zooKeeper.getConnectString());

        String sd = "http://127.0.0.1:" + standIns.getAddress().getPort();
        String zk = zooKeeper.getConnectString();
        String config = """
                global:
                  scrape_interval: 1m
                scrape_configs:
                  - job_name: http
                    http_sd_configs:
                      - url: %1$s/sd
                        refresh_interval: 1s
                  - job_name: eureka
                    eureka_sd_configs:
                      - server: %1$s/eureka
                        refresh_interval: 1s
                  - job_name: nerve
                    nerve_sd_configs:
                      - servers: ['%2$s']
                        paths: [/nerve/services/web/services, /nerve/services/db/services]
                  - job_name: serverset
                    serverset_sd_configs:
                      - servers: ['%2$s']
                        paths: [/aurora/prod/web]
                        timeout: 5s
                """.formatted(sd, zk);
        prometheus = PrometheusProcess.start(config);
        promethium = ServerProcess.prepare().config(config).start().awaitReady();
    }

    private static final String EUREKA_APPS = """
            <applications>
              <versions__delta>1</versions__delta>
              <apps__hashcode>UP_2_</apps__hashcode>
              <application>
                <name>CONFIG-SERVICE</name>
                <instance>
                  <instanceId>config-1.test:config-service:8080</instanceId>
                  <hostName>127.0.0.1</hostName>
                  <app>CONFIG-SERVICE</app>
                  <ipAddr>127.0.0.1</ipAddr>
                  <status>UP</status>
                  <port enabled="true">8080</port>
                  <securePort enabled="false">443</securePort>
                  <countryId>1</countryId>
                  <dataCenterInfo class="com.netflix.appinfo.AmazonInfo">
                    <name>Amazon</name>
                    <metadata><availability-zone>eu-west-1a</availability-zone><instance-id>i-1</instance-id></metadata>
                  </dataCenterInfo>
                  <metadata><management.port>8081</management.port></metadata>
                  <homePageUrl>http://127.0.0.1:8080/</homePageUrl>
                  <statusPageUrl>http://127.0.0.1:8080/info</statusPageUrl>
                  <healthCheckUrl>http://127.0.0.1:8080/health</healthCheckUrl>
                  <vipAddress>config-service</vipAddress>
                  <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>
                </instance>
              </application>
              <application>
                <name>NO-PORT</name>
                <instance>
                  <instanceId>np-1</instanceId>
                  <hostName>127.0.0.2</hostName>
                  <status>DOWN</status>
                </instance>
              </application>
            </applications>
            """;

    private static void populateZooKeeper(String connect) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        try (ZooKeeper zk = new ZooKeeper(connect, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        })) {
            assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
            for (String[] node : new String[][] {
                {"/nerve/services/web/services/web-1", "{\"host\":\"127.0.0.1\",\"port\":8080,\"name\":\"web-1\"}"},
                {"/nerve/services/db/services/db-1", "{\"host\":\"::1\",\"port\":5432}"},
                {"/nerve/services/db/services/lock", "not json"},
                {"/aurora/prod/web/member_0000000001", """
                        {"serviceEndpoint":{"host":"127.0.0.1","port":8080},
                         "additionalEndpoints":{"http-admin":{"host":"127.0.0.1","port":9990}},"status":"ALIVE","shard":3}"""},
                {"/aurora/prod/web/member_0000000002", "{\"serviceEndpoint\":{\"host\":\"127.0.0.2\",\"port\":8080},\"status\":\"DEAD\"}"},
            }) {
                create(zk, node[0], node[1]);
            }
        }
    }

    private static void create(ZooKeeper zk, String path, String data) throws Exception {
        int slash = path.lastIndexOf('/');
        if (slash > 0 && zk.exists(path.substring(0, slash), false) == null) {
            create(zk, path.substring(0, slash), "");
        }
        zk.create(path, data.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    private static void send(HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (promethium != null) {
            promethium.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (zooKeeper != null) {
            zooKeeper.close();
        }
        if (standIns != null) {
            standIns.stop(0);
        }
    }

    /** The discovered labels that discovery sets (address, instance, meta) of each target of a job, sorted. */
    static List<String> discovered(String body, String job) throws IOException {
        List<String> targets = new ArrayList<>();
        for (JsonNode target : JSON.readTree(body).path("data").path("activeTargets")) {
            JsonNode labels = target.path("discoveredLabels");
            if (!job.equals(labels.path("job").asText())) {
                continue;
            }
            Map<String, String> kept = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = labels.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey();
                if (name.startsWith("__meta_") || name.equals("__address__") || name.equals("instance")) {
                    kept.put(name, field.getValue().asText());
                }
            }
            targets.add(kept.toString());
        }
        targets.sort(null);
        return targets;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http", "eureka", "nerve", "serverset"})
    void discoveredLabelsMatchPrometheus(String job) throws Exception {
        AtomicReference<List<String>> expected = new AtomicReference<>(List.of());
        AtomicReference<List<String>> actual = new AtomicReference<>(List.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            expected.set(discovered(get(prometheus.uri("/api/v1/targets")), job));
            actual.set(discovered(promethium.get("/api/v1/targets").body(), job));
            if (!expected.get().isEmpty() && expected.get().equals(actual.get())) {
                break;
            }
            ServerProcess.sleep(500);
        }
        assertThat(expected.get()).as("Prometheus discovered targets for " + job + "; its log: " + prometheus.log()).isNotEmpty();
        assertThat(actual.get()).as("Promethium's discovered labels for job " + job).isEqualTo(expected.get());
    }

    private static String get(java.net.URI uri) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
}
