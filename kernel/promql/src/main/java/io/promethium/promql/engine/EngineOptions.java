package io.promethium.promql.engine;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Engine settings. The {@code @} modifier and negative offsets are always enabled.
 *
 * @param lookbackDelta how far back an instant selector looks for a sample (default 5 m)
 * @param timeout how long a query may run, waiting for a slot included (default 2 m)
 * @param maxConcurrent queries evaluated at once (default 20)
 * @param maxSamples samples a query may hold in memory at once (default 50,000,000)
 */
public record EngineOptions(Duration lookbackDelta, Duration timeout, int maxConcurrent, long maxSamples) {

    public static final EngineOptions DEFAULTS = new EngineOptions(Duration.ofMinutes(5), Duration.ofMinutes(2), 20, 50_000_000L);

    public EngineOptions {
        requireNonNull(lookbackDelta, "lookbackDelta is null");
        requireNonNull(timeout, "timeout is null");
        if (lookbackDelta.isNegative() || lookbackDelta.isZero()) {
            throw new IllegalArgumentException("lookbackDelta must be positive: " + lookbackDelta);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1: " + maxConcurrent);
        }
        if (maxSamples < 1) {
            throw new IllegalArgumentException("maxSamples must be at least 1: " + maxSamples);
        }
    }

    public EngineOptions withLookbackDelta(Duration value) {
        return new EngineOptions(value, timeout, maxConcurrent, maxSamples);
    }

    public EngineOptions withTimeout(Duration value) {
        return new EngineOptions(lookbackDelta, value, maxConcurrent, maxSamples);
    }

    public EngineOptions withMaxConcurrent(int value) {
        return new EngineOptions(lookbackDelta, timeout, value, maxSamples);
    }

    public EngineOptions withMaxSamples(long value) {
        return new EngineOptions(lookbackDelta, timeout, maxConcurrent, value);
    }
}
