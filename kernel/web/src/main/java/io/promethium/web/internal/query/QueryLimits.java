package io.promethium.web.internal.query;

import io.promethium.api.model.RegexTooExpensiveException;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.parser.ParseException;
import io.promethium.web.internal.metrics.Refusals;

/**
 * Which of the server's protective limits refused a query, told from the engine's error, for
 * {@link Refusals}. The engine answers each with Prometheus's words, which this reads: the parser's
 * nesting limit ({@code query nested too deeply}, {@code expression nested too deeply}) and the
 * evaluator's stack ({@code query is too deeply nested to evaluate}), {@code --query.max-samples}
 * (Prometheus's fixed {@code ErrTooManySamples} text), and a regex stopped on a label value (its
 * {@link RegexTooExpensiveException}, or its message where {@code label_replace()} does not chain
 * it). {@code QueryLimitsTest} runs the engine into each, so a changed message fails there.
 */
final class QueryLimits {

    /** Prometheus's {@code ErrTooManySamples}, which the engine answers past {@code --query.max-samples}. */
    static final String TOO_MANY_SAMPLES = "query processing would load too many samples into memory in query execution";

    private QueryLimits() {
    }

    /** The limit's name, or null when the error is not a refusal by a limit. */
    static String limitOf(QueryException e) {
        String message = String.valueOf(e.getMessage());
        if (RegexTooExpensiveException.in(e) != null || message.contains(" is too expensive to match a label value of ")) {
            return Refusals.REGEX_COST;
        }
        if (e.errorType().equals(QueryException.EXECUTION) && message.equals(TOO_MANY_SAMPLES)) {
            return Refusals.QUERY_SAMPLES;
        }
        if (e.getCause() instanceof ParseException p && p.detail().contains("nested too deeply")
                || e.errorType().equals(QueryException.EXECUTION) && message.equals("query is too deeply nested to evaluate")) {
            return Refusals.QUERY_NESTING;
        }
        return null;
    }
}
