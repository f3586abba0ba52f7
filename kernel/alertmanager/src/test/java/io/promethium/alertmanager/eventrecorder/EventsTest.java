package io.promethium.alertmanager.eventrecorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.alertmanager.store.Silence;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.notify.Alert;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The events' JSON follows protobuf's JSON mapping of 0.34's eventrecorder.proto. */
class EventsTest {

    private static long xxh(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Events.xxHash64(b, b.length);
    }

    @Test
    void xxHash64MatchesTheReferenceVectors() {
        assertThat(xxh("")).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(xxh("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(xxh("abc")).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(xxh("Nobody inspects the spammish repetition")).isEqualTo(0xFBCEA83C8A378BF1L);
        // 32 bytes and more take the four-lane path; Go's xxhash test vectors.
        assertThat(xxh("The quick brown fox jumps over the lazy dog")).isEqualTo(0x0B242D361FDA71BCL);
        assertThat(xxh("The quick brown fox jumps over the lazy dog.")).isEqualTo(0x44AD33705751AD73L);
    }

    @Test
    void alertHashIsXxHashOfSortedLabelsWithSeparators() {
        Labels l = Labels.of("b", "2", "a", "1");
        byte[] raw = {'a', (byte) 0xff, '1', (byte) 0xff, 'b', (byte) 0xff, '2', (byte) 0xff};
        assertThat(Events.hash(l)).isEqualTo(Events.xxHash64(raw, raw.length));
    }

    @Test
    void timestampsAndDurationsAreWrittenAsProtoJson() {
        assertThat(Events.timestamp(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(Events.timestamp(Instant.parse("2026-01-02T03:04:05.120Z"))).isEqualTo("2026-01-02T03:04:05.120Z");
        assertThat(Events.timestamp(Instant.parse("2026-01-02T03:04:05.000123Z"))).isEqualTo("2026-01-02T03:04:05.000123Z");
        assertThat(Events.timestamp(Instant.parse("2026-01-02T03:04:05.000000001Z"))).isEqualTo("2026-01-02T03:04:05.000000001Z");
        assertThat(Events.timestamp(Events.GO_ZERO_TIME)).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(Events.duration(Duration.ofHours(4))).isEqualTo("14400s");
        assertThat(Events.duration(Duration.ofMillis(1500))).isEqualTo("1.500s");
        assertThat(Events.duration(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void alertCreatedHasTheProtoFieldsInLowerCamelCase() {
        Instant start = Instant.parse("2026-01-02T03:04:05Z");
        Alert a = new Alert(Labels.of("alertname", "Load", "instance", "a"), Labels.of("summary", "high"), start,
                start.plusSeconds(300), "http://g");
        String json = Events.alertCreated(a, start.plusSeconds(1)).toString();
        assertThat(json).isEqualTo("{\"alertCreated\":{\"alert\":{\"fingerprint\":\"" + Long.toUnsignedString(Alert.fingerprint(a.labels()))
                + "\",\"name\":\"Load\",\"labels\":{\"labels\":[{\"key\":\"alertname\",\"value\":\"Load\"},{\"key\":\"instance\",\"value\":\"a\"}]},"
                + "\"annotations\":{\"labels\":[{\"key\":\"summary\",\"value\":\"high\"}]},"
                + "\"startsAt\":\"2026-01-02T03:04:05Z\",\"endsAt\":\"2026-01-02T03:09:05Z\"}}}");
        assertThat(Events.alertCreated(a, start.plusSeconds(400)).path("alertCreated").path("alert").path("resolved").asBoolean()).isTrue();
    }

    @Test
    void silenceCarriesItsMatchersAsTheFirstMatcherSet() {
        Instant t = Instant.parse("2026-01-02T03:04:05Z");
        Silence s = new Silence("id-1", List.of(Matcher.of(MatchType.REGEX, "env", "prod.*")), t, t.plusSeconds(60), t, "me", "why");
        String json = Events.silenceCreated(s).toString();
        String matcher = "{\"type\":\"TYPE_REGEXP\",\"name\":\"env\",\"pattern\":\"prod.*\",\"rendered\":\"env=~\\\"prod.*\\\"\"}";
        assertThat(json).isEqualTo("{\"silenceCreated\":{\"silence\":{\"id\":\"id-1\",\"matchers\":[" + matcher + "],"
                + "\"startsAt\":\"2026-01-02T03:04:05Z\",\"endsAt\":\"2026-01-02T03:05:05Z\",\"updatedAt\":\"2026-01-02T03:04:05Z\","
                + "\"createdBy\":\"me\",\"comment\":\"why\",\"matcherSets\":[{\"matchers\":[" + matcher + "]}]}}}");
    }

    @Test
    void notificationNamesReasonIntegrationAndGroup() {
        Instant t = Instant.parse("2026-01-02T03:04:05Z");
        Alert firing = new Alert(Labels.of("alertname", "Load"), Labels.EMPTY, t, null, "");
        Events.GroupInfo group = new Events.GroupInfo("{}:{alertname=\"Load\"}", Labels.of("alertname", "Load"), "team",
                List.of(Matcher.of(MatchType.EQUAL, "team", "db")), "uuid-1");
        var n = Events.notification(group, List.of(firing), List.of(7L), List.of(), List.of(), Duration.ofHours(4),
                "FIRST_NOTIFICATION", 1, "webhook", 0, t).path("notification");
        assertThat(n.path("alerts").get(0).path("hash").asText()).isEqualTo(Long.toUnsignedString(Events.hash(firing.labels())));
        assertThat(n.path("alerts").get(0).path("details").path("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(n.path("firingAlerts").toString()).isEqualTo("[{\"hash\":\"7\"}]");
        assertThat(n.has("resolvedAlerts")).as("empty repeated fields are left out").isFalse();
        assertThat(n.path("repeatInterval").asText()).isEqualTo("14400s");
        assertThat(n.path("reason").asText()).isEqualTo("NOTIFY_REASON_FIRST_NOTIFICATION");
        assertThat(n.path("flushId").asText()).isEqualTo("1");
        assertThat(n.path("integration").toString()).as("index 0 is proto3's zero value").isEqualTo("{\"name\":\"webhook\"}");
        assertThat(n.path("groupInfo").path("groupId").asText()).isEqualTo(Events.groupId("{}:{alertname=\"Load\"}")).hasSize(64);
        assertThat(n.path("groupInfo").path("receiverName").asText()).isEqualTo("team");
        assertThat(n.path("groupInfo").path("groupUuid").asText()).isEqualTo("uuid-1");
        assertThat(n.path("groupInfo").path("matchers").get(0).path("rendered").asText()).isEqualTo("team=\"db\"");
    }

    @Test
    void kindIsTheOneofFieldName() {
        assertThat(Events.kind(Events.startup("1", "b"))).isEqualTo("alertmanager_startup_event");
        assertThat(Events.kind(Events.shutdown())).isEqualTo("alertmanager_shutdown_event");
        assertThat(Events.shutdown().toString()).isEqualTo("{\"alertmanagerShutdownEvent\":{}}");
    }
}
