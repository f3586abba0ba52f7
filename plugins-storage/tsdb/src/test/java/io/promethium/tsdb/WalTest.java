package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.TestSupport.Sample;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
    @TempDir
    Path dir;

    private static void fill(Tsdb db, int series, int from, int to) {
        for (int t = from; t < to; t++) {
            Appender app = db.appender();
            for (int s = 0; s < series; s++) {
                app.append(0, Labels.of("__name__", "m", "s", Integer.toString(s)), t * 15_000L, t + s * 0.5);
            }
            app.commit();
        }
    }

    private static List<Path> segments(Path wal) throws IOException {
        try (Stream<Path> s = Files.list(wal)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{8}")).sorted().toList();
        }
    }

    @Test
    void committedSamplesSurviveReopen() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 10, 0, 100);
            Appender app = db.appender();
            app.append(0, Labels.of("__name__", "m", "s", "0"), 100 * 15_000L, StaleMarker.STALE_NAN);
            app.commit();
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            Map<Labels, List<Sample>> data = readAll(db);
            assertThat(data).hasSize(10);
            assertThat(TestSupport.count(data)).isEqualTo(1001);
            List<Sample> s0 = data.get(Labels.of("__name__", "m", "s", "0"));
            assertThat(StaleMarker.isStale(s0.get(100).v())).isTrue();
            assertThat(s0.get(42)).isEqualTo(new Sample(42 * 15_000L, 42));
        }
    }

    @Test
    void aNewSeriesMetInSeveralCallsOfOneCommitIsLoggedOnce() throws IOException {
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            for (int s = 0; s < 10; s++) {
                Labels labels = Labels.of("__name__", "m", "s", Integer.toString(s));
                long ref = app.updateMetadata(0, labels, new io.promethium.api.model.Metadata(io.promethium.api.model.MetricType.GAUGE,
                        "help " + s, ""));
                app.append(ref, labels, 15_000L, s);
            }
            app.commit();
        }
        var stats = io.promethium.tsdb.internal.wal.WalStats.of(dir.resolve("wal"));
        assertThat(stats.rows().get("series").entries).isEqualTo(10);
        assertThat(stats.rows().get("metadata").entries).isEqualTo(10);
        assertThat(stats.rows().get("sample columns").entries).isEqualTo(10);
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(readAll(db)).hasSize(10);
        }
    }

    @Test
    void aWalOfInterleavedSampleRecordsFromOlderVersionsStillReplays() throws IOException {
        // What the previous version wrote: a series record, then samples records of the type-2 layout.
        var enc = new io.promethium.tsdb.internal.wal.WalRecords.Encoder();
        enc.begin(io.promethium.tsdb.internal.wal.WalRecords.SERIES);
        enc.seriesEntry(1, Labels.of("__name__", "m", "s", "a"));
        enc.seriesEntry(2, Labels.of("__name__", "m", "s", "b"));
        enc.end();
        for (int t = 0; t < 5; t++) {
            enc.samplesInterleaved(new long[] {1, 2}, new long[] {t * 15_000L, t * 15_000L}, new double[] {t, -t}, 2);
        }
        Files.createDirectories(dir.resolve("wal"));
        Files.write(dir.resolve("wal").resolve("00000000"), enc.bytes().toByteArray());
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            Map<Labels, List<Sample>> data = readAll(db);
            assertThat(data.get(Labels.of("__name__", "m", "s", "b"))).hasSize(5).contains(new Sample(4 * 15_000L, -4));
            fill(db, 2, 5, 6);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(TestSupport.count(readAll(db))).isEqualTo(10 + 2);
        }
    }

    @Test
    void tornTailIsTruncatedCountedAndTheRestReplayed() throws IOException {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 5, 0, 50);
        }
        Path segment = segments(dir.resolve("wal")).get(0);
        long size = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size - 7);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isEqualTo(1);
            Map<Labels, List<Sample>> data = readAll(db);
            // The last commit (5 samples, one record) is torn; the 49 before it are intact.
            assertThat(TestSupport.count(data)).isEqualTo(49 * 5);
            fill(db, 5, 50, 60);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            assertThat(TestSupport.count(readAll(db))).isEqualTo(59 * 5);
        }
    }

    @Test
    void corruptByteInTheMiddleTruncatesThereAndDropsLaterSegments() throws IOException {
        // Values with noise in every bit: column records compress regular ones to ~1 B, leaving one segment.
        try (Tsdb db = Tsdb.open(options(dir).withWalSegmentBytes(64 << 10).withWal(true, false))) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(3);
            for (int t = 0; t < 1000; t++) {
                Appender app = db.appender();
                for (int s = 0; s < 20; s++) {
                    app.append(0, Labels.of("__name__", "m", "s", Integer.toString(s)), t * 15_000L, random.nextDouble());
                }
                app.commit();
            }
        }
        List<Path> before = segments(dir.resolve("wal"));
        assertThat(before.size()).isGreaterThan(2);
        Path first = before.get(0);
        byte[] bytes = Files.readAllBytes(first);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(first, bytes);
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isEqualTo(1);
            long n = TestSupport.count(readAll(db));
            assertThat(n).isPositive().isLessThan(1000 * 20);
        }
        assertThat(Files.size(first)).isLessThan(bytes.length);
        // Later segments are gone; the writer starts afresh right after the repaired one.
        assertThat(Files.exists(before.get(2))).isFalse();
        assertThat(Files.size(before.get(1))).isZero();
    }

    @Test
    void garbageWalFileNeverPreventsStart() throws IOException {
        Files.createDirectories(dir.resolve("wal"));
        Files.write(dir.resolve("wal").resolve("00000000"), new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isEqualTo(1);
            fill(db, 1, 0, 3);
            assertThat(TestSupport.count(readAll(db))).isEqualTo(3);
        }
    }

    @Test
    void headCutCheckpointsTheWalAndReplayStillHasEverythingNotInBlocks() throws IOException {
        try (Tsdb db = Tsdb.open(options(dir))) {
            // 4 hours at 15s: the head spans more than 1.5 block durations, so compaction cuts one block.
            fill(db, 3, 0, 4 * 240);
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            assertThat(db.metrics().checkpointsCreated.sum()).isEqualTo(1);
            fill(db, 3, 4 * 240, 4 * 240 + 10);
        }
        try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
            assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("checkpoint."));
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            Map<Labels, List<Sample>> data = readAll(db);
            assertThat(TestSupport.count(data)).isEqualTo(3L * (4 * 240 + 10));
            List<Sample> s1 = data.get(Labels.of("__name__", "m", "s", "1"));
            for (int i = 0; i < s1.size(); i++) {
                assertThat(s1.get(i)).isEqualTo(new Sample(i * 15_000L, i + 0.5));
            }
        }
    }

    @Test
    void deletionInTheHeadIsLoggedAndReplayed() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 2, 0, 10);
            db.delete(List.of(Matcher.equal("s", "1")), 0, 4 * 15_000L);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(readAll(db).get(Labels.of("__name__", "m", "s", "1"))).hasSize(5);
            assertThat(readAll(db).get(Labels.of("__name__", "m", "s", "0"))).hasSize(10);
        }
    }
}
