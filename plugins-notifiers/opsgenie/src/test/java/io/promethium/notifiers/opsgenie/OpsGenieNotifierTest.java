package io.promethium.notifiers.opsgenie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notifier;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Request;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a loopback stand-in for Opsgenie's alerts API v2 (it records; answers 202). The
 * expected bodies are those Alertmanager 0.25 sent for the same config and alert (recorded by
 * the differential test), and its newest release's {@code opsgenie_test.go} cases.
 */
class OpsGenieNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALIAS = "17c4e445d234645c9e547ff6d32a864af0ebdadcd1902771c24c8d366637ff41";

    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private TestNotifierContext context;

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults())
                .sendResolved(true);
        context.global("opsgenie_api_url", server.url("/og/"));
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new OpsGenieNotifierFactory(), values, "am.yml:3:5");
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    private static JsonNode json(Request r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void firingCreatesTheAlertAsAlertmanagerDoes() throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put("api_key", "og-key");
        c.put("responders", List.of(Map.of("name", "ops", "type", "Team"), Map.of("name", "a, b", "type", "teams"),
                Map.of("id", "{{ .CommonLabels.nothing }}", "type", "{{ .CommonLabels.nothing }}")));
        c.put("tags", "a,b");
        c.put("priority", "P2");
        c.put("details", Map.of("x", "{{ .CommonLabels.instance }}", "alertname", "overridden"));
        notifier(c).send(TestNotifications.diskFull(false), soon());
        Request r = server.requests().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/og/v2/alerts");
        assertThat(r.header("Authorization")).isEqualTo("GenieKey og-key");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode m = json(r);
        assertThat(m.get("alias").asText()).isEqualTo(ALIAS);
        assertThat(m.get("message").asText()).isEqualTo("[FIRING:1] DiskFull (db1)");
        assertThat(m.get("description").asText()).isEqualTo("disk 97% full\nAlerts Firing:\nLabels:\n - alertname = DiskFull\n"
                + " - instance = db1\nAnnotations:\n - summary = disk 97% full\nSource: http://prom/graph\n\n");
        assertThat(m.get("details").toString()).isEqualTo("{\"alertname\":\"overridden\",\"instance\":\"db1\",\"x\":\"db1\"}");
        assertThat(m.get("source").asText()).isEqualTo("http://am.example/#/alerts?receiver=team");
        assertThat(m.get("responders").toString()).isEqualTo(
                "[{\"name\":\"ops\",\"type\":\"team\"},{\"name\":\"a\",\"type\":\"team\"},{\"name\":\" b\",\"type\":\"team\"}]");
        assertThat(m.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(m.get("priority").asText()).isEqualTo("P2");
        assertThat(m.has("note")).isFalse();
        assertThat(m.has("entity")).isFalse();
        assertThat(m.has("actions")).isFalse();
    }

    @Test
    void resolvedClosesTheAlertByAlias() throws Exception {
        notifier(Map.of("api_key", "og-key", "source", "src")).send(TestNotifications.diskFull(true), soon());
        Request r = server.requests().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.uri().getRawPath() + "?" + r.uri().getRawQuery()).isEqualTo("/og/v2/alerts/" + ALIAS + "/close?identifierType=alias");
        assertThat(json(r).toString()).isEqualTo("{\"source\":\"src\"}");
    }

    @Test
    void updateAlertsAlsoSetsMessageAndDescription() throws Exception {
        notifier(Map.of("api_key", "og-key", "update_alerts", true, "description", "d")).send(TestNotifications.diskFull(false), soon());
        List<Request> rs = server.requests();
        assertThat(rs).hasSize(3);
        assertThat(rs.get(1).method()).isEqualTo("PUT");
        assertThat(rs.get(1).uri().toString()).endsWith("/og/v2/alerts/" + ALIAS + "/message?identifierType=alias");
        assertThat(json(rs.get(1)).toString()).isEqualTo("{\"message\":\"[FIRING:1] DiskFull (db1)\"}");
        assertThat(rs.get(2).uri().toString()).endsWith("/og/v2/alerts/" + ALIAS + "/description?identifierType=alias");
        assertThat(json(rs.get(2)).toString()).isEqualTo("{\"description\":\"d\"}");
    }

    @Test
    void messageIsCutTo130CharactersAndTheKeyFileIsReadAtSend() throws Exception {
        Files.writeString(dir.resolve("key"), "from-file\n");
        context.global("opsgenie_api_key_file", "key");
        notifier(Map.of("message", "x".repeat(200), "api_url", server.url("/other"))).send(TestNotifications.diskFull(false), soon());
        Request r = server.requests().get(0);
        assertThat(r.path()).isEqualTo("/other/v2/alerts");
        assertThat(r.header("Authorization")).isEqualTo("GenieKey from-file");
        assertThat(json(r).get("message").asText()).isEqualTo("x".repeat(129) + "…");
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of())).hasMessageContaining("am.yml:3:5").hasMessageContaining("no global OpsGenie API Key");
        assertThatThrownBy(() -> notifier(Map.of("api_key", "k", "api_key_file", "f")))
                .hasMessageContaining("at most one of api_key & api_key_file");
        assertThatThrownBy(() -> notifier(Map.of("api_key", "k", "responders", List.of(Map.of("type", "team")))))
                .hasMessageContaining("at least one of id, username or name");
        assertThatThrownBy(() -> notifier(Map.of("api_key", "k", "responders", List.of(Map.of("name", "x", "type", "group")))))
                .hasMessageContaining("does not match valid options");
        assertThatThrownBy(() -> notifier(Map.of("api_key", "k", "teams", "x"))).hasMessageContaining("teams");
    }
}
