package io.promethium.notifiers.msteamsv2;

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
 * Against a loopback stand-in for a Teams Workflows webhook (records; answers 202), with the
 * Adaptive Card that Alertmanager's {@code msteamsv2} notifier builds.
 */
class MSTeamsV2NotifierTest {

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
        return context.notifier(new MSTeamsV2NotifierFactory(), values, "am.yml:3:5");
    }

    @Test
    void adaptiveCardIsAlertmanagers() throws Exception {
        notifier(Map.of("webhook_url", server.url("/wf"), "text", "body {{ .Status }}"))
                .send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        JsonNode m = JSON.readTree(server.requests().get(0).body());
        assertThat(m.toString()).isEqualTo("{\"type\":\"message\",\"attachments\":[{\"contentType\":"
                + "\"application/vnd.microsoft.card.adaptive\",\"contentUrl\":null,\"content\":{\"$schema\":"
                + "\"http://adaptivecards.io/schemas/adaptive-card.json\",\"type\":\"AdaptiveCard\",\"version\":\"1.2\","
                + "\"body\":[{\"type\":\"TextBlock\",\"text\":\"[FIRING:1] DiskFull (db1)\",\"weight\":\"Bolder\",\"size\":"
                + "\"Medium\",\"wrap\":true,\"style\":\"heading\",\"color\":\"Attention\"},{\"type\":\"TextBlock\",\"text\":"
                + "\"body firing\",\"wrap\":true}],\"msteams\":{\"width\":\"full\"}}}]}");
    }

    @Test
    void resolvedIsGood() throws Exception {
        notifier(Map.of("webhook_url", server.url("/wf"))).send(TestNotifications.diskFull(true), Instant.now().plusSeconds(9));
        JsonNode m = JSON.readTree(server.requests().get(0).body());
        assertThat(m.at("/attachments/0/content/body/0/color").asText()).isEqualTo("Good");
        assertThat(m.at("/attachments/0/content/body/1/text").asText()).contains("# Alerts Resolved:");
    }

    @Test
    void summaryIsNotAFieldOfV2() {
        assertThatThrownBy(() -> notifier(Map.of("webhook_url", "http://x/", "summary", "s"))).hasMessageContaining("summary");
        assertThatThrownBy(() -> notifier(Map.of())).hasMessageContaining("one of webhook_url or webhook_url_file");
    }

    @Test
    void aBlocksOwnHttpConfigWithoutProxyTakesTheGlobalProxyAsAlertmanagerDoes() throws Exception {
        try (RecordingHttpServer proxy = RecordingHttpServer.http()) {
            context.global("http_config", Map.of("proxy_url", proxy.url("")));
            notifier(Map.of("webhook_url", "http://teams.invalid/workflows/x", "http_config", Map.of("follow_redirects", true)))
                    .send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
            assertThat(proxy.requests()).singleElement().satisfies(r ->
                    assertThat(r.uri().toString()).isEqualTo("http://teams.invalid/workflows/x"));
        }
    }
}
