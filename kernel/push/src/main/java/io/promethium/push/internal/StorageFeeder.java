package io.promethium.push.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Appends the pushed groups to the local storage on an interval, as a Prometheus scraping a
 * Pushgateway would store them: every sample of the pushed page with the tick's timestamp, one
 * batch per tick. With honor labels (the default, as a Pushgateway scrape job should be
 * configured) the series keep their pushed {@code job} and {@code instance}; otherwise those become
 * {@code exported_job}/{@code exported_instance} and the endpoint's own job and instance are set.
 * A series that left the page (its group deleted, replaced or expired) gets a staleness marker at
 * the next tick, so queries stop returning it at once. Empty label values are dropped, as a scrape
 * drops them. A tick whose batch the storage cannot commit (a full disk) is lost, as a failed
 * scrape is: its samples count as rejected and the next tick stores the groups again. Not
 * thread-safe: one ticker thread calls {@link #tick}.
 */
final class StorageFeeder {

    private static final Logger LOG = Logger.getLogger(StorageFeeder.class.getName());

    private final GroupStore store;
    private final boolean honorLabels;
    private final String job;
    private final String instance;
    private final PushMetrics metrics;
    private Map<Labels, Long> previous = new HashMap<>();
    /** The message of the commit failure that began the current run of failing ticks, or null. */
    private String failure;

    StorageFeeder(GroupStore store, boolean honorLabels, String job, String instance, PushMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.honorLabels = honorLabels;
        this.job = job;
        this.instance = instance;
    }

    /** Appends one snapshot at {@code timestampMillis}; returns the number of samples appended. */
    int tick(Storage storage, long timestampMillis) {
        if (storage == null) {
            return 0;
        }
        List<MetricFamily> families = PushedPage.gather(store.groups());
        if (families.isEmpty() && previous.isEmpty()) {
            // Nothing pushed and nothing to mark stale: no batch (an idle server's tick opened and committed an empty one).
            return 0;
        }
        Appender appender = storage.appender();
        Map<Labels, Long> next = new HashMap<>();
        int[] appended = {0};
        for (MetricFamily f : families) {
            Metadata metadata = new Metadata(f.type().metricType, f.help(), "");
            PushedPage.samples(f, (family, suffix, labels, extraLabel, extraValue, value) -> {
                Labels series = labels(family.name() + suffix, labels, extraLabel, extraValue);
                if (next.containsKey(series)) {
                    return; // two pushed series that differ only by an empty label: one stored series
                }
                Long ref = previous.get(series);
                try {
                    long r = appender.append(ref == null ? 0 : ref, series, timestampMillis, value);
                    if (ref == null) {
                        r = appender.updateMetadata(r, series, metadata);
                    }
                    next.put(series, r);
                    appended[0]++;
                } catch (StorageException e) {
                    metrics.storageRejected.increment();
                    next.put(series, ref == null ? 0L : ref);
                    LOG.log(Level.FINE, "push: sample of " + series + " not stored", e);
                }
            });
        }
        for (Map.Entry<Labels, Long> e : previous.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                try {
                    appender.append(e.getValue(), e.getKey(), timestampMillis, StaleMarker.STALE_NAN);
                } catch (StorageException ex) {
                    metrics.storageRejected.increment();
                }
            }
        }
        try {
            appender.commit();
        } catch (RuntimeException e) {
            // The tick's batch is lost (the groups are kept; the next tick stores them): counted, logged once per failure.
            metrics.storageRejected.add(appended[0]);
            if (failure == null) {
                LOG.log(Level.WARNING, "push: storing the pushed groups failed: " + e.getMessage()
                        + " (their samples are stored again at each tick until it works; the groups are kept)", e);
            }
            failure = String.valueOf(e.getMessage());
            return 0;
        }
        if (failure != null) {
            LOG.info("push: storing the pushed groups works again after: " + failure);
            failure = null;
        }
        previous = next;
        metrics.storedSamples.add(appended[0]);
        return appended[0];
    }

    private Labels labels(String name, List<LabelPair> labels, String extraLabel, double extraValue) {
        Labels.Builder b = Labels.builder();
        b.set(Labels.METRIC_NAME, name);
        for (LabelPair l : labels) {
            b.set(l.name(), l.value());
        }
        if (extraLabel != null) {
            // As Prometheus 3 stores them when it scrapes a Pushgateway: le="1" becomes le="1.0".
            b.set(extraLabel, io.promethium.exposition.ExpositionFormats.floatLabelValue(extraValue));
        }
        if (!honorLabels) {
            for (String target : new String[] {"job", "instance"}) {
                String pushed = b.get(target);
                if (pushed != null && !pushed.isEmpty()) {
                    b.set("exported_" + target, pushed);
                }
            }
            b.set("job", job);
            b.set("instance", instance);
        }
        return b.build();
    }
}
