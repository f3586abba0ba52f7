package io.promethium.launcher;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the plugin folder's scans: after the file system reports a change in the folder (inotify on
 * Linux), and then every {@code settleMillis} a few times more and for as long as a scan says a jar
 * waits to hold still; the same when the watch begins (jars copied in just before the start, or
 * between the start's scan and the watch); with no change, once every {@code quietMillis}, for changes
 * a file system does not report (a network mount). While the folder is not there, its parent is
 * watched for it to be made. Where nothing can be watched (no watches to be had, no parent folder),
 * every {@code settleMillis}, as a plain timer. Scanning on a fixed 2 s timer cost an
 * idle server 13–15 ms of CPU a second on a virtual machine whose every wake-up after a quiet
 * stretch is slow (docs/performance.md); a watch costs nothing while nothing changes.
 */
final class PluginFolderWatch implements Runnable {
    private static final Logger LOG = Logger.getLogger(PluginFolderWatch.class.getName());
    /** Scans after a change: the scan that sees a new jar, the one that sees it held still, one spare. */
    static final int SCANS_AFTER_CHANGE = 3;

    private final Path folder;
    /** Scans the folder; true while a jar it saw waits to be looked at again. */
    private final BooleanSupplier scan;
    private final long settleMillis;
    private final long quietMillis;
    /** False once watching failed for want of watches or support: the timer from then on (run's thread only). */
    private boolean watchable = true;

    PluginFolderWatch(Path folder, BooleanSupplier scan, long settleMillis, long quietMillis) {
        if (settleMillis <= 0 || quietMillis <= 0) {
            throw new IllegalArgumentException("plugin folder intervals must be positive: " + settleMillis + " ms, " + quietMillis + " ms");
        }
        this.folder = folder;
        this.scan = scan;
        this.settleMillis = settleMillis;
        this.quietMillis = quietMillis;
    }

    @Override
    public void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchService watch = null;
                if (watchable && Files.isDirectory(folder)) {
                    try {
                        watch = open(folder);
                        // A file system without watches: scanned on the timer for good.
                        watchable = watch != null;
                    } catch (NoSuchFileException gone) {
                        // Removed since it was looked for: looked for again at the next scan.
                    }
                } else if (watchable && awaitFolder()) {
                    continue;
                }
                if (watch == null) {
                    Thread.sleep(settleMillis);
                    scanQuietly();
                    continue;
                }
                try (WatchService watching = watch) {
                    watchUntilInvalid(watching);
                } catch (IOException e) {
                    LOG.log(Level.FINE, "closing the watch on " + folder, e);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * With the folder not there, waits for a change in its parent (the folder made, or anything else
     * there) or the quiet interval; false where the parent cannot be watched, to scan on the timer.
     */
    private boolean awaitFolder() throws InterruptedException {
        Path parent = folder.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return false;
        }
        WatchService watch;
        try {
            watch = open(parent);
        } catch (NoSuchFileException gone) {
            return false;
        }
        if (watch == null) {
            watchable = false;
            return false;
        }
        try (WatchService watching = watch) {
            if (!Files.isDirectory(folder)) { // made before the watch began: no event for it
                watching.poll(quietMillis, TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the watch on " + parent, e);
        }
        return true;
    }

    /** Scans on the folder's changes until its watch ends (the folder was removed or replaced). */
    private void watchUntilInvalid(WatchService watch) throws InterruptedException {
        // What changed before the watch began reported no event: looked at as after a change.
        int pending = SCANS_AFTER_CHANGE;
        while (true) {
            WatchKey key = watch.poll(pending > 0 ? settleMillis : quietMillis, TimeUnit.MILLISECONDS);
            if (key != null) {
                // A change: let the writer go on for one interval (events while it writes only restart
                // the count), so two scans never come closer than the interval that tells a jar held still.
                boolean valid = drain(key);
                WatchKey more;
                while ((more = watch.poll(settleMillis, TimeUnit.MILLISECONDS)) != null) {
                    valid &= drain(more);
                }
                pending = SCANS_AFTER_CHANGE;
                scanQuietly();
                if (!valid) {
                    return;
                }
            } else {
                pending = scanQuietly() ? Math.max(1, pending - 1) : Math.max(0, pending - 1);
            }
        }
    }

    private static boolean drain(WatchKey key) {
        key.pollEvents();
        return key.reset();
    }

    /** A watch on {@code dir} (the folder or its parent), or null where its file system cannot watch it (or no more watches are to be had). */
    private WatchService open(Path dir) throws NoSuchFileException {
        WatchService watch = null;
        try {
            watch = dir.getFileSystem().newWatchService();
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            return watch;
        } catch (NoSuchFileException e) {
            closeQuietly(watch);
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(watch);
            LOG.log(Level.WARNING, dir + " cannot be watched for the plugin folder (" + e.getMessage() + "); scanning it every "
                    + settleMillis + " ms", e);
            return null;
        }
    }

    private static void closeQuietly(WatchService watch) {
        if (watch == null) {
            return;
        }
        try {
            watch.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing a plugin folder watch", e);
        }
    }

    /** True while a jar waits to be looked at again (and after a failed scan, to try again soon). */
    private boolean scanQuietly() {
        try {
            return scan.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "plugin scan failed", e);
            return true;
        }
    }
}
