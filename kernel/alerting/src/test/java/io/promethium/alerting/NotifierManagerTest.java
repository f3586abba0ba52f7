package io.promethium.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.promethium.alerting.internal.NotifierManager;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.config.model.ConfigSections;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.AlertmanagerConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.RelabelConfig;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.model.StorageConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NotifierManagerTest {

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<String> auth = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private NotifierManager manager;

    @AfterEach
    void stop() {
        release.countDown();
        if (manager != null) {
            manager.close(Duration.ofSeconds(1));
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private int startServer(boolean slow) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            auth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (slow) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server.getAddress().getPort();
    }

    private static PrometheusConfig config(String target, String prefix, HttpClientConfig http, Duration timeout,
                                           List<RelabelConfig> globalRelabel, List<RelabelConfig> setRelabel) {
        AlertmanagerConfig am = new AlertmanagerConfig("v2", prefix, "http", timeout, http,
                List.of(new StaticConfig(List.of(target), Labels.EMPTY)), List.of(), List.of(), setRelabel);
        GlobalConfig global = new GlobalConfig(Duration.ofMinutes(1), Duration.ofSeconds(10), GlobalConfig.DEFAULT_SCRAPE_PROTOCOLS,
                Duration.ofMinutes(1), Duration.ZERO, Labels.of("cluster", "eu1", "severity", "ignored"), "",
                GlobalConfig.DEFAULT.limits());
        return new PrometheusConfig(null, global, List.of(), List.of(), new AlertingConfig(globalRelabel, List.of(am)),
                ConfigSections.NONE, StorageConfig.DEFAULT, "");
    }

    private static Alert alert(String name) {
        return new Alert(Labels.of("alertname", name, "severity", "page"), Labels.of("summary", "s \"q\""),
                Instant.parse("2024-01-02T03:04:05Z"), Instant.parse("2024-01-02T03:08:05Z"), "http://prom/graph");
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 10s");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void postsAlertmanagerV2JsonWithExternalLabelsPathPrefixAndBasicAuth() throws Exception {
        int port = startServer(false);
        manager = new NotifierManager(100, true);
        HttpClientConfig http = new HttpClientConfig(new HttpClientConfig.BasicAuth("user", "pw", ""), null, null, true, false,
                "", java.util.Map.of());
        manager.applyConfig(config("127.0.0.1:" + port, "/am/", http, Duration.ofSeconds(5), List.of(), List.of()));
        assertThat(manager.activeAlertmanagers()).extracting(Object::toString)
                .containsExactly("http://127.0.0.1:" + port + "/am/api/v2/alerts");
        manager.send(List.of(alert("A")));
        await(() -> !bodies.isEmpty());
        assertThat(paths).containsExactly("/am/api/v2/alerts");
        assertThat(auth).containsExactly("Basic dXNlcjpwdw==");
        assertThat(bodies.get(0)).isEqualTo("[{\"labels\":{\"alertname\":\"A\",\"cluster\":\"eu1\",\"severity\":\"page\"},"
                + "\"annotations\":{\"summary\":\"s \\\"q\\\"\"},\"startsAt\":\"2024-01-02T03:04:05Z\","
                + "\"endsAt\":\"2024-01-02T03:08:05Z\",\"generatorURL\":\"http://prom/graph\"}]");
    }

    @Test
    void aBacklogIsSentInBatchesOfAtMostTheBatchSize() throws Exception {
        int port = startServer(true);
        manager = new NotifierManager(100, 3, true);
        manager.applyConfig(config("127.0.0.1:" + port, "", HttpClientConfig.DEFAULT, Duration.ofSeconds(30), List.of(), List.of()));
        manager.send(List.of(alert("first")));
        await(() -> bodies.size() == 1);
        // While the Alertmanager holds the first post, seven more alerts queue up.
        List<Alert> backlog = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            backlog.add(alert("b" + i));
        }
        manager.send(backlog);
        release.countDown();
        await(() -> bodies.size() == 4);
        assertThat(bodies.subList(1, 4)).extracting(b -> b.split("\"alertname\"").length - 1).containsExactly(3, 3, 1);
    }

    @Test
    void alertRelabelConfigsDropAndRewriteAlerts() throws Exception {
        int port = startServer(false);
        manager = new NotifierManager(100, true);
        RelabelConfig dropB = new RelabelConfig(List.of("alertname"), ";", "B", Pattern.compile("^(?:B)$"), 0, "", "$1",
                RelabelAction.DROP);
        RelabelConfig setTeam = new RelabelConfig(List.of(), ";", "(.*)", Pattern.compile("^(?:(.*))$"), 0, "team", "ops",
                RelabelAction.REPLACE);
        manager.applyConfig(config("127.0.0.1:" + port, "", HttpClientConfig.DEFAULT, Duration.ofSeconds(5),
                List.of(dropB), List.of(setTeam)));
        manager.send(List.of(alert("A"), alert("B")));
        await(() -> !bodies.isEmpty());
        assertThat(bodies.get(0)).contains("\"alertname\":\"A\"").contains("\"team\":\"ops\"").doesNotContain("\"B\"");
    }

    @Test
    void downAlertmanagerCountsErrorsAndDropsWithoutBlockingSend() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        manager = new NotifierManager(100, true);
        manager.applyConfig(config("127.0.0.1:" + port, "", HttpClientConfig.DEFAULT, Duration.ofSeconds(2), List.of(), List.of()));
        long start = System.nanoTime();
        manager.send(List.of(alert("A"), alert("B")));
        assertThat(System.nanoTime() - start).as("send returns at once").isLessThan(TimeUnit.SECONDS.toNanos(1));
        await(() -> manager.dropped() == 2);
        StringBuilder metrics = new StringBuilder();
        manager.collect(new io.promethium.api.collect.MetricWriter() {
            @Override
            public void family(String name, io.promethium.api.model.MetricType type, String help, String unit) {
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                metrics.append(name).append(labels).append(' ').append(value).append('\n');
            }
        });
        assertThat(metrics.toString()).contains("prometheus_notifications_errors_total{alertmanager=\"http://127.0.0.1:" + port
                + "/api/v2/alerts\"} 2.0").contains("prometheus_notifications_dropped_total{} 2.0")
                .contains("prometheus_notifications_queue_capacity{} 100.0")
                .contains("prometheus_notifications_alertmanagers_discovered{} 1.0")
                .contains("prometheus_notifications_latency_seconds{alertmanager=\"http://127.0.0.1:" + port
                        + "/api/v2/alerts\", quantile=\"0.99\"}")
                .contains("prometheus_notifications_latency_seconds_count{alertmanager=");
    }

    @Test
    void slowAlertmanagerFillsTheBoundedQueueAndOldestAreDropped() throws Exception {
        int port = startServer(true);
        manager = new NotifierManager(10, false);
        manager.applyConfig(config("127.0.0.1:" + port, "", HttpClientConfig.DEFAULT, Duration.ofSeconds(30), List.of(), List.of()));
        manager.send(List.of(alert("first")));
        await(() -> bodies.size() == 1);
        // The dispatcher is stuck on the slow post; the queue takes 10, and drops the rest.
        for (int i = 0; i < 25; i++) {
            long start = System.nanoTime();
            manager.send(List.of(alert("a" + i)));
            // A blocking send would wait out the 30 s timeout; 5 s leaves margin for a loaded machine.
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
        assertThat(manager.queueLength()).isEqualTo(10);
        assertThat(manager.dropped()).isEqualTo(15);
        release.countDown();
        await(() -> bodies.size() == 2);
        assertThat(bodies.get(1)).contains("\"a15\"").contains("\"a24\"").doesNotContain("\"a14\"");
    }
}
