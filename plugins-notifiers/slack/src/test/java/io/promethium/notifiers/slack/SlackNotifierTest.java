package io.promethium.notifiers.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateRenderer;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestCertificates;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a loopback server that answers as Slack does: an incoming webhook answers {@code ok}
 * as text/plain; {@code chat.postMessage} answers JSON with {@code ok}, and {@code ok: false}
 * with {@code error} (status 200) when the token or channel is wrong; a rate limit is 429 with
 * {@code Retry-After}.
 */
class SlackNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TemplateRenderer TEMPLATES = AlertmanagerTemplates.defaults();
    private static final String TOKEN = "xoxb-test-token";

    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final List<String> auth = new CopyOnWriteArrayList<>();
    private TestNotifierContext context;
    private volatile int rateLimited;

    @BeforeEach
    void start() throws Exception {
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), TEMPLATES);
        server = RecordingHttpServer.http();
        server.on("/services/T0/B0/secret", r -> {
            JsonNode body = JSON.readTree(r.body());
            bodies.add(body);
            if (rateLimited > 0) {
                rateLimited--;
                return Response.status(429).withHeader("Retry-After", "7");
            } else if (!body.has("attachments") && !body.has("text")) {
                return Response.of(400, "text/plain", "no_text");
            }
            return Response.of(200, "text/plain", "ok");
        });
        server.on("/api/chat.postMessage", r -> {
            JsonNode body = JSON.readTree(r.body());
            bodies.add(body);
            String a = r.header("Authorization");
            auth.add(a == null ? "" : a);
            if (!("Bearer " + TOKEN).equals(a)) {
                return Response.of(200, "application/json; charset=utf-8", "{\"ok\":false,\"error\":\"invalid_auth\"}");
            } else if (!body.hasNonNull("channel")) {
                return Response.of(200, "application/json; charset=utf-8", "{\"ok\":false,\"error\":\"channel_not_found\"}");
            }
            return Response.of(200, "application/json; charset=utf-8", "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.2\"}");
        });
        server.on("/broken", r -> Response.of(503, "text/plain", "upstream down"));
        server.on("/nowhere", r -> Response.of(404, "text/plain", "no_service"));
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private String base() {
        return server.url("");
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new SlackNotifierFactory(), values, "am.yml:9:9");
    }

    private static Notification notification() {
        return TestNotifications.diskFull(false);
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    private static List<String> names(JsonNode o) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void defaultMessageIsAlertmanagersAttachmentFieldForField() throws Exception {
        context.global("slack_api_url", base() + "/services/T0/B0/secret");
        notifier(Map.of("channel", "#ops")).send(notification(), soon());
        JsonNode m = bodies.get(0);
        assertThat(names(m)).containsExactly("channel", "username", "attachments");
        assertThat(m.get("channel").asText()).isEqualTo("#ops");
        assertThat(m.get("username").asText()).isEqualTo("Promethium");
        assertThat(m.get("attachments")).hasSize(1);
        JsonNode att = m.get("attachments").get(0);
        assertThat(names(att)).containsExactly("title", "title_link", "text", "fallback", "callback_id", "footer", "color",
                "mrkdwn_in");
        String subject = TEMPLATES.render("{{ template \"__subject\" . }}", notification());
        assertThat(att.get("title").asText()).isEqualTo(subject).startsWith("[FIRING:1] DiskFull");
        assertThat(att.get("title_link").asText()).isEqualTo("http://am.example/#/alerts?receiver=team");
        assertThat(att.get("text").asText()).isEmpty();
        assertThat(att.get("fallback").asText()).isEqualTo(subject + " | http://am.example/#/alerts?receiver=team");
        assertThat(att.get("callback_id").asText()).isEmpty();
        assertThat(att.get("footer").asText()).isEmpty();
        assertThat(att.get("color").asText()).isEqualTo("danger");
        assertThat(att.get("mrkdwn_in").toString()).isEqualTo("[\"fallback\",\"pretext\",\"text\"]");
    }

    @Test
    void everyConfiguredFieldIsRenderedIntoThePayload() throws Exception {
        Map<String, Object> c = new java.util.HashMap<>();
        c.put("api_url", base() + "/services/T0/B0/secret");
        c.put("channel", "#{{ .CommonLabels.instance }}");
        c.put("username", "bot");
        c.put("color", "#ff0000");
        c.put("title", "T {{ .Status }}");
        c.put("title_link", "http://x/{{ .GroupLabels.alertname }}");
        c.put("pretext", "pre");
        c.put("text", "{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}");
        c.put("fields", List.of(Map.of("title", "Instance", "value", "{{ .CommonLabels.instance }}"),
                Map.of("title", "Long", "value", "v", "short", false)));
        c.put("short_fields", true);
        c.put("actions", List.of(Map.of("type", "button", "text", "Runbook", "url", "http://rb/{{ .GroupLabels.alertname }}",
                "style", "primary", "confirm", Map.of("text", "Sure?", "ok_text", "Yes"))));
        c.put("footer", "f");
        c.put("fallback", "fb");
        c.put("callback_id", "cb");
        c.put("icon_emoji", ":fire:");
        c.put("icon_url", "http://icon");
        c.put("image_url", "http://img");
        c.put("thumb_url", "http://thumb");
        c.put("link_names", true);
        c.put("mrkdwn_in", List.of("text"));
        notifier(c).send(notification(), soon());
        JsonNode m = bodies.get(0);
        assertThat(names(m)).containsExactly("channel", "username", "icon_emoji", "icon_url", "link_names", "attachments");
        assertThat(m.get("channel").asText()).isEqualTo("#db1");
        assertThat(m.get("icon_emoji").asText()).isEqualTo(":fire:");
        assertThat(m.get("link_names").asBoolean()).isTrue();
        JsonNode att = m.get("attachments").get(0);
        assertThat(names(att)).containsExactly("title", "title_link", "pretext", "text", "fallback", "callback_id", "fields",
                "actions", "image_url", "thumb_url", "footer", "color", "mrkdwn_in");
        assertThat(att.get("title").asText()).isEqualTo("T firing");
        assertThat(att.get("title_link").asText()).isEqualTo("http://x/DiskFull");
        assertThat(att.get("text").asText()).isEqualTo("disk 97% full");
        assertThat(att.get("fields").toString()).isEqualTo(
                "[{\"title\":\"Instance\",\"value\":\"db1\",\"short\":true},{\"title\":\"Long\",\"value\":\"v\",\"short\":false}]");
        assertThat(att.get("actions").toString()).isEqualTo("[{\"type\":\"button\",\"text\":\"Runbook\","
                + "\"url\":\"http://rb/DiskFull\",\"style\":\"primary\",\"confirm\":{\"text\":\"Sure?\",\"ok_text\":\"Yes\"}}]");
        assertThat(att.get("color").asText()).isEqualTo("#ff0000");
        assertThat(att.get("mrkdwn_in").toString()).isEqualTo("[\"text\"]");
    }

    @Test
    void longTitleIsCutTo1024CharactersWithAnEllipsis() throws Exception {
        notifier(Map.of("api_url", base() + "/services/T0/B0/secret", "title", "é".repeat(2000)))
                .send(notification(), soon());
        String title = bodies.get(0).get("attachments").get(0).get("title").asText();
        assertThat(title.codePointCount(0, title.length())).isEqualTo(1024);
        assertThat(title).endsWith("é…");
    }

    @Test
    void chatPostMessageSendsTheBotTokenAndTreatsOkFalseAsAFailure() throws Exception {
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Map<String, Object> good = Map.of("api_url", base() + "/api/chat.postMessage", "channel", "#ops",
                "http_config", Map.of("authorization", Map.of("credentials_file", "token")));
        notifier(good).send(notification(), soon());
        assertThat(auth).containsExactly("Bearer " + TOKEN);

        Map<String, Object> badToken = Map.of("api_url", base() + "/api/chat.postMessage", "channel", "#ops",
                "http_config", Map.of("authorization", Map.of("credentials", "xoxb-wrong")));
        assertThatThrownBy(() -> notifier(badToken).send(notification(), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("invalid_auth");
        Map<String, Object> noChannel = Map.of("api_url", base() + "/api/chat.postMessage",
                "http_config", Map.of("bearer_token", TOKEN));
        assertThatThrownBy(() -> notifier(noChannel).send(notification(), soon()))
                .hasMessageContaining("channel_not_found");
    }

    @Test
    void rateLimitIsRetriedAfterTheServersRetryAfter() throws Exception {
        rateLimited = 1;
        Notifier n = notifier(Map.of("api_url", base() + "/services/T0/B0/secret"));
        assertThatThrownBy(() -> n.send(notification(), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                });
        n.send(notification(), soon());
        assertThat(bodies).hasSize(2);
    }

    @Test
    void serverErrorIsRetriedAndClientErrorIsNot() throws Exception {
        assertThatThrownBy(() -> notifier(Map.of("api_url", base() + "/broken")).send(notification(), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("503").hasMessageContaining("upstream down");
        assertThatThrownBy(() -> notifier(Map.of("api_url", base() + "/nowhere")).send(notification(), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("404");
    }

    @Test
    void apiUrlFileIsReadAtSendTime() throws Exception {
        Files.writeString(dir.resolve("url"), base() + "/services/T0/B0/secret\n");
        notifier(Map.of("api_url_file", "url")).send(notification(), soon());
        assertThat(bodies).hasSize(1);
    }

    @Test
    void theWebApiIsReachedThroughTheConfiguredProxyAndCustomCa() throws Exception {
        TestCertificates cert = TestCertificates.create(dir);
        try (RecordingHttpServer proxy = RecordingHttpServer.http()) {
            proxy.on("/", r -> Response.of(200, "application/json", "{\"ok\":true}"));
            notifier(Map.of("api_url", "http://slack.invalid/api/chat.postMessage", "channel", "#ops",
                    "http_config", Map.of("proxy_url", proxy.url(""), "authorization", Map.of("credentials", TOKEN))))
                    .send(notification(), soon());
            assertThat(proxy.requests()).singleElement().satisfies(r -> {
                assertThat(r.uri().toString()).isEqualTo("http://slack.invalid/api/chat.postMessage");
                assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
            });
        }
        try (RecordingHttpServer tls = RecordingHttpServer.https(cert.serverContext())) {
            tls.on("/", r -> Response.of(200, "text/plain", "ok"));
            context.global("slack_api_url", tls.url("/services/T0/B0/secret"));
            context.global("http_config", Map.of("tls_config", Map.of("ca_file", cert.caPem().toString())));
            notifier(Map.of("channel", "#ops")).send(notification(), soon());
            assertThat(tls.requests()).hasSize(1);
        }
    }

    /**
     * update_message: Alertmanager's URLs are fixed (https://slack.com/api/chat.postMessage and
     * chat.update), so the test reaches them through a loopback CONNECT proxy that sends
     * slack.com to an HTTPS recorder answering as Slack's Web API documents it.
     */
    @Test
    void updateMessagePostsOnceThenEditsThatMessageWithItsTsAndChannel() throws Exception {
        TestCertificates cert = TestCertificates.create(dir);
        List<String> paths = new CopyOnWriteArrayList<>();
        List<JsonNode> sent = new CopyOnWriteArrayList<>();
        try (RecordingHttpServer slack = RecordingHttpServer.https(cert.serverContext());
             io.promethium.testsupport.LoopbackProxy proxy = new io.promethium.testsupport.LoopbackProxy()) {
            slack.on("/api/", r -> {
                paths.add(r.path());
                sent.add(JSON.readTree(r.body()));
                return Response.of(200, "application/json; charset=utf-8", "{\"ok\":true,\"channel\":\"C024BE91L\",\"ts\":\"1401383885.000061\"}");
            });
            proxy.alias("slack.com", new java.net.InetSocketAddress("127.0.0.1", slack.port()));
            Notifier n = notifier(Map.of("api_url", "https://slack.com/api/chat.postMessage", "channel", "#ops", "update_message", true,
                    "http_config", Map.of("proxy_url", proxy.url(), "authorization", Map.of("credentials", TOKEN),
                            "tls_config", Map.of("ca_file", cert.caPem().toString(), "server_name", "localhost"))));
            io.promethium.api.notify.NotificationState state = io.promethium.api.notify.NotificationState.transientState();
            n.send(TestNotifications.diskFull(false), soon(), state);
            assertThat(state.get("threadTs")).isEqualTo("1401383885.000061");
            assertThat(state.get("channelId")).isEqualTo("C024BE91L");
            n.send(TestNotifications.diskFull(true), soon(), state);
            n.send(TestNotifications.diskFull(true), soon()); // no state: posts anew
        }
        assertThat(paths).containsExactly("/api/chat.postMessage", "/api/chat.update", "/api/chat.postMessage");
        assertThat(sent.get(0).has("ts")).isFalse();
        assertThat(sent.get(0).path("channel").asText()).isEqualTo("#ops");
        assertThat(sent.get(1).path("ts").asText()).isEqualTo("1401383885.000061");
        assertThat(sent.get(1).path("channel").asText()).as("the channel id Slack answered").isEqualTo("C024BE91L");
        assertThat(sent.get(1).path("attachments").get(0).path("title").asText()).startsWith("[RESOLVED]");
    }

    @Test
    void updateMessageNeedsTheWebApiUrlAsAlertmanagerSays() {
        assertThatThrownBy(() -> notifier(Map.of("api_url", "https://hooks.slack.com/services/T0/B0/X", "update_message", true)))
                .hasMessageContaining("am.yml:9:9").hasMessageContaining(
                        "update_message can only be used with bot tokens. api_url must be set to https://slack.com/api/chat.postMessage");
    }

    @Test
    void configErrorsNameTheField() {
        assertThatThrownBy(() -> notifier(Map.of("api_url", "http://x", "colour", "red")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("am.yml:9:9").hasMessageContaining("colour");
        assertThatThrownBy(() -> notifier(Map.of("channel", "#x"))).hasMessageContaining("no Slack API URL nor App token set");
        assertThatThrownBy(() -> notifier(Map.of("api_url", "http://x", "fields", List.of(Map.of("title", "t")))))
                .hasMessageContaining("missing value in Slack field");
        assertThatThrownBy(() -> notifier(Map.of("api_url", "http://x", "actions", List.of(Map.of("type", "button", "text", "t")))))
                .hasMessageContaining("missing name or url");
        assertThatThrownBy(() -> notifier(Map.of("api_url", "http://x", "http_config", Map.of("proxy_url", "socks5://p:1"))))
                .hasMessageContaining("proxy_url");
        assertThatThrownBy(() -> notifier(Map.of("api_url", "http://x", "title", "{{ .Oops ")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void anAppTokenSendsToTheAppUrlWithItAsBearerAndMessageTextAtTheTop() throws Exception {
        Files.writeString(dir.resolve("app-token"), TOKEN + "\n");
        context.global("slack_app_token_file", "app-token");
        context.global("slack_app_url", base() + "/api/chat.postMessage");
        notifier(Map.of("channel", "#ops", "message_text", "{{ .CommonLabels.alertname }} fired")).send(notification(), soon());
        assertThat(auth).containsExactly("Bearer " + TOKEN);
        assertThat(bodies.get(0).get("text").asText()).isEqualTo("DiskFull fired");
    }

    @Test
    void appTokenConflictsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of("api_url", "http://x/", "app_token", "t")))
                .hasMessageContaining("at most one of api_url/api_url_file & app_token/app_token_file");
        assertThatThrownBy(() -> notifier(Map.of("app_token", "t", "app_token_file", "f")))
                .hasMessageContaining("at most one of app_token & app_token_file");
        assertThatThrownBy(() -> notifier(Map.of("app_token", "t", "http_config", Map.of("authorization", Map.of("credentials", "c")))))
                .hasMessageContaining("http authorization can't be set when using Slack App tokens");
    }
}
