package io.promethium.promql.engine;

import java.time.Duration;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Engine settings. The {@code @} modifier and negative offsets are always enabled.
 *
 * @param lookbackDelta how far back an instant selector looks for a sample (default 5 m)
 * @param timeout how long a query may run, waiting for a slot included (default 2 m)
 * @param maxConcurrent queries evaluated at once (default 20)
 * @param maxSamples samples a query may hold in memory at once (default 50,000,000)
 * @param features the PromQL features of Prometheus's {@code --enable-feature} that are on
 *     ({@link #EXPERIMENTAL_FUNCTIONS}, {@link #DELAYED_NAME_REMOVAL}, {@link #EXTENDED_RANGE_SELECTORS},
 *     {@link #DURATION_EXPR}, {@link #FILL_MODIFIERS}, {@link #TYPE_AND_UNIT_LABELS}, {@link #USE_START_TIMESTAMPS};
 *     none by default, as in Prometheus); names the engine does not know are ignored
 * @since 1.1
 */
public record EngineOptions(Duration lookbackDelta, Duration timeout, int maxConcurrent, long maxSamples, Set<String> features) {

    /** Experimental functions and aggregations ({@code limitk}, {@code sort_by_label}, {@code info}, ...). */
    public static final String EXPERIMENTAL_FUNCTIONS = "promql-experimental-functions";
    /** The metric name is removed at the end of evaluation, so same-labelled intermediate series do not collide. */
    public static final String DELAYED_NAME_REMOVAL = "promql-delayed-name-removal";
    /** The {@code anchored} and {@code smoothed} modifiers of selectors ({@code rate(x[5m] smoothed)}). */
    public static final String EXTENDED_RANGE_SELECTORS = "promql-extended-range-selectors";
    /** Arithmetic, {@code step()}, {@code range()}, {@code min_of}/{@code max_of} in ranges, subquery steps and offsets (since 1.2). */
    public static final String DURATION_EXPR = "promql-duration-expr";
    /** {@code fill(v)}, {@code fill_left(v)}, {@code fill_right(v)} on binary operations between instant vectors (since 1.2). */
    public static final String FILL_MODIFIERS = "promql-binop-fill-modifiers";
    /**
     * Series may carry {@code __type__} and {@code __unit__} labels; they are dropped together with
     * the metric name (since 1.2). Only the engine's part of Prometheus's feature of that name.
     */
    public static final String TYPE_AND_UNIT_LABELS = "type-and-unit-labels";
    /**
     * {@code rate}, {@code increase}, {@code irate} and {@code resets} use the samples' stored start
     * timestamps (resets they reveal, a zero at the start instead of extrapolating), and
     * {@code start_timestamp()} answers them (since 1.2). Not with {@code anchored}/{@code smoothed}.
     */
    public static final String USE_START_TIMESTAMPS = "use-start-timestamps";
    /** The PromQL features this engine implements, by their {@code --enable-feature} names. */
    public static final Set<String> SUPPORTED_FEATURES = Set.of(EXPERIMENTAL_FUNCTIONS, DELAYED_NAME_REMOVAL, EXTENDED_RANGE_SELECTORS,
            DURATION_EXPR, FILL_MODIFIERS, TYPE_AND_UNIT_LABELS, USE_START_TIMESTAMPS);

    public static final EngineOptions DEFAULTS = new EngineOptions(Duration.ofMinutes(5), Duration.ofMinutes(2), 20, 50_000_000L, Set.of());

    public EngineOptions {
        requireNonNull(lookbackDelta, "lookbackDelta is null");
        requireNonNull(timeout, "timeout is null");
        features = Set.copyOf(requireNonNull(features, "features is null"));
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

    /** Settings without any feature enabled (the 1.0 constructor). */
    public EngineOptions(Duration lookbackDelta, Duration timeout, int maxConcurrent, long maxSamples) {
        this(lookbackDelta, timeout, maxConcurrent, maxSamples, Set.of());
    }

    /** Whether the feature of that {@code --enable-feature} name is on. */
    public boolean enabled(String feature) {
        return features.contains(feature);
    }

    public EngineOptions withLookbackDelta(Duration value) {
        return new EngineOptions(value, timeout, maxConcurrent, maxSamples, features);
    }

    public EngineOptions withTimeout(Duration value) {
        return new EngineOptions(lookbackDelta, value, maxConcurrent, maxSamples, features);
    }

    public EngineOptions withMaxConcurrent(int value) {
        return new EngineOptions(lookbackDelta, timeout, value, maxSamples, features);
    }

    public EngineOptions withMaxSamples(long value) {
        return new EngineOptions(lookbackDelta, timeout, maxConcurrent, value, features);
    }

    /** @since 1.1 */
    public EngineOptions withFeatures(Set<String> value) {
        return new EngineOptions(lookbackDelta, timeout, maxConcurrent, maxSamples, value);
    }
}
