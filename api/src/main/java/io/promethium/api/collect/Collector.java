package io.promethium.api.collect;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Produces metrics on demand. Called concurrently from scrape threads: implementations read
 * their state safely and return quickly.
 */
@ConsumerType
public interface Collector {

    /** Writes this collector's current metric families. */
    void collect(MetricWriter writer);
}
