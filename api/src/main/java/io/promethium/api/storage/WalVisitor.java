package io.promethium.api.storage;

import io.promethium.api.model.Labels;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the records of a write-ahead log in log order. A series record introduces a reference
 * before the first sample that uses it; a reference stays valid for the life of the log (the
 * storage never reuses one for different labels). Called from the reading thread only.
 */
@ConsumerType
public interface WalVisitor {

    void series(long ref, Labels labels);

    /** One float sample; staleness markers keep their exact NaN bits. */
    void sample(long ref, long timestamp, double value);
}
