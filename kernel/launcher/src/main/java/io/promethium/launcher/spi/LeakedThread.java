package io.promethium.launcher.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A thread a stopped bundle left running: it was the bundle's when the bundle stopped, was
 * interrupted after a grace period and is still alive after a second one. Java cannot stop it;
 * it runs on and keeps the bundle's class loader (every class of that version) in memory.
 *
 * @param plugin the bundle's symbolic name
 * @param version the version of the bundle that left it
 * @param bundleId that bundle's id (it may be uninstalled by now)
 * @param name the thread's name now
 * @param topFrame where the thread is now (its top stack frame), or {@code ""}
 * @param stoppedAt when the bundle stopped
 * @since 1.3
 */
public record LeakedThread(String plugin, String version, long bundleId, String name, String topFrame, Instant stoppedAt) {
    public LeakedThread {
        Objects.requireNonNull(plugin, "plugin is null");
        Objects.requireNonNull(version, "version is null");
        Objects.requireNonNull(name, "name is null");
        topFrame = topFrame == null ? "" : topFrame;
        Objects.requireNonNull(stoppedAt, "stoppedAt is null");
    }
}
