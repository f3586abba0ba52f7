package io.promethium.notifiers.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a loopback stand-in for the WeChat Work API as its documentation shows it:
 * {@code gettoken} answers an {@code access_token} for the right corp id and secret (errcode
 * 40001 otherwise), {@code message/send} answers {@code errcode} 0, or 42001 once the token
 * expired.
 */
class WeChatNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private TestNotifierContext context;
    private final AtomicInteger tokens = new AtomicInteger();
    private volatile boolean expireNext;

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        server.on("/cgi-bin/gettoken", r -> r.uri().getRawQuery().equals("corpid=corp1&corpsecret=s3cret")
                ? Response.of(200, "application/json", "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"at" + tokens.incrementAndGet()
                        + "\",\"expires_in\":7200}")
                : Response.of(200, "application/json", "{\"errcode\":40001,\"errmsg\":\"invalid credential\"}"));
        server.on("/cgi-bin/message/send", r -> {
            if (expireNext) {
                expireNext = false;
                return Response.of(200, "application/json", "{\"errcode\":42001,\"errmsg\":\"access_token expired\"}");
            }
            return Response.of(200, "application/json", "{\"errcode\":0,\"errmsg\":\"ok\"}");
        });
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
        context.global("wechat_api_url", server.url("/cgi-bin/"));
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new WeChatNotifierFactory(), values, "am.yml:3:5");
    }

    @Test
    void tokenThenMessageAsAlertmanagerSendsThem() throws Exception {
        context.global("wechat_api_secret", "s3cret");
        context.global("wechat_api_corp_id", "corp1");
        Notifier n = notifier(Map.of("to_user", "u1", "agent_id", "1000002", "message", "m {{ .Status }}"));
        n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        List<Request> rs = server.requests();
        assertThat(rs).extracting(Request::path).containsExactly("/cgi-bin/gettoken", "/cgi-bin/message/send", "/cgi-bin/message/send");
        assertThat(rs.get(0).method()).isEqualTo("GET");
        assertThat(rs.get(1).uri().getRawQuery()).isEqualTo("access_token=at1");
        assertThat(JSON.readTree(rs.get(1).body()).toString()).isEqualTo("{\"text\":{\"content\":\"m firing\"},\"touser\":\"u1\","
                + "\"agentid\":\"1000002\",\"safe\":\"0\",\"msgtype\":\"text\",\"markdown\":{\"content\":\"\"}}");
    }

    @Test
    void anExpiredTokenIsDroppedAndRetried() throws Exception {
        Notifier n = notifier(Map.of("api_secret", "s3cret", "corp_id", "corp1", "message_type", "markdown"));
        n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        expireNext = true;
        assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue());
        n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        assertThat(server.requests().get(4).uri().getRawQuery()).isEqualTo("access_token=at2");
        assertThat(JSON.readTree(server.requests().get(4).body()).at("/markdown/content").asText()).contains("DiskFull");
    }

    @Test
    void aWrongSecretIsNotRetried() throws Exception {
        Notifier n = notifier(Map.of("api_secret", "wrong", "corp_id", "corp1"));
        assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("invalid APISecret for CorpID: corp1").hasMessageNotContaining("wrong");
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of("corp_id", "c"))).hasMessageContaining("no global Wechat Api Secret set");
        assertThatThrownBy(() -> notifier(Map.of("api_secret", "s"))).hasMessageContaining("no global Wechat CorpID set");
        assertThatThrownBy(() -> notifier(Map.of("api_secret", "s", "corp_id", "c", "message_type", "image")))
                .hasMessageContaining("does not match valid options");
    }
}
