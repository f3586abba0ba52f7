package io.promethium.rules.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.alerting.internal.NotifierManager;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.config.model.ConfigSections;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.AlertmanagerConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.model.StorageConfig;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.rules.RuleGroupStatus;
import io.promethium.rules.RuleHealth;
import io.promethium.rules.internal.eval.EngineQueryRunner;
import io.promethium.rules.internal.eval.RuleEnvironment;
import io.promethium.rules.internal.file.RuleFileParser;
import io.promethium.rules.internal.manager.DefaultRuleManager;
import io.promethium.rules.internal.storage.MemoryStorage;
import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round trip through the real Alertmanager (Debian package {@code prometheus-alertmanager},
 * started on loopback): a rule fires, {@code amtool alert query} shows the alert, and it resolves
 * when the condition ends. Also: with an Alertmanager that never answers, the queue stays bounded
 * and rule evaluation goes on.
 */
class RealAlertmanagerIT {


    @TempDir
    Path dir;

    private Process alertmanager;
    private DefaultRuleManager rules;
    private NotifierManager notifier;
    private Thread writer;
    private final AtomicReference<Double> condition = new AtomicReference<>(1.0);
    private final MemoryStorage storage = new MemoryStorage();
    private final List<ServerSocket> sockets = new ArrayList<>();
    private final List<Socket> held = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (writer != null) {
            writer.interrupt();
            writer.join(5000);
        }
        if (rules != null) {
            rules.close();
        }
        if (notifier != null) {
            notifier.close(Duration.ofSeconds(1));
        }
        if (alertmanager != null) {
            alertmanager.destroy();
            if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
                alertmanager.destroyForcibly();
            }
        }
        for (Socket s : held) {
            s.close();
        }
        for (ServerSocket s : sockets) {
            s.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void startAlertmanager(int port) throws Exception {
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: blackhole
                  group_wait: 1s
                  group_interval: 1s
                receivers:
                  - name: blackhole
                """);
        Files.createDirectories(dir.resolve("am-data"));
        alertmanager = new ProcessBuilder(Peers.require("prometheus-alertmanager").toString(),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("am-data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("alertmanager.log").toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        await(Duration.ofSeconds(30), () -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, "Alertmanager ready");
    }

    private static String amtool(int port, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Peers.require("amtool").toString(), "alert", "query",
                "--alertmanager.url=http://127.0.0.1:" + port));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("amtool output: %s", out).isZero();
        return out;
    }

    private static void await(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }

    /** Writes the condition series every 200 ms, as a scrape would. */
    private void startWriter(int seriesCount) {
        writer = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Appender app = storage.appender();
                long now = System.currentTimeMillis();
                for (int i = 0; i < seriesCount; i++) {
                    app.append(0, Labels.of("__name__", "it_condition", "instance", "host-" + i), now, condition.get());
                }
                app.commit();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Test
    void firingAlertShowsInAmtoolAndResolvesWhenTheConditionEnds() throws Exception {
        Peers.require("prometheus-alertmanager");
        Peers.require("amtool");
        int port = freePort();
        startAlertmanager(port);
        startWriter(1);
        startRulesWithEnv(100, "127.0.0.1:" + port, Duration.ofSeconds(5));

        await(Duration.ofSeconds(30), () -> {
            try {
                return amtool(port).contains("PromethiumITAlert");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the alert in amtool alert query");
        String listed = amtool(port, "-o", "extended");
        assertThat(listed).contains("PromethiumITAlert").contains("severity=\"page\"").contains("cluster=\"it\"")
                .contains("instance=\"host-0\"").contains("host-0 in it has value 1");

        condition.set(0.0);
        await(Duration.ofSeconds(30), () -> {
            try {
                return !amtool(port).contains("PromethiumITAlert");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the alert resolved in amtool alert query");
        assertThat(rules.alerts()).isEmpty();
    }

    @Test
    void alertsSentWhileTheAlertmanagerIsDownArriveWhenItComesUp() throws Exception {
        Peers.require("prometheus-alertmanager");
        Peers.require("amtool");
        int port = freePort();
        startWriter(1);
        startRulesWithEnv(100, "127.0.0.1:" + port, Duration.ofSeconds(5));
        await(Duration.ofSeconds(30), () -> notifier.dropped() > 0, "a failed send while the Alertmanager is down");
        assertThat(rules.groups().get(0).rules().get(0).health()).isEqualTo(RuleHealth.OK);
        startAlertmanager(port);
        await(Duration.ofSeconds(30), () -> {
            try {
                return amtool(port).contains("PromethiumITAlert");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the alert resent to the Alertmanager once it is up");
    }

    @Test
    void unresponsiveAlertmanagerKeepsTheQueueBoundedAndRulesEvaluating() throws Exception {
        // An Alertmanager that accepts connections and never answers.
        ServerSocket blackHole = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        sockets.add(blackHole);
        Thread.ofVirtual().start(() -> {
            while (!blackHole.isClosed()) {
                try {
                    Socket s = blackHole.accept();
                    synchronized (held) {
                        held.add(s);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        startWriter(40);
        startRulesWithEnv(10, "127.0.0.1:" + blackHole.getLocalPort(), Duration.ofSeconds(30));
        Instant start = Instant.now();
        await(Duration.ofSeconds(30), () -> notifier.dropped() > 0, "dropped alerts");
        await(Duration.ofSeconds(30), () -> {
            RuleGroupStatus g = rules.groups().get(0);
            return g.lastEvaluation() != null && g.lastEvaluation().isAfter(start.plusSeconds(3));
        }, "rule evaluations continuing while the Alertmanager hangs");
        assertThat(notifier.queueLength()).isLessThanOrEqualTo(10);
        RuleGroupStatus g = rules.groups().get(0);
        assertThat(g.rules().get(0).health()).isEqualTo(RuleHealth.OK);
        assertThat(g.rules().get(0).alerts()).hasSize(40);
    }

    private void startRulesWithEnv(int capacity, String address, Duration timeout) throws Exception {
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
        notifier = new NotifierManager(capacity, false);
        AlertmanagerConfig am = new AlertmanagerConfig("v2", "", "http", timeout, HttpClientConfig.DEFAULT,
                List.of(new StaticConfig(List.of(address), Labels.EMPTY)), List.of(), List.of(), List.of());
        GlobalConfig global = new GlobalConfig(Duration.ofMinutes(1), Duration.ofSeconds(10),
                GlobalConfig.DEFAULT_SCRAPE_PROTOCOLS, Duration.ofSeconds(1), Duration.ZERO, Labels.of("cluster", "it"), "",
                GlobalConfig.DEFAULT.limits());
        notifier.applyConfig(new PrometheusConfig(null, global, List.of(), List.of(),
                new AlertingConfig(List.of(), List.of(am)), ConfigSections.NONE, StorageConfig.DEFAULT, ""));
        RuleEnvironment envHolder = new RuleEnvironment(new EngineQueryRunner(() -> engine, () -> storage), () -> storage, notifier::send,
                System::currentTimeMillis, Labels.of("cluster", "it"), "http://promethium.test:9090", Duration.ofSeconds(1),
                Duration.ofHours(1), Duration.ofMinutes(10));
        rules = new DefaultRuleManager(envHolder);
        rules.update(new RuleFileParser().parse("it-rules.yml", """
                groups:
                  - name: it
                    interval: 1s
                    rules:
                      - alert: PromethiumITAlert
                        expr: it_condition > 0
                        labels:
                          severity: page
                        annotations:
                          summary: "{{ $labels.instance }} in {{ $externalLabels.cluster }} has value {{ $value }}"
                """), Duration.ofSeconds(1), Duration.ZERO, envHolder);
    }
}
