package io.promethium.exposition;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;

/**
 * A pull parser over one exposition page held in a byte buffer. Call {@link #next()} until it
 * returns {@link Entry#EOF}; after each call the accessors for that kind of entry describe it.
 *
 * <p>For a {@link Entry#SERIES} the hot path is {@link #seriesOffset()}/{@link #seriesLength()},
 * {@link #value()} and {@link #timestamp()}: none of them allocates. A scraper keys its series
 * cache by the raw series bytes and calls {@link #labels(Labels.Builder)} only on a cache miss.
 *
 * <p>Not thread-safe; one parser reads one page once. The buffer must not change while parsed.
 */
public interface ExpositionParser {

    /** What {@link #next()} found. */
    enum Entry {
        /** A sample: series identity, value, optional timestamp and (OpenMetrics) exemplar. */
        SERIES,
        /**
         * A native histogram sample (protobuf format only, since 1.2.0): series identity and
         * timestamp as for {@link #SERIES}, the value in {@link ExpositionParser#histogram()} or
         * {@link ExpositionParser#floatHistogram()}, exemplars in {@link ExpositionParser#histogramExemplars()}.
         */
        HISTOGRAM,
        /** A {@code # TYPE} line. */
        TYPE,
        /** A {@code # HELP} line. */
        HELP,
        /** An OpenMetrics {@code # UNIT} line. */
        UNIT,
        /** Any other comment line of the text format (OpenMetrics has none). */
        COMMENT,
        /** The end of the page ({@code # EOF} in OpenMetrics); every later call returns it again. */
        EOF
    }

    /**
     * Moves to the next entry.
     *
     * @throws ExpositionException when the page breaks its format; the parser is then unusable
     */
    Entry next() throws ExpositionException;

    /** The 1-based line number of the current entry. */
    int lineNumber();

    /** The buffer this parser reads, for use with {@link #seriesOffset()}. */
    byte[] buffer();

    /**
     * Start in {@link #buffer()} of the series identity of the current {@link Entry#SERIES}: the
     * metric name and label block exactly as written. Equal bytes mean the same series for the
     * same target, so these bytes make a cache key.
     */
    int seriesOffset();

    /** Length of the series identity bytes. */
    int seriesLength();

    /** The metric name of the current sample, as a new string (cache-miss path). */
    String metricName();

    /**
     * Adds the current sample's labels to {@code into}, {@code __name__} included, with escapes
     * resolved. Labels with empty values are dropped by the builder, as Prometheus does.
     */
    void labels(Labels.Builder into);

    /**
     * Hands the current sample's labels to {@code sink} exactly as written: in page order,
     * {@code __name__} excluded, escapes resolved, and labels with empty values kept (a push
     * endpoint stores {@code a=""} as written, where a scrape drops it). Allocates strings.
     *
     * @since 1.1.0
     */
    void rawLabels(java.util.function.BiConsumer<String, String> sink);

    /** The current sample's value. */
    double value();

    /** Whether the current sample carries its own timestamp. */
    boolean hasTimestamp();

    /** The current sample's timestamp in milliseconds since the epoch; meaningful if {@link #hasTimestamp()}. */
    long timestamp();

    /** Whether the current sample carries an exemplar (OpenMetrics only). */
    boolean hasExemplar();

    /** The exemplar of the current sample, or {@code null}; allocates, so call it only if {@link #hasExemplar()}. */
    Exemplar exemplar();

    /** Whether the current {@link Entry#HISTOGRAM} has float counts (read {@link #floatHistogram()}). Since 1.2.0. */
    default boolean isFloatHistogram() {
        return false;
    }

    /** The current {@link Entry#HISTOGRAM} with integer counts. Since 1.2.0. */
    default Histogram histogram() {
        throw new IllegalStateException("this format has no native histograms");
    }

    /** The current {@link Entry#HISTOGRAM} with float counts (an integer one converted). Since 1.2.0. */
    default FloatHistogram floatHistogram() {
        throw new IllegalStateException("this format has no native histograms");
    }

    /** The exemplars of the current {@link Entry#HISTOGRAM}, oldest first, each with its timestamp. Since 1.2.0. */
    default java.util.List<Exemplar> histogramExemplars() {
        return java.util.List.of();
    }

    /**
     * Switches on Prometheus's created-timestamp ingestion (since 1.3.0), before the first
     * {@link #next()}: OpenMetrics {@code _created} samples of counters, histograms and summaries
     * are no longer reported as series but as the {@link #createdTimestamp()} of their family's
     * samples. Formats without {@code _created} series (text, protobuf) need nothing switched.
     */
    default void ingestCreatedTimestamps() {
    }

    /**
     * The created (start) timestamp of the current {@link Entry#SERIES} or {@link Entry#HISTOGRAM}
     * in milliseconds since the epoch, or 0 when it has none (since 1.3.0): protobuf's
     * {@code created_timestamp} of counters, summaries and histograms; OpenMetrics' {@code _created}
     * sample of the same labels once {@link #ingestCreatedTimestamps()} is on.
     */
    default long createdTimestamp() {
        return 0;
    }

    /** The family named by the current {@link Entry#TYPE}, {@link Entry#HELP} or {@link Entry#UNIT} line. */
    String metricFamilyName();

    /** The type of the current {@link Entry#TYPE} line ({@code untyped} reads as {@link MetricType#UNKNOWN}). */
    MetricType type();

    /** The text of the current {@link Entry#HELP} line with escapes resolved; may be empty. */
    String help();

    /** The unit of the current {@link Entry#UNIT} line; may be empty. */
    String unit();

    /** The text of the current {@link Entry#COMMENT} line after the {@code #}. */
    String comment();
}
