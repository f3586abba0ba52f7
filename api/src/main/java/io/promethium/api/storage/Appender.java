package io.promethium.api.storage;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A batch of appends that becomes visible, and durable, at {@link #commit()}. Not thread-safe:
 * one appender is used by one thread (one scrape, one rule group) at a time.
 *
 * <p>Every appender ends with {@link #commit()} or {@link #rollback()}, also after one of its
 * calls threw: a storage may hold resources for it until then (the TSDB's close waits for the
 * appenders it gave out). A rollback after either is a no-op.
 *
 * <p>Series references: {@link #append} returns a non-zero reference for the series, which the
 * caller may pass back on later appends (in this or later batches) to skip the label lookup. A
 * reference of {@code 0} means "unknown, look the labels up". A reference may become invalid
 * after a head compaction; implementations then fall back to the labels, so passing a stale
 * reference is safe as long as the labels are passed too.
 *
 * <p>What a storage keeps beyond floats it declares with {@link DeclaredCapabilities} (since
 * 1.15.0): the server then calls the methods below only for what is declared. The defaults, which
 * refuse histograms and drop exemplars, metadata and start timestamps, serve storages that
 * declare nothing; a storage that declares a capability overrides its methods.
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

    /**
     * Adds one float sample with its start timestamp (since 1.6.0): the time the counter started
     * counting (Prometheus's created timestamp), kept beside the sample and read back through
     * {@link SampleIterator#startTimestamp()}. {@link SampleIterator#NO_START_TIMESTAMP} is the
     * plain {@link #append}. A storage that does not keep start timestamps drops it (the default) and
     * does not declare {@link StorageCapability#START_TIMESTAMPS}.
     */
    default long appendWithStart(long ref, Labels labels, long startTimestamp, long timestamp, double value) {
        return append(ref, labels, timestamp, value);
    }

    /**
     * Adds one integer native histogram sample (since 1.3.0). The storage copies what it keeps:
     * the caller may reuse {@code histogram} once the call returns. A staleness marker for a
     * histogram series may be appended either way: as {@link #append} with the stale NaN, or as a
     * histogram whose sum is the stale NaN.
     *
     * @return the series reference, never 0
     * @throws StorageException as {@link #append}, and with {@link StorageException.Reason#UNSUPPORTED}
     *     from a storage that does not store native histograms (the default; such a storage does not
     *     declare {@link StorageCapability#NATIVE_HISTOGRAMS})
     */
    default long appendHistogram(long ref, Labels labels, long timestamp, Histogram histogram) {
        throw new StorageException(StorageException.Reason.UNSUPPORTED, "this storage does not store native histograms");
    }

    /** Adds one float native histogram sample (since 1.3.0); otherwise as {@link #appendHistogram(long, Labels, long, Histogram)}. */
    default long appendHistogram(long ref, Labels labels, long timestamp, FloatHistogram histogram) {
        throw new StorageException(StorageException.Reason.UNSUPPORTED, "this storage does not store native histograms");
    }

    /** Adds one integer histogram sample with its start timestamp (since 1.6.0); as {@link #appendWithStart}. */
    default long appendHistogramWithStart(long ref, Labels labels, long startTimestamp, long timestamp, Histogram histogram) {
        return appendHistogram(ref, labels, timestamp, histogram);
    }

    /** Adds one float histogram sample with its start timestamp (since 1.6.0); as {@link #appendWithStart}. */
    default long appendHistogramWithStart(long ref, Labels labels, long startTimestamp, long timestamp, FloatHistogram histogram) {
        return appendHistogram(ref, labels, timestamp, histogram);
    }

    /**
     * Attaches an exemplar to the series; storages without exemplar support ignore it (exemplars
     * are advisory, as in Prometheus). A storage that keeps them (see {@link ExemplarQueryable})
     * refuses one older than the series' newest exemplar with {@link StorageException.Reason#OUT_OF_ORDER},
     * one without a timestamp or with labels longer than 128 characters in all with
     * {@link StorageException.Reason#INVALID}, and ignores an exact duplicate of the newest; it
     * declares {@link StorageCapability#EXEMPLARS}.
     */
    default long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
        return ref;
    }

    /**
     * Records a series' metadata ({@code # TYPE}, {@code # HELP}, {@code # UNIT}); storages without
     * metadata support ignore it. A storage that keeps it writes it only when it changed, and
     * declares {@link StorageCapability#METADATA}.
     */
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
