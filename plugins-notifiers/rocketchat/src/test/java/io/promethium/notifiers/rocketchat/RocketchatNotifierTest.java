package io.promethium.notifiers.rocketchat;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a loopback stand-in for Rocket.Chat's REST API {@code chat.postMessage}: it checks the
 * {@code X-Auth-Token}/{@code X-User-Id} pair and answers {@code {"success":true,...}}, or
 * {@code {"success":false,"error":...}} as its documentation shows.
 */
class RocketchatNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private TestNotifierContext context;

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        server.on("/api/v1/chat.postMessage", r -> "tok".equals(r.header("X-Auth-Token")) && "uid".equals(r.header("X-User-Id"))
                ? Response.of(200, "application/json", "{\"success\":true,\"message\":{\"_id\":\"m\"}}")
                : Response.of(200, "application/json", "{\"success\":false,\"error\":\"You must be logged in to do this.\"}"));
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new RocketchatNotifierFactory(), values, "am.yml:3:5");
    }

    @Test
    void messageIsAlertmanagers() throws Exception {
        Files.writeString(dir.resolve("uid"), "uid\n");
        context.global("rocketchat_api_url", server.url(""));
        context.global("rocketchat_token", "tok");
        notifier(Map.of("token_id_file", "uid", "channel", "#ops", "fields", List.of(Map.of("title", "i", "value", "{{ .CommonLabels.instance }}")),
                "actions", List.of(Map.of("text", "Runbook", "url", "http://rb"))))
                .send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        Request r = server.requests().get(0);
        assertThat(r.path()).isEqualTo("/api/v1/chat.postMessage");
        JsonNode m = JSON.readTree(r.body());
        assertThat(m.toString()).isEqualTo("{\"channel\":\"#ops\",\"attachments\":[{\"title\":\"[FIRING:1] DiskFull (db1)\","
                + "\"title_link\":\"http://am.example/#/alerts?receiver=team\",\"color\":\"red\",\"fields\":[{\"short\":false,"
                + "\"title\":\"i\",\"value\":\"db1\"}],\"actions\":[{\"type\":\"button\",\"text\":\"Runbook\",\"url\":\"http://rb\","
                + "\"is_webview\":false,\"msg_in_chat_window\":false}]}]}");
    }

    @Test
    void successFalseIsAFailureNotRetried() throws Exception {
        Notifier n = notifier(Map.of("api_url", server.url(""), "token", "wrong", "token_id", "uid"));
        assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("You must be logged in");
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of("token", "t"))).hasMessageContaining("no global Rocketchat TokenID set");
        assertThatThrownBy(() -> notifier(Map.of("token_id", "t"))).hasMessageContaining("no global Rocketchat Token set");
        assertThatThrownBy(() -> notifier(Map.of("token", "t", "token_file", "f", "token_id", "i")))
                .hasMessageContaining("at most one of token & token_file");
    }
}
