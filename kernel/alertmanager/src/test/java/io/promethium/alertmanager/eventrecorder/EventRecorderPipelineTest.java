package io.promethium.alertmanager.eventrecorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.alertmanager.store.Silence;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.notify.Alert;
import io.promethium.api.testing.RecordingHttpServer;
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

/**
 * The events at the points of the pipeline where 0.34 records them: the runtime with a webhook
 * receiver on a loopback recorder and an {@code event_recorder} writing a file (relative path)
 * and posting to a second loopback receiver in batches.
 */
class EventRecorderPipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private RecordingHttpServer receiver;
    private RecordingHttpServer events;
    private AlertmanagerRuntime rt;

    @BeforeEach
    void start() throws Exception {
        receiver = RecordingHttpServer.http();
        events = RecordingHttpServer.http();
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, """
                route:
                  receiver: hook
                  group_by: [alertname]
                  group_wait: 100ms
                  group_interval: 300ms
                  repeat_interval: 1h
                inhibit_rules:
                  - source_matchers: [severity="critical"]
                    target_matchers: [severity="warning"]
                    equal: [alertname]
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: %s
                event_recorder:
                  file_outputs:
                    - path: events.jsonl
                  webhook_outputs:
                    - url: %s
                      batch: true
                      batch_flush_interval: 50ms
                """.formatted(receiver.url("/hook"), events.url("/events")));
        rt = new AlertmanagerRuntime(file, dir.resolve("data"), Duration.ofHours(1), "", Clock.systemUTC());
        rt.addFactory(new WebhookNotifierFactory());
        rt.reload();
    }

    @AfterEach
    void stop() {
        if (rt != null) {
            rt.close();
        }
        receiver.close();
        events.close();
    }

    private List<JsonNode> fileEvents() throws Exception {
        rt.events().drain(5000);
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static List<String> kinds(List<JsonNode> events) {
        return events.stream().map(e -> e.path("data").fieldNames().next()).toList();
    }

    private static Alert firing(String... labels) {
        return new Alert(Labels.of(labels), Labels.EMPTY, Instant.now(), Instant.now().plusSeconds(300), "");
    }

    @Test
    void alertsNotificationsAndResolutionsAreRecorded() throws Exception {
        Alert a = firing("alertname", "Load", "instance", "a");
        rt.receive(List.of(a));
        assertThat(receiver.await(1, Duration.ofSeconds(5))).hasSize(1);
        Thread.sleep(100);
        List<JsonNode> got = fileEvents();
        assertThat(kinds(got)).containsSubsequence("alertmanagerStartupEvent", "alertCreated", "alertGrouped", "notification");
        JsonNode created = got.get(kinds(got).indexOf("alertCreated")).path("data").path("alertCreated").path("alert");
        assertThat(created.path("fingerprint").asText()).isEqualTo(Long.toUnsignedString(Alert.fingerprint(a.labels())));
        assertThat(created.path("name").asText()).isEqualTo("Load");
        JsonNode n = got.get(kinds(got).indexOf("notification")).path("data").path("notification");
        assertThat(n.path("reason").asText()).isEqualTo("NOTIFY_REASON_FIRST_NOTIFICATION");
        assertThat(n.path("integration").path("name").asText()).isEqualTo("webhook");
        assertThat(n.path("groupInfo").path("groupKey").asText()).isEqualTo("{}:{alertname=\"Load\"}");
        assertThat(n.path("groupInfo").path("receiverName").asText()).isEqualTo("hook");
        assertThat(n.path("groupInfo").path("groupUuid").asText()).isNotEmpty();
        assertThat(n.path("flushId").asText()).isEqualTo("1");
        assertThat(n.path("repeatInterval").asText()).isEqualTo("3600s");
        assertThat(n.path("firingAlerts").get(0).path("hash").asText()).isEqualTo(Long.toUnsignedString(Events.hash(a.labels())));

        // An update of a known alert is not created again, but grouped again (0.34 records each insert).
        rt.receive(List.of(new Alert(a.labels(), a.annotations(), a.startsAt(), Instant.now(), "")));
        assertThat(receiver.await(2, Duration.ofSeconds(5))).hasSize(2);
        Thread.sleep(200);
        got = fileEvents();
        assertThat(kinds(got).stream().filter("alertCreated"::equals)).hasSize(1);
        assertThat(kinds(got)).contains("alertResolved");
        JsonNode resolved = got.get(kinds(got).indexOf("alertResolved")).path("data").path("alertResolved");
        assertThat(resolved.path("alert").path("details").path("resolved").asBoolean()).isTrue();

        // The webhook output got the same events, as JSON arrays.
        List<RecordingHttpServer.Request> posted = events.await(1, Duration.ofSeconds(5));
        assertThat(posted).isNotEmpty();
        assertThat(JSON.readTree(posted.get(0).body()).get(0).path("data").has("alertmanagerStartupEvent")).isTrue();
    }

    @Test
    void silencesAndInhibitionsAreRecordedWhenTheyMute() throws Exception {
        Instant now = Instant.now();
        String id = rt.silences().upsert(new Silence("", List.of(Matcher.equal("instance", "s")), now, now.plusSeconds(600), now, "me",
                "maintenance"), now);
        rt.silences().upsert(new Silence(id, List.of(Matcher.equal("instance", "s")), now, now.plusSeconds(900), now, "me",
                "longer"), Instant.now());
        rt.receive(List.of(firing("alertname", "Disk", "instance", "s"),
                firing("alertname", "Cpu", "severity", "critical"), firing("alertname", "Cpu", "severity", "warning")));
        assertThat(receiver.await(1, Duration.ofSeconds(5))).hasSize(1);
        Thread.sleep(500);
        List<JsonNode> got = fileEvents();
        List<String> kinds = kinds(got);
        assertThat(kinds).contains("silenceCreated", "silenceUpdated", "silenceMutedAlert", "inhibitionMutedAlert");
        JsonNode muted = got.get(kinds.indexOf("silenceMutedAlert")).path("data").path("silenceMutedAlert");
        assertThat(muted.path("silence").path("id").asText()).isEqualTo(id);
        assertThat(muted.path("silence").path("comment").asText()).isEqualTo("longer");
        JsonNode inhibited = got.get(kinds.indexOf("inhibitionMutedAlert")).path("data").path("inhibitionMutedAlert");
        assertThat(inhibited.path("inhibitRules").get(0).path("equalLabels").toString()).isEqualTo("[\"alertname\"]");
        assertThat(inhibited.path("inhibitRules").get(0).path("sourceMatchers").get(0).path("rendered").asText())
                .isEqualTo("severity=\"critical\"");
        assertThat(inhibited.path("inhibitingFingerprints").get(0).asText())
                .isEqualTo(Long.toUnsignedString(Alert.fingerprint(Labels.of("alertname", "Cpu", "severity", "critical"))));
        JsonNode notification = got.get(kinds.indexOf("notification")).path("data").path("notification");
        assertThat(notification.path("mutedAlerts")).as("the muted alerts of the flush").isNotEmpty();
    }

    @Test
    void shutdownIsTheLastEvent() throws Exception {
        rt.close();
        List<String> kinds = kinds(fileEvents());
        rt = null;
        assertThat(kinds.get(kinds.size() - 1)).isEqualTo("alertmanagerShutdownEvent");
    }
}
