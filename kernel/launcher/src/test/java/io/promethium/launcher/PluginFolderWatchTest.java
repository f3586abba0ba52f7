package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginFolderWatchTest {
    private static final long SETTLE = 150;
    private static final long QUIET = 60_000;

    @TempDir
    Path dir;

    @Test
    void aWatchedFolderIsScannedOnlyAfterAChangeAndThenAFewTimesMoreUntilAJarHoldsStill() throws Exception {
        AtomicInteger scans = new AtomicInteger();
        Semaphore scanned = new Semaphore(0);
        Thread t = start(dir, () -> {
            scans.incrementAndGet();
            scanned.release();
        });
        try {
            // Nothing changes: no scan before the quiet interval, not one every settle interval.
            assertThat(scanned.tryAcquire(6 * SETTLE, TimeUnit.MILLISECONDS)).isFalse();
            Files.writeString(dir.resolve("a.jar"), "part");
            assertThat(scanned.tryAcquire(10_000, TimeUnit.MILLISECONDS)).isTrue();
            // The scans that look at the jar again, then quiet again.
            assertThat(scanned.tryAcquire(PluginFolderWatch.SCANS_AFTER_CHANGE, 10_000, TimeUnit.MILLISECONDS)).isTrue();
            int after = scans.get();
            assertThat(scanned.tryAcquire(6 * SETTLE, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(scans.get()).isEqualTo(after).isEqualTo(1 + PluginFolderWatch.SCANS_AFTER_CHANGE);
        } finally {
            stop(t);
        }
    }

    @Test
    void aFolderThatIsNotThereIsScannedOnTheSettleTimerAndWatchedOnceItIsMade() throws Exception {
        Path folder = dir.resolve("plugins");
        AtomicInteger scans = new AtomicInteger();
        Semaphore scanned = new Semaphore(0);
        Thread t = start(folder, () -> {
            scans.incrementAndGet();
            scanned.release();
        });
        try {
            assertThat(scanned.tryAcquire(3, 10_000, TimeUnit.MILLISECONDS)).isTrue();
            Files.createDirectories(folder);
            // Watched now: once the timer's last scan is done, the scans stop until something changes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (scanned.tryAcquire(3 * SETTLE, TimeUnit.MILLISECONDS)) {
                assertThat(System.nanoTime()).as("scans went on with the folder there").isLessThan(deadline);
            }
            Files.writeString(folder.resolve("b.jar"), "jar");
            assertThat(scanned.tryAcquire(10_000, TimeUnit.MILLISECONDS)).isTrue();
        } finally {
            stop(t);
        }
    }

    private static Thread start(Path folder, Runnable scan) {
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
