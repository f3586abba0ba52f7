package io.promethium.notifiers.webex;

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
 * Against a loopback stand-in for Webex's messages API (records; answers 200 with the message).
 * The expected body is what Alertmanager 0.25 sent for the same config and alert.
 */
class WebexNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private TestNotifierContext context;

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new WebexNotifierFactory(), values, "am.yml:3:5");
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    private JsonNode body(int i) throws Exception {
        return JSON.readTree(server.requests().get(i).body());
    }

    @Test
    void messageIsAlertmanagers() throws Exception {
        context.global("webex_api_url", server.url("/v1/messages"));
        notifier(Map.of("room_id", "room1", "http_config", Map.of("authorization", Map.of("credentials", "wx-token"))))
                .send(TestNotifications.diskFull(false), soon());
        Request r = server.requests().get(0);
        assertThat(r.path()).isEqualTo("/v1/messages");
        assertThat(r.header("Authorization")).isEqualTo("Bearer wx-token");
        assertThat(body(0).toString()).isEqualTo("{\"markdown\":\"disk 97% full\\n\\nAlerts Firing:\\nLabels:\\n - alertname = DiskFull"
                + "\\n - instance = db1\\nAnnotations:\\n - summary = disk 97% full\\nSource: http://prom/graph\\n\\n\\n\\n\","
                + "\"roomId\":\"room1\"}");
    }

    @Test
    void aLongMessageIsCutTo7439Bytes() throws Exception {
        notifier(Map.of("api_url", server.url("/m"), "room_id", "{{ .CommonLabels.instance }}", "message", "é".repeat(5000),
                "http_config", Map.of("authorization", Map.of("credentials", "t")))).send(TestNotifications.diskFull(false), soon());
        String text = body(0).get("markdown").asText();
        assertThat(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(7439).isGreaterThan(7430);
        assertThat(text).endsWith("…");
        assertThat(body(0).get("roomId").asText()).isEqualTo("db1");
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of("http_config", Map.of("authorization", Map.of("credentials", "t")))))
                .hasMessageContaining("missing room_id on webex_config");
        context.global("http_config", Map.of("authorization", Map.of("credentials", "t")));
        assertThatThrownBy(() -> notifier(Map.of("room_id", "r"))).hasMessageContaining("missing webex_configs.http_config.authorization");
    }
}
