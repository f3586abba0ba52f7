package io.promethium.web.internal.query;

import io.promethium.api.storage.Queryable;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.QueryResult;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs one query under the request's {@code timeout} parameter (on top of the engine's own
 * timeout): the query runs on a virtual thread against a storage view that refuses reads past
 * the deadline, and the request gives up waiting at the deadline.
 */
final class QueryRunner {

    private QueryRunner() {
    }

    static QueryResult run(long timeoutMillis, Function<Queryable, QueryResult> query, Queryable storage, boolean instant) {
        try {
            if (timeoutMillis <= 0) {
                return query.apply(storage);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            Queryable bounded = new DeadlineQueryable(storage, deadline);
            {
                // Not an executor with close(): that would wait for an abandoned query to end.
                FutureTask<QueryResult> future = new FutureTask<>(() -> query.apply(bounded));
                Thread.ofVirtual().name("query-timeout").start(future);
                try {
                    return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    future.cancel(true);
                    throw new QueryException(QueryException.TIMEOUT, DeadlineQueryable.TIMED_OUT);
                } catch (InterruptedException e) {
                    future.cancel(true);
                    Thread.currentThread().interrupt();
                    throw new QueryException(QueryException.CANCELED, "query was canceled");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new QueryException(QueryException.INTERNAL, String.valueOf(e.getCause()), e.getCause());
                }
            }
        } catch (QueryException e) {
            throw QueryResource.toApiError(e, instant);
        }
    }
}
