package io.promethium.notifiers.telegram;

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
 * Against a loopback stand-in for the Telegram Bot API ({@code ok:true} with the message, or
 * {@code ok:false} with {@code error_code} and {@code description}, as its documentation shows).
 * The expected body is what Alertmanager 0.25 sent for the same config and alert.
 */
class TelegramNotifierTest {

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
        return context.notifier(new TelegramNotifierFactory(), values, "am.yml:3:5");
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    private JsonNode body(int i) throws Exception {
        return JSON.readTree(server.requests().get(i).body());
    }

    @Test
    void sendMessageIsAlertmanagers() throws Exception {
        server.on("/", r -> Response.of(200, "application/json", "{\"ok\":true,\"result\":{\"message_id\":1}}"));
        context.global("telegram_api_url", server.url("/tg"));
        notifier(Map.of("bot_token", "tg-token", "chat_id", 42)).send(TestNotifications.diskFull(false), soon());
        Request r = server.requests().get(0);
        assertThat(r.path()).isEqualTo("/tg/bottg-token/sendMessage");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(body(0).toString()).isEqualTo("{\"chat_id\":\"42\",\"text\":\"\\n\\nAlerts Firing:\\nLabels:\\n - alertname = "
                + "DiskFull\\n - instance = db1\\nAnnotations:\\n - summary = disk 97% full\\nSource: http://prom/graph\\n\\n\\n\\n\","
                + "\"parse_mode\":\"HTML\",\"disable_web_page_preview\":\"true\"}");
    }

    @Test
    void threadSilenceParseModeAndFiles() throws Exception {
        server.on("/", r -> Response.of(200, "application/json", "{\"ok\":true,\"result\":{\"message_id\":1}}"));
        Files.writeString(dir.resolve("token"), "from-file\n");
        Files.writeString(dir.resolve("chat"), "-100123\n");
        context.global("telegram_bot_token_file", "token");
        notifier(Map.of("api_url", server.url(""), "chat_id_file", "chat", "message_thread_id", 7, "disable_notifications", true,
                "parse_mode", "", "message", "m")).send(TestNotifications.diskFull(false), soon());
        assertThat(server.requests().get(0).path()).isEqualTo("/botfrom-file/sendMessage");
        assertThat(body(0).toString()).isEqualTo("{\"chat_id\":\"-100123\",\"text\":\"m\",\"disable_web_page_preview\":\"true\","
                + "\"disable_notification\":\"true\",\"message_thread_id\":\"7\"}");
    }

    @Test
    void htmlParseModeEscapesValuesAsGosHtmlTemplateAndOtherModesDoNot() throws Exception {
        server.on("/", r -> Response.of(200, "application/json", "{\"ok\":true,\"result\":{}}"));
        String message = "<b>{{ .CommonLabels.alertname }}</b> {{ \"a<b> & 'c+d'\" }}";
        notifier(Map.of("api_url", server.url(""), "bot_token", "t", "chat_id", 1, "message", message))
                .send(TestNotifications.diskFull(false), soon());
        notifier(Map.of("api_url", server.url(""), "bot_token", "t", "chat_id", 1, "message", message, "parse_mode", "MarkdownV2"))
                .send(TestNotifications.diskFull(false), soon());
        assertThat(body(0).get("text").asText()).isEqualTo("<b>DiskFull</b> a&lt;b&gt; &amp; &#39;c&#43;d&#39;");
        assertThat(body(1).get("text").asText()).isEqualTo("<b>DiskFull</b> a<b> & 'c+d'");
    }

    @Test
    void aTooLongHtmlMessageIsReplacedAndAPlainOneCut() throws Exception {
        server.on("/", r -> Response.of(200, "application/json", "{\"ok\":true,\"result\":{}}"));
        notifier(Map.of("api_url", server.url(""), "bot_token", "t", "chat_id", 1, "message", "x".repeat(5000)))
                .send(TestNotifications.diskFull(false), soon());
        assertThat(body(0).get("text").asText()).startsWith("Alertmanager notification could not be sent");
        notifier(Map.of("api_url", server.url(""), "bot_token", "t", "chat_id", 1, "message", "x".repeat(5000), "parse_mode", "Markdown"))
                .send(TestNotifications.diskFull(false), soon());
        assertThat(body(1).get("text").asText()).hasSize(4096).endsWith("…");
    }

    /**
     * Alertmanager 0.34 returns "retry" with every error its bot library gives, so a 4xx such as
     * 400 chat not found is retried as 429 and 5xx are; the API's description is shown.
     */
    @Test
    void everyErrorAnswerIsRetriedAndShowsTheApisDescription() throws Exception {
        Notifier n = notifier(Map.of("api_url", server.url(""), "bot_token", "t", "chat_id", 1));
        for (int status : new int[] {400, 401, 403, 404, 429, 500}) {
            server.on("/", r -> Response.of(status, "application/json",
                    "{\"ok\":false,\"error_code\":" + status + ",\"description\":\"Bad Request: chat not found\"}"));
            assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), soon())).as("status " + status)
                    .isInstanceOfSatisfying(NotifyException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.statusCode()).hasValue(status);
                    })
                    .hasMessageContaining("chat not found");
        }
    }

    /**
     * Alertmanager's bot library reads the body whatever the status: one that is not JSON, JSON
     * without {@code "ok": true}, or with {@code ok} but a {@code result} that is not a message,
     * is an error, and Alertmanager retries every Telegram error, {@code error_code} 400 too.
     */
    @Test
    void aSuccessStatusWhoseBodyIsNotTelegramsOkIsRetried() throws Exception {
        Notifier n = notifier(Map.of("api_url", server.url(""), "bot_token", "t", "chat_id", 1));
        for (String body : java.util.List.of("<html><body>502 Bad Gateway</body></html>", "{\"ok\":tr", "", "{}", "[]", "null",
                "{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}",
                "{\"ok\":true,\"result\":true}", "{\"ok\":true,\"result\":[1]}", "{\"ok\":true,\"result\":{\"message_id\":\"7\"}}",
                "{\"ok\":true,\"result\":{\"message_id\":7}} trailing")) {
            server.on("/", r -> Response.of(200, "application/json", body));
            assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), soon())).as(body)
                    .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("Telegram");
        }
        server.on("/", r -> Response.of(200, "application/json", "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}"));
        assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), soon()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("chat not found (400)");
    }

    /**
     * {@code "ok": true} without a result (or with {@code null}) is delivered: telebot gives no
     * error for it (Alertmanager 0.34 then crashes logging the missing message's id). Field names
     * match regardless of case, as Go's JSON decoder matches them; an {@code ok} that is not a
     * boolean makes telebot skip its error check and read only the result.
     */
    @Test
    void anOkAnswerWithoutAResultIsDeliveredAsTelebotGivesNoError() throws Exception {
        Notifier n = notifier(Map.of("api_url", server.url(""), "bot_token", "t", "chat_id", 1));
        for (String body : java.util.List.of("{\"ok\":true}", "{\"ok\":true,\"result\":null}", "{\"OK\":true,\"Result\":{\"message_id\":3}}",
                "{\"ok\":\"yes\",\"result\":{\"message_id\":3,\"chat\":{\"id\":1}}}")) {
            server.on("/", r -> Response.of(200, "application/json", body));
            n.send(TestNotifications.diskFull(false), soon());
        }
        assertThat(server.requests()).hasSize(4);
    }

    /**
     * telebot v3.3.8 (under Alertmanager 0.34) reads the body alone, whatever the status: a
     * non-2xx answer whose body is the API's success with the message is a message sent. Any
     * other non-2xx body is a failure, retried, with the status and its {@code Retry-After} kept.
     */
    @Test
    void aNon2xxAnswerWhoseBodyIsTheMessageSentIsDeliveredAsTelebotReadsOnlyTheBody() throws Exception {
        Notifier n = notifier(Map.of("api_url", server.url(""), "bot_token", "t", "chat_id", 1));
        for (int status : new int[] {400, 429, 500, 502}) {
            server.on("/", r -> Response.of(status, "application/json",
                    "{\"ok\":true,\"result\":{\"message_id\":9,\"chat\":{\"id\":1},\"date\":0,\"text\":\"x\"}}"));
            n.send(TestNotifications.diskFull(false), soon());
        }
        assertThat(server.requests()).hasSize(4);
        for (String body : List.of("<html>502 Bad Gateway</html>", "", "{\"ok\":true,\"result\":true}",
                "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 7\"}")) {
            server.on("/", r -> Response.of(429, "application/json", body).withHeader("Retry-After", "7"));
            assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), soon())).as(body)
                    .isInstanceOfSatisfying(NotifyException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.statusCode()).hasValue(429);
                        assertThat(e.retryAfter()).hasValue(java.time.Duration.ofSeconds(7));
                    })
                    .hasMessageContaining("unexpected status code 429 from Telegram").hasMessageNotContaining("/bott/");
        }
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of("chat_id", 1))).hasMessageContaining("missing bot_token or bot_token_file");
        assertThatThrownBy(() -> notifier(Map.of("bot_token", "t"))).hasMessageContaining("missing chat_id or chat_id_file");
        assertThatThrownBy(() -> notifier(Map.of("bot_token", "t", "bot_token_file", "f", "chat_id", 1)))
                .hasMessageContaining("at most one of bot_token & bot_token_file");
        assertThatThrownBy(() -> notifier(Map.of("bot_token", "t", "chat_id", 1, "parse_mode", "html")))
                .hasMessageContaining("unknown parse_mode");
    }
}
