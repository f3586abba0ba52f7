package io.promethium.notifiers.incidentio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Request;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.time.Instant;
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
