package io.promethium.notifiers.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateRenderer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private HttpServer server;
    private final List<JsonNode> bodies = new ArrayList<>();
    private final List<String> auth = new ArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            bodies.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            String a = ex.getRequestHeaders().getFirst("Authorization");
            auth.add(a == null ? "" : a);
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private NotifierContext context() {
        return new NotifierContext() {
            @Override
            public String receiver() {
                return "r";
            }

            @Override
            public Path configDirectory() {
                return dir;
            }

            @Override
            public Map<String, Object> globals() {
                return Map.of();
            }

            @Override
            public TemplateRenderer templates() {
                return null;
            }

            @Override
            public boolean sendResolved() {
                return true;
            }

            @Override
            public Logger logger() {
                return Logger.getLogger("test");
            }
        };
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        PluginConfig config = new PluginConfig("webhook_configs", values, "am.yml:5:9");
        WebhookNotifierFactory f = new WebhookNotifierFactory();
        f.validate(config, context());
        return f.create(config, context());
    }

    private static Notification notification(int alerts) {
        List<Alert> list = new ArrayList<>();
        for (int i = 0; i < alerts; i++) {
            list.add(new Alert(Labels.of("alertname", "A", "i", Integer.toString(i)), Labels.of("summary", "s"),
                    Instant.parse("2024-01-01T00:00:00.5Z"), i == 0 ? Instant.parse("2024-01-01T00:05:00Z") : null, "http://g"));
        }
        return new Notification("r", true, list, Labels.of("alertname", "A"), Labels.of("alertname", "A"), Labels.of("summary", "s"),
                "http://am", "{}:{alertname=\"A\"}");
    }

    @Test
    void payloadIsAlertmanagersVersion4FieldForField() throws Exception {
        notifier(Map.of("url", url())).send(notification(2), Instant.now().plusSeconds(10));
        JsonNode m = bodies.get(0);
        List<String> fields = new ArrayList<>();
        m.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations",
                "externalURL", "version", "groupKey", "truncatedAlerts");
        JsonNode resolved = m.path("alerts").get(0);
        List<String> alertFields = new ArrayList<>();
        resolved.fieldNames().forEachRemaining(alertFields::add);
        assertThat(alertFields).containsExactly("status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint");
        assertThat(resolved.path("status").asText()).isEqualTo("resolved");
        assertThat(resolved.path("startsAt").asText()).isEqualTo("2024-01-01T00:00:00.500Z");
        assertThat(m.path("alerts").get(1).path("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(m.path("version").asText()).isEqualTo("4");
        assertThat(m.path("truncatedAlerts").asInt()).isZero();
    }

    @Test
    void maxAlertsTruncatesAndCounts() throws Exception {
        notifier(Map.of("url", url(), "max_alerts", 2L)).send(notification(5), Instant.now().plusSeconds(10));
        assertThat(bodies.get(0).path("alerts")).hasSize(2);
        assertThat(bodies.get(0).path("truncatedAlerts").asInt()).isEqualTo(3);
    }

    @Test
    void urlFileAndCredentialsAreReadAtSendTime() throws Exception {
        Files.writeString(dir.resolve("url"), url() + "\n");
        Files.writeString(dir.resolve("pw"), "secret\n");
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("basic_auth", Map.of("username", "u", "password_file", "pw"));
        notifier(Map.of("url_file", "url", "http_config", http)).send(notification(1), Instant.now().plusSeconds(10));
        assertThat(auth.get(0)).isEqualTo("Basic dTpzZWNyZXQ=");
    }

    @Test
    void serverErrorsAreRetryableClientErrorsAreNot() throws Exception {
        Notifier n = notifier(Map.of("url", url()));
        status.set(503);
        assertThatThrownBy(() -> n.send(notification(1), Instant.now().plusSeconds(10)))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue());
        status.set(400);
        assertThatThrownBy(() -> n.send(notification(1), Instant.now().plusSeconds(10)))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void badConfigIsRefusedByName() {
        assertThatThrownBy(() -> notifier(Map.of())).hasMessageContaining("am.yml:5:9").hasMessageContaining("one of url or url_file");
        assertThatThrownBy(() -> notifier(Map.of("url", "ftp://x/"))).hasMessageContaining("unsupported scheme");
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "http_config", Map.of("tls_config", Map.of()))))
                .hasMessageContaining("http_config.tls_config is not supported");
        assertThatThrownBy(() -> notifier(Map.of("url", url(), "max_alerts", -1L))).hasMessageContaining("max_alerts");
    }
}
