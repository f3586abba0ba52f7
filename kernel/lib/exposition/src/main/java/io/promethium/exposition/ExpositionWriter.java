package io.promethium.exposition;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;

/**
 * A {@link MetricWriter} that renders one exposition page. I/O failures surface as
 * {@link java.io.UncheckedIOException}, since {@link MetricWriter} cannot throw.
 */
public interface ExpositionWriter extends MetricWriter {

    /** A sample with its own timestamp in milliseconds (federation). */
    void sample(String name, Labels labels, double value, long timestampMillis);

    /**
     * A sample with an optional timestamp and an optional exemplar; formats without exemplars
     * drop it. {@code labels} excludes {@code __name__}.
     */
    void sample(String name, Labels labels, double value, boolean hasTimestamp, long timestampMillis,
            Exemplar exemplar);

    /** Ends the page (OpenMetrics writes {@code # EOF}) and flushes; the writer is done. */
    void finish();

    /** The {@code Content-Type} of what this writer produces. */
    String contentType();
}
