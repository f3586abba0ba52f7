package io.promethium.api.storage;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the records of a write-ahead log in log order. A series record introduces a reference
 * before the first sample that uses it; a reference stays valid for the life of the log (the
 * storage never reuses one for different labels). Called from the reading thread only.
 *
 * <p>The default methods skip the record kinds a visitor does not override (start timestamps,
 * histograms, exemplars, metadata). That is not a loss of data, unlike an {@link Appender}
 * default (which {@link DeclaredCapabilities} replaces): the log keeps every record and the
 * storage every sample, and what a follower ships is its own choice, as Prometheus's remote write
 * ships histograms and exemplars only when {@code send_native_histograms} and
 * {@code send_exemplars} ask for them. A follower that offers such a field overrides the method
 * it needs, or refuses the field with an error naming it.
 */
@ConsumerType
public interface WalVisitor {

    void series(long ref, Labels labels);

    /** One float sample; staleness markers keep their exact NaN bits. */
    void sample(long ref, long timestamp, double value);

    /**
     * The start timestamp of the float or histogram sample of series {@code ref} at {@code timestamp}
     * (since 1.6.0). Called before that sample's own call, only for samples that have one; the
     * default drops it.
     */
    default void startTimestamp(long ref, long timestamp, long startTimestamp) {
    }

    /**
     * One integer histogram sample (since 1.3.0). The object belongs to the reader and is refilled
     * for the next record: copy it to keep it. The default drops it (a follower written before
     * 1.3.0 ships floats only).
     */
    default void histogram(long ref, long timestamp, Histogram histogram) {
    }

    /** One float histogram sample (since 1.3.0); reused as {@link #histogram}. */
    default void floatHistogram(long ref, long timestamp, FloatHistogram histogram) {
    }

    /** One exemplar of a series (since 1.3.0); the exemplar always has its timestamp. */
    default void exemplar(long ref, Exemplar exemplar) {
    }

    /** A series' metadata, written when it changed (since 1.3.0). */
    default void metadata(long ref, Metadata metadata) {
    }
}
