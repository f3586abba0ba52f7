package io.promethium.api.storage;

import java.util.Objects;

/**
 * A sample or batch the storage refused, with a reason callers can count by (Prometheus keeps a
 * counter per reason and carries on with the rest of the scrape).
 */
public class StorageException extends RuntimeException {

    /** Why a write was refused. */
    public enum Reason {
        /** Older than the series' newest sample and outside any out-of-order window. */
        OUT_OF_ORDER,
        /** Too old for the head (before its minimum valid time). */
        OUT_OF_BOUNDS,
        /** Same timestamp as the newest sample, different value. */
        DUPLICATE_TIMESTAMP,
        /** The storage could not write: disk full, I/O error. */
        IO,
        /** The storage is closed or not ready. */
        CLOSED,
        /** A limit was hit (for example, too many series). */
        LIMIT,
        /** The storage does not store this kind of data (native histograms), since 1.3.0. */
        UNSUPPORTED,
        /** The sample is malformed (an invalid histogram), since 1.3.0. */
        INVALID
    }

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public StorageException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason is null");
    }

    public StorageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }
}
