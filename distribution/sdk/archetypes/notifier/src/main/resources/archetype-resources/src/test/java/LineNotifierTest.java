package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.PlainHttpClientFactory;
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

/**
 * The notifier against a loopback HTTP server that records what it gets and answers as the test
 * says: what it posts and config errors that name their field. Retries, timeouts and secrets are
 * the contract's ({@link LineNotifierContractTest}).
 */
class LineNotifierTest {

    @TempDir
    Path configDirectory;

    private RecordingHttpServer server;
    private TestNotifierContext context;
    private final LineNotifierFactory factory = new LineNotifierFactory();

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        context = new TestNotifierContext(configDirectory, "team", new PlainHttpClientFactory(), null);
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private Notifier notifier() throws ConfigException {
        return context.notifier(factory, Map.of("url", server.url("/hook")), "alertmanager.yml:5:9");
    }

    private static Instant inTenSeconds() {
        return Instant.now().plus(Duration.ofSeconds(10));
    }

    @Test
    void postsOneLinePerNotification() throws Exception {
        server.on("/hook", request -> Response.status(200));
        notifier().send(TestNotifications.diskFull(false), inTenSeconds());
        RecordingHttpServer.Request request = server.await(1, Duration.ofSeconds(5)).get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.text()).isEqualTo("[FIRING:1] DiskFull (team)");
    }

    @Test
    void saysResolvedWhenTheGroupResolved() throws Exception {
        server.on("/hook", request -> Response.status(200));
        notifier().send(TestNotifications.diskFull(true), inTenSeconds());
        assertThat(server.await(1, Duration.ofSeconds(5)).get(0).text()).isEqualTo("[RESOLVED] DiskFull (team)");
    }



    @Test
    void refusesAnUnknownFieldNamingIt() {
        assertThatThrownBy(() -> context.notifier(factory, Map.of("url", "http://x", "channel", "ops"), "alertmanager.yml:5:9"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("channel");
    }

    @Test
    void refusesAUrlThatIsNotHttp() {
        assertThatThrownBy(() -> context.notifier(factory, Map.of("url", "ftp://x"), "alertmanager.yml:5:9"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("url");
    }

    @Test
    void isListedForServiceLoader() {
        assertThat(ServiceLoader.load(NotifierFactory.class).stream().map(p -> p.type().getName()))
                .contains(LineNotifierFactory.class.getName());
    }
}
