package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A head cut keeps the WAL segments a remote write queue has not sent (its position file in
 * {@code wal-followers/}) for up to two block durations, and folds them once the queue moves on or
 * the hold runs out.
 */
class WalFollowerHoldTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    /** Four hours at 15 s of three live series, and one that stops after the first hour. */
    private static void fillFourHours(Tsdb db) {
        for (int t = 0; t < 4 * 240; t++) {
            Appender app = db.appender();
            for (int s = 0; s < 3; s++) {
                app.append(0, Labels.of("__name__", "m", "s", Integer.toString(s)), t * 15_000L, t);
            }
            if (t < 240) {
                app.append(0, Labels.of("__name__", "gone"), t * 15_000L, t);
            }
            app.commit();
        }
    }

    private static void savePosition(WalWatchable log, WalPosition p) throws IOException {
        Files.createDirectories(log.stateDirectory());
        Files.writeString(log.stateDirectory().resolve("remote-write-q.position"), p.segment() + " " + p.offset() + "\n");
    }

    private Set<String> walFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
            return new HashSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    /** Samples a follower reading from {@code from} gets. */
    private static long samplesFrom(WalWatchable log, WalPosition from) throws IOException {
        long[] n = {0};
        WalVisitor v = new WalVisitor() {
            @Override
            public void series(long ref, Labels labels) {
            }

            @Override
            public void sample(long ref, long timestamp, double value) {
                n[0]++;
            }
        };
        log.seriesBefore(from, v);
        WalPosition at = from;
        for (WalPosition next; !(next = log.read(at, 1 << 20, v)).equals(at); ) {
            at = next;
        }
        return n[0];
    }

    @Test
    void aQueueBehindAtTheHeadCutStillReadsEverySampleAndReplayKeepsNoDeadSeries() throws IOException {
        long all = 3 * 4 * 240 + 240;
        try (Tsdb db = Tsdb.open(options(dir))) {
            savePosition(db.walWatchable(), new WalPosition(0, 0));
            fillFourHours(db);
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            assertThat(walFiles()).contains("00000000").noneMatch(n -> n.startsWith("checkpoint."));
            assertThat(db.metrics().checkpointsCreated.sum()).isZero();
            assertThat(samplesFrom(db.walWatchable(), new WalPosition(0, 0))).isEqualTo(all);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            // "gone" has records in the kept segment but every sample in the block: not a head series.
            assertThat(db.head().numSeries()).isEqualTo(3);
            assertThat(TestSupport.count(readAll(db))).isEqualTo(all);
            // The queue caught up: the next cut folds the kept segments.
            savePosition(db.walWatchable(), db.walWatchable().end());
            Appender app = db.appender();
            for (int t = 4 * 240; t < 8 * 240; t++) {
                for (int s = 0; s < 3; s++) {
                    app.append(0, Labels.of("__name__", "m", "s", Integer.toString(s)), t * 15_000L, t);
                }
            }
            app.commit();
            db.compact();
            assertThat(walFiles()).doesNotContain("00000000").anyMatch(n -> n.startsWith("checkpoint."));
            assertThat(TestSupport.count(readAll(db))).isEqualTo(all + 3 * 4 * 240);
        }
    }

    @Test
    void aQueueBehindForLongerThanTwoBlockDurationsHoldsNothing() throws IOException {
        try (Tsdb db = Tsdb.open(options(dir))) {
            savePosition(db.walWatchable(), new WalPosition(0, 0));
            fillFourHours(db);
            Path first = dir.resolve("wal").resolve("00000000");
            Files.setLastModifiedTime(first, FileTime.fromMillis(System.currentTimeMillis() - 4 * HOUR - 60_000));
            db.compact();
            assertThat(walFiles()).doesNotContain("00000000").anyMatch(n -> n.startsWith("checkpoint."));
            assertThat(TsdbCompaction.followerHold(db.options())).isEqualTo(Duration.ofHours(4));
        }
    }
}
