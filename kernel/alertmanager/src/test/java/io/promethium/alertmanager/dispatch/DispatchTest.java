package io.promethium.alertmanager.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.alertmanager.store.Silence;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.notify.Alert;
import io.promethium.api.testing.CollectedSamples;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Request;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole in-process path with short intervals: runtime, routes, groups, webhook to a loopback recorder. */
class DispatchTest {

    @TempDir
    Path dir;
    private static final ObjectMapper JSON = new ObjectMapper();
    private RecordingHttpServer recorder;
    private final List<AlertmanagerRuntime> runtimes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        recorder = RecordingHttpServer.http();
    }

    @AfterEach
    void stop() {
        runtimes.forEach(AlertmanagerRuntime::close);
        recorder.close();
    }

    private AlertmanagerRuntime runtime(String routeExtras) throws Exception {
        return runtime(routeExtras, dir.resolve("data"));
    }

    private AlertmanagerRuntime runtime(String routeExtras, Path data) throws Exception {
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, """
                route:
                  receiver: hook
                  group_by: [alertname]
                  group_wait: 300ms
                  group_interval: 600ms
                  repeat_interval: 1h
                %s
                inhibit_rules:
                  - source_matchers: [severity="critical"]
                    target_matchers: [severity="warning"]
                    equal: [alertname]
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: %s
                  - name: two
                    webhook_configs:
                      - url: %s
                      - url: %s
                """.formatted(routeExtras, recorder.url("/hook"), recorder.url("/hang"), recorder.url("/fast")));
        AlertmanagerRuntime rt = new AlertmanagerRuntime(file, data, Duration.ofHours(1), "http://prom:9090",
                Clock.systemUTC());
        rt.addFactory(new WebhookNotifierFactory());
        rt.reload();
        runtimes.add(rt);
        return rt;
    }

    private static Alert firing(String... labels) {
        return new Alert(Labels.of(labels), Labels.of("summary", "s"), Instant.now(), Instant.now().plusSeconds(300), "http://prom/g");
    }

    private static Alert resolved(Alert a) {
        return new Alert(a.labels(), a.annotations(), a.startsAt(), Instant.now(), a.generatorUrl());
    }

    @Test
    void groupsAlertsAfterGroupWaitAndSendsTheResolution() throws Exception {
        AlertmanagerRuntime rt = runtime("");
        Alert a = firing("alertname", "Load", "instance", "a");
        Alert b = firing("alertname", "Load", "instance", "b");
        rt.receive(List.of(a, b));
        List<Request> got = recorder.await(1, Duration.ofSeconds(5));
        assertThat(got).hasSize(1);
        JsonNode m = json(got.get(0));
        assertThat(m.path("version").asText()).isEqualTo("4");
        assertThat(m.path("status").asText()).isEqualTo("firing");
        assertThat(m.path("groupKey").asText()).isEqualTo("{}:{alertname=\"Load\"}");
        assertThat(m.path("groupLabels").toString()).isEqualTo("{\"alertname\":\"Load\"}");
        assertThat(m.path("commonLabels").toString()).isEqualTo("{\"alertname\":\"Load\"}");
        assertThat(m.path("alerts")).hasSize(2);
        assertThat(m.path("alerts").get(0).path("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(m.path("alerts").get(0).path("fingerprint").asText()).isEqualTo(a.fingerprint());
        assertThat(m.path("externalURL").asText()).isEqualTo("http://prom:9090");
        assertThat(m.path("notification_reason").asText()).isEqualTo("first notification");

        rt.receive(List.of(resolved(a)));
        got = recorder.await(2, Duration.ofSeconds(5));
        assertThat(got).hasSize(2);
        JsonNode r = json(got.get(1));
        assertThat(r.path("status").asText()).isEqualTo("firing");
        assertThat(r.path("alerts").get(0).path("status").asText()).isEqualTo("resolved");
        assertThat(r.path("alerts").get(1).path("status").asText()).isEqualTo("firing");
        assertThat(r.path("notification_reason").asText()).as("send_resolved, one of two resolved").isEqualTo("some alerts resolved");
        Thread.sleep(1500);
        assertThat(recorder.requests()).as("nothing changed: no repeat before repeat_interval").hasSize(2);
    }

    /** As Alertmanager: once every alert of a group is resolved and that was notified, the group is removed. */
    @Test
    void aGroupWhoseAlertsAreAllResolvedEndsAfterTheResolvedNotification() throws Exception {
        AlertmanagerRuntime rt = runtime("");
        Alert a = firing("alertname", "Gone", "instance", "a");
        rt.receive(List.of(a));
        assertThat(recorder.await(1, Duration.ofSeconds(5))).hasSize(1);
        Dispatcher dispatcher = rt.active().dispatcher();
        AggregationGroup first = dispatcher.groups().get(0);
        assertThat(dispatcher.groupCount()).isEqualTo(1);

        rt.receive(List.of(resolved(a)));
        List<Request> got = recorder.await(2, Duration.ofSeconds(5));
        assertThat(json(got.get(1)).path("status").asText()).isEqualTo("resolved");
        assertThat(json(got.get(1)).path("notification_reason").asText()).isEqualTo("all alerts resolved");
        Instant until = Instant.now().plusSeconds(3);
        while (dispatcher.groupCount() > 0 && Instant.now().isBefore(until)) {
            Thread.sleep(20);
        }
        assertThat(dispatcher.groupCount()).as("the group ended after its resolved notification").isZero();
        first.join(2000);
        assertThat(first.running()).as("its thread ended too").isFalse();
        Thread.sleep(1500);
        assertThat(recorder.requests()).as("an ended group sends nothing more").hasSize(2);

        Alert again = firing("alertname", "Gone", "instance", "a");
        Instant sent = Instant.now();
        rt.receive(List.of(again));
        got = recorder.await(3, Duration.ofSeconds(5));
        assertThat(dispatcher.groups()).singleElement().isNotSameAs(first);
        assertThat(json(got.get(2)).path("status").asText()).isEqualTo("firing");
        assertThat(Duration.between(sent, got.get(2).at())).as("a new group waits group_wait again").isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    /** Alertmanager's self-metrics by name, with what the path above did to them. */
    @Test
    void selfMetricsHaveAlertmanagersNamesAndCountTheWork() throws Exception {
        AlertmanagerRuntime rt = runtime("");
        Instant now = Instant.now();
        rt.silences().upsert(new Silence("", List.of(Matcher.equal("alertname", "Quiet")), now, now.plusSeconds(60), now, "me", "test"), now);
        recorder.on("/hook", r -> RecordingHttpServer.Response.status(400));
        rt.receive(List.of(firing("alertname", "Metrics")));
        recorder.await(1, Duration.ofSeconds(5));
        Thread.sleep(300);
        java.util.Map<String, Double> samples = CollectedSamples.of(rt::collect);
        assertThat(samples).containsEntry("alertmanager_notifications_total{integration=\"webhook\"}", 1.0)
                .as("a 400 is Alertmanager's clientError")
                .containsEntry("alertmanager_notifications_failed_total" + Labels.of("integration", "webhook", "reason", "clientError"), 1.0)
                .containsEntry("alertmanager_notifications_failed_total" + Labels.of("integration", "webhook", "reason", "serverError"), 0.0)
                .containsEntry("alertmanager_notifications_failed_total" + Labels.of("integration", "webhook", "reason", "other"), 0.0)
                .containsEntry("alertmanager_alerts{state=\"active\"}", 1.0)
                .containsEntry("alertmanager_silences{state=\"active\"}", 1.0)
                .containsEntry("alertmanager_dispatcher_aggregation_groups", 1.0)
                .containsEntry("alertmanager_config_last_reload_successful", 1.0);
        assertThat(samples.keySet()).anyMatch(k -> k.startsWith("alertmanager_notification_latency_seconds_bucket"));
    }

    @Test
    void silencedAndInhibitedAlertsAreNotSent() throws Exception {
        AlertmanagerRuntime rt = runtime("");
        Instant now = Instant.now();
        rt.silences().upsert(new Silence("", List.of(Matcher.equal("alertname", "Quiet")), now, now.plusSeconds(60), now, "me", "test"), now);
        rt.receive(List.of(firing("alertname", "Quiet"), firing("alertname", "Disk", "severity", "warning"),
                firing("alertname", "Disk", "severity", "critical")));
        List<Request> got = recorder.await(1, Duration.ofSeconds(5));
        Thread.sleep(1000);
        got = recorder.requests();
        assertThat(got).hasSize(1);
        assertThat(json(got.get(0)).path("alerts")).hasSize(1);
        assertThat(json(got.get(0)).path("alerts").get(0).path("labels").path("severity").asText()).isEqualTo("critical");
    }

    @Test
    void aRestartResendsNothingAlreadySent() throws Exception {
        AlertmanagerRuntime rt = runtime("");
        Alert a = firing("alertname", "Persist");
        rt.receive(List.of(a));
        assertThat(recorder.await(1, Duration.ofSeconds(5))).hasSize(1);
        // The log is written once the receiver has answered; give it that moment before the "restart".
        Thread.sleep(500);
        rt.close();
        runtimes.remove(rt);
        AlertmanagerRuntime again = runtime("");
        again.receive(List.of(a));
        Thread.sleep(1500);
        assertThat(recorder.requests()).hasSize(1);
        Alert b = firing("alertname", "Persist", "instance", "new");
        again.receive(List.of(b));
        assertThat(recorder.await(2, Duration.ofSeconds(5))).hasSize(2);
    }

    /**
     * A kill -9 while the receiver holds the request: the data folder as it is at that instant
     * (copied while the request hangs) has no log entry for the group, so the server started on
     * it sends the group once, and only once.
     */
    @Test
    void aNotificationCutOffBeforeTheReceiverAnsweredIsSentOnceAfterARestart() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        recorder.on("/hook", request -> {
            if (calls.getAndIncrement() == 0) {
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return RecordingHttpServer.Response.status(200);
        });
        try {
            AlertmanagerRuntime rt = runtime("");
            Alert a = firing("alertname", "Held");
            rt.receive(List.of(a));
            assertThat(recorder.await(1, Duration.ofSeconds(5))).hasSize(1);
            Path crashed = dir.resolve("crashed");
            Files.createDirectories(crashed);
            if (Files.isDirectory(dir.resolve("data"))) { // nothing was written yet when nothing was acknowledged
                try (var files = Files.list(dir.resolve("data"))) {
                    for (Path f : files.toList()) {
                        Files.copy(f, crashed.resolve(f.getFileName()));
                    }
                }
            }
            rt.close();
            runtimes.remove(rt);

            AlertmanagerRuntime again = runtime("", crashed);
            again.receive(List.of(a));
            assertThat(recorder.await(2, Duration.ofSeconds(5))).hasSize(2);
            again.receive(List.of(a));
            Thread.sleep(1500); // two group intervals: a duplicate would be here
            assertThat(recorder.requests()).hasSize(2);
        } finally {
            release.countDown();
        }
    }

    @Test
    void silencesSurviveARestart() throws Exception {
        AlertmanagerRuntime rt = runtime("");
        Instant now = Instant.now();
        String id = rt.silences().upsert(new Silence("", List.of(Matcher.equal("alertname", "Kept")), now, now.plusSeconds(600), now,
                "me", "kept across restarts"), now);
        rt.close();
        runtimes.remove(rt);
        AlertmanagerRuntime again = runtime("");
        assertThat(again.silences().get(id)).isNotNull();
        assertThat(again.silences().get(id).comment()).isEqualTo("kept across restarts");
        assertThat(again.silences().mutes(Labels.of("alertname", "Kept"), Instant.now())).containsExactly(id);
        again.silences().expire(id, Instant.now());
        assertThat(again.silences().mutes(Labels.of("alertname", "Kept"), Instant.now().plusMillis(1))).isEmpty();
    }

    @Test
    void aFailedDeliveryIsRetriedWithBackoff() throws Exception {
        AlertmanagerRuntime rt = runtime("");
        recorder.failNext(2);
        rt.receive(List.of(firing("alertname", "Retry")));
        List<Request> got = recorder.await(1, Duration.ofSeconds(8));
        assertThat(got).hasSize(1);
    }

    @Test
    void aHangingIntegrationDoesNotDelayAnother() throws Exception {
        recorder.on("/hang", request -> {
            try {
                Thread.sleep(6000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RecordingHttpServer.Response.status(200);
        });
        AlertmanagerRuntime rt = runtime("""
                  routes:
                    - matchers: [team="two"]
                      receiver: two
                """);
        Instant sent = Instant.now();
        rt.receive(List.of(firing("alertname", "Slow", "team", "two")));
        List<Request> got = recorder.await(2, Duration.ofSeconds(3));
        assertThat(got).extracting(Request::path).containsExactlyInAnyOrder("/hang", "/fast");
        Request fast = got.stream().filter(r -> r.path().equals("/fast")).findFirst().orElseThrow();
        assertThat(Duration.between(sent, fast.at())).isLessThan(Duration.ofSeconds(2));
    }

    private static JsonNode json(Request request) throws java.io.IOException {
        return JSON.readTree(request.body());
    }

    /**
     * Route labels as Alertmanager 0.34 sends them: rendered by the dispatcher against the group
     * (here from a group label and another route label) and given to notification templates
     * through {@code routeLabels} and {@code .RouteLabels}, verbatim, not executed again.
     */
    @Test
    void routeLabelsAreRenderedAtDispatchAndGivenToNotificationTemplates() throws Exception {
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, """
                route:
                  receiver: chat
                  group_by: [alertname]
                  group_wait: 100ms
                  group_interval: 600ms
                  labels:
                    team: infra
                    key: '{{ .GroupLabels.alertname }}-{{ routeLabels "team" }}'
                    broken: '{{ routeLabels "broken" }}'
                    raw: '{{ "{{ $value }}" }}'
                receivers:
                  - name: chat
                    slack_configs:
                      - api_url: %s
                        channel: '#c'
                        text: '{{ routeLabels "key" }} {{ .RouteLabels.team }} [{{ routeLabels "broken" }}] {{ routeLabels "raw" }}'
                """.formatted(recorder.url("/slack")));
        AlertmanagerRuntime rt = new AlertmanagerRuntime(file, dir.resolve("data"), Duration.ofHours(1), "http://prom:9090",
                Clock.systemUTC());
        rt.addFactory(new io.promethium.notifiers.slack.SlackNotifierFactory());
        rt.reload();
        runtimes.add(rt);
        rt.receive(List.of(firing("alertname", "Disk", "instance", "a")));
        List<Request> got = recorder.await(1, Duration.ofSeconds(5));
        JsonNode m = json(got.get(0));
        assertThat(m.path("attachments").get(0).path("text").asText()).isEqualTo("Disk-infra infra [] {{ $value }}");
    }

    /**
     * A UTF-8 label name end to end, as Alertmanager 0.34 in its default mode handles it: grouped
     * by, matched by a quoted matcher, named in route labels, read by templates with {@code index}
     * ({@code .GroupLabels.service.name} would be a field chain, in Go as here), and written as is
     * in the webhook body and the group key.
     */
    @Test
    void aUtf8LabelNameIsGroupedRoutedAndRenderedEndToEnd() throws Exception {
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, """
                route:
                  receiver: hook
                  group_by: [service.name]
                  group_wait: 100ms
                  routes:
                    - matchers: ['"service.name"="pg"']
                      receiver: chat
                      continue: true
                      labels:
                        owner.team: '{{ index .GroupLabels "service.name" }}-owners'
                    - matchers: [service.name=pg]
                      labels:
                        owner.team: db
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: %s
                  - name: chat
                    slack_configs:
                      - api_url: %s
                        channel: '#c'
                        text: '{{ index .GroupLabels "service.name" }} {{ index .RouteLabels "owner.team" }} {{ routeLabels "owner.team" }}'
                """.formatted(recorder.url("/hook"), recorder.url("/slack")));
        AlertmanagerRuntime rt = new AlertmanagerRuntime(file, dir.resolve("data"), Duration.ofHours(1), "http://prom:9090",
                Clock.systemUTC());
        rt.addFactory(new WebhookNotifierFactory());
        rt.addFactory(new io.promethium.notifiers.slack.SlackNotifierFactory());
        rt.reload();
        runtimes.add(rt);
        rt.receive(List.of(firing("alertname", "Slow", "service.name", "pg")));
        List<Request> got = recorder.await(2, Duration.ofSeconds(5));
        Request slack = got.stream().filter(r -> r.path().equals("/slack")).findFirst().orElseThrow();
        Request hook = got.stream().filter(r -> r.path().equals("/hook")).findFirst().orElseThrow();
        assertThat(json(slack).path("attachments").get(0).path("text").asText()).isEqualTo("pg pg-owners pg-owners");
        JsonNode m = json(hook);
        assertThat(m.path("groupLabels").toString()).isEqualTo("{\"service.name\":\"pg\"}");
        assertThat(m.path("routeLabels").toString()).isEqualTo("{\"owner.team\":\"db\"}");
        assertThat(m.path("groupKey").asText()).isEqualTo("{}/{service.name=\"pg\"}:{service.name=\"pg\"}");
    }
}
