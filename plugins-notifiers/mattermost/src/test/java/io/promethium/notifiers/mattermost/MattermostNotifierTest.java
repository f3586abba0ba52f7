package io.promethium.notifiers.mattermost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notifier;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a loopback stand-in for a Mattermost incoming webhook (records; answers 200 {@code ok}),
 * with the messages Alertmanager's {@code mattermost} notifier builds (its source and tests).
 */
class MattermostNotifierTest {

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
        return context.notifier(new MattermostNotifierFactory(), values, "am.yml:3:5");
    }

    private JsonNode body(int i) throws Exception {
        return JSON.readTree(server.requests().get(i).body());
    }

    @Test
    void defaultMessageIsOneAttachment() throws Exception {
        context.global("mattermost_webhook_url", server.url("/hooks/x"));
        notifier(Map.of("channel", "ops")).send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        JsonNode m = body(0);
        assertThat(m.has("text")).isFalse();
        assertThat(m.get("channel").asText()).isEqualTo("ops");
        assertThat(m.get("username").asText()).isEqualTo("Promethium");
        JsonNode a = m.at("/attachments/0");
        assertThat(a.get("fallback").asText()).isEqualTo("[FIRING:1] DiskFull (db1) | http://am.example/#/alerts?receiver=team");
        assertThat(a.get("color").asText()).isEqualTo("danger");
        assertThat(a.get("title").asText()).isEqualTo("[FIRING:1] DiskFull (db1)");
        assertThat(a.get("title_link").asText()).isEqualTo("http://am.example/#/alerts?receiver=team");
        assertThat(a.get("text").asText()).contains("# Alerts Firing:");
    }

    @Test
    void attachmentsPutTheTextAtTheTopAndPriorityIsSanitised() throws Exception {
        notifier(Map.of("webhook_url", server.url("/hooks/x"), "text", "t", "attachments",
                List.of(Map.of("title", "a1", "fields", List.of(Map.of("title", "f", "value", "{{ .Status }}", "short", true)))),
                "priority", Map.of("priority", "Bogus", "requested_ack", true, "persistent_notifications", true),
                "props", Map.of("card", "c"))).send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        JsonNode m = body(0);
        assertThat(m.get("text").asText()).isEqualTo("t");
        assertThat(m.get("attachments").toString()).isEqualTo("[{\"title\":\"a1\",\"fields\":[{\"title\":\"f\",\"value\":\"firing\",\"short\":true}]}]");
        assertThat(m.get("priority").toString()).isEqualTo("{\"priority\":\"standard\"}");
        assertThat(m.get("props").toString()).isEqualTo("{\"card\":\"c\"}");
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of())).hasMessageContaining("missing webhook_url or webhook_url_file on mattermost_config");
        assertThatThrownBy(() -> notifier(Map.of("webhook_url", "http://x/", "webhook_url_file", "f")))
                .hasMessageContaining("at most one of webhook_url & webhook_url_file");
        assertThatThrownBy(() -> notifier(Map.of("webhook_url", "http://x/", "fields", List.of(Map.of("title", "t")))))
                .hasMessageContaining("missing value in Mattermost field");
    }
}
