package io.promethium.config.internal;

import io.promethium.config.ConfigService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code --enable-feature=auto-reload-config}: every {@code --config.auto-reload-interval}, the
 * config's checksum ({@link ConfigChecksum}) is compared with the one of the last successful
 * load, and a change reloads, as Prometheus does. A reload that fails is retried at the next tick.
 */
final class AutoReloader {

    private static final Logger LOG = Logger.getLogger(AutoReloader.class.getName());

    /** Prometheus raises a shorter interval to one second. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    private final Path file;
    private final ConfigService config;
    private final Duration interval;
    private volatile String checksum;
    private volatile boolean stopped;
    private final Thread thread;

    AutoReloader(Path file, ConfigService config, Duration interval) {
        this.file = Objects.requireNonNull(file, "file is null");
        this.config = Objects.requireNonNull(config, "config is null");
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            LOG.warning("--config.auto-reload-interval " + interval.toMillis() + "ms is less than 1s, setting it to 1s");
            interval = MIN_INTERVAL;
        }
        this.interval = interval;
        this.thread = Thread.ofVirtual().name("config-auto-reload").start(this::run);
    }

    Duration interval() {
        return interval;
    }

    /** The checksum now, or null when it cannot be computed; taken before a load begins. */
    String checksumNow() {
        try {
            return ConfigChecksum.of(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** After every successful load (manual reloads too): the checksum taken before it, which later changes compare with. */
    void loaded(String checksumBefore) {
        checksum = checksumBefore;
    }

    private void run() {
        while (!stopped) {
            LockSupport.parkNanos(interval.toNanos());
            if (stopped || config.lastReload().at().equals(java.time.Instant.EPOCH)) {
                continue; // the first load is the launcher's, once every bundle is active
            }
            String now;
            try {
                now = ConfigChecksum.of(file);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Failed to generate checksum during configuration reload: " + e.getMessage());
                continue;
            }
            if (now.equals(checksum)) {
                continue;
            }
            LOG.info("Configuration file change detected, reloading the configuration.");
            config.reload();
        }
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
