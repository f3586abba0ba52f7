package io.promethium.api.collect;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A named exporter: a page of metrics about something other than the server itself (the host,
 * the JVM). Unlike a {@link Collector}, its metrics do not go to the server's {@code /metrics};
 * the scrape bundle serves each exporter at {@code /exporters/<name>/metrics} and scrapes it
 * in-process (no HTTP round trip) when a scrape target points at that path on the server itself.
 *
 * <p>Called concurrently from scrape and HTTP threads: implementations keep their state
 * thread-safe and return quickly. A family must be written in one piece (all its samples after
 * its {@link MetricWriter#family} call).
 */
@ConsumerType
public interface Exporter {

    /** The exporter's name: lower case letters, digits, {@code _} or {@code -} ({@code node}, {@code jvm}). */
    String name();

    /** Writes the exporter's current metric families. */
    void collect(MetricWriter writer);
}
