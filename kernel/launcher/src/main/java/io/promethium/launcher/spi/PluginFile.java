package io.promethium.launcher.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A jar in the plugin folder.
 *
 * @param bundleId the installed bundle, or -1 when the jar could not be installed
 * @param error why the jar is not running, or {@code ""}
 */
public record PluginFile(String fileName, long bundleId, String error, Instant lastChanged) {
    public PluginFile {
        Objects.requireNonNull(fileName, "fileName is null");
        error = error == null ? "" : error;
        Objects.requireNonNull(lastChanged, "lastChanged is null");
    }
}
