package io.promethium.promql.engine;

import io.promethium.api.storage.Queryable;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.engine.internal.eval.PromQLEngine;

/**
 * Runs PromQL queries with Prometheus 3.x semantics. Thread-safe: queries may run concurrently,
 * up to {@link EngineOptions#maxConcurrent()} at once (others wait, within the timeout).
 *
 * <p>Every failure is a {@link QueryException}: parse errors and invalid parameters are
 * {@code bad_data}; limits give {@code timeout} or {@code execution}.
 */
public interface QueryEngine {

    /** A new engine with the given options. */
    static QueryEngine create(EngineOptions options) {
        return new PromQLEngine(options);
    }

    /**
     * A new engine whose queries record their stages under {@code tracer} ({@code promqlExec} and
     * its children, as Prometheus names them) while it is enabled. Since 1.5.0.
     */
    static QueryEngine create(EngineOptions options, io.promethium.tracing.Tracer tracer) {
        java.util.Objects.requireNonNull(tracer, "tracer is null");
        return new PromQLEngine(options, () -> tracer);
    }

    /** Evaluates {@code query} at one time (ms). */
    QueryResult instantQuery(Queryable storage, String query, long timeMillis);

    /** Evaluates {@code query} at {@code start, start + step, ... <= end} (ms); the value is a {@link RangeMatrix}. */
    QueryResult rangeQuery(Queryable storage, String query, long startMillis, long endMillis, long stepMillis);

    /** As {@link #instantQuery(Queryable, String, long)} for an already parsed expression. */
    QueryResult instantQuery(Queryable storage, Expr expr, long timeMillis);

    /** As {@link #rangeQuery(Queryable, String, long, long, long)} for an already parsed expression. */
    QueryResult rangeQuery(Queryable storage, Expr expr, long startMillis, long endMillis, long stepMillis);

    /** The options this engine runs with. */
    EngineOptions options();

    /**
     * This engine with each query bounded by {@code timeout} as well as its own
     * {@link EngineOptions#timeout()} (the smaller wins): the HTTP API's {@code timeout}
     * parameter. The query's time in the queue counts, as in Prometheus; past the deadline a
     * query fails with {@code timeout}. Since 1.3.0.
     */
    QueryEngine withTimeout(java.time.Duration timeout);

    /**
     * This engine with every select hinting {@code millis} as the coarsest downsampled
     * resolution the storage may answer from ({@code SelectHints.maxSourceResolution}:
     * {@code AUTO} (-1, the default), {@code RAW} (0) or a resolution): the HTTP API's
     * {@code max_source_resolution} parameter. The resolution used is in
     * {@link QueryStats#resolution()}. Since 1.4.0.
     *
     * @throws IllegalArgumentException for a value below -1
     */
    QueryEngine withMaxSourceResolution(long millis);
}
