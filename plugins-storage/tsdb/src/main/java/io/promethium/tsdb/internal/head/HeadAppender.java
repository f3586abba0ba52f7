package io.promethium.tsdb.internal.head;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.StorageException.Reason;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.wal.WalRecords;
import java.io.IOException;
import java.util.List;

/**
 * Buffers a batch in primitive arrays (a pooled {@link AppendBatch}); {@link #commit} writes series
 * and samples records to the WAL first, then applies them to the series. A failed WAL write leaves
 * the head untouched.
 */
final class HeadAppender implements Appender {
    private final Head head;
    private final TsdbMetrics metrics;
    /** Taken from the head's pool on the first append, given back at commit or rollback. */
    private AppendBatch batch;
    private boolean finished;
    /** Sink of {@link #prefetch}'s loads, so the JIT keeps them. */
    private int prefetched;

    HeadAppender(Head head) {
        this.head = head;
        this.metrics = head.metrics();
    }

    @Override
    public long append(long ref, Labels labels, long timestamp, double value) {
        if (finished) {
            throw new StorageException(Reason.CLOSED, "appender already committed or rolled back");
        }
        // Refs are never reused, so a live ref always names the series it was handed out for.
        MemSeries s = head.series(ref);
        // The usual scrape sample: newer than the series' newest, which the ref table holds beside
        // the series. A series with a sample is in the WAL already. Nothing here reads the series
        // object itself, a cache miss per sample otherwise.
        long newest = s == null ? Long.MIN_VALUE : head.seriesMaxTime(ref);
        if (newest != Long.MIN_VALUE && timestamp > newest && timestamp >= head.minValidTime()) {
            batch().add(s, ref, timestamp, value);
            return ref;
        }
        if (s == null) {
            if (labels == null) {
                throw new StorageException(Reason.LIMIT, "unknown series ref " + ref + " and no labels");
            }
            s = head.getOrCreate(labels);
        }
        int code = s.appendable(timestamp, value, head.outOfOrderMin(), head.minValidTime());
        switch (code) {
            case MemSeries.OK, MemSeries.OOO_OK -> buffer(s, timestamp, value);
            case MemSeries.DUPLICATE_SAME -> {
                // Prometheus ignores an identical re-append silently.
            }
            case MemSeries.OUT_OF_ORDER -> {
                metrics.outOfOrderSamples.increment();
                throw new StorageException(Reason.OUT_OF_ORDER, "out of order sample for " + s.labels() + " at " + timestamp);
            }
            case MemSeries.OUT_OF_BOUNDS -> {
                metrics.outOfBoundsSamples.increment();
                throw new StorageException(Reason.OUT_OF_BOUNDS, "out of bounds sample for " + s.labels() + " at " + timestamp
                        + " (head starts at " + head.minValidTime() + ")");
            }
            default -> {
                metrics.duplicateSamples.increment();
                throw new StorageException(Reason.DUPLICATE_TIMESTAMP, "duplicate sample for timestamp " + timestamp
                        + " with a different value for " + s.labels());
            }
        }
        if (!s.logged) {
            batch().unlogged.add(s);
        }
        return s.ref();
    }

    private AppendBatch batch() {
        AppendBatch b = batch;
        if (b == null) {
            b = head.batchPool().take();
            batch = b;
        }
        return b;
    }

    private void buffer(MemSeries s, long t, double v) {
        batch().add(s, s.ref(), t, v);
    }

    @Override
    public void commit() {
        if (finished) {
            throw new StorageException(Reason.CLOSED, "appender already committed or rolled back");
        }
        finished = true;
        AppendBatch b = batch;
        if (b == null) {
            return;
        }
        if (b.n == 0 && b.unlogged.isEmpty()) {
            release();
            return;
        }
        int n = b.n;
        List<MemSeries> unlogged = b.unlogged;
        WalRecords.Encoder encoder = b.encoder;
        prefetch(b);
        head.gcLock().readLock().lock();
        try {
            resolveRemoved(b);
            encoder.reset();
            boolean anySeries = false;
            for (MemSeries s : unlogged) {
                if (!s.logged) {
                    if (!anySeries) {
                        encoder.begin(WalRecords.SERIES);
                        anySeries = true;
                    }
                    encoder.seriesEntry(s.ref(), s.labels());
                }
            }
            if (anySeries) {
                encoder.end();
            }
            if (n > 0) {
                encoder.samples(b.refs, b.ts, b.vs, n);
            }
            try {
                head.wal().log(encoder.bytes().array(), encoder.bytes().length());
            } catch (java.nio.channels.ClosedChannelException e) {
                throw new StorageException(Reason.CLOSED, "the TSDB was closed; batch of " + n + " samples not stored", e);
            } catch (IOException e) {
                metrics.commitsFailedIo.increment();
                throw new StorageException(Reason.IO, "WAL write failed, batch of " + n + " samples not stored: " + e.getMessage(), e);
            }
            for (MemSeries s : unlogged) {
                s.logged = true;
            }
            apply(b);
        } finally {
            head.gcLock().readLock().unlock();
            release();
        }
    }

    /**
     * Touches each series' open chunk with plain loads before the locked append loop. A batch's
     * series are cold in the CPU caches; here the CPU fetches many of them at once, while in the
     * append loop each lock acquisition (a fenced instruction) would make it wait for one at a time.
     */
    private void prefetch(AppendBatch b) {
        MemSeries[] series = b.series;
        int sum = 0;
        for (int i = 0; i < b.n; i++) {
            sum += series[i].touchOpenChunk();
        }
        prefetched = sum;
    }

    /** Series dropped by head GC since append: point the samples at their live replacement. */
    private void resolveRemoved(AppendBatch b) {
        MemSeries[] series = b.series;
        for (int i = 0; i < b.n; i++) {
            MemSeries s = series[i];
            if (s.removed) {
                MemSeries live = head.getOrCreate(s.labels());
                series[i] = live;
                b.refs[i] = live.ref();
                if (!live.logged) {
                    b.unlogged.add(live);
                }
            }
        }
        b.unlogged.removeIf(s -> s.removed);
    }

    private void apply(AppendBatch b) {
        MemSeries[] series = b.series;
        long[] ts = b.ts;
        double[] vs = b.vs;
        int n = b.n;
        long oooMin = head.outOfOrderMin();
        long minValid = head.minValidTime();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        int appended = 0;
        for (int i = 0; i < n; i++) {
            int code = series[i].append(ts[i], vs[i], oooMin, minValid);
            if (code == MemSeries.OK || code == MemSeries.OOO_OK) {
                appended++;
                lo = Math.min(lo, ts[i]);
                hi = Math.max(hi, ts[i]);
                if (code == MemSeries.OOO_OK) {
                    metrics.outOfOrderAccepted.increment();
                }
            } else if (code == MemSeries.OUT_OF_ORDER || code == MemSeries.OUT_OF_BOUNDS) {
                // Raced with another appender of the same series: counted, as Prometheus does.
                metrics.outOfOrderSamples.increment();
            }
        }
        if (appended > 0) {
            head.updateTimes(lo, hi);
        }
        metrics.samplesAppended.add(appended);
    }

    @Override
    public void rollback() {
        finished = true;
        release();
    }

    private void release() {
        AppendBatch b = batch;
        if (b != null) {
            batch = null;
            head.batchPool().give(b);
        }
    }
}
