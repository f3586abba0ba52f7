package io.promethium.notifiers.msteams;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a loopback stand-in for an Office 365 connector webhook (records; answers 200 {@code 1}). */
class MSTeamsNotifierTest {

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
        return context.notifier(new MSTeamsNotifierFactory(), values, "am.yml:3:5");
    }

    @Test
    void messageCardIsAlertmanagers() throws Exception {
        notifier(Map.of("webhook_url", server.url("/webhookb2/x"))).send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        JsonNode m = JSON.readTree(server.requests().get(0).body());
        assertThat(m.get("@context").asText()).isEqualTo("http://schema.org/extensions");
        assertThat(m.get("type").asText()).isEqualTo("MessageCard");
        assertThat(m.get("title").asText()).isEqualTo("[FIRING:1] DiskFull (db1)");
        assertThat(m.get("summary").asText()).isEqualTo("[FIRING:1] DiskFull (db1)");
        assertThat(m.get("text").asText()).contains("# Alerts Firing:").contains("  - instance = db1");
        assertThat(m.get("themeColor").asText()).isEqualTo("8C1A1A");
    }

    @Test
    void resolvedIsGreenAndTheUrlFileIsReadAtSend() throws Exception {
        Files.writeString(dir.resolve("url"), server.url("/from-file") + "\n");
        notifier(Map.of("webhook_url_file", "url", "text", "t")).send(TestNotifications.diskFull(true), Instant.now().plusSeconds(9));
        assertThat(server.requests().get(0).path()).isEqualTo("/from-file");
        JsonNode m = JSON.readTree(server.requests().get(0).body());
        assertThat(m.get("themeColor").asText()).isEqualTo("2DC72D");
        assertThat(m.get("text").asText()).isEqualTo("t");
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of())).hasMessageContaining("one of webhook_url or webhook_url_file");
        assertThatThrownBy(() -> notifier(Map.of("webhook_url", "http://x/", "webhook_url_file", "f")))
                .hasMessageContaining("at most one of webhook_url & webhook_url_file");
        assertThatThrownBy(() -> notifier(Map.of("webhook_url", "http://x/", "colour", "f"))).hasMessageContaining("colour");
    }
}
