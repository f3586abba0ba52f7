package io.promethium.discovery.file.internal;

import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.plugin.PluginContext;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches the files of one {@code file_sd_configs} block. A change event in a watched folder
 * or the refresh interval triggers a re-read of every matching file. A file that cannot be read
 * or parsed keeps its last good groups and counts as a read error; a file that disappears
 * removes its groups (empty groups with the same sources).
 */
final class FileDiscoverer implements Discoverer {

    /** Editors write files in several steps; wait for the burst of events to settle. */
    private static final long SETTLE_MILLIS = 50;

    private final List<FilePattern> patterns;
    private final Duration refreshInterval;
    private final FileSdMetrics metrics;
    private final Logger log;
    private final ThreadFactory threads;
    private final TargetFileScanner scanner;
    private final Object lock = new Object();
    private final Set<Path> watchedFolders = new HashSet<>();

    private Consumer<List<TargetGroup>> updates;
    private WatchService watcher;
    private Thread thread;
    private boolean closed;

    FileDiscoverer(List<FilePattern> patterns, Duration refreshInterval, FileSdMetrics metrics, PluginContext context) {
        this.patterns = List.copyOf(patterns);
        this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.log = context.logger();
        this.threads = context.threads();
        this.scanner = new TargetFileScanner(this.patterns, metrics, log);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> updates) {
        synchronized (lock) {
            if (this.updates != null) {
                throw new IllegalStateException("file discoverer already started");
            }
            this.updates = Objects.requireNonNull(updates, "updates is null");
            try {
                watcher = FileSystems.getDefault().newWatchService();
            } catch (IOException e) {
                log.log(Level.WARNING, "file_sd: no file watching, refreshing every "
                        + refreshInterval + " only: " + e.getMessage());
            }
            thread = threads.newThread(this::run);
            thread.start();
        }
    }

    private void run() {
        boolean first = true;
        while (true) {
            registerFolders();
            refresh(first);
            first = false;
            if (!awaitChange()) {
                return;
            }
        }
    }

    /** Waits for a change event or the refresh interval; false once closed. */
    private boolean awaitChange() {
        try {
            if (watcher == null) {
                Thread.sleep(refreshInterval.toMillis());
                return !isClosed();
            }
            WatchKey key = watcher.poll(refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
            if (key != null) {
                drain(key);
                WatchKey more;
                while ((more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
            }
            return !isClosed();
        } catch (InterruptedException | ClosedWatchServiceException e) {
            return false;
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    private void registerFolders() {
        if (watcher == null) {
            return;
        }
        for (FilePattern pattern : patterns) {
            Path folder = pattern.directory();
            if (watchedFolders.contains(folder) || !Files.isDirectory(folder)) {
                continue;
            }
            try {
                folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
                watchedFolders.add(folder);
            } catch (ClosedWatchServiceException e) {
                return;
            } catch (IOException e) {
                log.log(Level.WARNING, "file_sd: cannot watch " + folder + ": " + e.getMessage());
            }
        }
    }

    private void refresh(boolean sendAlways) {
        List<TargetGroup> changed = scanner.scan(sendAlways);
        if (sendAlways || !changed.isEmpty()) {
            synchronized (lock) {
                if (!closed) {
                    updates.accept(changed);
                }
            }
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public void close() {
        Thread running;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            running = thread;
            if (watcher != null) {
                try {
                    watcher.close();
                } catch (IOException e) {
                    log.log(Level.FINE, "closing file watcher", e);
                }
            }
        }
        if (running != null && running != Thread.currentThread()) {
            running.interrupt();
            try {
                running.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
