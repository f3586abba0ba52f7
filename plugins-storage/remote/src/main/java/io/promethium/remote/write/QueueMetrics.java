package io.promethium.remote.write;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One queue's share of Prometheus's {@code prometheus_remote_storage_*} and
 * {@code prometheus_wal_watcher_*} metrics, labelled {@code remote_name} and {@code url} (the
 * watcher's {@code consumer}) as Prometheus labels them.
 */
final class QueueMetrics {
    /** Prometheus's buckets for sent_batch_duration_seconds: the default ones plus 25s..300s. */
    static final double[] BATCH_BUCKETS = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 60, 120, 300};

    final Labels labels;
    final Labels consumer;

    final LongAdder samplesSent = new LongAdder();
    final LongAdder samplesFailed = new LongAdder();
    final LongAdder samplesRetried = new LongAdder();
    final LongAdder samplesDropped = new LongAdder();
    final LongAdder samplesDroppedTooOld = new LongAdder();
    final LongAdder exemplarsSent = new LongAdder();
    final LongAdder exemplarsFailed = new LongAdder();
    final LongAdder exemplarsRetried = new LongAdder();
    final LongAdder exemplarsDropped = new LongAdder();
    final AtomicLong exemplarsPending = new AtomicLong();
    final LongAdder histogramsSent = new LongAdder();
    final LongAdder histogramsFailed = new LongAdder();
    final LongAdder histogramsRetried = new LongAdder();
    final LongAdder histogramsDropped = new LongAdder();
    final AtomicLong histogramsPending = new AtomicLong();
    final LongAdder metadataSent = new LongAdder();
    final LongAdder metadataFailed = new LongAdder();
    final LongAdder metadataRetried = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder metadataBytesSent = new LongAdder();
    final LongAdder enqueueRetries = new LongAdder();
    final AtomicLong samplesPending = new AtomicLong();
    final AtomicLong shards = new AtomicLong();
    final AtomicLong shardsDesired = new AtomicLong();
    final AtomicLong highestSentMillis = new AtomicLong();
    /** WAL records read: series, samples, exemplars, histogram samples, float histogram samples, metadata. */
    final LongAdder[] recordsRead = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    final LongAdder decodeFailures = new LongAdder();
    final AtomicLong currentSegment = new AtomicLong();
    final LongAdder walGaps = new LongAdder();

    private final long[] batchBuckets = new long[BATCH_BUCKETS.length];
    private long batchCount;
    private final DoubleAdder batchSum = new DoubleAdder();

    final int minShards;
    final int maxShards;
    final int capacity;
    final int maxSamplesPerSend;

    QueueMetrics(String remoteName, String url, RemoteWriteSettings.Queue queue) {
        this.labels = Labels.of("remote_name", remoteName, "url", url);
        this.consumer = Labels.of("consumer", remoteName);
        this.minShards = queue.minShards();
        this.maxShards = queue.maxShards();
        this.capacity = queue.capacity();
        this.maxSamplesPerSend = queue.maxSamplesPerSend();
    }

    synchronized void observeBatch(double seconds) {
        for (int i = 0; i < BATCH_BUCKETS.length; i++) {
            if (seconds <= BATCH_BUCKETS[i]) {
                batchBuckets[i]++;
            }
        }
        batchCount++;
        batchSum.add(seconds);
    }

    /** The process-wide metrics (no queue label) that the component writes once. */
    static void writeGlobal(MetricWriter w, double highestInSeconds, long samplesIn, long exemplarsIn, long histogramsIn) {
        w.family("prometheus_remote_storage_highest_timestamp_in_seconds", MetricType.GAUGE,
                "Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.", "");
        w.sample("prometheus_remote_storage_highest_timestamp_in_seconds", highestInSeconds);
        counter(w, "prometheus_remote_storage_samples_in_total",
                "Samples in to remote storage, compare to samples out for queue managers.", Labels.EMPTY, samplesIn);
        counter(w, "prometheus_remote_storage_exemplars_in_total",
                "Exemplars in to remote storage, compare to exemplars out for queue managers.", Labels.EMPTY, exemplarsIn);
        counter(w, "prometheus_remote_storage_histograms_in_total",
                "HistogramSamples in to remote storage, compare to histograms out for queue managers.", Labels.EMPTY, histogramsIn);
    }

    /** Every queue's metrics, family by family, so each family is written once. */
    static void writeQueues(MetricWriter w, java.util.List<QueueMetrics> queues) {
        family(w, queues, "prometheus_remote_storage_samples_total", "Total number of samples sent to remote storage.", q -> q.samplesSent.sum());
        family(w, queues, "prometheus_remote_storage_samples_failed_total",
                "Total number of samples which failed on send to remote storage, non-recoverable errors.", q -> q.samplesFailed.sum());
        family(w, queues, "prometheus_remote_storage_samples_retried_total",
                "Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.",
                q -> q.samplesRetried.sum());
        family(w, queues, "prometheus_remote_storage_samples_dropped_total",
                "Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling, due to being too old or unintentionally because of an unknown reference ID.",
                q -> q.samplesDropped.sum());
        gaugeFamily(w, queues, "prometheus_remote_storage_samples_pending",
                "The number of samples pending in the queues shards to be sent to the remote storage.", q -> q.samplesPending.get());
        family(w, queues, "prometheus_remote_storage_exemplars_total", "Total number of exemplars sent to remote storage.",
                q -> q.exemplarsSent.sum());
        family(w, queues, "prometheus_remote_storage_exemplars_failed_total",
                "Total number of exemplars which failed on send to remote storage, non-recoverable errors.", q -> q.exemplarsFailed.sum());
        family(w, queues, "prometheus_remote_storage_exemplars_retried_total",
                "Total number of exemplars which failed on send to remote storage but were retried because the send error was recoverable.",
                q -> q.exemplarsRetried.sum());
        family(w, queues, "prometheus_remote_storage_exemplars_dropped_total",
                "Total number of exemplars which were dropped after being read from the WAL before being sent via remote write, either via relabelling, due to being too old or unintentionally because of an unknown reference ID.",
                q -> q.exemplarsDropped.sum());
        gaugeFamily(w, queues, "prometheus_remote_storage_exemplars_pending",
                "The number of exemplars pending in the queues shards to be sent to the remote storage.", q -> q.exemplarsPending.get());
        family(w, queues, "prometheus_remote_storage_histograms_total", "Total number of histograms sent to remote storage.",
                q -> q.histogramsSent.sum());
        family(w, queues, "prometheus_remote_storage_histograms_failed_total",
                "Total number of histograms which failed on send to remote storage, non-recoverable errors.", q -> q.histogramsFailed.sum());
        family(w, queues, "prometheus_remote_storage_histograms_retried_total",
                "Total number of histograms which failed on send to remote storage but were retried because the send error was recoverable.",
                q -> q.histogramsRetried.sum());
        family(w, queues, "prometheus_remote_storage_histograms_dropped_total",
                "Total number of histograms which were dropped after being read from the WAL before being sent via remote write.",
                q -> q.histogramsDropped.sum());
        gaugeFamily(w, queues, "prometheus_remote_storage_histograms_pending",
                "The number of histograms pending in the queues shards to be sent to the remote storage.", q -> q.histogramsPending.get());
        family(w, queues, "prometheus_remote_storage_metadata_total", "Total number of metadata entries sent to remote storage.",
                q -> q.metadataSent.sum());
        family(w, queues, "prometheus_remote_storage_metadata_failed_total",
                "Total number of metadata entries which failed on send to remote storage, non-recoverable errors.", q -> q.metadataFailed.sum());
        family(w, queues, "prometheus_remote_storage_metadata_retried_total",
                "Total number of metadata entries which failed on send to remote storage but were retried because the send error was recoverable.",
                q -> q.metadataRetried.sum());
        family(w, queues, "prometheus_remote_storage_bytes_total",
                "The total number of bytes of data (not metadata) sent by the queue after compression.", q -> q.bytesSent.sum());
        family(w, queues, "prometheus_remote_storage_metadata_bytes_total",
                "The total number of bytes of metadata sent by the queue after compression.", q -> q.metadataBytesSent.sum());
        family(w, queues, "prometheus_remote_storage_enqueue_retries_total",
                "Total number of times enqueue has failed because a shards queue was full.", q -> q.enqueueRetries.sum());
        gaugeFamily(w, queues, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
                "Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.",
                q -> q.highestSentMillis.get() / 1000.0);
        gaugeFamily(w, queues, "prometheus_remote_storage_shards", "The number of shards used for parallel sending to the remote storage.",
                q -> q.shards.get());
        gaugeFamily(w, queues, "prometheus_remote_storage_shards_desired",
                "The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.",
                q -> q.shardsDesired.get());
        gaugeFamily(w, queues, "prometheus_remote_storage_shards_max", "The maximum number of shards that the queue is allowed to run.",
                q -> q.maxShards);
        gaugeFamily(w, queues, "prometheus_remote_storage_shards_min", "The minimum number of shards that the queue is allowed to run.",
                q -> q.minShards);
        gaugeFamily(w, queues, "prometheus_remote_storage_shard_capacity", "The capacity of each shard of the queue used for parallel sending to the remote storage.",
                q -> q.capacity);
        gaugeFamily(w, queues, "prometheus_remote_storage_max_samples_per_send",
                "The maximum number of samples to be sent, in a single request, to the remote storage.", q -> q.maxSamplesPerSend);
        w.family("prometheus_remote_storage_sent_batch_duration_seconds", MetricType.HISTOGRAM,
                "Duration of send calls to the remote storage.", "");
        for (QueueMetrics q : queues) {
            synchronized (q) {
                for (int i = 0; i < BATCH_BUCKETS.length; i++) {
                    w.sample("prometheus_remote_storage_sent_batch_duration_seconds_bucket",
                            q.labels.toBuilder().set("le", format(BATCH_BUCKETS[i])).build(), q.batchBuckets[i]);
                }
                w.sample("prometheus_remote_storage_sent_batch_duration_seconds_bucket", q.labels.toBuilder().set("le", "+Inf").build(),
                        q.batchCount);
                w.sample("prometheus_remote_storage_sent_batch_duration_seconds_sum", q.labels, q.batchSum.sum());
                w.sample("prometheus_remote_storage_sent_batch_duration_seconds_count", q.labels, q.batchCount);
            }
        }
        w.family("prometheus_wal_watcher_records_read", MetricType.COUNTER,
                "Number of records read by the WAL watcher from the WAL.", "");
        for (QueueMetrics q : queues) {
            w.sample("prometheus_wal_watcher_records_read_total", q.consumer.toBuilder().set("type", "series").build(), q.recordsRead[0].sum());
            w.sample("prometheus_wal_watcher_records_read_total", q.consumer.toBuilder().set("type", "samples").build(), q.recordsRead[1].sum());
            w.sample("prometheus_wal_watcher_records_read_total", q.consumer.toBuilder().set("type", "exemplars").build(), q.recordsRead[2].sum());
            w.sample("prometheus_wal_watcher_records_read_total", q.consumer.toBuilder().set("type", "histogram_samples").build(),
                    q.recordsRead[3].sum());
            w.sample("prometheus_wal_watcher_records_read_total", q.consumer.toBuilder().set("type", "float_histogram_samples").build(),
                    q.recordsRead[4].sum());
            w.sample("prometheus_wal_watcher_records_read_total", q.consumer.toBuilder().set("type", "metadata").build(), q.recordsRead[5].sum());
        }
        w.family("prometheus_wal_watcher_record_decode_failures", MetricType.COUNTER,
                "Number of records read by the WAL watcher that resulted in an error when decoding.", "");
        for (QueueMetrics q : queues) {
            w.sample("prometheus_wal_watcher_record_decode_failures_total", q.consumer, q.decodeFailures.sum());
        }
        w.family("prometheus_wal_watcher_current_segment", MetricType.GAUGE,
                "Current segment the WAL watcher is reading records from.", "");
        for (QueueMetrics q : queues) {
            w.sample("prometheus_wal_watcher_current_segment", q.consumer, q.currentSegment.get());
        }
        w.family("promethium_remote_storage_wal_gaps", MetricType.COUNTER,
                "Times a queue found the WAL position it had to send from already truncated (an outage longer than the WAL's retention): samples in between are lost.", "");
        for (QueueMetrics q : queues) {
            w.sample("promethium_remote_storage_wal_gaps_total", q.labels, q.walGaps.sum());
        }
    }

    /** Counter families are named without {@code _total}; their samples carry it. */
    private static String familyOf(String name) {
        return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static void counter(MetricWriter w, String name, String help, Labels labels, double value) {
        w.family(familyOf(name), MetricType.COUNTER, help, "");
        w.sample(name, labels, value);
    }

    private static void family(MetricWriter w, java.util.List<QueueMetrics> queues, String name, String help,
                               java.util.function.ToDoubleFunction<QueueMetrics> value) {
        w.family(familyOf(name), MetricType.COUNTER, help, "");
        for (QueueMetrics q : queues) {
            w.sample(name, q.labels, value.applyAsDouble(q));
        }
    }

    private static void gaugeFamily(MetricWriter w, java.util.List<QueueMetrics> queues, String name, String help,
                                    java.util.function.ToDoubleFunction<QueueMetrics> value) {
        w.family(name, MetricType.GAUGE, help, "");
        for (QueueMetrics q : queues) {
            w.sample(name, q.labels, value.applyAsDouble(q));
        }
    }
}
