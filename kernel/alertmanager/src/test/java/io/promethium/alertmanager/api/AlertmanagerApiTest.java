package io.promethium.alertmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.api.testing.RoutesServer;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertmanagerApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;
    private AlertmanagerRuntime runtime;
    private RoutesServer server;

    @BeforeEach
    void start() throws Exception {
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, """
                route:
                  receiver: main
                  group_by: [alertname]
                  routes:
                    - matchers: [team="db"]
                      receiver: db
                      labels:
                        owner: '{{ .GroupLabels.alertname }}-team'
                receivers:
                  - name: main
                  - name: db
                    webhook_configs:
                      - url: http://127.0.0.1:9/
                """);
        runtime = new AlertmanagerRuntime(file, null, Duration.ofHours(1), "http://prom", Clock.systemUTC());
        runtime.addFactory(new WebhookNotifierFactory());
        runtime.reload();
        server = V2Server.start(() -> runtime);
    }

    @AfterEach
    void stop() {
        server.close();
        runtime.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void alertsGroupsReceiversAndStatusAnswerAsAlertmanager() throws Exception {
        assertThat(post("/api/v2/alerts", "[{\"labels\":{\"alertname\":\"A\",\"team\":\"db\"}},{\"labels\":{\"alertname\":\"B\"}}]")
                .statusCode()).isEqualTo(200);
        JsonNode alerts = JSON.readTree(get("/api/v2/alerts").body());
        assertThat(alerts).hasSize(2);
        JsonNode groups = JSON.readTree(get("/api/v2/alerts/groups").body());
        assertThat(groups).hasSize(2);
        assertThat(groups.toString()).contains("\"receiver\":{\"name\":\"db\"}").contains("\"labels\":{\"alertname\":\"A\"}");
        // Alertmanager 0.34's routeLabels, rendered against the group.
        assertThat(groups.toString()).contains("\"receiver\":{\"name\":\"db\"},\"routeLabels\":{\"owner\":\"A-team\"}")
                .contains("\"receiver\":{\"name\":\"main\"},\"routeLabels\":{}");
        JsonNode db = JSON.readTree(get("/api/v2/alerts?receiver=db").body());
        assertThat(db).hasSize(1);
        assertThat(db.get(0).path("receivers").get(0).path("name").asText()).isEqualTo("db");
        String filter = URLEncoder.encode("alertname=~\"B|C\"", StandardCharsets.UTF_8);
        assertThat(JSON.readTree(get("/api/v2/alerts?filter=" + filter).body())).hasSize(1);
        assertThat(get("/api/v2/receivers").body()).isEqualTo("[{\"name\":\"main\"},{\"name\":\"db\"}]");
        JsonNode status = JSON.readTree(get("/api/v2/status").body());
        assertThat(status.path("config").path("original").asText()).contains("receiver: main");
        assertThat(status.path("cluster").path("status").asText()).isEqualTo("disabled");
        assertThat(status.path("promethium").path("waitingReceivers").isObject()).as("no receiver waits for a plugin here").isTrue();
        assertThat(status.path("promethium").path("waitingReceivers").size()).isZero();
    }

    @Test
    void malformedInputGetsAlertmanagersAnswers() throws Exception {
        HttpResponse<String> bad = post("/api/v2/alerts", "[{\"labels\":{}}]");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("\"at least one label pair required\"\n");
        assertThat(post("/api/v2/alerts", "[{\"annotations\":{}}]").statusCode()).isEqualTo(422);
        assertThat(post("/api/v2/alerts", "not json").statusCode()).isEqualTo(400);
        assertThat(get("/api/v2/alerts?active=maybe").statusCode()).isEqualTo(400);
        assertThat(get("/api/v2/alerts?filter=" + URLEncoder.encode("{a=", StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        assertThat(get("/api/v2/silence/0b1d3a44-1111-2222-3333-444455556666").statusCode()).isEqualTo(404);
        assertThat(get("/api/v2/silence/not-a-uuid").statusCode()).isEqualTo(422);
        assertThat(get("/api/v2/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void aBodyOverTheLimitIsRefusedAndReportedToTheServer() throws Exception {
        HttpResponse<String> big = post("/api/v2/alerts", " ".repeat(AlertmanagerV2.MAX_BODY + 1));
        assertThat(big.statusCode()).isEqualTo(400);
        assertThat(big.body()).contains("body larger than " + AlertmanagerV2.MAX_BODY + " bytes");
        assertThat(server.refusals()).containsExactly("alertmanager_body_size");
    }

    /**
     * Alertmanager 0.34 under its default flags (UTF-8 "fallback" mode): an alert may carry a
     * label name such as {@code service.name}; it groups by it, a route matches it, the route's
     * labels (their names UTF-8 too) render it with {@code index}, and {@code alerts/groups},
     * {@code filter} and silences take it.
     */
    @Test
    void aUtf8LabelNameIsGroupedRoutedRenderedFilteredAndSilenced() throws Exception {
        server.close();
        runtime.close();
        Path file = dir.resolve("utf8.yml");
        Files.writeString(file, """
                route:
                  receiver: main
                  group_by: [service.name]
                  routes:
                    - matchers: ['"service.name"=~"pg|mysql"']
                      receiver: db
                      labels:
                        owner.team: '{{ index .GroupLabels "service.name" }}-owners'
                        日本: '{{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }}{{ end }}'
                receivers:
                  - name: main
                  - name: db
                    webhook_configs:
                      - url: http://127.0.0.1:9/
                """);
        runtime = new AlertmanagerRuntime(file, null, Duration.ofHours(1), "http://prom", Clock.systemUTC());
        runtime.addFactory(new WebhookNotifierFactory());
        runtime.reload();
        server = V2Server.start(() -> runtime);

        HttpResponse<String> posted = post("/api/v2/alerts", "[{\"labels\":{\"alertname\":\"A\",\"service.name\":\"pg\"}}]");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        JsonNode groups = JSON.readTree(get("/api/v2/alerts/groups").body());
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).path("labels").toString()).isEqualTo("{\"service.name\":\"pg\"}");
        assertThat(groups.get(0).path("receiver").path("name").asText()).isEqualTo("db");
        assertThat(groups.get(0).path("routeLabels").path("owner.team").asText()).isEqualTo("pg-owners");
        assertThat(groups.get(0).path("routeLabels").path("日本").asText()).isEqualTo("service.name=pg");
        for (String f : List.of("\"service.name\"=\"pg\"", "service.name=pg", "service.name=~\"p.\"")) {
            assertThat(JSON.readTree(get("/api/v2/alerts?filter=" + URLEncoder.encode(f, StandardCharsets.UTF_8)).body()))
                    .as(f).hasSize(1);
        }
        HttpResponse<String> silence = post("/api/v2/silences", """
                {"matchers":[{"name":"service.name","value":"pg","isRegex":false}],"startsAt":"2024-01-01T00:00:00Z",
                 "endsAt":"2099-01-01T00:00:00Z","createdBy":"a","comment":"c"}""");
        assertThat(silence.statusCode()).as(silence.body()).isEqualTo(200);
        HttpResponse<String> empty = post("/api/v2/alerts", "[{\"labels\":{\"alertname\":\"A\",\"\":\"x\"}}]");
        assertThat(empty.statusCode()).as("an empty name is not UTF-8 mode's either").isEqualTo(400);
        assertThat(empty.body()).contains("invalid name \\\"\\\"");
    }
}
