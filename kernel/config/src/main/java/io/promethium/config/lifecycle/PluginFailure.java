package io.promethium.config.lifecycle;

import java.time.Instant;
import java.util.Objects;

/**
 * The last failure of one plugin type's code, as the console shows it.
 *
 * @param type the plugin type ({@code cmdb}, {@code webhook})
 * @param key its config key ({@code cmdb_sd_configs}, {@code remote_write})
 * @param kind what the plugin is ({@code discovery}, {@code notifier}, ...)
 * @param message what failed and why ({@code building scrape job "node": timed out ...})
 * @param at when
 * @param count failures of the type since the server started
 */
public record PluginFailure(String type, String key, String kind, String message, Instant at, long count) {
    public PluginFailure {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(key, "key is null");
        Objects.requireNonNull(kind, "kind is null");
        Objects.requireNonNull(message, "message is null");
        Objects.requireNonNull(at, "at is null");
    }
}
