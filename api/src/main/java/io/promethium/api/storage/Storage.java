package io.promethium.api.storage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A place samples are written to and read from. Implementations are thread-safe: appenders and
 * queriers may be opened concurrently from many threads.
 */
@ConsumerType
public interface Storage extends Appendable, Queryable {

    /** The oldest timestamp (ms) the storage may hold, or {@link Long#MAX_VALUE} when it is empty. */
    long startTime();
}
