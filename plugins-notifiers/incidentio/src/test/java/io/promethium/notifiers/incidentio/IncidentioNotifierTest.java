package io.promethium.notifiers.incidentio;

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
import io.promethium.api.testing.RecordingHttpServer.Request;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a loopback stand-in for an incident.io HTTP alert source: it answers 202, or 401 with
 * {@code {"message":..,"errors":[..]}} for a wrong token, as its API documents.
 */
class IncidentioNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private TestNotifierContext context;

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        server.on("/v2/alert_events/http/", r -> "Bearer tok".equals(r.header("Authorization"))
                ? Response.of(202, "application/json", "{\"status\":\"success\"}")
                : Response.of(401, "application/json", "{\"message\":\"unauthorized\",\"errors\":[\"bad token\"]}"));
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), null);
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new IncidentioNotifierFactory(), values, "am.yml:3:5");
    }

    @Test
    void messageIsTheWebhookDataWithVersion1() throws Exception {
        notifier(Map.of("url", server.url("/v2/alert_events/http/01A"), "alert_source_token", "tok"))
                .send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        Request r = server.requests().get(0);
        JsonNode m = JSON.readTree(r.body());
        assertThat(m.get("version").asText()).isEqualTo("1");
        assertThat(m.get("groupKey").asText()).isEqualTo(TestNotifications.DISK_FULL_GROUP_KEY);
        assertThat(m.get("truncatedAlerts").asLong()).isZero();
        assertThat(m.get("status").asText()).isEqualTo("firing");
        assertThat(m.at("/alerts/0/labels/instance").asText()).isEqualTo("db1");
        assertThat(m.at("/alerts/0/endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(m.get("externalURL").asText()).isEqualTo("http://am.example");
    }

    /**
     * The whole body, byte for byte, as Alertmanager 0.34's {@code incidentio.Message} encodes it:
     * its embedded {@code template.Data} (the webhook's, {@code notification_reason} and
     * {@code routeLabels} included), then {@code version}, {@code groupKey} and
     * {@code truncatedAlerts}, with Go's HTML escaping, fraction-trimmed times, the receiver
     * {@code regexp.QuoteMeta}'d and the encoder's final newline.
     */
    @Test
    void bodyIsAlertmanagersWholeWithReasonAndRouteLabels() throws Exception {
        Alert a = new Alert(Labels.of("alertname", "DiskFull", "instance", "db1"), Labels.of("summary", "disk <97%> & full"),
                Instant.parse("2024-01-01T00:00:00.250Z"), null, "http://prom/graph?g0.expr=up&g0.tab=1");
        Notification n = new Notification("team.db", true, List.of(a), Labels.of("alertname", "DiskFull"),
                Labels.of("alertname", "DiskFull", "instance", "db1"), Labels.of("summary", "disk <97%> & full"),
                "http://am.example", TestNotifications.DISK_FULL_GROUP_KEY, Labels.of("team", "db", "service.name", "pg"),
                Notification.Reason.FIRST_NOTIFICATION);
        notifier(Map.of("url", server.url("/v2/alert_events/http/01A"), "alert_source_token", "tok"))
                .send(n, Instant.now().plusSeconds(9));
        assertThat(new String(server.requests().get(0).body(), StandardCharsets.UTF_8)).isEqualTo("""
                {"receiver":"team\\\\.db","status":"firing","alerts":[{"status":"firing",\
                "labels":{"alertname":"DiskFull","instance":"db1"},"annotations":{"summary":"disk \\u003c97%%\\u003e \\u0026 full"},\
                "startsAt":"2024-01-01T00:00:00.25Z","endsAt":"0001-01-01T00:00:00Z",\
                "generatorURL":"http://prom/graph?g0.expr=up\\u0026g0.tab=1","fingerprint":"%s"}],\
                "notification_reason":"first notification","groupLabels":{"alertname":"DiskFull"},\
                "commonLabels":{"alertname":"DiskFull","instance":"db1"},\
                "commonAnnotations":{"summary":"disk \\u003c97%%\\u003e \\u0026 full"},\
                "routeLabels":{"service.name":"pg","team":"db"},"externalURL":"http://am.example","version":"1",\
                "groupKey":"{}:{alertname=\\"DiskFull\\"}","truncatedAlerts":0}
                """.formatted(a.fingerprint()));
    }

    @Test
    void maxAlertsCutsAndCountsTheRest() throws Exception {
        Alert a = TestNotifications.diskFull(false).alerts().get(0);
        Alert b = new Alert(Labels.of("alertname", "DiskFull", "instance", "db2"), Labels.EMPTY, a.startsAt(), null, "");
        Notification n = new Notification("team", true, List.of(a, b), Labels.EMPTY, Labels.EMPTY, Labels.EMPTY, "", "k");
        notifier(Map.of("url", server.url("/v2/alert_events/http/01A"), "alert_source_token", "tok", "max_alerts", 1L))
                .send(n, Instant.now().plusSeconds(9));
        JsonNode m = JSON.readTree(server.requests().get(0).body());
        assertThat(m.get("alerts")).hasSize(1);
        assertThat(m.get("truncatedAlerts").asLong()).isEqualTo(1);
        assertThat(m.get("notification_reason").asText()).isEqualTo("unknown");
        assertThat(m.get("routeLabels").isObject()).isTrue();
    }

    @Test
    void aWrongTokenShowsIncidentIosErrorsAndIsNotRetried() throws Exception {
        Notifier n = notifier(Map.of("url", server.url("/v2/alert_events/http/01A"), "alert_source_token", "nope"));
        assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("unauthorized: bad token").hasMessageNotContaining("nope");
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of())).hasMessageContaining("one of url or url_file");
        assertThatThrownBy(() -> notifier(Map.of("url", "http://x/", "alert_source_token", "t",
                "http_config", Map.of("authorization", Map.of("credentials", "c")))))
                .hasMessageContaining("cannot specify alert_source_token");
        assertThatThrownBy(() -> notifier(Map.of("url", "http://x/", "http_config", Map.of("follow_redirects", true))))
                .hasMessageContaining("at least one of alert_source_token");
    }
}
