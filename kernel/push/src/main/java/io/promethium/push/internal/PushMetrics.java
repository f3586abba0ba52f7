package io.promethium.push.internal;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** The push endpoint's own metrics, on the server's {@code /metrics}. Thread-safe. */
final class PushMetrics {

    final LongAdder accepted = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder deleted = new LongAdder();
    final LongAdder storedSamples = new LongAdder();
    final LongAdder storageRejected = new LongAdder();
    final LongAdder persistFailures = new LongAdder();
    volatile double lastPersistSeconds;

    void collect(MetricWriter w, GroupStore store) {
        List<MetricGroup> groups = store.groups();
        long samples = 0;
        for (MetricGroup g : groups) {
            samples += g.sampleCount();
        }
        w.family("promethium_push_groups", MetricType.GAUGE, "Groups held by the push endpoint.", "");
        w.sample("promethium_push_groups", groups.size());
        w.family("promethium_push_samples", MetricType.GAUGE, "Samples the pushed groups expose.", "");
        w.sample("promethium_push_samples", samples);
        w.family("promethium_push_requests_total", MetricType.COUNTER, "Pushes (PUT, POST) by result, and deletions.", "");
        w.sample("promethium_push_requests_total", Labels.of("result", "accepted"), accepted.sum());
        w.sample("promethium_push_requests_total", Labels.of("result", "refused"), refused.sum());
        w.sample("promethium_push_requests_total", Labels.of("result", "deleted"), deleted.sum());
        w.family("promethium_push_expired_groups_total", MetricType.COUNTER, "Groups dropped when their time to live passed.", "");
        w.sample("promethium_push_expired_groups_total", store.expiredGroups());
        w.family("promethium_push_stored_samples_total", MetricType.COUNTER, "Pushed samples appended to the local storage.", "");
        w.sample("promethium_push_stored_samples_total", storedSamples.sum());
        w.family("promethium_push_storage_rejected_samples_total", MetricType.COUNTER, "Pushed samples the local storage refused.", "");
        w.sample("promethium_push_storage_rejected_samples_total", storageRejected.sum());
        w.family("promethium_push_persist_failures_total", MetricType.COUNTER, "Failed writes of the persistence file.", "");
        w.sample("promethium_push_persist_failures_total", persistFailures.sum());
        w.family("promethium_push_last_persist_timestamp_seconds", MetricType.GAUGE, "When the persistence file was last written.", "");
        w.sample("promethium_push_last_persist_timestamp_seconds", lastPersistSeconds);
    }
}
