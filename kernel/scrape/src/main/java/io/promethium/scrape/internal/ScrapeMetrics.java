package io.promethium.scrape.internal;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.StorageException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** The scrape manager's counters, under Prometheus's metric names. Thread-safe. */
public final class ScrapeMetrics {

    final LongAdder exceededSampleLimit = new LongAdder();
    final LongAdder exceededBodySizeLimit = new LongAdder();
    final LongAdder exceededLabelLimits = new LongAdder();
    final LongAdder outOfOrder = new LongAdder();
    final LongAdder exemplarsRejected = new LongAdder();
    final LongAdder duplicateTimestamp = new LongAdder();
    final LongAdder outOfBounds = new LongAdder();
    final LongAdder poolReloads = new LongAdder();
    final LongAdder poolReloadFailures = new LongAdder();
    final LongAdder poolSyncs = new LongAdder();
    final LongAdder poolsCreated = new LongAdder();
    final LongAdder poolTargetLimitExceeded = new LongAdder();
    private final Map<Duration, Interval> intervals = new ConcurrentHashMap<>();

    private static final class Interval {
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();
    }

    void intervalLength(Duration configured, long actualNanos) {
        Interval interval = intervals.computeIfAbsent(configured, d -> new Interval());
        interval.count.increment();
        interval.sum.add(actualNanos / 1e9);
    }

    /** Counts a sample the storage refused; true when the reason is one scraping expects. */
    void rejected(StorageException.Reason reason) {
        switch (reason) {
            case OUT_OF_ORDER -> outOfOrder.increment();
            case DUPLICATE_TIMESTAMP -> duplicateTimestamp.increment();
            case OUT_OF_BOUNDS -> outOfBounds.increment();
            default -> {
            }
        }
    }

    /** An exemplar the storage refused (out of order, labels too long); the scrape goes on. */
    void exemplarRejected() {
        exemplarsRejected.increment();
    }

    public long outOfOrderSamples() {
        return outOfOrder.sum();
    }

    public long exceededSampleLimit() {
        return exceededSampleLimit.sum();
    }

    void write(MetricWriter w) {
        counter(w, "prometheus_target_scrapes_exceeded_sample_limit_total",
                "Total number of scrapes that hit the sample limit and were rejected.", exceededSampleLimit);
        counter(w, "prometheus_target_scrapes_exceeded_body_size_limit_total",
                "Total number of scrapes that hit the body size limit", exceededBodySizeLimit);
        counter(w, "prometheus_target_scrapes_exemplar_out_of_order_total",
                "Total number of exemplar rejected due to not being out of the expected order.", exemplarsRejected);
        counter(w, "prometheus_target_scrapes_sample_out_of_order_total",
                "Total number of samples rejected due to not being out of the expected order.", outOfOrder);
        counter(w, "prometheus_target_scrapes_sample_duplicate_timestamp_total",
                "Total number of samples rejected due to duplicate timestamps but different values.", duplicateTimestamp);
        counter(w, "prometheus_target_scrapes_sample_out_of_bounds_total",
                "Total number of samples rejected due to timestamp falling outside of the time bounds.", outOfBounds);
        counter(w, "prometheus_target_scrape_pool_exceeded_label_limits_total",
                "Total number of times scrape pools hit the label limits, during sync or config reload.", exceededLabelLimits);
        counter(w, "prometheus_target_scrape_pool_reloads_total", "Total number of scrape pool reloads.", poolReloads);
        counter(w, "prometheus_target_scrape_pool_reloads_failed_total", "Total number of failed scrape pool reloads.",
                poolReloadFailures);
        counter(w, "prometheus_target_scrape_pool_sync_total",
                "Total number of syncs that were executed on a scrape pool.", poolSyncs);
        counter(w, "prometheus_target_scrape_pool_exceeded_target_limit_total",
                "Total number of times scrape pools hit the target limit, during sync or config reload.", poolTargetLimitExceeded);
        w.family("prometheus_target_interval_length_seconds", MetricType.SUMMARY,
                "Actual intervals between scrapes.", "seconds");
        intervals.forEach((configured, interval) -> {
            Labels labels = Labels.of("interval", io.promethium.api.config.Durations.format(configured));
            w.sample("prometheus_target_interval_length_seconds_sum", labels, interval.sum.sum());
            w.sample("prometheus_target_interval_length_seconds_count", labels, interval.count.sum());
        });
    }

    private static void counter(MetricWriter w, String name, String help, LongAdder value) {
        w.family(name, MetricType.COUNTER, help, "");
        w.sample(name, value.sum());
    }
}
