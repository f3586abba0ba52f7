package io.promethium.notifiers.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestCertificates;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private TestNotifierContext context;

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        context = new TestNotifierContext(dir, "r", new HttpConfigClientFactory(), null).sendResolved(true);
    }

    @AfterEach
    void stop() throws Exception {
        context.close();
        server.close();
    }

    private String url() {
        return server.url("/hook");
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new WebhookNotifierFactory(), values, "am.yml:5:9");
    }

    private static Notification notification(int alerts) {
        List<Alert> list = new ArrayList<>();
        for (int i = 0; i < alerts; i++) {
            list.add(new Alert(Labels.of("alertname", "A", "i", Integer.toString(i)), Labels.of("summary", "s"),
                    Instant.parse("2024-01-01T00:00:00.5Z"), i == 0 ? Instant.parse("2024-01-01T00:05:00Z") : null, "http://g"));
        }
        return new Notification("r", true, list, Labels.of("alertname", "A"), Labels.of("alertname", "A"), Labels.of("summary", "s"),
                "http://am", "{}:{alertname=\"A\"}");
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(10);
    }

    private JsonNode body(int i) throws Exception {
        return JSON.readTree(server.requests().get(i).body());
    }

    /** Alertmanager 0.34's {@code timeout}: a request outlasting it fails, retryable, long before the dispatcher's deadline. */
    @Test
    void aRequestOutlastingTheConfiguredTimeoutFailsRetryableNamingIt() throws Exception {
        server.on("/hook", r -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.status(200);
        });
        Notifier n = notifier(Map.of("url", url(), "timeout", "300ms"));
        long start = System.nanoTime();
        NotifyException e = org.assertj.core.api.Assertions.catchThrowableOfType(NotifyException.class,
                () -> n.send(notification(1), Instant.now().plusSeconds(30)));
        assertThat(e).isNotNull();
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("configured webhook timeout reached (300ms)");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(5));
    }

    @Test
    void aTimeoutOfZeroImposesNoneAndAFastAnswerIsDelivered() throws Exception {
        notifier(Map.of("url", url(), "timeout", "0s")).send(notification(1), soon());
        notifier(Map.of("url", url(), "timeout", "5s")).send(notification(1), soon());
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void anUnparsableTimeoutIsRefusedNamingIt() {
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "timeout", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("timeout");
    }

    @Test
    void payloadIsAlertmanagersVersion4FieldForField() throws Exception {
        notifier(Map.of("url", url())).send(notification(2), soon());
        JsonNode m = body(0);
        List<String> fields = new ArrayList<>();
        m.fieldNames().forEachRemaining(fields::add);
        // Go's encoding of the newest Alertmanager's webhook.Message: the embedded template.Data's
        // fields (notification_reason and routeLabels among them, never omitted), then its own.
        assertThat(fields).containsExactly("receiver", "status", "alerts", "notification_reason", "groupLabels", "commonLabels",
                "commonAnnotations", "routeLabels", "externalURL", "version", "groupKey", "truncatedAlerts");
        assertThat(m.path("notification_reason").asText()).as("no reason given: Alertmanager's ReasonUnknown").isEqualTo("unknown");
        assertThat(m.path("routeLabels").isObject()).isTrue();
        assertThat(m.path("routeLabels").size()).as("a route without labels: {} as Go's empty KV").isZero();
        JsonNode resolved = m.path("alerts").get(0);
        List<String> alertFields = new ArrayList<>();
        resolved.fieldNames().forEachRemaining(alertFields::add);
        assertThat(alertFields).containsExactly("status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint");
        assertThat(resolved.path("status").asText()).isEqualTo("resolved");
        assertThat(resolved.path("startsAt").asText()).as("Go's RFC 3339 in JSON drops trailing zeros").isEqualTo("2024-01-01T00:00:00.5Z");
        assertThat(m.path("alerts").get(1).path("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(m.path("version").asText()).isEqualTo("4");
        assertThat(m.path("truncatedAlerts").asInt()).isZero();
    }

    /**
     * The whole body for one firing alert, as the newest Alertmanager's webhook notifier encodes
     * it (its {@code webhook.Message} embedding {@code template.Data}, documented in its
     * configuration.md "webhook_config"), with route labels and the dedup stage's reason, ending
     * in the newline Go's {@code json.Encoder} writes.
     */
    @Test
    void bodyWithRouteLabelsAndReasonIsAlertmanagersWhole() throws Exception {
        Alert a = new Alert(Labels.of("alertname", "A"), Labels.of("summary", "s"), Instant.parse("2024-01-01T00:00:00Z"), null,
                "http://g");
        Notification n = new Notification("r", true, List.of(a), Labels.of("alertname", "A"), Labels.of("alertname", "A"),
                Labels.of("summary", "s"), "http://am", "{}:{alertname=\"A\"}", Labels.of("team", "X"),
                Notification.Reason.NEW_ALERTS_IN_GROUP);
        notifier(Map.of("url", url())).send(n, soon());
        assertThat(new String(server.requests().get(0).body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("""
                {"receiver":"r","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"A"},\
                "annotations":{"summary":"s"},"startsAt":"2024-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z",\
                "generatorURL":"http://g","fingerprint":"%s"}],"notification_reason":"new alerts added",\
                "groupLabels":{"alertname":"A"},"commonLabels":{"alertname":"A"},"commonAnnotations":{"summary":"s"},\
                "routeLabels":{"team":"X"},"externalURL":"http://am","version":"4","groupKey":"{}:{alertname=\\"A\\"}",\
                "truncatedAlerts":0}
                """.formatted(a.fingerprint()));
    }

    @Test
    void everyReasonIsAlertmanagersWording() throws Exception {
        Notifier notifier = notifier(Map.of("url", url()));
        for (Notification.Reason r : Notification.Reason.values()) {
            notifier.send(notification(1).withReason(r), soon());
        }
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < Notification.Reason.values().length; i++) {
            sent.add(body(i).path("notification_reason").asText());
        }
        // notify.NotifyReason.String() of the newest Alertmanager ("none" is never sent).
        assertThat(sent).containsExactly("first notification", "new alerts added", "some alerts resolved",
                "all alerts resolved", "repeat interval elapsed", "unknown");
    }

    @Test
    void maxAlertsTruncatesAndCounts() throws Exception {
        notifier(Map.of("url", url(), "max_alerts", 2L)).send(notification(5), soon());
        assertThat(body(0).path("alerts")).hasSize(2);
        assertThat(body(0).path("truncatedAlerts").asInt()).isEqualTo(3);
    }

    /**
     * Alertmanager builds the message's data from the alerts left by {@code max_alerts}: the one
     * alert left (resolved) makes the status resolved and all its labels common.
     */
    @Test
    void maxAlertsRecomputesStatusAndCommonLabelsFromTheAlertsLeft() throws Exception {
        notifier(Map.of("url", url(), "max_alerts", 1L)).send(notification(5), soon());
        assertThat(body(0).path("status").asText()).isEqualTo("resolved");
        assertThat(body(0).path("commonLabels").toString()).isEqualTo("{\"alertname\":\"A\",\"i\":\"0\"}");
        assertThat(body(0).path("commonAnnotations").toString()).isEqualTo("{\"summary\":\"s\"}");
        notifier(Map.of("url", url(), "max_alerts", 3L)).send(notification(5), soon());
        assertThat(body(1).path("status").asText()).isEqualTo("firing");
        assertThat(body(1).path("commonLabels").toString()).isEqualTo("{\"alertname\":\"A\"}");
    }

    @Test
    void urlFileAndCredentialsAreReadAtSendTime() throws Exception {
        Files.writeString(dir.resolve("url"), url() + "\n");
        Files.writeString(dir.resolve("pw"), "secret\n");
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("basic_auth", Map.of("username", "u", "password_file", "pw"));
        Notifier n = notifier(Map.of("url_file", "url", "http_config", http));
        n.send(notification(1), soon());
        Files.writeString(dir.resolve("pw"), "rotated\n");
        n.send(notification(1), soon());
        assertThat(server.requests()).extracting(r -> r.header("Authorization"))
                .containsExactly("Basic dTpzZWNyZXQ=", "Basic dTpyb3RhdGVk");
    }

    @Test
    void serverErrorsAreRetryableClientErrorsAreNot() throws Exception {
        Notifier n = notifier(Map.of("url", url()));
        server.on("/hook", r -> Response.status(503));
        assertThatThrownBy(() -> n.send(notification(1), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue());
        server.on("/hook", r -> Response.status(400));
        assertThatThrownBy(() -> n.send(notification(1), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void httpsWithACustomCaIsTrustedOnlyThroughTlsConfig() throws Exception {
        TestCertificates cert = TestCertificates.create(dir);
        try (RecordingHttpServer tls = RecordingHttpServer.https(cert.serverContext())) {
            String httpsUrl = tls.url("/hook");
            assertThatThrownBy(() -> notifier(Map.of("url", httpsUrl)).send(notification(1), soon()))
                    .as("the JVM's default trust does not know the test CA")
                    .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue());
            notifier(Map.of("url", httpsUrl, "http_config", Map.of("tls_config", Map.of("ca_file", cert.caPem().getFileName().toString()))))
                    .send(notification(1), soon());
            assertThat(tls.requests()).singleElement().satisfies(r -> assertThat(r.path()).isEqualTo("/hook"));
        }
    }

    @Test
    void oauth2TokenFromTheTokenEndpointIsSentAsBearer() throws Exception {
        server.on("/token", r -> Response.of(200, "application/json", "{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
        Map<String, Object> oauth2 = Map.of("client_id", "id", "client_secret", "s3cret", "token_url", server.url("/token"),
                "scopes", List.of("alerts"));
        Notifier n = notifier(Map.of("url", url(), "http_config", Map.of("oauth2", oauth2)));
        n.send(notification(1), soon());
        n.send(notification(1), soon());
        List<RecordingHttpServer.Request> got = server.requests();
        assertThat(got).extracting(RecordingHttpServer.Request::path).containsExactly("/token", "/hook", "/hook");
        assertThat(got.get(0).text()).contains("grant_type=client_credentials").contains("scope=alerts");
        assertThat(got.get(1).header("Authorization")).isEqualTo("Bearer tok-1");
        assertThat(got.get(2).header("Authorization")).isEqualTo("Bearer tok-1");
    }

    @Test
    void aProxyUrlCarriesTheRequest() throws Exception {
        try (RecordingHttpServer proxy = RecordingHttpServer.http()) {
            notifier(Map.of("url", "http://receiver.invalid:9/hook", "http_config", Map.of("proxy_url", proxy.url(""))))
                    .send(notification(1), soon());
            assertThat(proxy.requests()).singleElement().satisfies(r -> {
                assertThat(r.uri().toString()).isEqualTo("http://receiver.invalid:9/hook");
                assertThat(r.method()).isEqualTo("POST");
            });
        }
    }

    @Test
    void theGlobalHttpConfigIsTheDefaultAndABlocksOwnReplacesItWhole() throws Exception {
        context.global("http_config", Map.of("authorization", Map.of("credentials", "global-token")));
        notifier(Map.of("url", url())).send(notification(1), soon());
        notifier(Map.of("url", url(), "http_config", Map.of("follow_redirects", false))).send(notification(1), soon());
        assertThat(server.requests()).extracting(r -> String.valueOf(r.header("Authorization")))
                .containsExactly("Bearer global-token", "null");
    }

    @Test
    void badConfigIsRefusedByName() {
        assertThatThrownBy(() -> notifier(Map.of())).hasMessageContaining("am.yml:5:9").hasMessageContaining("one of url or url_file");
        assertThatThrownBy(() -> notifier(Map.of("url", "ftp://x/"))).hasMessageContaining("unsupported scheme");
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "http_config", Map.of("tls_cfg", Map.of()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tls_cfg");
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "http_config",
                Map.of("basic_auth", Map.of("username", "u"), "authorization", Map.of("credentials", "t")))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at most one");
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "max_alerts", -1L))).hasMessageContaining("max_alerts");
    }
}
