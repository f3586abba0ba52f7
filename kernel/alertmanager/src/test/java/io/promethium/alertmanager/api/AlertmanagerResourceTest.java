package io.promethium.alertmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.api.testing.RoutesServer;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import java.io.IOException;
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
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JAX-RS resource run by Jersey answers every request as the whole-{@code /api/v2} route it
 * replaced: the same implementation behind both, compared status, content type and body, byte for
 * byte, over HTTP.
 */
class AlertmanagerResourceTest {

    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;
    private AlertmanagerRuntime runtime;
    private RoutesServer jersey;
    private RoutesServer route;

    /** The route before the move: every path of {@code /api/v2} on the web bundle's routes. */
    private record WholeRoute(AlertmanagerV2 api) implements HttpRoutes {
        @Override
        public String pathPrefix() {
            return "/api/v2";
        }

        @Override
        public void handle(HttpExchange ex) throws IOException {
            api.handle(ex);
        }
    }

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
                receivers:
                  - name: main
                  - name: db
                    webhook_configs:
                      - url: http://127.0.0.1:9/
                """);
        runtime = new AlertmanagerRuntime(file, null, Duration.ofHours(1), "http://prom", Clock.systemUTC());
        runtime.addFactory(new WebhookNotifierFactory());
        runtime.reload();
        AlertmanagerV2 api = new AlertmanagerV2(() -> runtime);
        jersey = V2Server.start(api);
        route = new RoutesServer(new WholeRoute(api));
    }

    @AfterEach
    void stop() {
        jersey.close();
        route.close();
        runtime.close();
    }

    private record Answer(int status, String contentType, String body) {
    }

    private Answer send(RoutesServer server, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    private void same(String method, String path, String body) throws Exception {
        Answer theirs = send(route, method, path, body);
        assertThat(send(jersey, method, path, body)).as("%s %s", method, path).isEqualTo(theirs);
    }

    @Test
    void everyMovedEndpointAnswersAsTheRouteByteForByte() throws Exception {
        // Pending (it starts in a minute), so an update keeps its id (an active one's new start would make a new silence).
        Instant now = Instant.now().plus(Duration.ofMinutes(1));
        assertThat(send(jersey, "POST", "/api/v2/alerts", "[{\"labels\":{\"alertname\":\"A\",\"team\":\"db\"}},{\"labels\":{\"alertname\":\"B\"}}]")
                .status()).isEqualTo(200);
        String silence = "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"A\",\"isRegex\":false}],\"startsAt\":\"" + now
                + "\",\"endsAt\":\"" + now.plus(Duration.ofHours(1)) + "\",\"createdBy\":\"me\",\"comment\":\"c\"}";
        Answer created = send(jersey, "POST", "/api/v2/silences", silence);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.contentType()).isEqualTo("application/json");
        String id = created.body().replaceAll(".*\"silenceID\":\"([^\"]+)\".*", "$1");
        String filter = URLEncoder.encode("alertname=~\"A|C\"", StandardCharsets.UTF_8);

        for (String get : List.of("/api/v2/status", "/api/v2/receivers", "/api/v2/silences", "/api/v2/silences?filter=" + filter,
                "/api/v2/silences?filter=" + URLEncoder.encode("{a=", StandardCharsets.UTF_8), "/api/v2/silence/" + id,
                "/api/v2/silence/0b1d3a44-1111-2222-3333-444455556666", "/api/v2/silence/not-a-uuid", "/api/v2/alerts/groups",
                "/api/v2/alerts/groups?filter=" + filter + "&silenced=false", "/api/v2/alerts/groups?receiver=d.*",
                "/api/v2/alerts/groups?active=maybe", "/api/v2/alerts/groups?receiver=" + URLEncoder.encode("(", StandardCharsets.UTF_8),
                "/api/v2/nothing", "/api/v2/alerts/groups/x")) {
            same("GET", get, null);
        }
        same("PUT", "/api/v2/silences", "{}");
        same("DELETE", "/api/v2/alerts/groups", null);
        same("POST", "/api/v2/silence/" + id, "{}");
        for (String bad : List.of("", "not json", "[]", "{}", "{\"matchers\":[]}", "{\"matchers\":\"x\"}",
                silence.replace("\"me\"", "\"\""), silence.replace("\"value\":\"A\"", "\"value\":\"\""),
                silence.replace("{\"matchers\"", "{\"id\":\"0b1d3a44-1111-2222-3333-444455556666\",\"matchers\""))) {
            same("POST", "/api/v2/silences", bad);
        }
        // An update answers the silence's own id on both.
        same("POST", "/api/v2/silences", silence.replace("{\"matchers\"", "{\"id\":\"" + id + "\",\"matchers\""));
        same("DELETE", "/api/v2/silence/0b1d3a44-1111-2222-3333-444455556666", null);
        Answer expired = send(jersey, "DELETE", "/api/v2/silence/" + id, null);
        assertThat(expired).isEqualTo(new Answer(200, "application/json", ""));
    }

    @Test
    void statusAndReceiversRefuseOtherMethodsAsAlertmanager() throws Exception {
        // The route answered them to any method; Alertmanager, and now the resource, answer 405.
        assertThat(send(jersey, "POST", "/api/v2/status", "{}"))
                .isEqualTo(new Answer(405, "application/json", "\"method POST is not allowed\"\n"));
        assertThat(send(jersey, "DELETE", "/api/v2/receivers", null).status()).isEqualTo(405);
    }
}
