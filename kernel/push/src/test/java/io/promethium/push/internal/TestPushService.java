package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPushService {

    @TempDir
    Path dir;

    private PushService service(Map<String, String> flags) {
        Map<String, String> all = new java.util.HashMap<>(flags);
        all.put("push.persistence.file", dir.resolve("push.data").toString());
        return new PushService(PushSettings.from(all::get), () -> null,
                () -> new PushEndpoint.Status(Map.of(), Instant.EPOCH, Map.of()));
    }

    private static void push(PushService s, String job, String body) throws PushException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        s.store().push(GroupingKey.of("job", job), TextBodyParser.parse(b, b.length), true, 0);
    }

    @Test
    void groupsArePersistedOnTheIntervalAndRestoredAtStart() throws Exception {
        Path file = dir.resolve("push.data");
        try (PushService first = service(Map.of("push.persistence.interval", "100ms"))) {
            push(first, "a", "x 1\n");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!(Files.exists(file) && GroupFile.read(file).size() == 1) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(GroupFile.read(file)).hasSize(1);
            push(first, "b", "y 2\n");
        }
        // close() wrote the second group without waiting for the interval.
        try (PushService second = service(Map.of())) {
            assertThat(second.store().groups()).extracting(g -> g.key().job()).containsExactly("a", "b");
        }
    }

    @Test
    void aDamagedFileIsMovedAsideAndTheServiceStartsEmpty() throws Exception {
        Files.writeString(dir.resolve("push.data"), "not a push file at all, long enough to be read");
        try (PushService s = service(Map.of())) {
            assertThat(s.store().groups()).isEmpty();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("push.data.corrupt-"));
        }
    }

    @Test
    void expiredGroupsLeaveTheStoreInTheBackground() throws Exception {
        try (PushService s = service(Map.of("push.group-ttl", "200ms"))) {
            byte[] b = "x 1\n".getBytes(StandardCharsets.UTF_8);
            s.store().push(GroupingKey.of("job", "short"), TextBodyParser.parse(b, b.length), true, 200);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (s.store().expiredGroups() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(s.store().expiredGroups()).isEqualTo(1);
        }
    }

    @Test
    void aGroupWithAShorterTimeToLiveExpiresFirstAndEachLaterOneAtItsOwnDeadline() throws Exception {
        try (PushService s = service(Map.of())) {
            byte[] b = "x 1\n".getBytes(StandardCharsets.UTF_8);
            s.store().push(GroupingKey.of("job", "hour"), TextBodyParser.parse(b, b.length), true, 3_600_000);
            s.store().push(GroupingKey.of("job", "long"), TextBodyParser.parse(b, b.length), true, 600);
            s.store().push(GroupingKey.of("job", "short"), TextBodyParser.parse(b, b.length), true, 150);
            awaitExpired(s, 1);
            assertThat(s.store().groups()).extracting(g -> g.key().job()).containsExactly("hour", "long");
            awaitExpired(s, 2);
            assertThat(s.store().groups()).extracting(g -> g.key().job()).containsExactly("hour");
        }
    }

    private static void awaitExpired(PushService s, long groups) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (s.store().expiredGroups() < groups && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(s.store().expiredGroups()).isEqualTo(groups);
    }
}
