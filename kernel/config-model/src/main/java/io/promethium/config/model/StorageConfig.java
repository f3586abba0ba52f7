package io.promethium.config.model;

import java.time.Duration;
import java.util.Objects;

/** The {@code storage:} section. */
public record StorageConfig(Duration outOfOrderTimeWindow, long maxExemplars) {
    public static final StorageConfig DEFAULT = new StorageConfig(Duration.ZERO, 100_000);

    public StorageConfig {
        Objects.requireNonNull(outOfOrderTimeWindow, "outOfOrderTimeWindow is null");
    }
}
