package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFullTest {
    @TempDir
    Path dir;

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
            // The failed batches are not visible: queries see exactly the committed ones.
            assertThat(TestSupport.count(readAll(db))).isEqualTo(10 * 50);
            disk.free.set(Long.MAX_VALUE);
            for (int t = 13; t < 20; t++) {
                commitBatch(db, t);
            }
            assertThat(TestSupport.count(readAll(db))).isEqualTo(17 * 50);
        }
        // Nothing committed was damaged: the WAL replays cleanly, with no garbage from the failed writes.
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            assertThat(TestSupport.count(readAll(db))).isEqualTo(17 * 50);
        }
    }

    @Test
    void compactionOnAFullDiskFailsWithoutLosingTheHeadAndSucceedsLater() {
        FullDisk disk = new FullDisk();
        try (Tsdb db = Tsdb.open(options(dir).withWal(true, false), disk)) {
            Appender app = db.appender();
            for (int i = 0; i < 4 * 240; i++) {
                app.append(0, Labels.of("__name__", "c", "k", "v"), i * 15_000L, i);
            }
            app.commit();
            disk.free.set(10);
            assertThatThrownBy(db::compact).isInstanceOfSatisfying(StorageException.class,
                    e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.IO));
            assertThat(db.blocks()).isEmpty();
            assertThat(TestSupport.count(readAll(db))).isEqualTo(4 * 240);
            disk.free.set(Long.MAX_VALUE);
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            assertThat(TestSupport.count(readAll(db))).isEqualTo(4 * 240);
        }
    }
}
