package io.promethium.alertmanager.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Matcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SilenceStoreTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aFailedWriteIsCountedAndWrittenAgainByTheNextGc(@TempDir Path dir) throws Exception {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where the folder should be");
        Path file = blocker.resolve("silences.json");
        SilenceStore store = new SilenceStore(file, Duration.ofHours(1));
        String id = store.upsert(new Silence("", List.of(Matcher.equal("alertname", "A")), NOW, NOW.plusSeconds(600), NOW,
                "me", "disk was full"), NOW);
        assertThat(store.writeFailures()).isEqualTo(1);
        Files.delete(blocker);
        store.gc(NOW);
        assertThat(store.writeFailures()).isEqualTo(1);
        assertThat(new SilenceStore(file, Duration.ofHours(1)).get(id).comment()).isEqualTo("disk was full");
    }

    @Test
    void aTornTemporaryFileFromAKilledWriteLeavesTheLastSnapshotReadable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("silences.json");
        String id = new SilenceStore(file, Duration.ofHours(1)).upsert(new Silence("", List.of(Matcher.equal("alertname", "A")), NOW,
                NOW.plusSeconds(600), NOW, "me", "before the kill"), NOW);
        Files.writeString(dir.resolve("silences.json.tmp"), "{\"silences\":[{\"id\":\"x");
        assertThat(new SilenceStore(file, Duration.ofHours(1)).get(id).comment()).isEqualTo("before the kill");
    }
}
