package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginFolderWatchTest {
    private static final long SETTLE = 150;
    private static final long QUIET = 60_000;

    @TempDir
    Path dir;

    @Test
    void aWatchedFolderIsScannedAFewTimesAtTheStartAndAfterAChangeAndThenNotUntilTheNextChange() throws Exception {
        Semaphore scanned = new Semaphore(0);
        Thread t = start(dir, () -> {
            scanned.release();
            return false;
        });
        try {
            // The start's scans: jars copied in just before it are looked at again once they hold still.
            assertThat(scanned.tryAcquire(PluginFolderWatch.SCANS_AFTER_CHANGE, 10_000, TimeUnit.MILLISECONDS)).isTrue();
            assertThat(scanned.tryAcquire(6 * SETTLE, TimeUnit.MILLISECONDS)).as("a scan with nothing changed").isFalse();
            Files.writeString(dir.resolve("a.jar"), "part");
            // The scan that sees the change, then those that look at the jar again.
            assertThat(scanned.tryAcquire(1 + PluginFolderWatch.SCANS_AFTER_CHANGE, 10_000, TimeUnit.MILLISECONDS)).isTrue();
            assertThat(scanned.tryAcquire(6 * SETTLE, TimeUnit.MILLISECONDS)).as("a scan with nothing changed").isFalse();
        } finally {
            stop(t);
        }
    }

    @Test
    void scansGoOnAtTheSettleIntervalForAsLongAsAJarWaitsToHoldStill() throws Exception {
        Semaphore scanned = new Semaphore(0);
        AtomicBoolean waiting = new AtomicBoolean(true);
        Thread t = start(dir, () -> {
            scanned.release();
            return waiting.get();
        });
        try {
            assertThat(scanned.tryAcquire(3 * PluginFolderWatch.SCANS_AFTER_CHANGE, 10_000, TimeUnit.MILLISECONDS)).isTrue();
            waiting.set(false);
            Thread.sleep(3 * SETTLE);
            scanned.drainPermits();
            assertThat(scanned.tryAcquire(6 * SETTLE, TimeUnit.MILLISECONDS)).as("a scan once nothing waits").isFalse();
        } finally {
            stop(t);
        }
    }

    @Test
    void aFolderThatIsNotThereIsWaitedForInItsParentAndWatchedOnceItIsMade() throws Exception {
        Path folder = dir.resolve("plugins");
        Semaphore scanned = new Semaphore(0);
        Thread t = start(folder, () -> {
            scanned.release();
            return false;
        });
        try {
            assertThat(scanned.tryAcquire(6 * SETTLE, TimeUnit.MILLISECONDS)).as("a scan with no folder there").isFalse();
            Files.createDirectories(folder);
            // Made: the watch's first scans, then none until something changes.
            assertThat(scanned.tryAcquire(PluginFolderWatch.SCANS_AFTER_CHANGE, 10_000, TimeUnit.MILLISECONDS)).isTrue();
            assertThat(scanned.tryAcquire(6 * SETTLE, TimeUnit.MILLISECONDS)).as("a scan with nothing changed").isFalse();
            Files.writeString(folder.resolve("b.jar"), "jar");
            assertThat(scanned.tryAcquire(10_000, TimeUnit.MILLISECONDS)).isTrue();
        } finally {
            stop(t);
        }
    }

    @Test
    void aFolderWithoutAParentIsScannedOnTheSettleTimer() throws Exception {
        Path folder = dir.resolve("missing").resolve("plugins");
        Semaphore scanned = new Semaphore(0);
        Thread t = start(folder, () -> {
            scanned.release();
            return false;
        });
        try {
            assertThat(scanned.tryAcquire(3, 10_000, TimeUnit.MILLISECONDS)).isTrue();
        } finally {
            stop(t);
        }
    }

    private static Thread start(Path folder, BooleanSupplier scan) {
        Thread t = new Thread(new PluginFolderWatch(folder, scan, SETTLE, QUIET), "plugin-watcher-test");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void stop(Thread t) throws InterruptedException {
        t.interrupt();
        t.join(5_000);
        assertThat(t.isAlive()).isFalse();
    }
}
