package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.promethium.api.testing.RecordingHttpServer;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One Promethium replaces Prometheus + Alertmanager: it scrapes a target, a rule fires on it, the
 * in-process Alertmanager (--alertmanager.config.file) routes the alert to a receiver with a
 * webhook, an email (GreenMail on loopback, through the email notifier bundle), Slack, PagerDuty
 * and xMatters (loopback services that check each request as the real ones do), and when the
 * target's value drops every one gets the resolution: PagerDuty's resolve carries the trigger's
 * dedup_key, xMatters' resolved event the correlation_id of the one it opened. The global
 * http_config reaches the HTTP notifiers, and an external Alertmanager under alerting: gets the alert
 * beside the in-process one. amtool's API shows the alert meanwhile, and a bad
 * alertmanager.yml on reload keeps the old one.
 */
class AlertRoutingIT {

    private final List<String> received = new ArrayList<>();
    private final AtomicReference<String> value = new AtomicReference<>("1");
    private HttpServer target;
    private GreenMail mail;
    private RecordingHttpServer services;
    /** What the loopback services found wrong in a request (empty when every request kept the contract). */
    private final List<String> contractErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (target != null) {
            target.stop(0);
        }
        if (mail != null) {
            mail.stop();
        }
        if (services != null) {
            services.close();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTING_KEY = "0123456789abcdef0123456789abcdef";

    /** Slack, PagerDuty (Events API v2) and an xMatters flow trigger, each checking what it is sent. */
    private RecordingHttpServer services() throws IOException {
        RecordingHttpServer server = RecordingHttpServer.http();
        server.on("/slack/services/T0/B0/X", r -> {
            JsonNode m = JSON.readTree(r.body());
            JsonNode att = m.path("attachments").path(0);
            check(att.path("title").isTextual() && att.path("title").asText().codePointCount(0, att.path("title").asText().length()) <= 1024,
                    "slack: attachment title");
            check(m.path("channel").asText().equals("#ops"), "slack: channel");
            return RecordingHttpServer.Response.of(200, "text/plain", "ok");
        });
        server.on("/pagerduty/v2/enqueue", r -> {
            JsonNode e = JSON.readTree(r.body());
            check(e.path("routing_key").asText().length() == 32, "pagerduty: routing_key");
            check(List.of("trigger", "resolve").contains(e.path("event_action").asText()), "pagerduty: event_action");
            check(!e.path("dedup_key").asText().isEmpty() && e.path("dedup_key").asText().length() <= 255, "pagerduty: dedup_key");
            if (e.path("event_action").asText().equals("trigger")) {
                JsonNode p = e.path("payload");
                check(!p.path("summary").asText().isEmpty() && p.path("summary").asText().length() <= 1024, "pagerduty: payload.summary");
                check(!p.path("source").asText().isEmpty(), "pagerduty: payload.source");
                check(List.of("critical", "error", "warning", "info").contains(p.path("severity").asText()), "pagerduty: payload.severity");
            }
            return RecordingHttpServer.Response.of(202, "application/json",
                    "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"" + e.path("dedup_key").asText() + "\"}");
        });
        server.on("/xmatters/api/integration/1/functions/f1/triggers", r -> {
            JsonNode e = JSON.readTree(r.body());
            check(r.uri().getRawQuery() != null && r.uri().getRawQuery().contains("apiKey=xm-key"), "xmatters: apiKey");
            check(List.of("LOW", "MEDIUM", "HIGH").contains(e.path("priority").asText()), "xmatters: priority");
            e.path("properties").elements().forEachRemaining(v -> check(v.isTextual(), "xmatters: property not a string"));
            return RecordingHttpServer.Response.of(202, "application/json", "{\"requestId\":\"3a3ab2f8-0000-4000-8000-000000000001\"}");
        });
        return server;
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            contractErrors.add(what);
        }
    }

    private List<JsonNode> bodies(String pathPrefix) {
        List<JsonNode> out = new ArrayList<>();
        for (RecordingHttpServer.Request r : services.requests()) {
            if (r.path().startsWith(pathPrefix)) {
                try {
                    out.add(JSON.readTree(r.body()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    private boolean has(String pathPrefix, java.util.function.Predicate<JsonNode> test) {
        return bodies(pathPrefix).stream().anyMatch(test);
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
        services = services();

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
                    alerting:
                      alertmanagers:
                        - path_prefix: /external
                          static_configs: [{targets: ['127.0.0.1:%d']}]
                    """.formatted(port, services.port()));
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
                      http_config:
                        authorization: {credentials: e2e-token}
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
                        slack_configs:
                          - api_url: %s
                            channel: '#ops'
                            send_resolved: true
                        pagerduty_configs:
                          - routing_key: %s
                            url: %s
                        xmatters_configs:
                          - url: %s
                            api_key: xm-key
                            recipients: [dba-team]
                    """.formatted(smtpPort, port, services.url("/slack/services/T0/B0/X"), ROUTING_KEY,
                    services.url("/pagerduty/v2/enqueue"), services.url("/xmatters/api/integration/1/functions/f1/triggers")));
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
            server.await(java.time.Duration.ofSeconds(30), () -> has("/slack", m -> m.path("attachments").path(0).path("title").asText()
                    .startsWith("[FIRING:1] QueueNotEmpty")) && has("/pagerduty", e -> e.path("event_action").asText().equals("trigger"))
                    && has("/xmatters", e -> e.path("properties").path("status").asText().equals("firing")), "firing Slack, PagerDuty, xMatters");
            JsonNode slack = bodies("/slack").get(0).path("attachments").path(0);
            assertThat(slack.path("color").asText()).isEqualTo("danger");
            assertThat(slack.path("title_link").asText()).endsWith("/#/alerts?receiver=hook");
            JsonNode trigger = bodies("/pagerduty").get(0);
            assertThat(trigger.path("payload").path("summary").asText()).startsWith("[FIRING:1] QueueNotEmpty");
            assertThat(trigger.path("payload").path("custom_details").path("firing").asText()).contains("summary = queue holds 1 items");
            JsonNode opened = bodies("/xmatters").get(0);
            assertThat(opened.path("recipients").toString()).isEqualTo("[{\"targetName\":\"dba-team\"}]");
            assertThat(opened.path("alerts").path(0).path("labels").path("site").asText()).isEqualTo("lab");
            server.await(java.time.Duration.ofSeconds(30), () -> services.requests().stream()
                    .anyMatch(r -> r.path().equals("/external/api/v2/alerts") && r.text().contains("QueueNotEmpty")),
                    "the alert at the external Alertmanager too");
            assertThat(services.requests()).filteredOn(r -> !r.path().startsWith("/external"))
                    .as("the global http_config reaches every HTTP notifier")
                    .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer e2e-token"));
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
            server.await(java.time.Duration.ofSeconds(30), () -> has("/slack", m -> m.path("attachments").path(0).path("title").asText()
                    .startsWith("[RESOLVED] QueueNotEmpty")) && has("/pagerduty", e -> e.path("event_action").asText().equals("resolve"))
                    && has("/xmatters", e -> e.path("properties").path("status").asText().equals("resolved")), "resolved Slack, PagerDuty, xMatters");
            assertThat(bodies("/slack").stream().filter(m -> m.path("attachments").path(0).path("title").asText().startsWith("[RESOLVED]"))
                    .findFirst().orElseThrow().path("attachments").path(0).path("color").asText()).isEqualTo("good");
            JsonNode resolve = bodies("/pagerduty").stream().filter(e -> e.path("event_action").asText().equals("resolve")).findFirst().orElseThrow();
            assertThat(resolve.path("dedup_key").asText()).as("the resolve pairs up with the trigger").isEqualTo(trigger.path("dedup_key").asText());
            JsonNode closed = bodies("/xmatters").stream().filter(e -> e.path("properties").path("status").asText().equals("resolved"))
                    .findFirst().orElseThrow();
            assertThat(closed.path("properties").path("correlation_id").asText()).as("the resolved event closes the one opened")
                    .isEqualTo(opened.path("properties").path("correlation_id").asText());
            assertThat(contractErrors).as("every request kept the service's contract").isEmpty();
        }
    }

    /**
     * The example notifier built as plugins-notifiers/README.md says ({@code mycorp_configs}) is
     * dropped into a running server: the config that named it loads before (its receiver waits for
     * the plugin, shown by promethium_config_waiting_plugin), the receiver starts once the plugin's
     * factory arrives, and an alert posted to /api/v2/alerts reaches it.
     */
    @Test
    void aCustomNotifierDroppedIntoARunningServerReceivesAlerts() throws Exception {
        services = RecordingHttpServer.http();
        try (ServerProcess server = ServerProcess.prepare()) {
            Path am = server.home.resolve("conf/alertmanager.yml");
            Files.writeString(am, """
                    route:
                      receiver: custom
                      group_wait: 1s
                    receivers:
                      - name: custom
                    """);
            server.start("--alertmanager.config.file=conf/alertmanager.yml", "--web.enable-lifecycle", "--plugins.scan-interval=1s")
                    .awaitReady();
            Files.writeString(am, """
                    route:
                      receiver: custom
                      group_by: [alertname]
                      group_wait: 1s
                    receivers:
                      - name: custom
                        mycorp_configs:
                          - url: %s
                            text: '{{ .Status }} {{ .CommonLabels.alertname }} {{ .CommonAnnotations.summary }}'
                    """.formatted(services.url("/mycorp")));
            HttpResponse<String> reload = server.post("/-/reload");
            assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
            assertThat(server.get("/metrics").body()).contains("alertmanager_config_last_reload_successful 1")
                    .contains("promethium_config_waiting_plugin{key=\"mycorp_configs\"} 1");

            Files.copy(server.home.resolve("examples/plugins/promethium-example-notifier.jar"), server.home.resolve("plugins/mycorp.jar"));
            server.await(Duration.ofSeconds(20), () -> !server.get("/metrics").body().contains("promethium_config_waiting_plugin{key=\"mycorp_configs\"} 1"),
                    "the receiver starts once the mycorp plugin is there");
            HttpResponse<String> posted = server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/api/v2/alerts"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "[{\"labels\":{\"alertname\":\"Custom\"},\"annotations\":{\"summary\":\"dropped in\"}}]")));
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            server.await(Duration.ofSeconds(20), () -> !services.requests().isEmpty(), "the custom notifier's POST");
            assertThat(services.requests().get(0).text()).isEqualTo("firing Custom dropped in");
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
