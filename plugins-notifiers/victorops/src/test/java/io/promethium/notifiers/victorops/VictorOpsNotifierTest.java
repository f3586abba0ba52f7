package io.promethium.notifiers.victorops;

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
 * Against a loopback stand-in for the VictorOps REST endpoint (records; answers
 * {@code {"result":"success"}}). The expected body is what Alertmanager 0.25 sent for the same
 * config and alert.
 */
class VictorOpsNotifierTest {

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
        return context.notifier(new VictorOpsNotifierFactory(), values, "am.yml:3:5");
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    private JsonNode body(int i) throws Exception {
        return JSON.readTree(server.requests().get(i).body());
    }

    @Test
    void eventIsAlertmanagers() throws Exception {
        context.global("victorops_api_url", server.url("/victorops"));
        context.global("victorops_api_key", "vo-key");
        notifier(Map.of("routing_key", "rk", "custom_fields", Map.of("team", "infra"))).send(TestNotifications.diskFull(false), soon());
        assertThat(server.requests().get(0).path()).isEqualTo("/victorops/vo-key/rk");
        assertThat(body(0).toString()).isEqualTo("{\"entity_display_name\":\"[FIRING:1] DiskFull (db1)\",\"entity_id\":"
                + "\"17c4e445d234645c9e547ff6d32a864af0ebdadcd1902771c24c8d366637ff41\",\"message_type\":\"CRITICAL\","
                + "\"monitoring_tool\":\"Promethium\",\"state_message\":\"disk 97% full\\nAlerts Firing:\\nLabels:\\n - alertname = "
                + "DiskFull\\n - instance = db1\\nAnnotations:\\n - summary = disk 97% full\\nSource: http://prom/graph\\n\\n\","
                + "\"team\":\"infra\"}");
    }

    @Test
    void messageTypeIsRecoveryOnceResolvedAndCriticalUnlessKnown() throws Exception {
        Notifier n = notifier(Map.of("api_url", server.url("/v/"), "api_key", "k", "routing_key", "{{ .CommonLabels.instance }}",
                "message_type", "{{ .CommonLabels.severity }}bogus"));
        n.send(TestNotifications.diskFull(false), soon());
        n.send(TestNotifications.diskFull(true), soon());
        assertThat(server.requests().get(0).path()).isEqualTo("/v/k/db1");
        assertThat(body(0).get("message_type").asText()).isEqualTo("CRITICAL");
        assertThat(body(1).get("message_type").asText()).isEqualTo("RECOVERY");
        notifier(Map.of("api_url", server.url("/v/"), "api_key", "k", "routing_key", "r", "message_type", "WARNING"))
                .send(TestNotifications.diskFull(false), soon());
        assertThat(body(2).get("message_type").asText()).isEqualTo("WARNING");
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of("api_key", "k"))).hasMessageContaining("missing Routing key");
        assertThatThrownBy(() -> notifier(Map.of("routing_key", "r"))).hasMessageContaining("no global VictorOps API Key");
        assertThatThrownBy(() -> notifier(Map.of("api_key", "k", "routing_key", "r", "custom_fields", Map.of("entity_id", "x"))))
                .hasMessageContaining("custom field entity_id");
    }
}
