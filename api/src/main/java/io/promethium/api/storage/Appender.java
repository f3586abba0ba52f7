package io.promethium.api.storage;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A batch of appends that becomes visible, and durable, at {@link #commit()}. Not thread-safe:
 * one appender is used by one thread (one scrape, one rule group) at a time.
 *
 * <p>Series references: {@link #append} returns a non-zero reference for the series, which the
 * caller may pass back on later appends (in this or later batches) to skip the label lookup. A
 * reference of {@code 0} means "unknown, look the labels up". A reference may become invalid
 * after a head compaction; implementations then fall back to the labels, so passing a stale
 * reference is safe as long as the labels are passed too.
 */
@ConsumerType
public interface Appender {

    /**
     * Adds one float sample. Staleness markers are appended as {@link io.promethium.api.model.StaleMarker#STALE_NAN}.
     *
     * @param ref a reference returned earlier for the same labels, or 0
     * @param labels the series' labels, sorted and unique (a {@link Labels} always is)
     * @param timestamp milliseconds since the epoch
     * @return the series reference, never 0
     * @throws StorageException when the sample is rejected (out of order, out of bounds, ...);
     *     the batch stays usable and the other samples in it are unaffected
     */
    long append(long ref, Labels labels, long timestamp, double value);

    /** Attaches an exemplar to the series; storages without exemplar support ignore it. */
    default long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
        return ref;
    }

    /** Records a series' metadata; storages without metadata support ignore it. */
    default long updateMetadata(long ref, Labels labels, Metadata metadata) {
        return ref;
    }

    /**
     * Makes the batch durable (per the storage's durability promise) and visible to new queriers.
     *
     * @throws StorageException when nothing of the batch could be stored (for example, disk full)
     */
    void commit();

    /** Discards the batch. */
    void rollback();
}
