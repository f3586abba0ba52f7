package io.promethium.example.mycorp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example notifier against a loopback server that records what it gets and answers as each test says. */
class MycorpNotifierTest {

    @TempDir
    Path configDirectory;

    private RecordingHttpServer server;
    private TestNotifierContext context;
    private final MycorpNotifierFactory factory = new MycorpNotifierFactory();

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        // The test kit on the class path gives the real templates and http_config clients.
        context = new TestNotifierContext(configDirectory, "team");
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private Notifier notifier(Map<String, Object> extra) throws ConfigException {
        Map<String, Object> block = new java.util.HashMap<>(extra);
        block.put("url", server.url("/hook"));
        return context.notifier(factory, block, "alertmanager.yml:5:9");
    }

    private static Instant inTenSeconds() {
        return Instant.now().plus(Duration.ofSeconds(10));
    }

    @Test
    void postsTheRenderedText() throws Exception {
        server.on("/hook", request -> Response.status(200));
        notifier(Map.of("text", "{{ .Status }} {{ .CommonLabels.alertname }} on {{ .CommonLabels.instance }}"))
                .send(TestNotifications.diskFull(false), inTenSeconds());
        RecordingHttpServer.Request request = server.await(1, Duration.ofSeconds(5)).get(0);
        assertThat(request.text()).isEqualTo("firing DiskFull on db1");
        assertThat(request.header("Content-Type")).startsWith("text/plain");
    }

    @Test
    void sendsTheSubjectLineByDefault() throws Exception {
        server.on("/hook", request -> Response.status(200));
        notifier(Map.of()).send(TestNotifications.diskFull(false), inTenSeconds());
        assertThat(server.await(1, Duration.ofSeconds(5)).get(0).text()).contains("[FIRING:1]").contains("DiskFull");
    }

    @Test
    void aServerErrorIsRetriedAfterRetryAfter() throws Exception {
        server.on("/hook", request -> Response.status(503).withHeader("Retry-After", "7"));
        NotifyException e = catchThrowableOfType(NotifyException.class, () -> notifier(Map.of()).send(TestNotifications.diskFull(false), inTenSeconds()));
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void aClientErrorIsNotRetriedAndItsMessageHidesThePath() throws Exception {
        server.on("/hook", request -> Response.of(400, "text/plain", "no such channel"));
        NotifyException e = catchThrowableOfType(NotifyException.class, () -> notifier(Map.of()).send(TestNotifications.diskFull(false), inTenSeconds()));
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("400").contains("no such channel").doesNotContain("/hook");
    }

    @Test
    void refusesAnUnknownFieldNamingIt() {
        assertThatThrownBy(() -> notifier(Map.of("channel", "ops"))).isInstanceOf(ConfigException.class).hasMessageContaining("channel");
    }

    @Test
    void refusesABadTemplate() {
        assertThatThrownBy(() -> notifier(Map.of("text", "{{ .Status "))).isInstanceOf(ConfigException.class);
    }

    @Test
    void isListedForServiceLoader() {
        assertThat(ServiceLoader.load(NotifierFactory.class).stream().map(p -> p.type().getName()))
                .contains(MycorpNotifierFactory.class.getName());
    }
}
