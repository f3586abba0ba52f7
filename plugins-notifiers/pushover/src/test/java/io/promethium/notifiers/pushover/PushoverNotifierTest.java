package io.promethium.notifiers.pushover;

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
 * Against a loopback stand-in for Pushover's messages API ({@code {"status":1,"request":..}}, or
 * 400 with {@code {"status":0,"errors":[..]}} as its documentation shows), reached through the
 * factory's test constructor (Alertmanager has no setting for the API URL either).
 */
class PushoverNotifierTest {

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
        return context.notifier(new PushoverNotifierFactory(java.net.URI.create(server.url("/1/messages.json"))), values, "am.yml:3:5");
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    private JsonNode body(int i) throws Exception {
        return JSON.readTree(server.requests().get(i).body());
    }

    private static Map<String, String> query(Request r) {
        Map<String, String> q = new java.util.LinkedHashMap<>();
        for (String pair : r.uri().getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return q;
    }

    @Test
    void requestIsAlertmanagers() throws Exception {
        notifier(Map.of("user_key", "po-user", "token", "po-token")).send(TestNotifications.diskFull(false), soon());
        Request r = server.requests().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/1/messages.json");
        assertThat(r.header("Content-Type")).isEqualTo("text/plain");
        assertThat(r.body()).isEmpty();
        Map<String, String> q = query(r);
        assertThat(q.keySet()).containsExactly("device", "expire", "message", "priority", "retry", "sound", "title", "token",
                "url", "url_title", "user");
        assertThat(q).containsEntry("token", "po-token").containsEntry("user", "po-user").containsEntry("priority", "2")
                .containsEntry("retry", "60").containsEntry("expire", "3600")
                .containsEntry("title", "[FIRING:1] DiskFull (db1)")
                .containsEntry("url", "http://am.example/#/alerts?receiver=team");
        assertThat(q.get("message")).startsWith("disk 97% full\n\nAlerts Firing:\nLabels:\n - alertname = DiskFull");
    }

    @Test
    void resolvedIsNormalPriorityAndOptionsAreSent() throws Exception {
        Files.writeString(dir.resolve("token"), "from-file\n");
        notifier(Map.of("user_key", "u", "token_file", "token", "message", " ", "html", true, "ttl", "1h", "sound", "siren"))
                .send(TestNotifications.diskFull(true), soon());
        Map<String, String> q = query(server.requests().get(0));
        assertThat(q).containsEntry("priority", "0").containsEntry("message", "(no details)").containsEntry("html", "1")
                .containsEntry("ttl", "3600").containsEntry("token", "from-file").containsEntry("sound", "siren");
    }

    @Test
    void htmlMessagesAreEscapedAsGosHtmlTemplateAndTheTitleIsNot() throws Exception {
        String message = "<b>{{ .CommonLabels.alertname }}</b> {{ \"a<b> & 'c+d'\" }}";
        notifier(Map.of("user_key", "u", "token", "t", "html", true, "message", message, "title", "{{ \"<t>\" }}"))
                .send(TestNotifications.diskFull(false), soon());
        notifier(Map.of("user_key", "u", "token", "t", "message", message)).send(TestNotifications.diskFull(false), soon());
        Map<String, String> html = query(server.requests().get(0));
        assertThat(html).containsEntry("message", "<b>DiskFull</b> a&lt;b&gt; &amp; &#39;c&#43;d&#39;").containsEntry("title", "<t>");
        assertThat(query(server.requests().get(1))).containsEntry("message", "<b>DiskFull</b> a<b> & 'c+d'");
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of("token", "t"))).hasMessageContaining("one of user_key or user_key_file");
        assertThatThrownBy(() -> notifier(Map.of("user_key", "u"))).hasMessageContaining("one of token or token_file");
        assertThatThrownBy(() -> notifier(Map.of("user_key", "u", "token", "t", "html", true, "monospace", true)))
                .hasMessageContaining("at most one of monospace & html");
        assertThatThrownBy(() -> notifier(Map.of("user_key", "u", "user_key_file", "f", "token", "t")))
                .hasMessageContaining("at most one of user_key & user_key_file");
    }
}
