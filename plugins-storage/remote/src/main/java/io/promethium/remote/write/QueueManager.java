package io.promethium.remote.write;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.AppendTotals;
import io.promethium.api.storage.MetadataSource;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalWatchable;
import io.promethium.api.trace.Span;
import io.promethium.api.trace.Tracer;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.WriteRequestEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@code remote_write} queue, as Prometheus's queue manager: a follower thread tails the WAL
 * from the persisted position, turns series records into labels (external labels, then
 * {@code write_relabel_configs}) and hands samples to shards by series; shards send and retry.
 * The position is persisted only once every sample before it is settled (sent, or dropped and
 * counted), so a receiver's outage or our restart loses nothing that the WAL still holds, and a
 * sample is sent twice only when a request timed out after the receiver took it.
 *
 * <p>The number of shards follows the incoming rate (Prometheus's calculation: time per sample
 * times the incoming rate plus a share of the backlog, changed only past ±30%, and not while
 * sends fail). Scraping never waits for any of this: the follower reads what is already on disk.
 */
final class QueueManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(QueueManager.class.getName());
    private static final long READ_BYTES = 1 << 20;
    private static final long POLL_MILLIS = 20;
    static final long SHARD_UPDATE_MILLIS = 10_000;
    private static final double EWMA_WEIGHT = 0.2;
    static final Labels DROPPED = Labels.of("__dropped__", "");

    final RemoteWriteSettings settings;
    private final WalWatchable log;
    private final Sender sender;
    private final Supplier<List<MetadataSource.FamilyMetadata>> metadata;
    private final Supplier<Tracer> tracer;
    final QueueMetrics metrics;
    private final ErrorLog errors;
    private final Path positionFile;
    private final long shardUpdateMillis;

    volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();
    volatile Shard[] shards = new Shard[0];
    private final List<Thread> shardThreads = new ArrayList<>();
    private volatile int reshardTo = -1;
    private WalPosition startAt;

    /** Positions read up to, with each shard's enqueued count at that point; guarded by itself. */
    private final ArrayDeque<Checkpoint> checkpoints = new ArrayDeque<>();
    private WalPosition persisted;

    // Rates for the shard calculation.
    final AtomicLong samplesIn = new AtomicLong();
    final AtomicLong exemplarsIn = new AtomicLong();
    final AtomicLong histogramsIn = new AtomicLong();
    /** Remote write 2.0: each series' metadata from the WAL, by the labels sent. */
    final java.util.concurrent.ConcurrentHashMap<Labels, Metadata> seriesMetadata = new java.util.concurrent.ConcurrentHashMap<>();
    /** Remote write 2.0: the scraped families' metadata, for series the WAL gave none for. */
    private volatile java.util.Map<String, Metadata> familyMetadata = java.util.Map.of();
    private final AtomicLong samplesOut = new AtomicLong();
    private final AtomicLong sendNanos = new AtomicLong();
    final AtomicLong highestIn = new AtomicLong();
    private volatile long lastSuccessMillis = System.currentTimeMillis();

    private record Checkpoint(WalPosition position, long[] enqueued) {
    }

    QueueManager(RemoteWriteSettings settings, WalWatchable log, Sender sender,
                 Supplier<List<MetadataSource.FamilyMetadata>> metadata, long shardUpdateMillis) throws IOException {
        this(settings, log, sender, metadata, shardUpdateMillis, () -> Tracer.NONE);
    }

    /** @param tracer the tracer bound now ({@link Tracer#NONE} when none), read once per batch */
    QueueManager(RemoteWriteSettings settings, WalWatchable log, Sender sender,
                 Supplier<List<MetadataSource.FamilyMetadata>> metadata, long shardUpdateMillis,
                 Supplier<Tracer> tracer) throws IOException {
        this.tracer = tracer;
        this.settings = settings;
        this.log = log;
        this.sender = sender;
        this.metadata = metadata;
        this.metrics = new QueueMetrics(settings.queueName(), settings.url().toString(), settings.queue());
        this.errors = new ErrorLog(settings.queueName() + " (" + settings.url() + ")");
        this.shardUpdateMillis = shardUpdateMillis;
        Path dir = log.stateDirectory();
        Files.createDirectories(dir);
        this.positionFile = dir.resolve("remote-write-" + positionKey(settings) + ".position");
    }

    /** The position file's name: the queue's name, or its URL's hash when unnamed. */
    private static String positionKey(RemoteWriteSettings s) {
        String key = s.queueName().equals(s.fingerprint().substring(0, 6)) ? s.url().toString() : s.queueName();
        return Integer.toHexString(key.hashCode()) + "-" + key.replaceAll("[^A-Za-z0-9_.-]", "_")
                .substring(0, Math.min(40, key.replaceAll("[^A-Za-z0-9_.-]", "_").length()));
    }

    RemoteWriteSettings settings() {
        return settings;
    }

    QueueMetrics metrics() {
        return metrics;
    }

    ErrorLog errors() {
        return errors;
    }

    Sender sender() {
        return sender;
    }

    Tracer tracer() {
        return tracer.get();
    }

    long samplesRead() {
        return samplesIn.get();
    }

    long exemplarsRead() {
        return exemplarsIn.get();
    }

    long histogramsRead() {
        return histogramsIn.get();
    }

    /**
     * Prometheus's highest timestamp in: the newest one the storage committed, so a reader stalled
     * behind a down receiver still shows the backlog; the newest read when the log does not say.
     */
    long highestInMillis() {
        AppendTotals a = appendedNow();
        return a.known() ? Math.max(a.highestTimestamp(), highestIn.get()) : highestIn.get();
    }

    private AppendTotals appendedNow() {
        try {
            return log.appended();
        } catch (RuntimeException e) {
            return AppendTotals.UNKNOWN; // the storage is restarting: the next tick asks again
        }
    }

    void sent(int n, long nanos) {
        samplesOut.addAndGet(n);
        sendNanos.addAndGet(nanos);
        lastSuccessMillis = System.currentTimeMillis();
    }

    /** Starts sending from the persisted position, or (a new queue) from what is written after this call. */
    synchronized void start() throws IOException {
        startAt = startPosition();
        running = true;
        startShards(settings.queue().minShards());
        threads.add(Thread.ofPlatform().name("remote-write-follower " + settings.queueName()).daemon().start(this::follow));
        threads.add(Thread.ofPlatform().name("remote-write-tuner " + settings.queueName()).daemon().start(this::tune));
        // Remote write 2.0 carries metadata inside each series; 1.0 sends it in requests of its own.
        if (settings.metadata().send() && metadata != null && !settings.v2()) {
            threads.add(Thread.ofPlatform().name("remote-write-metadata " + settings.queueName()).daemon().start(this::sendMetadataLoop));
        }
    }

    private void startShards(int n) {
        Shard[] next = new Shard[n];
        for (int i = 0; i < n; i++) {
            next[i] = new Shard(this, settings.queue(), settings.v2());
            shardThreads.add(Thread.ofPlatform().name("remote-write-shard " + settings.queueName() + " " + i).daemon().start(next[i]));
        }
        shards = next;
        metrics.shards.set(n);
    }

    // ---- the WAL follower ----

    /** How many series the follower holds labels for; read by tests. */
    volatile int seriesKnown;

    /** A visitor of series records only. */
    @FunctionalInterface
    private interface SeriesRefs extends io.promethium.api.storage.WalVisitor {
        @Override
        default void sample(long ref, long timestamp, double value) {
        }
    }

    private void follow() {
        WalFollower follower = new WalFollower(this);
        WalPosition pos;
        try {
            pos = startAt;
            log.seriesBefore(pos, follower);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "remote_write " + settings.queueName() + ": cannot start reading the WAL: " + e.getMessage(), e);
            return;
        }
        String lastError = null;
        WalPosition checkpointSeen = null;
        int collectAtSegment = -1;
        while (running) {
            try {
                if (reshardTo > 0) {
                    reshard(reshardTo);
                }
                WalPosition oldest = log.oldest();
                if (checkpointSeen == null) {
                    checkpointSeen = oldest;
                } else if (oldest.segment() > checkpointSeen.segment()) {
                    // A new checkpoint: the series it dropped may still have samples in the segments
                    // written before the cut, so they are forgotten once those are read.
                    checkpointSeen = oldest;
                    collectAtSegment = log.end().segment();
                }
                if (collectAtSegment >= 0 && pos.segment() >= collectAtSegment) {
                    collectAtSegment = -1;
                    forgetEndedSeries(follower, pos, checkpointSeen);
                }
                seriesKnown = follower.seriesKnown();
                if (pos.compareTo(oldest) < 0) {
                    metrics.walGaps.increment();
                    LOG.warning("remote_write " + settings.queueName() + ": the WAL was truncated past the position " + pos
                            + " before its samples were sent (an outage longer than the WAL's retention); resuming at " + oldest);
                    log.seriesBefore(oldest, follower);
                    pos = oldest;
                }
                WalPosition next = log.read(pos, READ_BYTES, follower);
                if (follower.stopped) {
                    return;
                }
                lastError = null;
                metrics.currentSegment.set(next.segment());
                if (next.equals(pos)) {
                    Thread.sleep(POLL_MILLIS);
                    continue;
                }
                checkpoint(next);
                pos = next;
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!String.valueOf(e.getMessage()).equals(lastError)) {
                    lastError = String.valueOf(e.getMessage());
                    LOG.log(Level.WARNING, "remote_write " + settings.queueName() + ": reading the WAL failed: " + e.getMessage(), e);
                }
                metrics.decodeFailures.increment();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * Once the follower has read every segment written before a head cut, the series that cut
     * ended are in no record it has yet to read: it keeps the series of the checkpoint and of the
     * segments after it up to {@code pos}, and forgets the rest. Skipped (until the next checkpoint)
     * when a newer checkpoint came meanwhile, whose cut may have ended series with samples still
     * unread.
     */
    private void forgetEndedSeries(WalFollower follower, WalPosition pos, WalPosition checkpoint) {
        RefMap<Boolean> live = new RefMap<>();
        try {
            log.seriesBefore(pos, (SeriesRefs) (ref, labels) -> live.put(ref, Boolean.TRUE));
            if (log.oldest().equals(checkpoint)) {
                follower.forgetEndedSeries(live);
            }
        } catch (IOException e) {
            // Segments removed by a newer truncation while read: its checkpoint is noticed next round.
        }
    }

    private WalPosition startPosition() throws IOException {
        WalPosition end = log.end();
        WalPosition saved = readPosition();
        if (saved == null) {
            // A new queue sends what is written from now on, as Prometheus does.
            writePosition(end);
            return end;
        }
        if (saved.compareTo(end) > 0) {
            LOG.warning("remote_write " + settings.queueName() + ": saved position " + saved + " is past the WAL's end " + end
                    + " (a different data folder?); starting at the end");
            writePosition(end);
            return end;
        }
        LOG.info("remote_write " + settings.queueName() + ": resuming at WAL position " + saved + " (end " + end + ")");
        persisted = saved;
        return saved;
    }

    Labels withExternal(Labels labels) {
        Labels external = settings.externalLabels();
        if (external.isEmpty()) {
            return labels;
        }
        Labels.Builder b = labels.toBuilder();
        for (int i = 0; i < external.size(); i++) {
            if (!labels.has(external.name(i))) {
                b.set(external.name(i), external.value(i));
            }
        }
        return b.build();
    }

    /**
     * The metadata a 2.0 series carries: what the WAL recorded for it, else its family's as the
     * scrapes know it (the metric name, or it without a histogram/summary/counter suffix); null
     * when unknown or with {@code metadata_config.send: false}.
     */
    Metadata metadataOf(Labels labels) {
        if (!settings.metadata().send()) {
            return null;
        }
        Metadata m = seriesMetadata.get(labels);
        if (m != null) {
            return m;
        }
        java.util.Map<String, Metadata> families = familyMetadata;
        if (families.isEmpty()) {
            return null;
        }
        String name = labels.metricName();
        m = families.get(name);
        for (int i = 0; m == null && i < FAMILY_SUFFIXES.length; i++) {
            if (name.endsWith(FAMILY_SUFFIXES[i])) {
                m = families.get(name.substring(0, name.length() - FAMILY_SUFFIXES[i].length()));
            }
        }
        return m;
    }

    private static final String[] FAMILY_SUFFIXES = {"_bucket", "_count", "_sum", "_total", "_created", "_info", "_gcount", "_gsum"};

    private void refreshFamilyMetadata() {
        if (!settings.v2() || !settings.metadata().send() || metadata == null) {
            return;
        }
        java.util.Map<String, Metadata> m = new java.util.HashMap<>();
        for (MetadataSource.FamilyMetadata f : metadata.get()) {
            m.putIfAbsent(f.family(), f.metadata());
        }
        familyMetadata = m;
    }

    // ---- positions ----

    private void checkpoint(WalPosition position) {
        Shard[] current = shards;
        long[] enqueued = new long[current.length];
        for (int i = 0; i < current.length; i++) {
            enqueued[i] = current[i].enqueued();
        }
        synchronized (checkpoints) {
            checkpoints.addLast(new Checkpoint(position, enqueued));
        }
    }

    /** Persists the newest position whose samples are all settled; called every second and at close. */
    void persistSettled() {
        Shard[] current = shards;
        WalPosition settled = null;
        synchronized (checkpoints) {
            while (!checkpoints.isEmpty()) {
                Checkpoint c = checkpoints.peekFirst();
                boolean all = c.enqueued.length == current.length;
                for (int i = 0; all && i < current.length; i++) {
                    all = current[i].done() >= c.enqueued[i];
                }
                if (!all) {
                    break;
                }
                settled = checkpoints.removeFirst().position;
            }
        }
        if (settled != null && !settled.equals(persisted)) {
            writePosition(settled);
        }
    }

    private WalPosition readPosition() {
        try {
            if (!Files.exists(positionFile)) {
                return null;
            }
            String[] parts = Files.readString(positionFile, StandardCharsets.UTF_8).strip().split(" ");
            return new WalPosition(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        } catch (IOException | RuntimeException e) {
            LOG.warning("remote_write " + settings.queueName() + ": unreadable position file " + positionFile + " (" + e.getMessage()
                    + "); starting at the WAL's end");
            return null;
        }
    }

    private void writePosition(WalPosition position) {
        Path tmp = positionFile.resolveSibling(positionFile.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, position.segment() + " " + position.offset() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, positionFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, positionFile, StandardCopyOption.REPLACE_EXISTING);
            }
            persisted = position;
        } catch (IOException e) {
            LOG.warning("remote_write " + settings.queueName() + ": cannot save the WAL position to " + positionFile + ": " + e.getMessage());
        }
    }

    /** Makes the next {@link #start()} send from {@code position} (benchmarks replaying a filled WAL). */
    void resetPosition(WalPosition position) {
        writePosition(position);
    }

    /** The position persisted last (tests). */
    WalPosition persistedPosition() {
        return persisted;
    }

    // ---- sharding ----

    private void tune() {
        double inRate = 0;
        double outRate = 0;
        double outDuration = 0;
        boolean first = true;
        long lastIn = dataIn();
        long lastOut = samplesOut.get();
        long lastNanos = sendNanos.get();
        long ticks = 0;
        refreshFamilyMetadata();
        try {
            while (running) {
                Thread.sleep(1000);
                persistSettled();
                if (++ticks % Math.max(1, shardUpdateMillis / 1000) != 0) {
                    continue;
                }
                refreshFamilyMetadata();
                double seconds = shardUpdateMillis / 1000.0;
                long in = dataIn();
                long out = samplesOut.get();
                long nanos = sendNanos.get();
                double inNow = Math.max(0, in - lastIn) / seconds; // 0 across a storage's restart
                double outNow = (out - lastOut) / seconds;
                double durNow = (nanos - lastNanos) / 1e9 / seconds;
                lastIn = in;
                lastOut = out;
                lastNanos = nanos;
                if (first) {
                    inRate = inNow;
                    outRate = outNow;
                    outDuration = durNow;
                    first = false;
                } else {
                    inRate += EWMA_WEIGHT * (inNow - inRate);
                    outRate += EWMA_WEIGHT * (outNow - outRate);
                    outDuration += EWMA_WEIGHT * (durNow - outDuration);
                }
                int desired = desiredShards(inRate, outRate, outDuration);
                metrics.shardsDesired.set(desired);
                int current = shards.length;
                boolean sendingWorks = System.currentTimeMillis() - lastSuccessMillis < 2 * shardUpdateMillis;
                if (desired != current && sendingWorks) {
                    reshardTo = desired;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Prometheus's data-in: samples, histograms and exemplars the storage committed, so the incoming
     * rate stays the scrape rate while the reader waits for a down receiver; what was read for
     * sending when the log does not say.
     */
    private long dataIn() {
        AppendTotals a = appendedNow();
        return a.known() ? a.appended() : samplesIn.get() + exemplarsIn.get() + histogramsIn.get();
    }

    /** Prometheus's calculation: enough shards to send the incoming rate plus a tenth of the backlog per update period. */
    int desiredShards(double inRate, double outRate, double outDuration) {
        int current = shards.length;
        if (outRate <= 0) {
            return current;
        }
        double timePerSample = outDuration / outRate;
        double delaySeconds = Math.max(0, (highestInMillis() - metrics.highestSentMillis.get()) / 1000.0);
        double pending = delaySeconds * inRate;
        double integralGain = 0.1 / (shardUpdateMillis / 1000.0);
        double desired = timePerSample * (inRate + integralGain * pending);
        double low = current * 0.7;
        double high = current * 1.3;
        int result = current;
        if (desired < low || desired > high) {
            result = (int) Math.ceil(desired);
        }
        return Math.max(settings.queue().minShards(), Math.min(settings.queue().maxShards(), result));
    }

    /** Runs on the follower between reads: the old shards send what they hold, then the new ones take over. */
    private void reshard(int n) throws InterruptedException {
        reshardTo = -1;
        Shard[] old = shards;
        if (n == old.length) {
            return;
        }
        for (Shard s : old) {
            s.drain();
        }
        List<Thread> oldThreads;
        synchronized (this) {
            oldThreads = new ArrayList<>(shardThreads);
        }
        // The old threads stay listed until they ended, so a close meanwhile still stops them.
        for (Thread t : oldThreads) {
            t.join();
        }
        synchronized (this) {
            shardThreads.removeAll(oldThreads);
        }
        if (!running) {
            return;
        }
        persistSettled();
        synchronized (checkpoints) {
            // Every checkpoint is settled once the old shards drained; a partial one belongs to them.
            checkpoints.clear();
        }
        LOG.info("remote_write " + settings.queueName() + ": resharding from " + old.length + " to " + n + " shards");
        synchronized (this) {
            startShards(n);
        }
    }

    /** Asks for a reshard to {@code n} shards between two WAL reads, as the shard-update tick does (tests). */
    void requestReshard(int n) {
        reshardTo = n;
    }

    /** Shard count now (tests). */
    int shardCount() {
        return shards.length;
    }

    // ---- metadata ----

    private void sendMetadataLoop() {
        WriteRequestEncoder encoder = new WriteRequestEncoder();
        try {
            while (running) {
                sendMetadataOnce(encoder);
                Thread.sleep(settings.metadata().sendInterval().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends the current metadata in batches; recoverable failures are retried with backoff within one interval. */
    void sendMetadataOnce(WriteRequestEncoder encoder) throws InterruptedException {
        List<MetadataSource.FamilyMetadata> all = metadata.get();
        Set<MetadataSource.FamilyMetadata> unique = new HashSet<>();
        List<MetadataSource.FamilyMetadata> list = new ArrayList<>();
        for (MetadataSource.FamilyMetadata m : all) {
            if (unique.add(m)) {
                list.add(m);
            }
        }
        int per = settings.metadata().maxSamplesPerSend();
        for (int from = 0; from < list.size() && running; from += per) {
            List<MetadataSource.FamilyMetadata> batch = list.subList(from, Math.min(list.size(), from + per));
            encoder.reset();
            for (MetadataSource.FamilyMetadata m : batch) {
                encoder.metadata(m.family(), m.metadata().type(), m.metadata().help(), m.metadata().unit());
            }
            byte[] body = Snappy.encode(encoder.buffer(), encoder.size());
            long backoff = settings.queue().minBackoff().toMillis();
            long giveUp = System.currentTimeMillis() + settings.metadata().sendInterval().toMillis();
            Tracer t = tracer.get();
            for (int attempt = 0; running; attempt++) {
                Sender.Outcome outcome;
                // Prometheus's span per try of a metadata batch (sendMetadataWithBackoff).
                try (Span span = t.start("Remote Metadata Send Batch")) {
                    if (span != Span.NONE) {
                        span.attribute("metadata", batch.size()).attribute("try", attempt)
                                .attribute("remote_name", settings.queueName()).attribute("remote_url", settings.url().toString());
                        if (attempt > 0) {
                            span.attribute("http.resend_count", attempt);
                        }
                    }
                    outcome = sender.send(body, body.length, attempt, t);
                    if (!outcome.ok()) {
                        span.error(outcome.error());
                    }
                }
                if (outcome.ok()) {
                    metrics.metadataSent.add(batch.size());
                    metrics.metadataBytesSent.add(body.length);
                    errors.succeeded();
                    break;
                }
                boolean recoverable = outcome.status() == 0 || outcome.status() / 100 == 5
                        || (outcome.status() == 429 && settings.queue().retryOnHttp429());
                errors.failed("sending metadata", outcome.error(), recoverable);
                if (!recoverable || System.currentTimeMillis() + backoff > giveUp) {
                    metrics.metadataFailed.add(batch.size());
                    break;
                }
                metrics.metadataRetried.add(batch.size());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, settings.queue().maxBackoff().toMillis());
            }
        }
    }

    // ---- lifecycle ----

    /** Stops at once, abandoning what the shards hold (the WAL keeps it; the next start resends it). */
    @Override
    public void close() {
        close(java.time.Duration.ZERO);
    }

    /**
     * Stops reading the WAL, then lets the shards send what they hold for up to
     * {@code flushDeadline} ({@code --storage.remote.flush-deadline}) before abandoning the rest:
     * what is left is resent from the persisted position by the next start, so the deadline
     * bounds how long a shutdown or reload waits, never what is lost.
     */
    void close(java.time.Duration flushDeadline) {
        List<Thread> readers;
        synchronized (this) {
            running = false;
            readers = new ArrayList<>(threads);
        }
        for (Thread t : readers) {
            t.interrupt();
        }
        joinAll(readers, 10_000);
        List<Thread> lanes;
        synchronized (this) {
            lanes = new ArrayList<>(shardThreads);
        }
        if (flushDeadline.isPositive()) {
            for (Shard s : shards) {
                s.drain();
            }
            joinAll(lanes, flushDeadline.toMillis());
        }
        for (Shard s : shards) {
            s.stop();
        }
        for (Thread t : lanes) {
            t.interrupt();
        }
        joinAll(lanes, 10_000);
        persistSettled();
        sender.close();
    }

    /** Waits for the threads to end, for at most {@code millis} in all. */
    private static void joinAll(List<Thread> all, long millis) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
        for (Thread t : all) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                t.join(java.time.Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
