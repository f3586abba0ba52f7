package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One Promethium replaces Prometheus + Alertmanager: it scrapes a target, a rule fires on it, the
 * in-process Alertmanager (--alertmanager.config.file) routes the alert to a receiver with a
 * webhook and an email (GreenMail on loopback, through the email notifier bundle), and when the
 * target's value drops both get the resolution. amtool's API shows the
 * alert meanwhile, and a bad alertmanager.yml on reload keeps the old one.
 */
class AlertRoutingIT {

    private final List<String> received = new ArrayList<>();
    private final AtomicReference<String> value = new AtomicReference<>("1");
    private HttpServer target;
    private GreenMail mail;

    @AfterEach
    void stop() {
        if (target != null) {
            target.stop(0);
        }
        if (mail != null) {
            mail.stop();
        }
    }

    @Test
    void aRuleFiresAndResolvesThroughTheWebhookReceiver() throws Exception {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/metrics", ex -> {
            byte[] body = ("# TYPE demo_queue_depth gauge\ndemo_queue_depth " + value.get() + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        target.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (received) {
                received.add(body);
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        target.start();
        int port = target.getAddress().getPort();
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mail.start();
        int smtpPort = mail.getSmtp().getPort();

        try (ServerProcess server = ServerProcess.prepare()) {
            server.config("""
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                      external_labels: {site: lab}
                    rule_files: [rules.yml]
                    scrape_configs:
                      - job_name: demo
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                    """.formatted(port));
            Files.writeString(server.home.resolve("conf/rules.yml"), """
                    groups:
                      - name: demo
                        rules:
                          - alert: QueueNotEmpty
                            expr: demo_queue_depth > 0
                            labels: {severity: page}
                            annotations: {summary: 'queue holds {{ $value }} items'}
                    """);
            Files.writeString(server.home.resolve("conf/alertmanager.yml"), """
                    global:
                      smtp_smarthost: 127.0.0.1:%d
                      smtp_from: promethium@example.org
                      smtp_require_tls: false
                    route:
                      receiver: hook
                      group_by: [alertname]
                      group_wait: 1s
                      group_interval: 1s
                    receivers:
                      - name: hook
                        webhook_configs:
                          - url: http://127.0.0.1:%d/hook
                        email_configs:
                          - to: oncall@example.org
                            send_resolved: true
                    """.formatted(smtpPort, port));
            server.start("--alertmanager.config.file=conf/alertmanager.yml", "--web.enable-lifecycle").awaitReady();

            server.await(java.time.Duration.ofSeconds(30), () -> contains("\"status\":\"firing\""), "firing notification");
            String firing = first("\"status\":\"firing\"");
            assertThat(firing).contains("\"alertname\":\"QueueNotEmpty\"").contains("\"site\":\"lab\"")
                    .contains("\"summary\":\"queue holds 1 items\"").contains("\"receiver\":\"hook\"").contains("\"version\":\"4\"")
                    .contains("\"groupKey\":\"{}:{alertname=\\\"QueueNotEmpty\\\"}\"");
            assertThat(server.get("/api/v2/alerts").body()).contains("QueueNotEmpty");
            server.await(java.time.Duration.ofSeconds(30), () -> subjects().stream().anyMatch(t -> t.startsWith("[FIRING:1] QueueNotEmpty")),
                    "firing email");
            MimeMessage firingMail = mail.getReceivedMessages()[0];
            assertThat(firingMail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.org");
            assertThat((String) ((jakarta.mail.internet.MimeMultipart) firingMail.getContent()).getBodyPart(0).getContent())
                    .contains("queue holds 1 items");
            assertThat(server.get("/metrics").body()).contains("alertmanager_notifications_total{integration=\"webhook\"}")
                    .contains("alertmanager_config_last_reload_successful 1");

            Files.writeString(server.home.resolve("conf/alertmanager.yml"), "route:\n  receiver: nobody\n");
            assertThat(server.post("/-/reload").statusCode()).isEqualTo(500);
            assertThat(server.get("/metrics").body()).contains("alertmanager_config_last_reload_successful 0");

            value.set("0");
            server.await(java.time.Duration.ofSeconds(30), () -> contains("\"status\":\"resolved\""), "resolved notification");
            assertThat(first("\"status\":\"resolved\"")).contains("QueueNotEmpty");
            server.await(java.time.Duration.ofSeconds(30), () -> subjects().stream().anyMatch(t -> t.startsWith("[RESOLVED] QueueNotEmpty")),
                    "resolved email");
        }
    }

    @Test
    void checkAlertmanagerConfigAcceptsTheShippedFileAndNamesErrors() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            ServerProcess.Result ok = server.runToCompletion("check", "alertmanager-config", "conf/alertmanager.yml");
            assertThat(ok.exitCode()).as(ok.output()).isZero();
            assertThat(ok.output()).contains("SUCCESS").contains(" - 1 inhibit rules").contains(" - 1 receivers");
            Files.writeString(server.home.resolve("bad.yml"), "route:\n  receiver: nobody\nreceivers:\n  - name: a\n");
            ServerProcess.Result bad = server.runToCompletion("check", "alertmanager-config", "bad.yml");
            assertThat(bad.exitCode()).isEqualTo(1);
            assertThat(bad.output()).contains("bad.yml:2:3: undefined receiver \"nobody\" used in route");
        }
    }

    private List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            try {
                subjects.add(m.getSubject());
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return subjects;
    }

    private boolean contains(String text) {
        synchronized (received) {
            return received.stream().anyMatch(b -> b.contains(text));
        }
    }

    private String first(String text) {
        synchronized (received) {
            return received.stream().filter(b -> b.contains(text)).findFirst().orElseThrow();
        }
    }

}
