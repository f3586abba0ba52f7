package io.promethium.api.storage;

import org.osgi.annotation.versioning.ConsumerType;

/** Opens queriers. Thread-safe. */
@ConsumerType
public interface Queryable {

    /**
     * A querier over samples with {@code minTime <= t <= maxTime} (milliseconds, inclusive).
     * The caller closes it; data it returned stays valid until then.
     */
    Querier querier(long minTime, long maxTime);
}
