package io.promethium.api.plugin;

import io.promethium.api.collect.Collector;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Registers a plugin's metrics so they appear on the server's {@code /metrics}. Families are
 * shared by name: every discoverer of a type that asks for {@code prometheus_sd_dns_lookups_total}
 * gets the same counter, as Prometheus's process-wide metrics work. Asking for an existing name
 * with another type or other label names is an {@link IllegalArgumentException}. Thread-safe.
 *
 * <p>Names follow Prometheus's rules ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}); counters end in
 * {@code _total}.
 */
@ProviderType
public interface MetricsRegistrar {

    /** A counter family; {@code labelNames} may be empty. */
    Counter counter(String name, String help, String... labelNames);

    /** A gauge family; {@code labelNames} may be empty. */
    Gauge gauge(String name, String help, String... labelNames);

    /** A summary family (sum and count, no quantiles) of observations, e.g. durations in seconds. */
    Summary summary(String name, String help, String... labelNames);

    /**
     * A summary family with quantiles, as Prometheus's {@code SummaryOpts.Objectives}: each key a
     * quantile in [0, 1], written as {@code name{quantile="0.5"}}, its value the rank error allowed
     * (the registrar may be exact). Quantiles cover the observations of the last 10 minutes
     * (Prometheus's default {@code MaxAge}) and are NaN when there are none, as there.
     *
     * @param objectives quantile to allowed error, e.g. {@code {0.5: 0.05, 0.9: 0.01, 0.99: 0.001}}
     * @since 1.1
     */
    Summary summary(String name, String help, java.util.Map<Double, Double> objectives, String... labelNames);

    /**
     * A histogram family with classic buckets: {@code buckets} the upper bounds, ascending
     * ({@code +Inf} is added), written as {@code name_bucket{le="..."}}, {@code name_sum} and
     * {@code name_count}, as Prometheus's {@code HistogramOpts.Buckets}.
     *
     * @since 1.1
     */
    Histogram histogram(String name, String help, double[] buckets, String... labelNames);

    /**
     * Adds a collector that writes whatever it likes on every scrape of {@code /metrics}, until
     * the returned handle is closed. For metrics that live and die with one instance.
     */
    Registration register(Collector collector);

    /** Removes what {@link #register} added. Idempotent. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** A monotonically increasing count, per label values (in the order of the label names). */
    @ProviderType
    interface Counter {
        void inc(String... labelValues);

        void add(double amount, String... labelValues);

        double value(String... labelValues);
    }

    /** A value that goes up and down, per label values. */
    @ProviderType
    interface Gauge {
        void set(double value, String... labelValues);

        void add(double amount, String... labelValues);

        double value(String... labelValues);

        /** Forgets the child with these label values (a target set that went away). */
        void remove(String... labelValues);
    }

    /** Observations counted into buckets, per label values. */
    @ProviderType
    interface Histogram {
        void observe(double value, String... labelValues);

        long count(String... labelValues);

        double sum(String... labelValues);

        /**
         * Makes the child with these label values exist before its first observation, so it is
         * on {@code /metrics} from the start: count and sum 0, every bucket 0, as a child Go's
         * {@code WithLabelValues} creates (Prometheus's refresh metrics are made so when the
         * discoverer is built). Observations add to it; calling again changes nothing.
         *
         * @since 1.2
         */
        void instantiate(String... labelValues);
    }

    /** Observations summed and counted, per label values. */
    @ProviderType
    interface Summary {
        void observe(double value, String... labelValues);

        long count(String... labelValues);

        double sum(String... labelValues);

        /**
         * Makes the child with these label values exist before its first observation, so it is
         * on {@code /metrics} from the start: count and sum 0, its quantiles NaN, as a child Go's
         * {@code WithLabelValues} creates (Prometheus's refresh metrics are made so when the
         * discoverer is built). Observations add to it; calling again changes nothing.
         *
         * @since 1.2
         */
        void instantiate(String... labelValues);
    }
}
