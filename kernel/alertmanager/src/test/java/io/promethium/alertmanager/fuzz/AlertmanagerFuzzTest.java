package io.promethium.alertmanager.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.alertmanager.api.AlertmanagerV2;
import io.promethium.alertmanager.config.AlertmanagerConfigLoader;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.web.HttpExchange;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import io.promethium.testsupport.FuzzLoop;
import io.promethium.testsupport.FuzzMutations;
import io.promethium.testsupport.FuzzRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated alertmanager.yml files (the YAML text blocks of this module's config tests) load or fail
 * with a {@link ConfigException} naming the file; mutated API v2 bodies (the alerts and silences
 * this module's API tests post) are answered 200, 400 or 422, never 500; each within a deadline.
 * Print their seeds: {@code -Dalertmanager.config.fuzz.seed=N} and
 * {@code -Dalertmanager.api.fuzz.seed=N} replay a run.
 */
class AlertmanagerFuzzTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private static final String[] YAML_FRAGMENTS = {
        ":", " ", "  ", "\n", "- ", "[", "]", "{", "}", ",", "\"", "'", "#", "&a ", "*a", "!!str ", "? ", "|", ">", "0",
        "-1", "1e309", "9999999999999999999", "10s", "0s", "-5m", "NaN", "true", "null", "~", "\t", "receiver", "routes",
        "matchers", "=~", "!=", "(", ".*", "\\", "\u00e9", "\uD800", "\u0000", "{{", "}}", "...", "weekdays", "times",
        "start_time", "25:00", "monday:sunday",
    };

    private static final String[] JSON_FRAGMENTS = {
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "null", "true", "0", "-1", "1e999", "9999999999999999999",
        "\"labels\"", "\"matchers\"", "\"isRegex\"", "\"startsAt\"", "\"endsAt\"", "\"id\"", "2026-13-40T25:61:61Z",
        "\"0001-01-01T00:00:00Z\"", "\"\"", "(", ".*", "\u00e9", "\u0000", " ",
    };

    @TempDir
    Path dir;

    @Test
    void mutatedAlertmanagerConfigsLoadOrFailWithAConfigException() throws Exception {
        NotifierFactory webhook = new WebhookNotifierFactory();
        AlertmanagerConfigLoader loader = new AlertmanagerConfigLoader(t -> t.equals("webhook") ? webhook : null);
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(dir.resolve("url.txt"), "http://127.0.0.1:1/file\n");
        // Every file, and those that load three times more: mutations of a refused file mostly meet its first error again.
        List<String> seeds = new ArrayList<>();
        int loading = 0;
        for (String text : FuzzMutations.textBlocks(Path.of("src/test/java/io/promethium/alertmanager/config"), "receiver", "%s", "%d")) {
            try {
                loader.parse(file, text);
                seeds.addAll(List.of(text, text, text));
                loading++;
            } catch (ConfigException e) {
                // a test of an error: its file is a seed too
            }
            seeds.add(text);
        }
        assertThat(loading).as("loading configs among this module's tests").isGreaterThan(1);
        FuzzRun run = FuzzRun.configure("alertmanager.config.fuzz", 20_261_123L, 200, Duration.ofSeconds(4));
        FuzzLoop.Outcomes outcomes = FuzzLoop.run("alertmanager", run, seeds, YAML_FRAGMENTS, true, DEADLINE, text -> {
            try {
                loader.parse(file, text);
                return true;
            } catch (ConfigException e) {
                assertThat(e.getMessage()).as("error for %s", text).startsWith(file.toString());
                return false;
            }
        });
        assertThat(outcomes.accepted()).as("mutations that still load").isPositive();
        assertThat(outcomes.refused()).as("mutations refused").isPositive();
    }

    @Test
    void mutatedApiBodiesAreAnswered200Or400Or422() throws Exception {
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
        Instant now = Instant.now();
        String start = now.minusSeconds(60).toString();
        String end = now.plusSeconds(3600).toString();
        // Bodies as this module's API tests post them: alerts, then silences.
        List<String> alerts = List.of(
                "[{\"labels\":{\"alertname\":\"A\",\"team\":\"db\"}},{\"labels\":{\"alertname\":\"B\"}}]",
                "[{\"labels\":{\"alertname\":\"C\"},\"annotations\":{\"summary\":\"s\"},\"startsAt\":\"" + start + "\",\"endsAt\":\""
                        + end + "\",\"generatorURL\":\"http://prom/graph?g0.expr=up\"}]");
        List<String> silences = List.of(
                "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"Silenced\",\"isRegex\":false,\"isEqual\":true}],\"startsAt\":\""
                        + start + "\",\"endsAt\":\"" + end + "\",\"createdBy\":\"test\",\"comment\":\"c\"}",
                "{\"matchers\":[{\"name\":\"team\",\"value\":\"db|web\",\"isRegex\":true}],\"startsAt\":\"" + start
                        + "\",\"endsAt\":\"" + end + "\",\"createdBy\":\"a\",\"comment\":\"c\"}");
        List<String> seeds = new ArrayList<>();
        alerts.forEach(a -> seeds.add("/alerts " + a));
        silences.forEach(s -> seeds.add("/silences " + s));
        try (AlertmanagerRuntime runtime = new AlertmanagerRuntime(file, null, Duration.ofHours(1), "http://prom", Clock.systemUTC())) {
            runtime.addFactory(new WebhookNotifierFactory());
            runtime.reload();
            AlertmanagerV2 api = new AlertmanagerV2(() -> runtime);
            FuzzRun run = FuzzRun.configure("alertmanager.api.fuzz", 20_261_123L, 1_500, Duration.ofSeconds(4));
            FuzzLoop.Outcomes outcomes = FuzzLoop.run("alertmanager", run, seeds, JSON_FRAGMENTS, false, DEADLINE, request -> {
                int space = request.indexOf(' ');
                String body = request.substring(space + 1);
                PostExchange exchange = new PostExchange(request.substring(0, space), body.getBytes(StandardCharsets.UTF_8));
                api.handle(exchange);
                String answer = exchange.response.toString(StandardCharsets.UTF_8);
                assertThat(exchange.status).as("answer %s to %s", answer, body).isIn(200, 400, 422);
                if (exchange.status != 200) {
                    assertThat(answer).as("the reason for refusing %s", body).isNotBlank();
                }
                return exchange.status == 200;
            });
            assertThat(outcomes.accepted()).as("mutations accepted").isPositive();
            assertThat(outcomes.refused()).as("mutations refused").isPositive();
        }
    }

    /** A POST to {@code /api/v2<subPath>} held in memory: the handler is called directly, thousands of times a second. */
    private static final class PostExchange implements HttpExchange {
        private final String subPath;
        private final byte[] body;
        private final ByteArrayOutputStream response = new ByteArrayOutputStream();
        private int status;

        PostExchange(String subPath, byte[] body) {
            this.subPath = subPath;
            this.body = body;
        }

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public String path() {
            return "/api/v2" + subPath;
        }

        @Override
        public String rawPath() {
            return path();
        }

        @Override
        public String subPath() {
            return subPath;
        }

        @Override
        public String query() {
            return "";
        }

        @Override
        public List<String> queryParameters(String name) {
            return List.of();
        }

        @Override
        public List<String> requestHeaders(String name) {
            return name.equalsIgnoreCase("Content-Type") ? List.of("application/json") : List.of();
        }

        @Override
        public List<String> requestHeaderNames() {
            return List.of("Content-Type");
        }

        @Override
        public boolean secure() {
            return false;
        }

        @Override
        public long requestContentLength() {
            return body.length;
        }

        @Override
        public InputStream requestBody() {
            return new ByteArrayInputStream(body);
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1";
        }

        @Override
        public void status(int code) {
            status = code;
        }

        @Override
        public void responseHeader(String name, String value) {
        }

        @Override
        public OutputStream responseBody() {
            return response;
        }

        @Override
        public void respond(int code, String contentType, String text) {
            status = code;
            response.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
