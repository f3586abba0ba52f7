package io.promethium.alertmanager.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.alertmanager.api.V2Server;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.api.testing.RoutesServer;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same alertmanager.yml (only the recorder's port differs) and the same timed alert stream
 * go to Debian's Alertmanager and to the in-process one; the webhook notifications each sends must
 * agree: per group key and receiver, the same sequence of distinct messages (status, group
 * labels, common labels and annotations, alerts with labels, status, start, end and fingerprint),
 * each first seen within {@link #TOLERANCE} of the other side's. All scenarios share one timeline
 * of about 14 seconds: group_by (several groups, {@code ...}), group_wait/interval/repeat,
 * continue, nested routes, inhibition, a silence added then expired, mute and active time
 * intervals (one with a time zone, active this year), resolve. Malformed alerts and silences get
 * the same status; one difference is pinned as Debian's 0.25 being older: an alert label name
 * outside the legacy pattern ({@code 0bad}, {@code service.name}) is refused by 0.25 and taken
 * by Promethium, as by Alertmanager 0.34 in its default UTF-8 mode.
 */
class DifferentialAlertmanagerIT {

    /**
     * Both sides run the same timers. Kept below group_interval (2s), so a notification one interval
     * late still fails; jitter on a 2-core machine at load 30 reached 1.53s.
     */
    static final Duration TOLERANCE = Duration.ofMillis(1900);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Process alertmanager;
    private AlertmanagerRuntime runtime;
    private RoutesServer ours;
    private final List<RecordingHttpServer> recorders = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        if (alertmanager != null) {
            alertmanager.destroy();
            if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
                alertmanager.destroyForcibly();
            }
        }
        if (ours != null) {
            ours.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        recorders.forEach(RecordingHttpServer::close);
    }

    static String config(String hook) {
        return """
                route:
                  receiver: default
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 2s
                  repeat_interval: 5s
                  routes:
                    - matchers: [scenario="continue"]
                      receiver: first
                      continue: true
                    - matchers: [scenario="continue"]
                      receiver: second
                    - matchers: [scenario="nested"]
                      receiver: parent
                      group_by: [alertname, team]
                      routes:
                        - matchers: [team="db"]
                          receiver: child
                    - match: {scenario: all}
                      receiver: all
                      group_by: ['...']
                    - match_re: {scenario: 'mute.*'}
                      receiver: muted
                      mute_time_intervals: [always]
                    - matchers: [scenario="inactive"]
                      receiver: muted
                      active_time_intervals: [never]
                    - matchers: [scenario="active"]
                      receiver: first
                      active_time_intervals: [thisyear]
                      mute_time_intervals: [never]
                inhibit_rules:
                  - source_matchers: [severity="critical"]
                    target_matchers: [severity="warning"]
                    equal: [alertname]
                receivers:
                %s
                time_intervals:
                  - name: always
                    time_intervals:
                      - times: [{start_time: '00:00', end_time: '24:00'}]
                  - name: never
                    time_intervals:
                      - years: ['1999']
                        location: America/New_York
                  - name: thisyear
                    time_intervals:
                      - years: ['%d']
                        months: ['january:december']
                        location: Asia/Tokyo
                """.formatted(receivers(hook), java.time.ZonedDateTime.now(java.time.ZoneId.of("Asia/Tokyo")).getYear());
    }

    private static String receivers(String hook) {
        StringBuilder sb = new StringBuilder();
        for (String r : List.of("default", "first", "second", "parent", "child", "all", "muted")) {
            sb.append("  - name: ").append(r).append("\n    webhook_configs:\n      - url: ").append(hook).append(r).append('\n');
        }
        return sb.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void notificationsAgreeWithAlertmanager() throws Exception {
        java.nio.file.Path alertmanagerProgram = Peers.require("prometheus-alertmanager");
        RecordingHttpServer theirHook = RecordingHttpServer.http();
        RecordingHttpServer ourHook = RecordingHttpServer.http();
        recorders.add(theirHook);
        recorders.add(ourHook);

        Path theirConfig = dir.resolve("theirs.yml");
        Files.writeString(theirConfig, config(theirHook.url("/")));
        int port = freePort();
        Files.createDirectories(dir.resolve("am-data"));
        alertmanager = new ProcessBuilder(alertmanagerProgram.toString(), "--config.file=" + theirConfig,
                "--storage.path=" + dir.resolve("am-data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        String theirs = "http://127.0.0.1:" + port;

        Path ourConfig = dir.resolve("ours.yml");
        Files.writeString(ourConfig, config(ourHook.url("/")));
        runtime = new AlertmanagerRuntime(ourConfig, dir.resolve("our-data"), Duration.ofHours(1), "http://promethium",
                Clock.systemUTC());
        runtime.addFactory(new WebhookNotifierFactory());
        runtime.reload();
        ours = V2Server.start(() -> runtime);
        waitReady(theirs);

        malformedBodiesGetTheSameAnswers(theirs);

        Instant t0 = Instant.now();
        Instant end = t0.plus(Duration.ofMinutes(10));
        // A silence in force before the stream starts, expired mid-way.
        String silence = """
                {"matchers":[{"name":"alertname","value":"Silenced","isRegex":false,"isEqual":true}],
                 "startsAt":"%s","endsAt":"%s","createdBy":"test","comment":"differential"}"""
                .formatted(iso(t0.minusSeconds(1)), iso(t0.plus(Duration.ofHours(1))));
        String theirSilence = JSON.readTree(post(theirs + "/api/v2/silences", silence)).path("silenceID").asText();
        String ourSilence = JSON.readTree(post(ours.url() + "/api/v2/silences", silence)).path("silenceID").asText();

        List<String> first = List.of(
                alert(t0, end, "alertname", "Grouped", "instance", "a", "job", "node"),
                alert(t0, end, "alertname", "Grouped", "instance", "b", "job", "node"),
                alert(t0, end, "alertname", "Other", "instance", "a"),
                alert(t0, end, "alertname", "Cont", "scenario", "continue"),
                alert(t0, end, "alertname", "Nest", "scenario", "nested", "team", "db"),
                alert(t0, end, "alertname", "Nest", "scenario", "nested", "team", "web"),
                alert(t0, end, "alertname", "Each", "scenario", "all", "instance", "1"),
                alert(t0, end, "alertname", "Each", "scenario", "all", "instance", "2"),
                alert(t0, end, "alertname", "Inhibit", "severity", "critical"),
                alert(t0, end, "alertname", "Inhibit", "severity", "warning"),
                alert(t0, end, "alertname", "Silenced"),
                alert(t0, end, "alertname", "Quiet", "scenario", "muted"),
                alert(t0, end, "alertname", "Quiet", "scenario", "inactive"),
                alert(t0, end, "alertname", "InHours", "scenario", "active"));
        postBoth(theirs, "[" + String.join(",", first) + "]");

        sleepUntil(t0.plusMillis(3500));
        Instant t1 = Instant.now();
        // Resolve one alert of a group, add one to another, expire the silence.
        postBoth(theirs, "[" + String.join(",", List.of(
                alert(t0, t1, "alertname", "Grouped", "instance", "a", "job", "node"),
                alert(t1, end, "alertname", "Other", "instance", "b"))) + "]");
        delete(theirs + "/api/v2/silence/" + theirSilence);
        delete(ours.url() + "/api/v2/silence/" + ourSilence);

        sleepUntil(t0.plusMillis(7500));
        Instant t2 = Instant.now();
        // Resolve the critical alert (the warning shows up) and everything of the nested group.
        postBoth(theirs, "[" + String.join(",", List.of(
                alert(t0, t2, "alertname", "Inhibit", "severity", "critical"),
                alert(t0, t2, "alertname", "Nest", "scenario", "nested", "team", "db"))) + "]");
        sleepUntil(t0.plusMillis(14000));

        Map<String, List<Message>> theirMessages = byGroup(theirHook.requests(), t0);
        Map<String, List<Message>> ourMessages = byGroup(ourHook.requests(), t0);
        assertThat(ourMessages.keySet()).as("groups notified").isEqualTo(theirMessages.keySet());
        assertThat(theirMessages).as("scenarios must produce notifications").hasSizeGreaterThan(8)
                .containsKey("first {}/{scenario=\"active\"}:{alertname=\"InHours\"}")
                .containsKey("second {}/{scenario=\"continue\"}:{alertname=\"Cont\"}")
                .containsKey("child {}/{scenario=\"nested\"}/{team=\"db\"}:{alertname=\"Nest\", team=\"db\"}")
                .doesNotContainKey("muted {}/{scenario=~\"mute.*\"}:{alertname=\"Quiet\"}");
        for (String group : theirMessages.keySet()) {
            List<Message> a = theirMessages.get(group);
            List<Message> b = ourMessages.get(group);
            assertThat(b.stream().map(Message::content).toList()).as("distinct messages of %s", group)
                    .isEqualTo(a.stream().map(Message::content).toList());
            for (int i = 0; i < a.size(); i++) {
                Duration skew = Duration.between(a.get(i).at(), b.get(i).at()).abs();
                assertThat(skew).as("arrival of message %d of %s (Alertmanager at %s ms, ours at %s ms)", i, group,
                        a.get(i).offsetMillis(), b.get(i).offsetMillis()).isLessThanOrEqualTo(TOLERANCE);
            }
        }
        // repeat_interval: the untouched group "Cont" is sent again after 5s on both sides.
        assertThat(count(ourHook.requests(), "first")).isEqualTo(count(theirHook.requests(), "first")).isGreaterThanOrEqualTo(2);
    }

    /** Alertmanager's 400 (or 422) answers for malformed alerts and silences: same status code, and for 400 the same reason. */
    private void malformedBodiesGetTheSameAnswers(String theirs) throws Exception {
        String future = iso(Instant.now().plusSeconds(3600));
        String past = iso(Instant.now().minusSeconds(3600));
        List<String[]> cases = List.of(
                new String[] {"/api/v2/alerts", "[{\"labels\":{}}]"},
                new String[] {"/api/v2/alerts", "[{\"labels\":{\"a\":\"b\"},\"startsAt\":\"%s\",\"endsAt\":\"%s\"}]".formatted(future, past)},
                new String[] {"/api/v2/alerts", "[{\"labels\":{\"\":\"b\"}}]"},
                new String[] {"/api/v2/silences", "{\"matchers\":[],\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"createdBy\":\"a\",\"comment\":\"c\"}".formatted(past, future)},
                new String[] {"/api/v2/silences", "{\"matchers\":[{\"name\":\"a\",\"value\":\".*\",\"isRegex\":true}],\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"createdBy\":\"a\",\"comment\":\"c\"}".formatted(past, future)},
                new String[] {"/api/v2/silences", "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false}],\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"createdBy\":\"a\",\"comment\":\"c\"}".formatted(future, past)},
                new String[] {"/api/v2/silences", "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false}],\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"createdBy\":\"a\",\"comment\":\"c\"}".formatted(past, past)});
        for (String[] c : cases) {
            HttpResponse<String> a = http.send(HttpRequest.newBuilder(URI.create(theirs + c[0])).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(c[1])).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> b = http.send(HttpRequest.newBuilder(URI.create(ours.url() + c[0])).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(c[1])).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(b.statusCode()).as("POST %s %s\nAlertmanager: %s %s\nours: %s", c[0], c[1], a.statusCode(), a.body(), b.body())
                    .isEqualTo(a.statusCode());
        }
        // A label name outside the legacy pattern: 0.25 refuses it; 0.34, in its default UTF-8 mode,
        // takes any non-empty name, and so does Promethium (the difference is 0.25's age).
        String utf8 = "[{\"labels\":{\"alertname\":\"Utf8\",\"0bad\":\"b\",\"service.name\":\"pg\"},\"startsAt\":\"%s\",\"endsAt\":\"%s\"}]"
                .formatted(past, past);
        HttpResponse<String> a = http.send(HttpRequest.newBuilder(URI.create(theirs + "/api/v2/alerts")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(utf8)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> b = http.send(HttpRequest.newBuilder(URI.create(ours.url() + "/api/v2/alerts")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(utf8)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(a.statusCode()).as("Alertmanager 0.25: %s", a.body()).isEqualTo(400);
        assertThat(b.statusCode()).as("ours (0.34's UTF-8 mode): %s", b.body()).isEqualTo(200);
    }

    /** One distinct message of a group: what it says, and when it was first seen. */
    record Message(String content, Instant at, long offsetMillis) {
    }

    private static Map<String, List<Message>> byGroup(List<RecordingHttpServer.Request> received, Instant t0) {
        Map<String, List<Message>> out = new TreeMap<>();
        for (RecordingHttpServer.Request r : received) {
            JsonNode m = json(r);
            String key = m.path("receiver").asText() + " " + m.path("groupKey").asText();
            String content = content(m);
            List<Message> list = out.computeIfAbsent(key, k -> new ArrayList<>());
            if (list.isEmpty() || !list.get(list.size() - 1).content().equals(content)) {
                list.add(new Message(content, r.at(), Duration.between(t0, r.at()).toMillis()));
            }
        }
        return out;
    }

    private static String content(JsonNode m) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("status", m.path("status").asText());
        c.put("version", m.path("version").asText());
        c.put("groupLabels", m.path("groupLabels").toString());
        c.put("commonLabels", m.path("commonLabels").toString());
        c.put("commonAnnotations", m.path("commonAnnotations").toString());
        c.put("truncatedAlerts", m.path("truncatedAlerts").asLong());
        TreeMap<String, String> alerts = new TreeMap<>();
        for (JsonNode a : m.path("alerts")) {
            alerts.put(a.path("fingerprint").asText(), a.path("status").asText() + " " + a.path("labels") + " " + a.path("annotations")
                    + " " + Instant.parse(a.path("startsAt").asText()) + " " + Instant.parse(a.path("endsAt").asText())
                    + " " + a.path("generatorURL").asText());
        }
        c.put("alerts", alerts);
        return c.toString();
    }

    private static long count(List<RecordingHttpServer.Request> received, String receiver) {
        return received.stream().filter(r -> json(r).path("receiver").asText().equals(receiver)).count();
    }

    private static String alert(Instant start, Instant end, String... labels) {
        StringBuilder l = new StringBuilder("{");
        for (int i = 0; i < labels.length; i += 2) {
            l.append(i > 0 ? "," : "").append('"').append(labels[i]).append("\":\"").append(labels[i + 1]).append('"');
        }
        l.append('}');
        return "{\"labels\":" + l + ",\"annotations\":{\"summary\":\"s\"},\"startsAt\":\"" + iso(start) + "\",\"endsAt\":\""
                + iso(end) + "\",\"generatorURL\":\"http://prom/graph\"}";
    }

    private static String iso(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    private void postBoth(String theirs, String body) throws Exception {
        post(theirs + "/api/v2/alerts", body);
        post(ours.url() + "/api/v2/alerts", body);
    }

    private String post(String url, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST %s: %s", url, r.body()).isEqualTo(200);
        return r.body();
    }

    private void delete(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("DELETE %s: %s", url, r.body()).isEqualTo(200);
    }

    private void waitReady(String url) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Alertmanager did not become ready: " + Files.readString(dir.resolve("alertmanager.log")));
    }

    private static void sleepUntil(Instant t) throws InterruptedException {
        long ms = Duration.between(Instant.now(), t).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    private static JsonNode json(RecordingHttpServer.Request request) {
        try {
            return JSON.readTree(request.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
