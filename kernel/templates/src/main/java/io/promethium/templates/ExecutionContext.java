package io.promethium.templates;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * What a template run may depend on besides its data: the query function and external URL of
 * Prometheus's rule templates, the time Prometheus's {@code now} gives (the rule evaluation's
 * timestamp, as Prometheus passes it to its template expander) and the clock Alertmanager's
 * {@code now} and {@code since} read (Go's {@code time.Now}: the time of the call).
 *
 * @param evaluationTime the rule evaluation's timestamp; Prometheus's {@code now} gives it in
 *     seconds of whole milliseconds ({@code model.Time})
 * @param clock the wall clock of Alertmanager's {@code now} and {@code since}
 */
public record ExecutionContext(QueryFunction query, String externalUrl, Instant evaluationTime, Clock clock) {

    public ExecutionContext {
        Objects.requireNonNull(query, "query is null");
        externalUrl = externalUrl == null ? "" : externalUrl;
        Objects.requireNonNull(evaluationTime, "evaluationTime is null");
        Objects.requireNonNull(clock, "clock is null");
    }

    /** A rule template evaluated at {@code evaluationTime}, as Prometheus's rule manager runs it. */
    public static ExecutionContext rule(QueryFunction query, String externalUrl, Instant evaluationTime) {
        return new ExecutionContext(query, externalUrl, evaluationTime, Clock.systemUTC());
    }

    /** A notification template: no queries; {@code now} reads {@code clock} when called, as Alertmanager's. */
    public static ExecutionContext notification(String externalUrl, Clock clock) {
        return new ExecutionContext(QueryFunction.NONE, externalUrl, clock.instant(), clock);
    }
}
