package io.promethium.remote.write;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.WalVisitor;

/**
 * The WAL follower of one {@code remote_write} queue ({@link QueueManager}): receives the records
 * the queue's follower thread reads, turns series records into the labels sent (external labels,
 * then {@code write_relabel_configs}), and hands samples, histograms and exemplars to the shard
 * of their series, retrying into the new shards when a reshard begins while it waits. Runs on the
 * follower thread only.
 */
final class WalFollower implements WalVisitor {
    private final QueueManager q;
    private RefMap<Labels> series = new RefMap<>();
    boolean stopped;
    /** Start timestamps read, by series ref and sample time, waiting for their sample (the next records of the commit). */
    private final java.util.HashMap<RefTime, Long> pendingStarts = new java.util.HashMap<>();

    private record RefTime(long ref, long t) {
    }

    WalFollower(QueueManager q) {
        this.q = q;
    }

    @Override
    public void startTimestamp(long ref, long t, long start) {
        if (q.settings.v2()) {
            pendingStarts.put(new RefTime(ref, t), start);
        }
    }

    /** The start of the sample of {@code ref} at {@code t} read before it, or 0. */
    private long startOf(long ref, long t) {
        if (pendingStarts.isEmpty()) {
            return 0;
        }
        Long start = pendingStarts.remove(new RefTime(ref, t));
        return start == null ? 0 : start;
    }

    @Override
    public void series(long ref, Labels labels) {
        q.metrics.recordsRead[0].increment();
        Labels l = q.settings.relabel().rewrite(q.withExternal(labels));
        series.put(ref, l == null || l.isEmpty() ? QueueManager.DROPPED : l);
    }

    /**
     * Forgets the series the storage ended: keeps only those in {@code live}, the series records a
     * read from the WAL's newest checkpoint up to the follower's position finds (the checkpoint
     * holds the series the head kept at its cut). As Prometheus's {@code SeriesReset} at a
     * checkpoint: without it the labels of every series that ever churned stay here (50k series
     * every 10 minutes in the soak).
     */
    void forgetEndedSeries(RefMap<Boolean> live) {
        series = series.retain(live::contains);
    }

    int seriesKnown() {
        return series.size();
    }

    @Override
    public void sample(long ref, long timestamp, double value) {
        sample(ref, timestamp, value, startOf(ref, timestamp));
    }

    private void sample(long ref, long timestamp, double value, long start) {
        if (stopped) {
            return;
        }
        q.metrics.recordsRead[1].increment();
        q.samplesIn.incrementAndGet();
        q.highestIn.accumulateAndGet(timestamp, Math::max);
        Labels l = series.get(ref);
        if (l == null || l == QueueManager.DROPPED) {
            q.metrics.samplesDropped.increment();
            return;
        }
        Shard[] current = q.shards;
        Shard shard = current[(int) Long.remainderUnsigned(ref * 0x9E3779B97F4A7C15L, current.length)];
        q.metrics.samplesPending.incrementAndGet();
        try {
            if (!shard.enqueue(l, timestamp, value, null, start)) {
                q.metrics.samplesPending.decrementAndGet();
                stopped = !q.running;
                if (!stopped) {
                    // A reshard began while waiting: enqueue into the new shards.
                    sample(ref, timestamp, value, start);
                    q.metrics.recordsRead[1].decrement();
                    q.samplesIn.decrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            q.metrics.samplesPending.decrementAndGet();
            stopped = true;
        }
    }

    /** Remote write 2.0 sends a series' metadata with it (with {@code metadata_config.send}). */
    @Override
    public void metadata(long ref, Metadata m) {
        q.metrics.recordsRead[5].increment();
        Labels l = series.get(ref);
        if (q.settings.v2() && q.settings.metadata().send() && l != null && l != QueueManager.DROPPED) {
            q.seriesMetadata.put(l, m);
        }
    }

    /**
     * With {@code send_native_histograms}, a histogram sample goes to its series' shard as a
     * copy (the WAL reader may refill its object); without it, it is not read on, as Prometheus.
     */
    @Override
    public void histogram(long ref, long timestamp, Histogram histogram) {
        q.metrics.recordsRead[3].increment();
        long start = startOf(ref, timestamp);
        if (q.settings.sendNativeHistograms()) {
            enqueueHistogram(ref, timestamp, histogram.copy(), start);
        }
    }

    @Override
    public void floatHistogram(long ref, long timestamp, FloatHistogram histogram) {
        q.metrics.recordsRead[4].increment();
        long start = startOf(ref, timestamp);
        if (q.settings.sendNativeHistograms()) {
            enqueueHistogram(ref, timestamp, histogram.copy(), start);
        }
    }

    private void enqueueHistogram(long ref, long timestamp, Object histogram, long start) {
        if (stopped) {
            return;
        }
        q.histogramsIn.incrementAndGet();
        q.highestIn.accumulateAndGet(timestamp, Math::max);
        Labels l = series.get(ref);
        if (l == null || l == QueueManager.DROPPED) {
            q.metrics.histogramsDropped.increment();
            return;
        }
        Shard[] current = q.shards;
        Shard shard = current[(int) Long.remainderUnsigned(ref * 0x9E3779B97F4A7C15L, current.length)];
        q.metrics.histogramsPending.incrementAndGet();
        try {
            if (!shard.enqueue(l, timestamp, 0, histogram, start)) {
                q.metrics.histogramsPending.decrementAndGet();
                stopped = !q.running;
                if (!stopped) {
                    // A reshard began while waiting: enqueue into the new shards.
                    q.histogramsIn.decrementAndGet();
                    enqueueHistogram(ref, timestamp, histogram, start);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            q.metrics.histogramsPending.decrementAndGet();
            stopped = true;
        }
    }

    /** With {@code send_exemplars}, an exemplar goes to its series' shard, so it travels with the series. */
    @Override
    public void exemplar(long ref, Exemplar exemplar) {
        if (stopped || !q.settings.sendExemplars()) {
            return;
        }
        q.metrics.recordsRead[2].increment();
        q.exemplarsIn.incrementAndGet();
        Labels l = series.get(ref);
        if (l == null || l == QueueManager.DROPPED) {
            q.metrics.exemplarsDropped.increment();
            return;
        }
        Shard[] current = q.shards;
        Shard shard = current[(int) Long.remainderUnsigned(ref * 0x9E3779B97F4A7C15L, current.length)];
        q.metrics.exemplarsPending.incrementAndGet();
        try {
            if (!shard.enqueue(l, 0, 0, exemplar)) {
                q.metrics.exemplarsPending.decrementAndGet();
                stopped = !q.running;
                if (!stopped) {
                    q.metrics.recordsRead[2].decrement();
                    q.exemplarsIn.decrementAndGet();
                    exemplar(ref, exemplar);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            q.metrics.exemplarsPending.decrementAndGet();
            stopped = true;
        }
    }
}
