package io.promethium.api.collect;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives metric families from a {@link Collector}: one {@link #family} call, then that family's
 * samples. Sample names carry their suffix ({@code _total}, {@code _bucket}, {@code _sum}, ...).
 *
 * <p>Float samples only, classic histograms as their {@code _bucket} series: a collector or
 * exporter cannot write a native histogram, an exemplar or a start timestamp, so no writer has
 * one to drop and no capability needs declaring. (A source of those is scraped over HTTP, where
 * the scrape reads them from the exposition format.)
 */
@ProviderType
public interface MetricWriter {

    /** Starts a family; {@code help} and {@code unit} may be empty. */
    void family(String name, MetricType type, String help, String unit);

    /** A sample of the current family; {@code labels} excludes {@code __name__}. */
    void sample(String name, Labels labels, double value);

    default void sample(String name, double value) {
        sample(name, Labels.EMPTY, value);
    }
}
