package io.promethium.api.storage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens queriers. Thread-safe.
 *
 * <p>A plugin that holds data elsewhere (remote read) registers a {@code Queryable} service with
 * {@link #ROLE_PROPERTY}{@code =}{@link #ROLE_SECONDARY}: the query engine then merges its series
 * into every query over the primary {@link Storage}, as Prometheus's fan-out storage does; a
 * secondary's failure becomes a warning of the query, not its error.
 */
@ConsumerType
public interface Queryable {

    /** The service property naming a queryable's role; the primary storage has none. */
    String ROLE_PROPERTY = "queryable.role";

    /** A queryable merged into queries over the primary storage (since 1.2.0). */
    String ROLE_SECONDARY = "secondary";

    /**
     * A querier over samples with {@code minTime <= t <= maxTime} (milliseconds, inclusive).
     * The caller closes it; data it returned stays valid until then.
     */
    Querier querier(long minTime, long maxTime);
}
