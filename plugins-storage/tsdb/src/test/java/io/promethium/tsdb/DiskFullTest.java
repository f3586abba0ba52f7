package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import io.promethium.tsdb.internal.fs.WriteFailures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFullTest {
    @TempDir
    Path dir;

    /** The failure log's records while a test runs (the logger is held: JUL keeps loggers weakly). */
    private final Logger failureLog = Logger.getLogger(WriteFailures.class.getName());
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        failureLog.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        failureLog.removeHandler(capture);
    }

    private List<String> lines(Level level) {
        return logged.stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).toList();
    }

    private static void commitBatch(Tsdb db, int t) {
        Appender app = db.appender();
        for (int s = 0; s < 50; s++) {
            app.append(0, Labels.of("__name__", "disk", "s", Integer.toString(s)), t * 1000L, t);
        }
        app.commit();
    }

    @Test
    void appendsFailClearlyWhileFullKeepCommittedDataAndResumeWhenSpaceReturns() {
        FullDisk disk = new FullDisk();
        try (Tsdb db = Tsdb.open(options(dir), disk)) {
            for (int t = 0; t < 10; t++) {
                commitBatch(db, t);
            }
            // Room for part of the next batch only (a compressed batch of 50 samples takes ~70 bytes).
            disk.free.set(20);
            for (int t = 10; t < 13; t++) {
                int at = t;
                assertThatThrownBy(() -> commitBatch(db, at))
                        .isInstanceOfSatisfying(StorageException.class, e -> {
                            assertThat(e.reason()).isEqualTo(StorageException.Reason.IO);
                            assertThat(e).hasMessageContaining("No space left on device").hasMessageContaining("WAL write failed");
                        });
                disk.free.set(0);
            }
            assertThat(db.metrics().walWritesFailed.sum()).isEqualTo(3);
            assertThat(db.metrics().commitsFailedIo.sum()).isEqualTo(3);
            // Logged once for the episode, naming the segment, in Prometheus's words.
            assertThat(lines(Level.SEVERE)).singleElement().asString()
                    .contains("WAL write to " + dir.resolve("wal")).contains("failed: no space left on device");
            assertThat(db.metrics().writeFailures.outOfSpace()).isTrue();
            // The failed batches are not visible: queries see exactly the committed ones.
            assertThat(TestSupport.count(readAll(db))).isEqualTo(10 * 50);
            disk.free.set(Long.MAX_VALUE);
            for (int t = 13; t < 20; t++) {
                commitBatch(db, t);
            }
            assertThat(TestSupport.count(readAll(db))).isEqualTo(17 * 50);
            assertThat(lines(Level.INFO)).singleElement().asString().contains("succeeded again after 3 failed attempts");
            assertThat(db.metrics().writeFailures.outOfSpace()).isFalse();
        }
        // Nothing committed was damaged: the WAL replays cleanly, with no garbage from the failed writes.
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            assertThat(TestSupport.count(readAll(db))).isEqualTo(17 * 50);
        }
    }

    @Test
    void compactionOnAFullDiskFailsWithoutLosingTheHeadAndSucceedsLater() throws IOException {
        FullDisk disk = new FullDisk();
        try (Tsdb db = Tsdb.open(options(dir).withWal(true, false), disk)) {
            Appender app = db.appender();
            for (int i = 0; i < 4 * 240; i++) {
                app.append(0, Labels.of("__name__", "c", "k", "v"), i * 15_000L, i);
            }
            app.commit();
            disk.free.set(10);
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(db::compact).isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.IO));
            }
            assertThat(db.blocks()).isEmpty();
            assertThat(db.metrics().compactionsFailed.sum()).isEqualTo(2);
            // The half-written block's folder is gone, so nothing of it can ever be loaded.
            assertThat(entries(dir)).containsExactlyInAnyOrder("lock", "wal");
            assertThat(lines(Level.SEVERE)).singleElement().asString()
                    .contains("compaction in " + dir).contains("failed: no space left on device");
            assertThat(TestSupport.count(readAll(db))).isEqualTo(4 * 240);
            disk.free.set(Long.MAX_VALUE);
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            assertThat(TestSupport.count(readAll(db))).isEqualTo(4 * 240);
            assertThat(lines(Level.INFO)).anyMatch(l -> l.contains("compaction in " + dir + " succeeded again after 2 failed attempts"));
        }
    }

    @Test
    void aSegmentThatCannotBeCreatedFailsTheCommitAndTheNextCommitCutsIt() {
        FullDisk disk = new FullDisk();
        TsdbOptions small = options(dir).withWalSegmentBytes(64 << 10);
        int committed = 0;
        try (Tsdb db = Tsdb.open(small, disk)) {
            Path first = dir.resolve("wal").resolve("00000000");
            // Fill the first segment nearly up, so the next batch needs a new one.
            while (first.toFile().length() < (64 << 10) - 2_000) {
                commitBatch(db, committed++);
            }
            disk.fullUnder = dir.resolve("wal").resolve("00000001").toString();
            int failed = 0;
            for (int t = committed; t < committed + 40; t++) {
                try {
                    commitBatch(db, t);
                } catch (StorageException e) {
                    assertThat(e).hasMessageContaining("No space left on device");
                    failed = t;
                    break;
                }
            }
            assertThat(failed).as("a commit needed the new segment").isPositive();
            committed = failed;
            assertThat(db.metrics().walWritesFailed.sum()).isEqualTo(1);
            disk.fullUnder = null;
            for (int t = committed; t < committed + 5; t++) {
                commitBatch(db, t);
            }
            committed += 5;
            assertThat(dir.resolve("wal").resolve("00000001")).isNotEmptyFile();
        }
        try (Tsdb db = Tsdb.open(small)) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            assertThat(TestSupport.count(readAll(db))).isEqualTo(committed * 50L);
        }
    }

    @Test
    void aCheckpointOnAFullDiskFailsKeepsTheSegmentsAndTheNextOneCoversThem() throws IOException {
        FullDisk disk = new FullDisk();
        Labels series = Labels.of("__name__", "c", "k", "v");
        try (Tsdb db = Tsdb.open(options(dir), disk)) {
            Appender app = db.appender();
            for (int i = 0; i < 4 * 240; i++) {
                app.append(0, series, i * 15_000L, i);
            }
            app.commit();
            disk.fullUnder = "checkpoint.";
            assertThatThrownBy(db::compact).isInstanceOf(StorageException.class).hasMessageContaining("No space left on device");
            // The block was written and the head cut; only the WAL was not folded up.
            assertThat(db.blocks()).hasSize(1);
            assertThat(db.metrics().checkpointsFailed.sum()).isEqualTo(1);
            assertThat(db.metrics().walTruncationsFailed.sum()).isEqualTo(1);
            assertThat(entries(dir.resolve("wal"))).noneMatch(n -> n.startsWith("checkpoint."));
            assertThat(lines(Level.SEVERE)).anyMatch(l -> l.startsWith("WAL checkpoint to " + dir.resolve("wal"))
                    && l.contains("failed: no space left on device"));
            assertThat(TestSupport.count(readAll(db))).isEqualTo(4 * 240);
            disk.fullUnder = null;
            app = db.appender();
            for (int i = 4 * 240; i < 6 * 240; i++) {
                app.append(0, series, i * 15_000L, i);
            }
            app.commit();
            db.compact();
            assertThat(db.metrics().checkpointsFailed.sum()).isEqualTo(1);
            assertThat(entries(dir.resolve("wal"))).filteredOn(n -> n.startsWith("checkpoint.")).singleElement()
                    .asString().doesNotEndWith(".tmp");
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(TestSupport.count(readAll(db))).isEqualTo(6 * 240);
        }
    }

    @Test
    void foldersLeftByAnInterruptedWriteAreRemovedAtOpenAndNeverLoaded() throws IOException {
        try (Tsdb db = Tsdb.open(options(dir))) {
            commitBatch(db, 0);
        }
        Path block = Files.createDirectories(dir.resolve("01JAAAAAAAAAAAAAAAAAAAAAAA.tmp").resolve("chunks"));
        Files.writeString(block.resolve("000001"), "half a chunk");
        Files.createDirectories(dir.resolve("wal").resolve("checkpoint.00000003.tmp"));
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.blocks()).isEmpty();
            assertThat(db.corruptBlocks()).isEmpty();
            assertThat(entries(dir)).containsExactlyInAnyOrder("lock", "wal");
            assertThat(entries(dir.resolve("wal"))).noneMatch(n -> n.endsWith(".tmp"));
            assertThat(TestSupport.count(readAll(db))).isEqualTo(50);
        }
    }

    private static List<String> entries(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
