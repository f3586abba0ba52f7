package io.promethium.tsdb.internal.head;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.StorageException.Reason;
import io.promethium.tsdb.internal.exemplar.ExemplarStorage;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.wal.WalRecords;
import java.io.IOException;
import java.util.Arrays;
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
            rejectOutOfBoundsBeforeCreate(labels, timestamp);
            s = head.getOrCreate(labels);
        }
        int code = s.appendable(timestamp, value, head.outOfOrderMin(), head.minValidTime());
        if (code == MemSeries.OK || code == MemSeries.OOO_OK) {
            buffer(s, timestamp, value);
        } else {
            reject(code, s, timestamp);
        }
        if (!s.logged()) {
            batch().unlogged.add(s);
        }
        return s.ref();
    }

    @Override
    public long appendWithStart(long ref, Labels labels, long startTimestamp, long timestamp, double value) {
        if (startTimestamp == 0) {
            return append(ref, labels, timestamp, value);
        }
        AppendBatch b = batch();
        int before = b.n;
        long r = append(ref, labels, timestamp, value);
        if (b.n > before) {
            b.setStart(b.n - 1, startTimestamp);
        }
        return r;
    }

    @Override
    public long appendHistogram(long ref, Labels labels, long timestamp, Histogram histogram) {
        return appendHistogramWithStart(ref, labels, 0, timestamp, histogram);
    }

    @Override
    public long appendHistogram(long ref, Labels labels, long timestamp, FloatHistogram histogram) {
        return appendHistogramWithStart(ref, labels, 0, timestamp, histogram);
    }

    @Override
    public long appendHistogramWithStart(long ref, Labels labels, long startTimestamp, long timestamp, Histogram histogram) {
        return appendValidHistogram(ref, labels, startTimestamp, timestamp, histogram.copy());
    }

    @Override
    public long appendHistogramWithStart(long ref, Labels labels, long startTimestamp, long timestamp, FloatHistogram histogram) {
        return appendValidHistogram(ref, labels, startTimestamp, timestamp, histogram.copy());
    }

    /** Validates {@code copy} (a {@link Histogram} or {@link FloatHistogram} the batch may keep), then buffers it. */
    private long appendValidHistogram(long ref, Labels labels, long startTimestamp, long timestamp, Object copy) {
        try {
            if (copy instanceof Histogram h) {
                if (!h.isStale()) {
                    h.validate();
                }
            } else if (!((FloatHistogram) copy).isStale()) {
                ((FloatHistogram) copy).validate();
            }
        } catch (IllegalArgumentException e) {
            metrics.invalidHistograms.increment();
            throw new StorageException(Reason.INVALID, "invalid histogram for " + describe(ref, labels) + ": " + e.getMessage(), e);
        }
        AppendBatch b = batch();
        int before = b.hSeries.size();
        long r = appendAnyHistogram(ref, labels, timestamp, copy);
        if (startTimestamp != 0 && b.hSeries.size() > before) {
            b.setHistogramStart(before, startTimestamp);
        }
        return r;
    }

    private String describe(long ref, Labels labels) {
        if (labels != null) {
            return labels.toString();
        }
        MemSeries s = head.series(ref);
        return s == null ? "series ref " + ref : s.labels().toString();
    }

    private long appendAnyHistogram(long ref, Labels labels, long timestamp, Object copy) {
        if (labels != null && head.series(ref) == null) {
            rejectOutOfBoundsBeforeCreate(labels, timestamp);
        }
        MemSeries s = resolve(ref, labels);
        int code = s.appendableHistogram(timestamp, copy, head.outOfOrderMin(), head.minValidTime());
        if (code == MemSeries.OK || code == MemSeries.OOO_OK) {
            batch().addHistogram(s, timestamp, copy);
        } else {
            reject(code, s, timestamp);
        }
        if (!s.logged()) {
            batch().unlogged.add(s);
        }
        return s.ref();
    }

    @Override
    public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
        MemSeries s = resolve(ref, labels);
        if (head.exemplars().capacity() == 0) {
            return s.ref();
        }
        if (!exemplar.hasTimestamp()) {
            throw new StorageException(Reason.INVALID, "exemplar without a timestamp for " + s.labels());
        }
        if (ExemplarStorage.labelsLength(exemplar.labels()) > ExemplarStorage.MAX_LABELS_LENGTH) {
            metrics.invalidExemplars.increment();
            throw new StorageException(Reason.INVALID, "exemplar labels exceed " + ExemplarStorage.MAX_LABELS_LENGTH + " characters for "
                    + s.labels());
        }
        switch (head.exemplars().check(s.labels(), exemplar)) {
            case DUPLICATE -> {
                return s.ref();
            }
            case OUT_OF_ORDER -> {
                metrics.outOfOrderExemplars.increment();
                throw new StorageException(Reason.OUT_OF_ORDER, "out of order exemplar for " + s.labels() + " at " + exemplar.timestamp());
            }
            default -> {
            }
        }
        AppendBatch b = batch();
        b.eSeries.add(s);
        b.exemplars.add(exemplar);
        if (!s.logged()) {
            b.unlogged.add(s);
        }
        return s.ref();
    }

    @Override
    public long updateMetadata(long ref, Labels labels, Metadata metadata) {
        MemSeries s = resolve(ref, labels);
        if (!metadata.equals(s.metadata())) {
            AppendBatch b = batch();
            b.mSeries.add(s);
            b.metadata.add(metadata);
            if (!s.logged()) {
                b.unlogged.add(s);
            }
        }
        return s.ref();
    }

    private MemSeries resolve(long ref, Labels labels) {
        if (finished) {
            throw new StorageException(Reason.CLOSED, "appender already committed or rolled back");
        }
        MemSeries s = head.series(ref);
        if (s == null) {
            if (labels == null) {
                throw new StorageException(Reason.LIMIT, "unknown series ref " + ref + " and no labels");
            }
            s = head.getOrCreate(labels);
        }
        return s;
    }

    /**
     * A sample below the head's valid time, with out-of-order appends off, is refused before its
     * series is looked up or created, as Prometheus's appender does: else a late staleness marker
     * for a series head GC already dropped would bring it back empty, to be counted and kept
     * until the next truncation.
     */
    private void rejectOutOfBoundsBeforeCreate(Labels labels, long timestamp) {
        if (timestamp < head.minValidTime() && !head.outOfOrderEnabled()) {
            metrics.outOfBoundsSamples.increment();
            throw new StorageException(Reason.OUT_OF_BOUNDS, "out of bounds sample for " + labels + " at " + timestamp
                    + " (head starts at " + head.minValidTime() + ")");
        }
    }

    private void reject(int code, MemSeries s, long timestamp) {
        switch (code) {
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
        try {
            commitBatch();
        } finally {
            head.appenderDone();
        }
    }

    private void commitBatch() {
        AppendBatch b = batch;
        if (b == null) {
            return;
        }
        if (b.isEmpty()) {
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
            // A new series is queued once per call that met it (append, metadata, exemplar): log it once.
            java.util.Set<MemSeries> queued = unlogged.size() > 1 ? java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>())
                    : null;
            for (MemSeries s : unlogged) {
                if (!s.logged() && (queued == null || queued.add(s))) {
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
            if (b.hasStarts()) {
                encodeStarts(b, encoder);
            }
            boolean ordered = b.mixesKinds();
            if (ordered) {
                encodeInOrder(b, encoder);
            } else {
                if (n > 0) {
                    encoder.samples(b.refs, b.ts, b.vs, n);
                }
                encodeHistograms(b, encoder, 0, b.hSeries.size());
            }
            encodeRest(b, encoder);
            try {
                head.wal().log(encoder.bytes().array(), encoder.bytes().length());
            } catch (java.nio.channels.ClosedChannelException e) {
                throw new StorageException(Reason.CLOSED, "the TSDB was closed; batch of " + n + " samples not stored", e);
            } catch (IOException e) {
                metrics.commitsFailedIo.increment();
                throw new StorageException(Reason.IO, "WAL write failed, batch of " + n + " samples not stored: " + e.getMessage(), e);
            }
            for (MemSeries s : unlogged) {
                s.markLogged();
            }
            apply(b, ordered);
        } finally {
            head.gcLock().readLock().unlock();
            release();
        }
        head.committed();
    }

    /** The batch's start timestamps, before the sample records they belong to (replay meets them first). */
    private static void encodeStarts(AppendBatch b, WalRecords.Encoder encoder) {
        encoder.begin(WalRecords.START_TIMESTAMPS);
        for (int i = 0; i < b.n; i++) {
            long st = b.start(i);
            if (st != 0) {
                encoder.startTimestampEntry(b.refs[i], b.ts[i], st);
            }
        }
        for (int i = 0; i < b.hSeries.size(); i++) {
            long st = b.histogramStart(i);
            if (st != 0) {
                encoder.startTimestampEntry(b.hSeries.get(i).ref(), b.hTs[i], st);
            }
        }
        encoder.end();
    }

    /** Floats and histograms as runs in append order, so a series that changes kind replays in order. */
    private static void encodeInOrder(AppendBatch b, WalRecords.Encoder encoder) {
        int f = 0;
        int h = 0;
        int hn = b.hSeries.size();
        while (f < b.n || h < hn) {
            int floatsTo = h < hn ? b.hSeq[h] : b.n;
            if (floatsTo > f) {
                encoder.samples(Arrays.copyOfRange(b.refs, f, floatsTo), Arrays.copyOfRange(b.ts, f, floatsTo),
                        Arrays.copyOfRange(b.vs, f, floatsTo), floatsTo - f);
                f = floatsTo;
            }
            int hTo = h;
            while (hTo < hn && b.hSeq[hTo] == f) {
                hTo++;
            }
            encodeHistograms(b, encoder, h, hTo);
            h = hTo;
        }
    }

    /** The histogram records of histograms {@code from} to {@code to} (integer then float, each only when there are some). */
    private static void encodeHistograms(AppendBatch b, WalRecords.Encoder encoder, int from, int to) {
        for (int pass = 0; pass < 2; pass++) {
            boolean floats = pass == 1;
            boolean begun = false;
            for (int i = from; i < to; i++) {
                Object h = b.hValues.get(i);
                if ((h instanceof FloatHistogram) != floats) {
                    continue;
                }
                if (!begun) {
                    encoder.begin(floats ? WalRecords.FLOAT_HISTOGRAMS : WalRecords.HISTOGRAMS);
                    begun = true;
                }
                if (floats) {
                    encoder.floatHistogramEntry(b.hSeries.get(i).ref(), b.hTs[i], (FloatHistogram) h);
                } else {
                    encoder.histogramEntry(b.hSeries.get(i).ref(), b.hTs[i], (Histogram) h);
                }
            }
            if (begun) {
                encoder.end();
            }
        }
    }

    /** The exemplar and metadata records of a batch (each only when it has entries). */
    private static void encodeRest(AppendBatch b, WalRecords.Encoder encoder) {
        if (!b.eSeries.isEmpty()) {
            encoder.begin(WalRecords.EXEMPLARS);
            for (int i = 0; i < b.eSeries.size(); i++) {
                encoder.exemplarEntry(b.eSeries.get(i).ref(), b.exemplars.get(i));
            }
            encoder.end();
        }
        if (!b.mSeries.isEmpty()) {
            encoder.begin(WalRecords.METADATA_FAMILY);
            for (int i = 0; i < b.mSeries.size(); i++) {
                encoder.metadataEntry(b.mSeries.get(i).ref(), b.metadata.get(i));
            }
            encoder.end();
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
            if (s.removed()) {
                MemSeries live = head.getOrCreate(s.labels());
                series[i] = live;
                b.refs[i] = live.ref();
                if (!live.logged()) {
                    b.unlogged.add(live);
                }
            }
        }
        replaceRemoved(b, b.hSeries);
        replaceRemoved(b, b.eSeries);
        replaceRemoved(b, b.mSeries);
        b.unlogged.removeIf(MemSeries::removed);
    }

    private void replaceRemoved(AppendBatch b, List<MemSeries> list) {
        for (int i = 0; i < list.size(); i++) {
            MemSeries s = list.get(i);
            if (s.removed()) {
                MemSeries live = head.getOrCreate(s.labels());
                list.set(i, live);
                if (!live.logged()) {
                    b.unlogged.add(live);
                }
            }
        }
    }

    private void apply(AppendBatch b, boolean ordered) {
        MemSeries[] series = b.series;
        long[] ts = b.ts;
        double[] vs = b.vs;
        int n = b.n;
        long oooMin = head.outOfOrderMin();
        long minValid = head.minValidTime();
        SeriesWrites writes = head.writes();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        int appended = 0;
        int h = 0;
        int hn = b.hSeries.size();
        for (int i = 0; i < n; i++) {
            // A series that changes kind in this batch: its histograms added before this float go first.
            while (ordered && h < hn && b.hSeq[h] <= i) {
                if (applyHistogram(b, h++, oooMin, minValid)) {
                    appended++;
                    lo = Math.min(lo, b.hTs[h - 1]);
                    hi = Math.max(hi, b.hTs[h - 1]);
                }
            }
            int code = series[i].append(ts[i], vs[i], oooMin, minValid, writes);
            if (code == MemSeries.OK || code == MemSeries.OOO_OK) {
                appended++;
                // The series was just locked and written: its flag is in cache, so series without starts pay nothing.
                if (series[i].hasStarts() || b.sts != null) {
                    head.recordStart(series[i], ts[i], b.start(i));
                }
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
        for (; h < hn; h++) {
            if (applyHistogram(b, h, oooMin, minValid)) {
                appended++;
                lo = Math.min(lo, b.hTs[h]);
                hi = Math.max(hi, b.hTs[h]);
            }
        }
        if (appended > 0) {
            head.updateTimes(lo, hi);
        }
        metrics.samplesAppended.add(appended);
        for (int i = 0; i < b.eSeries.size(); i++) {
            head.exemplars().add(b.eSeries.get(i).labels(), b.exemplars.get(i));
        }
        for (int i = 0; i < b.mSeries.size(); i++) {
            b.mSeries.get(i).updateMetadata(head.intern(b.metadata.get(i)));
        }
    }

    private boolean applyHistogram(AppendBatch b, int i, long oooMin, long minValid) {
        MemSeries s = b.hSeries.get(i);
        int code = s.appendHistogram(b.hTs[i], b.hValues.get(i), oooMin, minValid, head.writes());
        if (code == MemSeries.OK || code == MemSeries.OOO_OK) {
            head.recordStart(s, b.hTs[i], b.histogramStart(i));
            metrics.histogramSamplesAppended.increment();
            if (code == MemSeries.OOO_OK) {
                metrics.outOfOrderAccepted.increment();
            }
            return true;
        }
        if (code == MemSeries.OUT_OF_ORDER || code == MemSeries.OUT_OF_BOUNDS) {
            metrics.outOfOrderSamples.increment();
        }
        return false;
    }

    @Override
    public void rollback() {
        if (!finished) {
            finished = true;
            head.appenderDone();
        }
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
