package io.promethium.notifiers.xmatters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateRenderer;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestCertificates;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a loopback xMatters Flow HTTP trigger: it authenticates by the {@code apiKey} query
 * parameter or basic auth (401 otherwise), requires string properties, {@code targetName}
 * recipients and a LOW/MEDIUM/HIGH priority (400 otherwise), answers 202 with a request id, and
 * keeps one open event per {@code correlation_id}, closed by a {@code resolved} status.
 */
class XMattersNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TemplateRenderer TEMPLATES = AlertmanagerTemplates.defaults();
    private static final String PATH = "/api/integration/1/functions/f1/triggers";

    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final Map<String, String> open = new ConcurrentHashMap<>();
    private TestNotifierContext context;
    private volatile int status;

    @BeforeEach
    void start() throws Exception {
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), TEMPLATES).sendResolved(true);
        server = RecordingHttpServer.http();
        server.on(PATH, this::trigger);
    }

    /** An xMatters flow HTTP trigger as it answers. */
    private Response trigger(RecordingHttpServer.Request r) throws IOException {
        String query = r.uri().getRawQuery();
        String auth = r.header("Authorization");
        boolean keyOk = query != null && query.contains("apiKey=k%2By");
        boolean basicOk = ("Basic " + Base64.getEncoder().encodeToString("bot:pw".getBytes(StandardCharsets.UTF_8))).equals(auth);
        boolean bearerOk = "Bearer flow-token".equals(auth);
        JsonNode e = JSON.readTree(r.body());
        events.add(e);
        if (status != 0) {
            return json(status, "{\"code\":\"TOO_MANY_REQUESTS\",\"message\":\"slow down\"}").withHeader("Retry-After", "5");
        } else if (!keyOk && !basicOk && !bearerOk) {
            return json(401, "{\"code\":\"UNAUTHORIZED\",\"reason\":\"Unauthorized\",\"message\":\"invalid credentials\"}");
        } else if (!valid(e)) {
            return json(400, "{\"code\":\"BAD_REQUEST\",\"reason\":\"Bad Request\",\"message\":\"invalid trigger\"}");
        }
        String id = e.get("properties").get("correlation_id").asText();
        if (e.get("properties").get("status").asText().equals("resolved")) {
            open.remove(id);
        } else {
            open.put(id, e.get("properties").get("summary").asText());
        }
        return json(202, "{\"requestId\":\"3a3ab2f8-0000-4000-8000-000000000001\"}");
    }

    private static boolean valid(JsonNode e) {
        if (!e.path("properties").isObject() || !Set.of("LOW", "MEDIUM", "HIGH").contains(e.path("priority").asText())) {
            return false;
        }
        for (Iterator<JsonNode> it = e.get("properties").elements(); it.hasNext(); ) {
            if (!it.next().isTextual()) {
                return false;
            }
        }
        for (JsonNode r : e.path("recipients")) {
            if (!r.path("targetName").isTextual() || r.path("targetName").asText().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static Response json(int status, String body) {
        return Response.of(status, "application/json", body);
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private String url() {
        return server.url(PATH);
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new XMattersNotifierFactory(), values, "am.yml:13:9");
    }

    private static Notification notification(boolean resolved) {
        return TestNotifications.diskFull(resolved);
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    @Test
    void triggerOpensAnEventAndTheResolvedGroupClosesIt() throws Exception {
        Notifier n = notifier(Map.of("url", url(), "api_key", "k+y", "recipients", List.of("dba-team", "{{ .CommonLabels.instance }}-owner"),
                "priority", "HIGH", "properties", Map.of("host", "{{ .CommonLabels.instance }}")));
        n.send(notification(false), soon());
        assertThat(open).hasSize(1);
        JsonNode e = events.get(0);
        JsonNode p = e.get("properties");
        assertThat(p.get("status").asText()).isEqualTo("firing");
        assertThat(p.get("correlation_id").asText()).isEqualTo(XMattersNotifier.correlationId("{}:{alertname=\"DiskFull\"}"));
        assertThat(p.get("summary").asText()).isEqualTo(TEMPLATES.render("{{ template \"__subject\" . }}", notification(false)));
        assertThat(p.get("description").asText()).contains("alertname = DiskFull");
        assertThat(p.get("host").asText()).isEqualTo("db1");
        assertThat(p.get("receiver").asText()).isEqualTo("team");
        assertThat(e.get("recipients").toString()).isEqualTo("[{\"targetName\":\"dba-team\"},{\"targetName\":\"db1-owner\"}]");
        assertThat(e.get("priority").asText()).isEqualTo("HIGH");
        assertThat(e.get("alerts").get(0).get("labels").get("instance").asText()).isEqualTo("db1");
        assertThat(e.get("alerts").get(0).get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");

        n.send(notification(true), soon());
        assertThat(events.get(1).get("properties").get("status").asText()).isEqualTo("resolved");
        assertThat(open).isEmpty();
    }

    @Test
    void basicAuthWithPasswordFileAuthenticates() throws Exception {
        Files.writeString(dir.resolve("pw"), "pw\n");
        notifier(Map.of("url", url(), "basic_auth", Map.of("username", "bot", "password_file", "pw"))).send(notification(false), soon());
        assertThat(open).hasSize(1);
    }

    @Test
    void wrongKeyIsNotRetriedAndRateLimitIs() throws Exception {
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "api_key", "nope")).send(notification(false), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("401");
        status = 429;
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "api_key", "k+y")).send(notification(false), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
                });
    }

    @Test
    void oauth2OfHttpConfigStandsInForTheApiKeyAndTlsAndProxyApply() throws Exception {
        server.on("/oauth/token", r -> json(200, "{\"access_token\":\"flow-token\",\"token_type\":\"Bearer\",\"expires_in\":600}"));
        notifier(Map.of("url", url(), "http_config", Map.of("oauth2", Map.of("client_id", "c", "client_secret", "s",
                "token_url", server.url("/oauth/token"))))).send(notification(false), soon());
        assertThat(open).hasSize(1);
        TestCertificates cert = TestCertificates.create(dir);
        try (RecordingHttpServer tls = RecordingHttpServer.https(cert.serverContext())) {
            tls.on(PATH, this::trigger);
            notifier(Map.of("url", tls.url(PATH), "api_key", "k+y", "http_config",
                    Map.of("tls_config", Map.of("ca_file", cert.caPem().toString())))).send(notification(true), soon());
        }
        assertThat(open).as("the resolve over TLS closed the event the OAuth 2 trigger opened").isEmpty();
        try (RecordingHttpServer proxy = RecordingHttpServer.http()) {
            proxy.on("/", this::trigger);
            notifier(Map.of("url", "http://acme.xmatters.invalid" + PATH, "api_key", "k+y",
                    "http_config", Map.of("proxy_url", proxy.url("")))).send(notification(false), soon());
            assertThat(proxy.requests()).singleElement().satisfies(r -> assertThat(r.uri().getHost()).isEqualTo("acme.xmatters.invalid"));
        }
    }

    @Test
    void configErrorsNameTheField() {
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "api_key", "k", "recipient", List.of("x"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("am.yml:13:9").hasMessageContaining("recipient");
        assertThatThrownBy(() -> notifier(Map.of("api_key", "k"))).hasMessageContaining("url is required");
        assertThatThrownBy(() -> notifier(Map.of("url", url()))).hasMessageContaining("exactly one of api_key");
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "api_key", "k", "http_config", Map.of("bearer_token", "t"))))
                .hasMessageContaining("exactly one of api_key");
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "api_key", "k", "priority", "URGENT"))).hasMessageContaining("priority");
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "api_key", "k", "properties", Map.of("status", "x"))))
                .hasMessageContaining("properties.status");
    }
}
