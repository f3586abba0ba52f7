package io.promethium.remote.write;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.trace.Span;
import io.promethium.api.trace.Tracer;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.WriteRequestEncoder;
import io.promethium.remote.wire.WriteV2Encoder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One sending lane: a bounded ring of samples, histograms and exemplars ({@code capacity}) that the WAL
 * follower fills and one thread drains in batches of up to {@code max_samples_per_send}, sending
 * a partial batch after {@code batch_send_deadline}; a request carries one {@code TimeSeries} per
 * series of the batch with its samples, native histograms and exemplars. A batch is retried with backoff while the error is
 * recoverable; {@link #done()} counts samples whose fate is settled (sent, or dropped and
 * counted), which is what the queue's persisted WAL position waits for.
 */
final class Shard implements Runnable {
    private final QueueManager queue;
    private final RemoteWriteSettings.Queue settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();

    // The ring, guarded by lock.
    private final Labels[] labels;
    private final long[] timestamps;
    private final double[] values;
    /**
     * What an entry carries besides a float: an {@link Exemplar}, a {@link Histogram} or a
     * {@link FloatHistogram} (copies the shard owns); null for a float sample. Floats, the bulk,
     * stay primitive.
     */
    private final Object[] extras;
    /** Start timestamps beside the entries (0: none); allocated at the first sample that has one. */
    private long[] starts;
    private int head;
    private int size;
    private long enqueued;
    private boolean draining;
    private boolean stopped;

    // The batch being sent, owned by the shard thread.
    private final Labels[] batchLabels;
    private final long[] batchTimestamps;
    private final double[] batchValues;
    private final Object[] batchExtras;
    /** The batch's start timestamps, or null while the ring never had one. */
    private long[] batchStarts;
    private final WriteRequestEncoder encoder;
    /** Remote write 2.0's encoder when {@code protobuf_message} asks for it, else null. */
    private final WriteV2Encoder encoderV2;
    private volatile long done;

    // Grouping a batch by series, owned by the shard thread: an open-addressing table of group
    // numbers keyed by the labels' identity (the follower hands every sample of a series the same
    // Labels instance), the first and last sample of each group, and each sample's successor.
    private final int[] slots;
    private final int[] groupFirst;
    private final int[] groupLast;
    private final int[] nextInGroup;

    Shard(QueueManager queue, RemoteWriteSettings.Queue settings, boolean v2) {
        this.queue = queue;
        this.settings = settings;
        this.encoder = v2 ? null : new WriteRequestEncoder();
        this.encoderV2 = v2 ? new WriteV2Encoder() : null;
        labels = new Labels[settings.capacity()];
        timestamps = new long[settings.capacity()];
        values = new double[settings.capacity()];
        extras = new Object[settings.capacity()];
        int batch = Math.min(settings.maxSamplesPerSend(), settings.capacity());
        batchLabels = new Labels[batch];
        batchTimestamps = new long[batch];
        batchValues = new double[batch];
        batchExtras = new Object[batch];
        slots = new int[Integer.highestOneBit(batch) << 2];
        groupFirst = new int[batch];
        groupLast = new int[batch];
        nextInGroup = new int[batch];
    }

    /**
     * Adds a float sample ({@code extra} null), a histogram sample at {@code t} ({@code extra} a
     * {@link Histogram} or {@link FloatHistogram} the shard may keep) or an exemplar ({@code t},
     * {@code v} unused), waiting while the ring is full; false when the shard stopped meanwhile.
     */
    boolean enqueue(Labels l, long t, double v, Object extra) throws InterruptedException {
        return enqueue(l, t, v, extra, 0);
    }

    /**
     * As {@link #enqueue(Labels, long, double, Object)}, with the sample's start timestamp (0: none),
     * which remote write 2.0 sends as the series' created timestamp (1.0 has no place for it).
     */
    boolean enqueue(Labels l, long t, double v, Object extra, long start) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            boolean counted = false;
            while (size == labels.length) {
                if (stopped || draining) {
                    return false;
                }
                if (!counted) {
                    queue.metrics().enqueueRetries.increment();
                    counted = true;
                }
                notFull.await(100, TimeUnit.MILLISECONDS);
            }
            if (stopped || draining) {
                return false;
            }
            int i = (head + size) % labels.length;
            labels[i] = l;
            if (extra instanceof Exemplar e) {
                timestamps[i] = e.timestamp();
                values[i] = e.value();
            } else {
                timestamps[i] = t;
                values[i] = v;
            }
            extras[i] = extra;
            if (start != 0 && starts == null && encoderV2 != null) {
                starts = new long[labels.length];
            }
            if (starts != null) {
                starts[i] = start;
            }
            size++;
            enqueued++;
            if (size >= batchLabels.length) {
                notEmpty.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Samples accepted so far. */
    long enqueued() {
        lock.lock();
        try {
            return enqueued;
        } finally {
            lock.unlock();
        }
    }

    long done() {
        return done;
    }

    /** Sends what is queued, then ends the thread. */
    void drain() {
        lock.lock();
        try {
            draining = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the thread soon, abandoning what is queued (the WAL still has it). */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                int n = take();
                if (n < 0) {
                    return;
                }
                if (n > 0) {
                    int ex = exemplarCount(n);
                    int hist = histogramCount(n);
                    send(n);
                    done += n;
                    queue.metrics().samplesPending.addAndGet(-(n - ex - hist));
                    queue.metrics().exemplarsPending.addAndGet(-ex);
                    queue.metrics().histogramsPending.addAndGet(-hist);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fills the batch: waits for a full one or the deadline; -1 when the shard is finished. */
    private int take() throws InterruptedException {
        long deadline = System.nanoTime() + settings.batchSendDeadline().toNanos();
        lock.lock();
        try {
            while (!stopped && !draining && size < batchLabels.length) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                notEmpty.awaitNanos(left);
            }
            if (stopped || (draining && size == 0)) {
                return -1;
            }
            int n = Math.min(size, batchLabels.length);
            for (int k = 0; k < n; k++) {
                int i = (head + k) % labels.length;
                batchLabels[k] = labels[i];
                batchTimestamps[k] = timestamps[i];
                batchValues[k] = values[i];
                batchExtras[k] = extras[i];
                if (starts != null) {
                    if (batchStarts == null) {
                        batchStarts = new long[batchLabels.length];
                    }
                    batchStarts[k] = starts[i];
                } else if (batchStarts != null) {
                    batchStarts[k] = 0;
                }
                labels[i] = null;
                extras[i] = null;
            }
            head = (head + n) % labels.length;
            size -= n;
            notFull.signalAll();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Sends the batch until it is settled: sent, refused for good, or too old to send. */
    private void send(int count) throws InterruptedException {
        QueueMetrics m = queue.metrics();
        // Read once per batch: with no tracer bound (or tracing off) every span below is Span.NONE.
        Tracer tracer = queue.tracer();
        int n = count;
        long backoff = settings.minBackoff().toMillis();
        int attempt = 0;
        while (true) {
            n = dropTooOld(n);
            if (n == 0) {
                return;
            }
            long highest = encode(n);
            int ex = exemplarCount(n);
            int hist = histogramCount(n);
            int floats = n - ex - hist;
            byte[] body = encoderV2 != null ? Snappy.encode(encoderV2.buffer(), encoderV2.size())
                    : Snappy.encode(encoder.buffer(), encoder.size());
            long start = System.nanoTime();
            Sender.Outcome outcome;
            // Prometheus's span per try of a batch (createBatchSpan), with its attributes and the try's error.
            try (Span span = tracer.start("Remote Send Batch")) {
                if (span != Span.NONE) {
                    span.attribute("request_size", body.length).attribute("samples", floats).attribute("try", attempt)
                            .attribute("remote_name", queue.settings().queueName())
                            .attribute("remote_url", queue.settings().url().toString());
                    if (ex > 0) {
                        span.attribute("exemplars", ex);
                    }
                    if (hist > 0) {
                        span.attribute("histograms", hist);
                    }
                }
                outcome = queue.sender().send(body, body.length, attempt, tracer);
                if (!outcome.ok()) {
                    span.error(outcome.error());
                }
            }
            long took = System.nanoTime() - start;
            m.observeBatch(took / 1e9);
            if (outcome.ok()) {
                boolean partial = encoderV2 != null && outcome.confirmed() && partialWrite(outcome, floats, hist);
                m.samplesSent.add(floats);
                m.exemplarsSent.add(ex);
                m.histogramsSent.add(hist);
                m.bytesSent.add(body.length);
                m.highestSentMillis.accumulateAndGet(highest, Math::max);
                queue.sent(n, took);
                if (!partial) {
                    queue.errors().succeeded();
                }
                return;
            }
            boolean recoverable = outcome.status() == 0 || outcome.status() / 100 == 5
                    || (outcome.status() == 429 && settings.retryOnHttp429());
            queue.errors().failed("sending samples", outcome.error(), recoverable);
            if (!recoverable) {
                m.samplesFailed.add(floats);
                m.exemplarsFailed.add(ex);
                m.histogramsFailed.add(hist);
                return;
            }
            m.samplesRetried.add(floats);
            m.exemplarsRetried.add(ex);
            m.histogramsRetried.add(hist);
            if (stopped) {
                // Closing: leave the batch unsettled; the persisted position makes the next start resend it.
                throw new InterruptedException("queue stopped");
            }
            // A receiver's Retry-After (seconds or an HTTP date) replaces the backoff of this wait, on
            // a 429 or a 5xx alike, as Prometheus; the backoff still doubles for the next.
            long sleep = outcome.retryAfterMillis() > 0 ? outcome.retryAfterMillis() : backoff;
            sleepUnlessStopped(sleep);
            backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
            attempt++;
        }
    }

    /**
     * Encodes the batch as one {@code TimeSeries} per series holding all its samples, histograms and exemplars
     * of the batch, in the order they were read (a series' samples stay in time order, as receivers
     * require; series appear in the order of their first entry). Returns the newest sample timestamp.
     */
    private long encode(int n) {
        java.util.Arrays.fill(slots, 0);
        int mask = slots.length - 1;
        int groups = 0;
        long highest = Long.MIN_VALUE;
        for (int k = 0; k < n; k++) {
            Labels l = batchLabels[k];
            nextInGroup[k] = -1;
            if (!(batchExtras[k] instanceof Exemplar)) {
                highest = Math.max(highest, batchTimestamps[k]);
            }
            int i = (System.identityHashCode(l) * 0x9E3779B9) >>> 7 & mask;
            while (true) {
                int g = slots[i] - 1;
                if (g < 0) {
                    slots[i] = groups + 1;
                    groupFirst[groups] = k;
                    groupLast[groups] = k;
                    groups++;
                    break;
                }
                if (batchLabels[groupFirst[g]] == l) {
                    nextInGroup[groupLast[g]] = k;
                    groupLast[g] = k;
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        if (encoderV2 != null) {
            encodeV2(groups);
            return highest;
        }
        encoder.reset();
        for (int g = 0; g < groups; g++) {
            encoder.beginSeries(batchLabels[groupFirst[g]]);
            boolean anyExtra = false;
            for (int k = groupFirst[g]; k >= 0; k = nextInGroup[k]) {
                if (batchExtras[k] == null) {
                    encoder.sample(batchTimestamps[k], batchValues[k]);
                } else {
                    anyExtra = true;
                }
            }
            if (anyExtra) {
                for (int k = groupFirst[g]; k >= 0; k = nextInGroup[k]) {
                    Object x = batchExtras[k];
                    if (x instanceof Histogram h) {
                        encoder.histogram(batchTimestamps[k], h);
                    } else if (x instanceof FloatHistogram h) {
                        encoder.histogram(batchTimestamps[k], h);
                    }
                }
                for (int k = groupFirst[g]; k >= 0; k = nextInGroup[k]) {
                    if (batchExtras[k] instanceof Exemplar e) {
                        encoder.exemplar(e.labels(), e.value(), e.timestamp());
                    }
                }
            }
            encoder.endSeries();
        }
        return highest;
    }

    /**
     * Remote write 2.0: a {@code TimeSeries} carries floats or histograms, never both, so a series
     * with both in the batch (it changed kind) becomes two; its exemplars and metadata travel with
     * the first.
     */
    private void encodeV2(int groups) {
        WriteV2Encoder e = encoderV2;
        e.reset();
        for (int g = 0; g < groups; g++) {
            Labels l = batchLabels[groupFirst[g]];
            boolean floats = false;
            boolean histograms = false;
            for (int k = groupFirst[g]; k >= 0; k = nextInGroup[k]) {
                Object x = batchExtras[k];
                floats |= x == null;
                histograms |= x instanceof Histogram || x instanceof FloatHistogram;
            }
            Metadata md = queue.metadataOf(l);
            if (floats || !histograms) {
                emitRun(e, l, g, false, true, md);
            }
            if (histograms) {
                emitRun(e, l, g, true, !floats, floats ? null : md);
            }
        }
        e.finish();
    }

    /**
     * The floats (or histograms) of group {@code g} as {@code TimeSeries} messages: one, or a new
     * one wherever the samples' start timestamp changes (a {@code TimeSeries} of the older
     * revision has one created timestamp; the specification allows a series in several messages
     * for that), each sample carrying its start too.
     */
    private void emitRun(WriteV2Encoder e, Labels l, int g, boolean histogramRun, boolean withExemplars, Metadata md) {
        boolean begun = false;
        long current = 0;
        for (int k = groupFirst[g]; k >= 0; k = nextInGroup[k]) {
            Object x = batchExtras[k];
            if (x instanceof Exemplar ex) {
                if (withExemplars) {
                    if (!begun) {
                        e.beginSeries(l, md, 0);
                        begun = true;
                    }
                    e.exemplar(ex.labels(), ex.value(), ex.timestamp());
                }
                continue;
            }
            boolean histogram = x instanceof Histogram || x instanceof FloatHistogram;
            if (histogram != histogramRun) {
                continue;
            }
            long st = batchStarts == null ? 0 : batchStarts[k];
            if (!begun || st != current) {
                if (begun) {
                    e.endSeries();
                }
                e.beginSeries(l, begun ? null : md, st);
                begun = true;
                current = st;
            }
            // Each sample's start also travels as its own start_timestamp (the specification's
            // newest revision, which reserves created_timestamp): both kinds of receiver read it.
            if (x == null) {
                e.sample(batchTimestamps[k], batchValues[k], st);
            } else if (x instanceof Histogram h) {
                e.histogram(batchTimestamps[k], st, h);
            } else {
                e.histogram(batchTimestamps[k], st, (FloatHistogram) x);
            }
        }
        if (begun) {
            e.endSeries();
        }
    }

    /**
     * A 2.0 receiver that confirms fewer than were sent took part of the batch: the rest is
     * counted failed (a 2xx is not retried, as Prometheus) and the receiver's shortfall logged.
     */
    private boolean partialWrite(Sender.Outcome outcome, int floats, int hist) {
        long missingSamples = outcome.samplesWritten() >= 0 ? Math.max(0, floats - outcome.samplesWritten()) : 0;
        long missingHistograms = outcome.histogramsWritten() >= 0 ? Math.max(0, hist - outcome.histogramsWritten()) : 0;
        if (missingSamples + missingHistograms == 0) {
            return false;
        }
        QueueMetrics m = queue.metrics();
        m.samplesFailed.add(missingSamples);
        m.histogramsFailed.add(missingHistograms);
        queue.errors().failed("sending samples", "the receiver wrote " + outcome.samplesWritten() + " of " + floats + " samples and "
                + outcome.histogramsWritten() + " of " + hist + " histograms of a batch it accepted", false);
        return true;
    }

    private int exemplarCount(int n) {
        int ex = 0;
        for (int k = 0; k < n; k++) {
            ex += batchExtras[k] instanceof Exemplar ? 1 : 0;
        }
        return ex;
    }

    private int histogramCount(int n) {
        int h = 0;
        for (int k = 0; k < n; k++) {
            h += batchExtras[k] instanceof Histogram || batchExtras[k] instanceof FloatHistogram ? 1 : 0;
        }
        return h;
    }

    private void sleepUnlessStopped(long millis) throws InterruptedException {
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!stopped && left > 0) {
                left = notEmpty.awaitNanos(left);
            }
            if (stopped) {
                throw new InterruptedException("queue stopped");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops samples and exemplars older than {@code sample_age_limit} (counted), compacting the batch. */
    private int dropTooOld(int n) {
        if (settings.sampleAgeLimit().isZero()) {
            return n;
        }
        long oldest = System.currentTimeMillis() - settings.sampleAgeLimit().toMillis();
        int kept = 0;
        for (int k = 0; k < n; k++) {
            if (batchTimestamps[k] >= oldest) {
                batchLabels[kept] = batchLabels[k];
                batchTimestamps[kept] = batchTimestamps[k];
                batchValues[kept] = batchValues[k];
                batchExtras[kept] = batchExtras[k];
                if (batchStarts != null) {
                    batchStarts[kept] = batchStarts[k];
                }
                kept++;
            } else if (batchExtras[k] instanceof Exemplar) {
                queue.metrics().exemplarsDropped.increment();
            } else if (batchExtras[k] != null) {
                queue.metrics().histogramsDropped.increment();
            } else {
                queue.metrics().samplesDropped.increment();
                queue.metrics().samplesDroppedTooOld.increment();
            }
        }
        for (int k = kept; k < n; k++) {
            batchExtras[k] = null;
        }
        return kept;
    }
}
