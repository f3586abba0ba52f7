package io.promethium.notifiers.discord;

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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a loopback stand-in for a Discord webhook (records; answers 204). The expected body is
 * what Alertmanager 0.25 sent for the same alert (see the differential test).
 */
class DiscordNotifierTest {

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
        return context.notifier(new DiscordNotifierFactory(), values, "am.yml:3:5");
    }

    @Test
    void defaultMessageIsAlertmanagers() throws Exception {
        notifier(Map.of("webhook_url", server.url("/api/webhooks/1/t"))).send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        JsonNode m = JSON.readTree(server.requests().get(0).body());
        assertThat(m.toString()).isEqualTo("{\"content\":\"\",\"embeds\":[{\"title\":\"[FIRING:1] DiskFull (db1)\",\"description\":"
                + "\"\\n\\nAlerts Firing:\\nLabels:\\n - alertname = DiskFull\\n - instance = db1\\nAnnotations:\\n - summary = "
                + "disk 97% full\\nSource: http://prom/graph\\n\\n\\n\\n\",\"color\":10038562}]}");
    }

    @Test
    void usernameAvatarAndLimits() throws Exception {
        notifier(Map.of("webhook_url", server.url("/w"), "username", "bot", "avatar_url", "http://a/b.png", "title", "t".repeat(300),
                "content", "c")).send(TestNotifications.diskFull(true), Instant.now().plusSeconds(9));
        JsonNode m = JSON.readTree(server.requests().get(0).body());
        assertThat(m.get("username").asText()).isEqualTo("bot");
        assertThat(m.get("avatar_url").asText()).isEqualTo("http://a/b.png");
        assertThat(m.get("content").asText()).isEqualTo("c");
        assertThat(m.at("/embeds/0/title").asText()).hasSize(256).endsWith("…");
        assertThat(m.at("/embeds/0/color").asInt()).isEqualTo(0x2ECC71);
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of())).hasMessageContaining("one of webhook_url or webhook_url_file");
        assertThatThrownBy(() -> notifier(Map.of("webhook_url", "ftp://x/"))).hasMessageContaining("webhook_url")
                .hasMessageNotContaining("ftp://x/");
    }
}
