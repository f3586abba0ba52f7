package io.promethium.tsdb.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeriodicSyncTest {
    @TempDir
    Path dir;

    /** One whole samples record (Wal.log asserts it is given whole records). */
    private static final byte[] RECORD = record();

    private static byte[] record() {
        WalRecords.Encoder encoder = new WalRecords.Encoder();
        encoder.samples(new long[] {1, 2, 3}, new long[] {1_000, 1_000, 1_000}, new double[] {1, 2, 3}, 3);
        return encoder.bytes().toByteArray();
    }

    /** Polls (no timing assertion): the sync must happen eventually; the bound only stops a hang. */
    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    @Test
    void commitsWithoutSyncOnCommitAreLeftUnsyncedUntilTheBackgroundSync() throws Exception {
        TsdbMetrics metrics = new TsdbMetrics();
        try (Wal wal = new Wal(dir, FileOpener.DEFAULT, metrics, 1 << 20, false, 0)) {
            wal.log(RECORD, RECORD.length);
            assertThat(wal.synced()).isFalse();
            assertThat(metrics.walFsyncs.sum()).isZero();
            try (PeriodicSync sync = new PeriodicSync(wal, Duration.ofMillis(10))) {
                assertThat(eventually(wal::synced)).isTrue();
                assertThat(metrics.walFsyncs.sum()).isPositive();
                wal.log(RECORD, RECORD.length);
                assertThat(eventually(wal::synced)).as("later writes are synced too").isTrue();
            }
        }
    }

    @Test
    void theSyncThreadSleepsWithoutATimeoutWhileNothingIsWrittenAndStopsOnClose() throws Exception {
        TsdbMetrics metrics = new TsdbMetrics();
        try (Wal wal = new Wal(dir, FileOpener.DEFAULT, metrics, 1 << 20, false, 0)) {
            Thread syncThread;
            try (PeriodicSync sync = new PeriodicSync(wal, Duration.ofMillis(10))) {
                syncThread = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("tsdb-wal-sync " + wal.dir())).findFirst().orElseThrow();
                // Idle: waiting for a write, not on a timer that wakes it every interval.
                assertThat(eventually(() -> syncThread.getState() == Thread.State.WAITING)).isTrue();
                wal.log(RECORD, RECORD.length);
                assertThat(eventually(wal::synced)).as("a write wakes it").isTrue();
                assertThat(eventually(() -> syncThread.getState() == Thread.State.WAITING)).isTrue();
                assertThat(metrics.walFsyncs.sum()).isEqualTo(1);
            }
            assertThat(syncThread.isAlive()).as("stopped by close").isFalse();
        }
    }

    @Test
    void anIdleWalIsNotFsyncedAgain() throws Exception {
        TsdbMetrics metrics = new TsdbMetrics();
        try (Wal wal = new Wal(dir, FileOpener.DEFAULT, metrics, 1 << 20, false, 0)) {
            wal.log(RECORD, RECORD.length);
            wal.sync();
            long after = metrics.walFsyncs.sum();
            wal.sync();
            wal.sync();
            assertThat(metrics.walFsyncs.sum()).isEqualTo(after);
        }
    }

    @Test
    void commitsWithSyncOnCommitAreSyncedWhenLogReturns() throws Exception {
        TsdbMetrics metrics = new TsdbMetrics();
        try (Wal wal = new Wal(dir, FileOpener.DEFAULT, metrics, 1 << 20, true, 0)) {
            wal.log(RECORD, RECORD.length);
            assertThat(wal.synced()).isTrue();
            assertThat(metrics.walFsyncs.sum()).isEqualTo(1);
        }
    }

    @Test
    void closeFsyncsAndALaterSyncDoesNothing() throws Exception {
        TsdbMetrics metrics = new TsdbMetrics();
        Wal wal = new Wal(dir, FileOpener.DEFAULT, metrics, 1 << 20, false, 0);
        wal.log(RECORD, RECORD.length);
        assertThat(wal.synced()).isFalse();
        wal.close();
        assertThat(wal.synced()).as("close fsyncs").isTrue();
        wal.sync();
        assertThat(metrics.walFsyncs.sum()).isZero();
    }

    @Test
    void aNonPositiveIntervalIsRejected() throws Exception {
        try (Wal wal = new Wal(dir, FileOpener.DEFAULT, new TsdbMetrics(), 1 << 20, false, 0)) {
            assertThatThrownBy(() -> new PeriodicSync(wal, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("interval");
        }
    }
}
