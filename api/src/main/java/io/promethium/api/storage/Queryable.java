package io.promethium.api.storage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens queriers. Thread-safe.
 *
 * <p>The storage that holds this server's own samples (the TSDB, or the WAL-only storage of agent
 * mode) registers its {@link Storage} service with
 * {@link #ROLE_PROPERTY}{@code =}{@link #ROLE_PRIMARY}. A plugin that holds data elsewhere (remote
 * read) registers a {@code Queryable} service with {@link #ROLE_PROPERTY}{@code =}{@link #ROLE_SECONDARY}.
 * The kernel's storage view composes the two into the one {@link Storage} service without a role
 * (ranked above the primary), which the query engine, rules and the HTTP API use, as
 * Prometheus's fan-out storage: series with the same labels are merged, a secondary's failure
 * becomes a warning, the primary's failure is the error.
 */
@ConsumerType
public interface Queryable {

    /** The service property naming a queryable's role; the storage view has none. */
    String ROLE_PROPERTY = "queryable.role";

    /** The storage of this server's own samples, composed into the storage view (since 1.10.0). */
    String ROLE_PRIMARY = "primary";

    /** A queryable merged by the storage view into every read of the primary storage (since 1.2.0). */
    String ROLE_SECONDARY = "secondary";

    /**
     * A querier over samples with {@code minTime <= t <= maxTime} (milliseconds, inclusive).
     * The caller closes it; data it returned stays valid until then.
     */
    Querier querier(long minTime, long maxTime);
}
