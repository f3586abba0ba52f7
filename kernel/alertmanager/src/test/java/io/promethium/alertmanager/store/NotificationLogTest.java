package io.promethium.alertmanager.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationLogTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void anIntegrationsDataIsKeptWithTheEntryAndSurvivesARestart(@TempDir Path dir) {
        Path file = dir.resolve("nflog.json");
        NotificationLog log = new NotificationLog(file, Duration.ofHours(1));
        String key = NotificationLog.key("{}:{alertname=\"A\"}", "team", "slack", 0);
        log.log(key, Set.of(1L), Set.of(), NOW, Map.of("threadTs", "1401383885.000061", "channelId", "C1"));
        log.log(key, Set.of(1L, 2L), Set.of(), NOW.plusSeconds(60)); // a notification without data keeps the entry's
        assertThat(log.get(key).data()).containsExactlyInAnyOrderEntriesOf(Map.of("threadTs", "1401383885.000061", "channelId", "C1"));
        NotificationLog reloaded = new NotificationLog(file, Duration.ofHours(1));
        assertThat(reloaded.get(key).data()).containsExactlyInAnyOrderEntriesOf(Map.of("threadTs", "1401383885.000061", "channelId", "C1"));
        assertThat(reloaded.get(key).firing()).containsExactlyInAnyOrder(1L, 2L);
    }

    @Test
    void entriesWithoutDataAreWrittenAndReadAsBefore(@TempDir Path dir) {
        Path file = dir.resolve("nflog.json");
        new NotificationLog(file, Duration.ofHours(1)).log("k", Set.of(3L), Set.of(4L), NOW);
        NotificationLog.Entry e = new NotificationLog(file, Duration.ofHours(1)).get("k");
        assertThat(e.data()).isEmpty();
        assertThat(e.resolved()).containsExactly(4L);
    }

    /** A kill -9 between writing the temporary file and the rename leaves a torn .tmp beside the last snapshot. */
    @Test
    void aTornTemporaryFileFromAKilledWriteLeavesTheLastSnapshotReadable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nflog.json");
        new NotificationLog(file, Duration.ofHours(1)).log("k", Set.of(7L), Set.of(), NOW);
        java.nio.file.Files.writeString(dir.resolve("nflog.json.tmp"), "{\"entries\":[{\"key\":\"k2\",\"tim");
        NotificationLog reloaded = new NotificationLog(file, Duration.ofHours(1));
        assertThat(reloaded.get("k").firing()).containsExactly(7L);
        reloaded.log("k2", Set.of(8L), Set.of(), NOW);
        NotificationLog again = new NotificationLog(file, Duration.ofHours(1));
        assertThat(again.get("k2").firing()).containsExactly(8L);
        assertThat(again.get("k").firing()).containsExactly(7L);
    }

    @Test
    void aFailedWriteIsCountedAndWrittenAgainByTheNextGc(@TempDir Path dir) throws Exception {
        Path blocker = dir.resolve("blocker");
        java.nio.file.Files.writeString(blocker, "a file where the folder should be");
        Path file = blocker.resolve("nflog.json");
        NotificationLog log = new NotificationLog(file, Duration.ofHours(1));
        log.log("k", Set.of(9L), Set.of(), NOW);
        assertThat(log.writeFailures()).isEqualTo(1);
        java.nio.file.Files.delete(blocker);
        log.gc(NOW);
        assertThat(log.writeFailures()).isEqualTo(1);
        assertThat(new NotificationLog(file, Duration.ofHours(1)).get("k").firing()).containsExactly(9L);
    }

    /** The fault hold of --alertmanager.fault.pause-before-log: only the named receiver's entries wait. */
    @Test
    void aHeldReceiversEntryIsWrittenOnlyAfterItsPauseAndOthersAreNotHeld(@TempDir Path dir) throws Exception {
        NotificationLog log = new NotificationLog(dir.resolve("nflog.json"), Duration.ofHours(1));
        log.holdEntriesOf("held");
        String held = NotificationLog.key("{}:{alertname=\"A\"}", "held", "webhook", 0);
        String other = NotificationLog.key("{}:{alertname=\"A\"}", "team", "webhook", 0);
        Thread writer = Thread.ofVirtual().start(() -> log.log(held, Set.of(1L), Set.of(), NOW, Map.of()));
        log.log(other, Set.of(1L), Set.of(), NOW, Map.of());
        assertThat(log.get(other)).as("another receiver's entry is not held").isNotNull();
        Thread.sleep(200);
        assertThat(log.get(held)).as("held").isNull();
        writer.interrupt(); // the pause ends early: the entry is written then
        writer.join(5_000);
        assertThat(log.get(held).firing()).containsExactly(1L);
        assertThat(new NotificationLog(dir.resolve("nflog.json"), Duration.ofHours(1)).get(held)).isNotNull();
    }
}
