package io.promethium.rules.internal.eval;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.storage.Storage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import io.promethium.tracing.Tracer;

/**
 * What every rule group runs with: the query runner, where results go, where alerts go, and the
 * flags that shape alert state.
 *
 * @param storage the current storage, or a supplier of {@code null} while there is none
 * @param notifier receives alerts to send (never blocks)
 * @param clock wall time in milliseconds
 * @param externalLabels for templates ({@code $externalLabels})
 * @param externalUrl for templates and generator URLs
 * @param resendDelay {@code --rules.alert.resend-delay}
 * @param outageTolerance {@code --rules.alert.for-outage-tolerance}
 * @param gracePeriod {@code --rules.alert.for-grace-period}
 * @param concurrency {@code --enable-feature=concurrent-rule-eval} with {@code --rules.max-concurrent-evals}
 * @param tracer the {@code prometheus} tracer: a span per group evaluation and per rule while it is enabled
 */
public record RuleEnvironment(QueryRunner queries, Supplier<? extends Storage> storage, Consumer<List<Alert>> notifier,
                              LongSupplier clock, Labels externalLabels, String externalUrl, Duration resendDelay,
                              Duration outageTolerance, Duration gracePeriod, RuleConcurrency concurrency,
                              Supplier<Tracer> tracer) {

    public static final Duration DEFAULT_RESEND_DELAY = Duration.ofMinutes(1);
    public static final Duration DEFAULT_OUTAGE_TOLERANCE = Duration.ofHours(1);
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(10);

    public RuleEnvironment {
        requireNonNull(queries, "queries is null");
        requireNonNull(storage, "storage is null");
        requireNonNull(notifier, "notifier is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(externalLabels, "externalLabels is null");
        externalUrl = externalUrl == null ? "" : externalUrl;
        requireNonNull(resendDelay, "resendDelay is null");
        requireNonNull(outageTolerance, "outageTolerance is null");
        requireNonNull(gracePeriod, "gracePeriod is null");
        requireNonNull(concurrency, "concurrency is null");
        requireNonNull(tracer, "tracer is null");
    }

    /** Without tracing. */
    public RuleEnvironment(QueryRunner queries, Supplier<? extends Storage> storage, Consumer<List<Alert>> notifier,
                           LongSupplier clock, Labels externalLabels, String externalUrl, Duration resendDelay,
                           Duration outageTolerance, Duration gracePeriod, RuleConcurrency concurrency) {
        this(queries, storage, notifier, clock, externalLabels, externalUrl, resendDelay, outageTolerance, gracePeriod,
                concurrency, () -> Tracer.NONE);
    }

    /** Every rule of a group in order (no concurrent rule evaluation). */
    public RuleEnvironment(QueryRunner queries, Supplier<? extends Storage> storage, Consumer<List<Alert>> notifier,
                           LongSupplier clock, Labels externalLabels, String externalUrl, Duration resendDelay,
                           Duration outageTolerance, Duration gracePeriod) {
        this(queries, storage, notifier, clock, externalLabels, externalUrl, resendDelay, outageTolerance, gracePeriod,
                RuleConcurrency.SEQUENTIAL);
    }

    public RuleEnvironment withExternalLabels(Labels labels) {
        return new RuleEnvironment(queries, storage, notifier, clock, labels, externalUrl, resendDelay, outageTolerance,
                gracePeriod, concurrency, tracer);
    }

    Map<String, String> externalLabelMap() {
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        externalLabels.forEach(map::put);
        return map;
    }
}
