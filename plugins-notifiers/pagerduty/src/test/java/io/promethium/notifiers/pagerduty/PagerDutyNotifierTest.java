package io.promethium.notifiers.pagerduty;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a loopback server that checks each event as PagerDuty's Events API does (v2: routing
 * key of 32 characters, event_action, dedup_key up to 255, payload.summary up to 1024, source,
 * severity among critical/error/warning/info; v1: service_key, event_type, description) and
 * answers as it does: 202 with a dedup key, 400 "invalid event" with the errors, 429 when rate
 * limited.
 */
class PagerDutyNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TemplateRenderer TEMPLATES = AlertmanagerTemplates.defaults();
    private static final String ROUTING_KEY = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private TestNotifierContext context;
    private volatile boolean rateLimited;

    @BeforeEach
    void start() throws Exception {
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), TEMPLATES).sendResolved(true);
        server = RecordingHttpServer.http();
        server.on("/v2/enqueue", this::v2);
        server.on("/generic/2010-04-15/create_event.json", r -> {
            JsonNode e = JSON.readTree(r.body());
            events.add(e);
            boolean ok = e.hasNonNull("service_key") && Set.of("trigger", "acknowledge", "resolve").contains(e.path("event_type").asText())
                    && (!e.path("event_type").asText().equals("trigger") || !e.path("description").asText().isEmpty());
            return json(ok ? 200 : 400, ok ? "{\"status\":\"success\",\"message\":\"Event processed\",\"incident_key\":\""
                    + e.path("incident_key").asText() + "\"}" : "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\"}");
        });
        server.on("/down", r -> Response.of(502, "text/plain", "bad gateway"));
    }

    /** PagerDuty's Events API v2 as it answers: 202, 400 with the errors, 429 when rate limited. */
    private Response v2(RecordingHttpServer.Request r) throws IOException {
        JsonNode e = JSON.readTree(r.body());
        events.add(e);
        if (rateLimited) {
            return json(429, "{\"status\":\"throttle event\",\"message\":\"Requests for this service are arriving too quickly.\"}")
                    .withHeader("Retry-After", "3");
        }
        List<String> errors = v2Errors(e);
        if (errors.isEmpty()) {
            return json(202, "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"" + e.get("dedup_key").asText() + "\"}");
        }
        return json(400, JSON.writeValueAsString(Map.of("status", "invalid event", "message", "Event object is invalid", "errors", errors)));
    }

    private static List<String> v2Errors(JsonNode e) {
        List<String> errors = new ArrayList<>();
        if (e.path("routing_key").asText().length() != 32) {
            errors.add("'routing_key' must be 32 characters");
        }
        if (!Set.of("trigger", "acknowledge", "resolve").contains(e.path("event_action").asText())) {
            errors.add("'event_action' is invalid");
        }
        if (e.path("dedup_key").asText().length() > 255) {
            errors.add("'dedup_key' too long");
        }
        if (e.path("event_action").asText().equals("trigger")) {
            JsonNode p = e.path("payload");
            String summary = p.path("summary").asText("");
            if (summary.isEmpty() || summary.codePointCount(0, summary.length()) > 1024) {
                errors.add("'payload.summary' is missing or longer than 1024");
            }
            if (p.path("source").asText("").isEmpty()) {
                errors.add("'payload.source' is missing");
            }
            if (!Set.of("critical", "error", "warning", "info").contains(p.path("severity").asText())) {
                errors.add("'payload.severity' is invalid");
            }
        }
        return errors;
    }

    private static Response json(int status, String body) {
        return Response.of(status, "application/json", body);
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private String base() {
        return server.url("");
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new PagerDutyNotifierFactory(), values, "am.yml:11:9");
    }

    private static Notification notification(boolean resolved) {
        return TestNotifications.diskFull(resolved);
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    private static List<String> names(JsonNode o) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /** Alertmanager 0.34's {@code timeout}: a request outlasting it fails, retryable, long before the dispatcher's deadline. */
    @Test
    void aRequestOutlastingTheConfiguredTimeoutFailsRetryableNamingIt() throws Exception {
        server.on("/slow", r -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return json(202, "{}");
        });
        Notifier n = notifier(Map.of("routing_key", ROUTING_KEY, "url", base() + "/slow", "timeout", "300ms"));
        long start = System.nanoTime();
        NotifyException e = org.assertj.core.api.Assertions.catchThrowableOfType(NotifyException.class,
                () -> n.send(notification(false), Instant.now().plusSeconds(30)));
        assertThat(e).isNotNull();
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("configured pagerduty timeout reached (300ms)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aTimeoutLongerThanTheAnswerDelivers() throws Exception {
        context.global("pagerduty_url", base() + "/v2/enqueue");
        notifier(Map.of("routing_key", ROUTING_KEY, "timeout", "5s")).send(notification(false), soon());
        notifier(Map.of("routing_key", ROUTING_KEY, "timeout", "0s")).send(notification(false), soon());
        assertThat(events).hasSize(2);
    }

    @Test
    void v2TriggerAndResolvePairUpOnTheGroupKeysHashWithAlertmanagersDefaults() throws Exception {
        context.global("pagerduty_url", base() + "/v2/enqueue");
        Notifier n = notifier(Map.of("routing_key", ROUTING_KEY));
        n.send(notification(false), soon());
        n.send(notification(true), soon());
        JsonNode trigger = events.get(0);
        assertThat(names(trigger)).containsExactly("routing_key", "dedup_key", "event_action", "payload", "client", "client_url");
        assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
        assertThat(trigger.get("dedup_key").asText())
                .isEqualTo(PagerDutyNotifier.hash("{}:{alertname=\"DiskFull\"}")).hasSize(64);
        JsonNode p = trigger.get("payload");
        assertThat(names(p)).containsExactly("summary", "source", "severity", "custom_details");
        assertThat(p.get("summary").asText()).isEqualTo(TEMPLATES.render("{{ template \"__subject\" . }}", notification(false)));
        assertThat(p.get("source").asText()).isEqualTo("Promethium");
        assertThat(p.get("severity").asText()).isEqualTo("error");
        assertThat(names(p.get("custom_details"))).containsExactly("firing", "num_firing", "num_resolved", "resolved");
        assertThat(p.get("custom_details").get("num_firing").asText()).isEqualTo("1");
        assertThat(p.get("custom_details").get("firing").asText()).contains("alertname = DiskFull");
        assertThat(trigger.get("client").asText()).isEqualTo("Promethium");
        assertThat(trigger.get("client_url").asText()).isEqualTo("http://am.example/#/alerts?receiver=team");

        JsonNode resolve = events.get(1);
        assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.get("dedup_key").asText()).isEqualTo(trigger.get("dedup_key").asText());
    }

    @Test
    void v2CarriesEveryConfiguredField() throws Exception {
        Files.writeString(dir.resolve("key"), ROUTING_KEY + "\n");
        Map<String, Object> c = new HashMap<>();
        c.put("routing_key_file", "key");
        c.put("url", base() + "/v2/enqueue");
        c.put("client", "cl");
        c.put("client_url", "http://cl");
        c.put("description", "{{ .CommonAnnotations.summary }}");
        c.put("details", Map.of("instance", "{{ .CommonLabels.instance }}", "firing", "overridden"));
        c.put("images", List.of(Map.of("src", "http://img/{{ .GroupLabels.alertname }}", "alt", "graph", "href", "http://g"),
                Map.of("src", "", "alt", "dropped")));
        c.put("links", List.of(Map.of("href", "http://runbook", "text", "Runbook")));
        c.put("source", "{{ .CommonLabels.instance }}");
        c.put("severity", "critical");
        c.put("class", "disk");
        c.put("component", "postgres");
        c.put("group", "db");
        notifier(c).send(notification(false), soon());
        JsonNode e = events.get(0);
        assertThat(e.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(names(e)).containsExactly("routing_key", "dedup_key", "event_action", "payload", "client", "client_url",
                "images", "links");
        assertThat(e.get("payload").toString()).isEqualTo("{\"summary\":\"disk 97% full\",\"source\":\"db1\",\"severity\":\"critical\","
                + "\"class\":\"disk\",\"component\":\"postgres\",\"group\":\"db\",\"custom_details\":{\"firing\":\"overridden\","
                + "\"instance\":\"db1\",\"num_firing\":\"1\",\"num_resolved\":\"0\",\"resolved\":\"\"}}");
        assertThat(e.get("images").toString()).isEqualTo("[{\"src\":\"http://img/DiskFull\",\"alt\":\"graph\",\"href\":\"http://g\"}]");
        assertThat(e.get("links").toString()).isEqualTo("[{\"href\":\"http://runbook\",\"text\":\"Runbook\"}]");
    }

    @Test
    void summaryIsCutTo1024CharactersAndOversizedDetailsAreReplaced() throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put("routing_key", ROUTING_KEY);
        c.put("url", base() + "/v2/enqueue");
        c.put("description", "{{ .CommonLabels.instance }}" + "x".repeat(3000));
        c.put("details", Map.of("big", "y".repeat(600_000)));
        notifier(c).send(notification(false), soon());
        JsonNode p = events.get(0).get("payload");
        assertThat(p.get("summary").asText()).hasSize(1024).startsWith("db1xx").endsWith("x…");
        assertThat(p.get("custom_details").toString()).contains("exceeds the maximum size of 512KB").doesNotContain("yyy");
    }

    @Test
    void invalidEventIsNotRetriedAndNamesTheApisErrors() throws Exception {
        Map<String, Object> c = Map.of("routing_key", "short", "url", base() + "/v2/enqueue");
        assertThatThrownBy(() -> notifier(c).send(notification(false), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("400").hasMessageContaining("routing_key' must be 32 characters");
    }

    @Test
    void rateLimitAndServerErrorsAreRetried() throws Exception {
        rateLimited = true;
        assertThatThrownBy(() -> notifier(Map.of("routing_key", ROUTING_KEY, "url", base() + "/v2/enqueue")).send(notification(false), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
                });
        assertThatThrownBy(() -> notifier(Map.of("routing_key", ROUTING_KEY, "url", base() + "/down")).send(notification(false), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("502");
    }

    @Test
    void v1ServiceKeySendsIncidentKeyAndClientOnlyOnTrigger() throws Exception {
        Notifier n = notifier(Map.of("service_key", "svc", "url", base() + "/generic/2010-04-15/create_event.json"));
        n.send(notification(false), soon());
        n.send(notification(true), soon());
        JsonNode trigger = events.get(0);
        assertThat(names(trigger)).containsExactly("service_key", "incident_key", "event_type", "description", "client",
                "client_url", "details");
        assertThat(trigger.get("event_type").asText()).isEqualTo("trigger");
        assertThat(trigger.get("incident_key").asText()).isEqualTo(PagerDutyNotifier.hash("{}:{alertname=\"DiskFull\"}"));
        JsonNode resolve = events.get(1);
        assertThat(resolve.get("event_type").asText()).isEqualTo("resolve");
        assertThat(resolve.has("client")).isFalse();
        assertThat(resolve.get("incident_key").asText()).isEqualTo(trigger.get("incident_key").asText());
    }

    @Test
    void eventsGoThroughTheHttpConfigsTlsAndProxy() throws Exception {
        TestCertificates cert = TestCertificates.create(dir);
        try (RecordingHttpServer tls = RecordingHttpServer.https(cert.serverContext())) {
            tls.on("/v2/enqueue", this::v2);
            notifier(Map.of("routing_key", ROUTING_KEY, "url", tls.url("/v2/enqueue"),
                    "http_config", Map.of("tls_config", Map.of("ca_file", cert.caPem().toString())))).send(notification(false), soon());
            assertThat(tls.requests()).hasSize(1);
        }
        try (RecordingHttpServer proxy = RecordingHttpServer.http()) {
            proxy.on("/", this::v2);
            context.global("http_config", Map.of("proxy_url", proxy.url("")));
            notifier(Map.of("routing_key", ROUTING_KEY, "url", "http://events.pagerduty.invalid/v2/enqueue")).send(notification(true), soon());
            assertThat(proxy.requests()).singleElement()
                    .satisfies(r -> assertThat(r.uri().toString()).isEqualTo("http://events.pagerduty.invalid/v2/enqueue"));
        }
        assertThat(events).extracting(e -> e.get("event_action").asText()).containsExactly("trigger", "resolve");
    }

    @Test
    void configErrorsNameTheField() {
        assertThatThrownBy(() -> notifier(Map.of("routing_key", ROUTING_KEY, "severty", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("am.yml:11:9").hasMessageContaining("severty");
        assertThatThrownBy(() -> notifier(Map.of("client", "x"))).hasMessageContaining("missing service or routing key");
        assertThatThrownBy(() -> notifier(Map.of("routing_key", "a", "routing_key_file", "b")))
                .hasMessageContaining("at most one of routing_key & routing_key_file");
        assertThatThrownBy(() -> notifier(Map.of("routing_key", "a", "images", List.of(Map.of("source", "x")))))
                .hasMessageContaining("source");
        assertThatThrownBy(() -> notifier(Map.of("routing_key", "a", "http_config", Map.of("proxy_url", "http://p:1", "proxy_from_environment", true))))
                .hasMessageContaining("proxy_from_environment");
    }
}
