package io.promethium.tsdb.agent;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.DeclaredCapabilities;
import io.promethium.api.storage.MetadataQueryable;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageCapability;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.WalWatchable;
import io.promethium.tsdb.TsdbDirectoryLock;
import io.promethium.tsdb.WalCompression;
import io.promethium.tsdb.internal.exemplar.ExemplarStorage;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.util.LabelMatching;
import io.promethium.tsdb.internal.wal.PeriodicSync;
import io.promethium.tsdb.internal.wal.Wal;
import io.promethium.tsdb.internal.wal.WalReader;
import io.promethium.tsdb.internal.wal.WalRecords;
import io.promethium.tsdb.internal.wal.WalTail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Agent mode's storage, as Prometheus's agent DB: a WAL and nothing else. Appends (floats, native
 * histograms, exemplars, metadata) are checked (per series, timestamps must not go back) and
 * logged in the same WAL format as the TSDB's, for remote write to tail; there are no chunks, no blocks and no queries. Memory per series is its
 * labels, a reference and its newest timestamp. Every {@code truncateFrequency} the WAL is
 * checkpointed ({@link #truncate}): series without a recent sample are forgotten and closed
 * segments deleted, except those a lagging remote write queue has yet to send (for up to
 * {@code retention.max-time}).
 */
public final class AgentDb implements Storage, MetadataQueryable, DeclaredCapabilities, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AgentDb.class.getName());
    /** The error of every read, as Prometheus's agent answers. */
    public static final String UNAVAILABLE = "unavailable with Prometheus Agent";

    /** Agent mode's settings (Prometheus's {@code --storage.agent.*} flags). */
    public record Options(Path path, long walSegmentBytes, Duration truncateFrequency, Duration minTime, Duration maxTime,
                          boolean lockFile, WalCompression walCompression) {
        public static Options defaults(Path path) {
            return new Options(path, 128L << 20, Duration.ofHours(2), Duration.ofMinutes(5), Duration.ofHours(4), true,
                    WalCompression.SNAPPY);
        }
    }

    /**
     * One series: its reference, newest timestamp, newest exemplar (to drop duplicates and refuse
     * older ones) and metadata (logged only when it changes, kept for the metadata APIs).
     */
    private static final class Entry {
        final long ref;
        final Labels labels;
        volatile long newest = Long.MIN_VALUE;
        volatile Exemplar lastExemplar;
        volatile Metadata metadata;

        Entry(long ref, Labels labels) {
            this.ref = ref;
            this.labels = labels;
        }
    }

    private final Options options;
    private final ConcurrentHashMap<Labels, Entry> byLabels = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Entry> byRef = new ConcurrentHashMap<>();
    private final AtomicLong lastRef = new AtomicLong();
    private final AtomicLong oldest = new AtomicLong(Long.MAX_VALUE);
    private final TsdbMetrics walMetrics = new TsdbMetrics();
    private final LongAdder samplesAppended = new LongAdder();
    private final LongAdder histogramsAppended = new LongAdder();
    /** The newest committed timestamp, for followers' {@link WalWatchable#appended()}. */
    private final AtomicLong highestAppended = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder exemplarsAppended = new LongAdder();
    private final LongAdder invalidHistograms = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder truncations = new LongAdder();
    private final TsdbDirectoryLock lock;
    private final Wal wal;
    private final PeriodicSync sync;
    private final ScheduledExecutorService background;

    private AgentDb(Options options) throws IOException {
        this.options = options;
        Files.createDirectories(options.path());
        lock = options.lockFile() ? TsdbDirectoryLock.acquire(options.path()) : null;
        Path walDir = options.path().resolve("wal");
        int next = new WalReader(walMetrics).replay(walDir, new WalRecords.Visitor() {
            @Override
            public void series(long ref, Labels labels) {
                Entry e = new Entry(ref, labels);
                Entry old = byLabels.put(labels, e);
                if (old != null) {
                    byRef.remove(old.ref);
                }
                byRef.put(ref, e);
                lastRef.accumulateAndGet(ref, Math::max);
            }

            @Override
            public void sample(long ref, long t, double v) {
                Entry e = byRef.get(ref);
                if (e != null && t > e.newest) {
                    e.newest = t;
                }
            }

            @Override
            public void histogram(long ref, long t, Histogram h) {
                sample(ref, t, 0);
            }

            @Override
            public void floatHistogram(long ref, long t, FloatHistogram h) {
                sample(ref, t, 0);
            }

            @Override
            public void exemplar(long ref, Exemplar x) {
                Entry e = byRef.get(ref);
                if (e != null && (e.lastExemplar == null || x.timestamp() >= e.lastExemplar.timestamp())) {
                    e.lastExemplar = x;
                }
            }

            @Override
            public void metadata(long ref, Metadata m) {
                Entry e = byRef.get(ref);
                if (e != null) {
                    e.metadata = m;
                }
            }

            @Override
            public void tombstone(long ref, long mint, long maxt) {
            }
        });
        this.wal = new Wal(walDir, FileOpener.DEFAULT, walMetrics, options.walSegmentBytes(), false, next, options.walCompression());
        this.sync = new PeriodicSync(wal, Duration.ofSeconds(1));
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent-wal-truncation " + options.path());
            t.setDaemon(true);
            return t;
        });
        long every = options.truncateFrequency().toMillis();
        background.scheduleWithFixedDelay(this::truncateQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    public static AgentDb open(Options options) {
        try {
            return new AgentDb(options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the agent WAL in " + options.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Everything beyond floats goes to the WAL for remote write: native histograms, exemplars,
     * metadata and start timestamps.
     */
    @Override
    public Set<StorageCapability> capabilities() {
        return EnumSet.allOf(StorageCapability.class);
    }

    /** The WAL, for remote write to follow. */
    public WalWatchable walWatchable() {
        return new WalTail(wal, () -> new io.promethium.api.storage.AppendTotals(highestAppended.get(),
                samplesAppended.sum() + histogramsAppended.sum() + exemplarsAppended.sum()));
    }

    public Options options() {
        return options;
    }

    /** Series currently tracked (active within retention). */
    public int numSeries() {
        return byRef.size();
    }

    @Override
    public Appender appender() {
        return new AgentAppender();
    }

    /**
     * Buffers a batch; commit writes its records (series, start timestamps, floats, histograms,
     * exemplars, metadata, each only when there are some) as one WAL write, then moves the series' newest
     * timestamps. Histograms are encoded when appended: the caller may reuse its object, and the
     * agent keeps no copy.
     */
    private final class AgentAppender implements Appender {
        private final WalRecords.Encoder enc = new WalRecords.Encoder();
        private final WalRecords.Encoder histograms = new WalRecords.Encoder();
        private final WalRecords.Encoder floatHistograms = new WalRecords.Encoder();
        private final WalRecords.Encoder exemplars = new WalRecords.Encoder();
        private final WalRecords.Encoder metadata = new WalRecords.Encoder();
        /** The batch's start timestamps (as the TSDB's WAL has them, before the samples): remote write sends them. */
        private final WalRecords.Encoder starts = new WalRecords.Encoder();
        private long[] refs = new long[64];
        private long[] ts = new long[64];
        private double[] vs = new double[64];
        private Entry[] entries = new Entry[64];
        private int n;
        /** Histogram samples of the batch: their series and timestamps, to move the newest at commit. */
        private long[] hts = new long[16];
        private Entry[] hEntries = new Entry[16];
        private int hn;
        private final List<Entry> eEntries = new ArrayList<>();
        private final List<Exemplar> eValues = new ArrayList<>();
        private final List<Entry> mEntries = new ArrayList<>();
        private final List<Metadata> mValues = new ArrayList<>();
        private boolean seriesOpen;

        private Entry resolve(long ref, Labels labels) {
            Entry e = ref != 0 ? byRef.get(ref) : null;
            if (e != null && (labels == null || e.labels.equals(labels))) {
                return e;
            }
            if (labels == null) {
                throw new StorageException(StorageException.Reason.LIMIT, "unknown series ref " + ref + " and no labels");
            }
            e = byLabels.get(labels);
            if (e != null) {
                return e;
            }
            Entry created = new Entry(lastRef.incrementAndGet(), labels);
            Entry raced = byLabels.putIfAbsent(labels, created);
            if (raced != null) {
                return raced;
            }
            byRef.put(created.ref, created);
            if (!seriesOpen) {
                enc.begin(WalRecords.SERIES);
                seriesOpen = true;
            }
            enc.seriesEntry(created.ref, labels);
            return created;
        }

        private void checkOrder(Entry e, long timestamp) {
            if (timestamp < e.newest) {
                outOfOrder.increment();
                throw new StorageException(StorageException.Reason.OUT_OF_ORDER, "out of order sample");
            }
        }

        @Override
        public long append(long ref, Labels labels, long timestamp, double value) {
            Entry e = resolve(ref, labels);
            checkOrder(e, timestamp);
            if (n == refs.length) {
                refs = Arrays.copyOf(refs, n * 2);
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
                entries = Arrays.copyOf(entries, n * 2);
            }
            refs[n] = e.ref;
            ts[n] = timestamp;
            vs[n] = value;
            entries[n] = e;
            n++;
            return e.ref;
        }

        @Override
        public long appendWithStart(long ref, Labels labels, long startTimestamp, long timestamp, double value) {
            return start(append(ref, labels, timestamp, value), timestamp, startTimestamp);
        }

        @Override
        public long appendHistogramWithStart(long ref, Labels labels, long startTimestamp, long timestamp, Histogram histogram) {
            return start(appendAnyHistogram(ref, labels, timestamp, histogram), timestamp, startTimestamp);
        }

        @Override
        public long appendHistogramWithStart(long ref, Labels labels, long startTimestamp, long timestamp, FloatHistogram histogram) {
            return start(appendAnyHistogram(ref, labels, timestamp, histogram), timestamp, startTimestamp);
        }

        /** Records the start timestamp of the sample just appended to series {@code ref} (none: nothing). */
        private long start(long ref, long timestamp, long startTimestamp) {
            if (startTimestamp != 0) {
                if (starts.bytes().length() == 0) {
                    starts.begin(WalRecords.START_TIMESTAMPS);
                }
                starts.startTimestampEntry(ref, timestamp, startTimestamp);
            }
            return ref;
        }

        @Override
        public long appendHistogram(long ref, Labels labels, long timestamp, Histogram histogram) {
            return appendAnyHistogram(ref, labels, timestamp, histogram);
        }

        @Override
        public long appendHistogram(long ref, Labels labels, long timestamp, FloatHistogram histogram) {
            return appendAnyHistogram(ref, labels, timestamp, histogram);
        }

        private long appendAnyHistogram(long ref, Labels labels, long timestamp, Object histogram) {
            FloatHistogram fh = histogram instanceof FloatHistogram f ? f : null;
            Histogram ih = fh == null ? (Histogram) histogram : null;
            if (fh != null ? !fh.isStale() : !ih.isStale()) {
                try {
                    if (fh != null) {
                        fh.validate();
                    } else {
                        ih.validate();
                    }
                } catch (IllegalArgumentException ex) {
                    invalidHistograms.increment();
                    throw new StorageException(StorageException.Reason.INVALID,
                            "invalid histogram for " + (labels != null ? labels : "series ref " + ref) + ": " + ex.getMessage(), ex);
                }
            }
            Entry e = resolve(ref, labels);
            checkOrder(e, timestamp);
            WalRecords.Encoder side = fh != null ? floatHistograms : histograms;
            if (side.bytes().length() == 0) {
                side.begin(fh != null ? WalRecords.FLOAT_HISTOGRAMS : WalRecords.HISTOGRAMS);
            }
            if (fh != null) {
                side.floatHistogramEntry(e.ref, timestamp, fh);
            } else {
                side.histogramEntry(e.ref, timestamp, ih);
            }
            addHistogram(e, timestamp);
            return e.ref;
        }

        private void addHistogram(Entry e, long timestamp) {
            if (hn == hts.length) {
                hts = Arrays.copyOf(hts, hn * 2);
                hEntries = Arrays.copyOf(hEntries, hn * 2);
            }
            hts[hn] = timestamp;
            hEntries[hn] = e;
            hn++;
        }

        /**
         * As the TSDB: an exemplar needs a timestamp and at most 128 characters of labels; an
         * exact duplicate of the series' newest is dropped, an older one refused.
         */
        @Override
        public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
            Entry e = resolve(ref, labels);
            if (!exemplar.hasTimestamp()) {
                throw new StorageException(StorageException.Reason.INVALID, "exemplar without a timestamp for " + e.labels);
            }
            if (ExemplarStorage.labelsLength(exemplar.labels()) > ExemplarStorage.MAX_LABELS_LENGTH) {
                throw new StorageException(StorageException.Reason.INVALID,
                        "exemplar labels exceed " + ExemplarStorage.MAX_LABELS_LENGTH + " characters for " + e.labels);
            }
            Exemplar last = e.lastExemplar;
            if (last != null) {
                if (last.equals(exemplar)) {
                    return e.ref;
                }
                if (exemplar.timestamp() < last.timestamp()) {
                    throw new StorageException(StorageException.Reason.OUT_OF_ORDER,
                            "out of order exemplar for " + e.labels + " at " + exemplar.timestamp());
                }
            }
            eEntries.add(e);
            eValues.add(exemplar);
            return e.ref;
        }

        @Override
        public long updateMetadata(long ref, Labels labels, Metadata m) {
            Entry e = resolve(ref, labels);
            if (!m.equals(e.metadata)) {
                mEntries.add(e);
                mValues.add(m);
            }
            return e.ref;
        }

        @Override
        public void commit() {
            if (seriesOpen) {
                enc.end();
                seriesOpen = false;
            }
            append(starts); // before the samples, as replay and followers expect
            if (n > 0) {
                enc.samples(refs, ts, vs, n);
            }
            append(histograms);
            append(floatHistograms);
            if (!eEntries.isEmpty()) {
                enc.begin(WalRecords.EXEMPLARS);
                for (int i = 0; i < eEntries.size(); i++) {
                    enc.exemplarEntry(eEntries.get(i).ref, eValues.get(i));
                }
                enc.end();
            }
            if (!mEntries.isEmpty()) {
                enc.begin(WalRecords.METADATA_FAMILY);
                for (int i = 0; i < mEntries.size(); i++) {
                    enc.metadataEntry(mEntries.get(i).ref, mValues.get(i));
                }
                enc.end();
            }
            try {
                if (enc.bytes().length() > 0) {
                    wal.log(enc.bytes().array(), enc.bytes().length());
                }
            } catch (IOException e) {
                throw new StorageException(StorageException.Reason.IO, "agent WAL write failed: " + e.getMessage(), e);
            } finally {
                enc.reset();
            }
            long newest = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                advance(entries[i], ts[i]);
                entries[i] = null;
                newest = Math.max(newest, ts[i]);
            }
            for (int i = 0; i < hn; i++) {
                advance(hEntries[i], hts[i]);
                hEntries[i] = null;
                newest = Math.max(newest, hts[i]);
            }
            highestAppended.accumulateAndGet(newest, Math::max);
            for (int i = 0; i < eEntries.size(); i++) {
                Entry e = eEntries.get(i);
                Exemplar x = eValues.get(i);
                if (e.lastExemplar == null || x.timestamp() >= e.lastExemplar.timestamp()) {
                    e.lastExemplar = x;
                }
            }
            for (int i = 0; i < mEntries.size(); i++) {
                mEntries.get(i).metadata = mValues.get(i);
            }
            samplesAppended.add(n);
            histogramsAppended.add(hn);
            exemplarsAppended.add(eEntries.size());
            clearSide();
            n = 0;
            hn = 0;
        }

        /** Ends a side record (when begun) and moves it into the batch's bytes. */
        private void append(WalRecords.Encoder side) {
            if (side.bytes().length() > 0) {
                side.end();
                enc.bytes().writeBytes(side.bytes().array(), 0, side.bytes().length());
                side.reset();
            }
        }

        private void advance(Entry e, long t) {
            if (t > e.newest) {
                e.newest = t;
            }
            oldest.accumulateAndGet(t, Math::min);
        }

        private void clearSide() {
            starts.reset();
            histograms.reset();
            floatHistograms.reset();
            eEntries.clear();
            eValues.clear();
            mEntries.clear();
            mValues.clear();
        }

        @Override
        public void rollback() {
            // New series stay known (another appender may already use them), so their records are still logged.
            if (seriesOpen) {
                enc.end();
                seriesOpen = false;
                try {
                    wal.log(enc.bytes().array(), enc.bytes().length());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "agent WAL write failed on rollback: " + e.getMessage(), e);
                }
            }
            enc.reset();
            for (int i = 0; i < n; i++) {
                entries[i] = null;
            }
            for (int i = 0; i < hn; i++) {
                hEntries[i] = null;
            }
            clearSide();
            n = 0;
            hn = 0;
        }
    }

    /** The tracked series that match every matcher and have metadata, in label order (the metadata APIs). */
    @Override
    public List<MetadataQueryable.SeriesMetadata> selectMetadata(List<Matcher> matchers) {
        List<MetadataQueryable.SeriesMetadata> out = new ArrayList<>();
        for (Entry e : byRef.values()) {
            Metadata m = e.metadata;
            if (m != null && LabelMatching.matchesAll(e.labels, matchers)) {
                out.add(new MetadataQueryable.SeriesMetadata(e.labels, m));
            }
        }
        out.sort(Comparator.comparing(MetadataQueryable.SeriesMetadata::seriesLabels));
        return out;
    }

    /**
     * Checkpoints the WAL, forgetting series without a sample since the cutoff: {@code now -
     * min-time} when every remote write queue has sent everything before the current segment
     * (their positions in {@code wal-followers/}), else {@code now - max-time}. Segments a lagging
     * queue has not sent stay whole for up to max-time ({@link Wal#truncate}), so it still sends
     * them, as Prometheus's agent keeps data until it is sent or older than max-time.
     */
    public void truncate(long now) throws IOException {
        long cutoff = now - (followersCaughtUp() ? options.minTime() : options.maxTime()).toMillis();
        wal.truncate(cutoff, ref -> {
            Entry e = byRef.get(ref);
            return e != null && e.newest >= cutoff;
        }, options.maxTime());
        for (Entry e : List.copyOf(byRef.values())) {
            if (e.newest < cutoff) {
                byRef.remove(e.ref);
                byLabels.remove(e.labels, e);
            }
        }
        oldest.set(cutoff);
        truncations.increment();
    }

    private boolean followersCaughtUp() throws IOException {
        int oldest = io.promethium.tsdb.internal.wal.FollowerHold.oldestPosition(wal.dir());
        return oldest != Integer.MAX_VALUE && oldest >= wal.end().segment();
    }

    private void truncateQuietly() {
        try {
            truncate(System.currentTimeMillis());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "agent WAL truncation failed: " + e.getMessage(), e);
        }
    }

    /** Agent mode has no local queries. */
    @Override
    public Querier querier(long minTime, long maxTime) {
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
                return SeriesSet.failed(new StorageException(StorageException.Reason.CLOSED, UNAVAILABLE));
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                throw new StorageException(StorageException.Reason.CLOSED, UNAVAILABLE);
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                throw new StorageException(StorageException.Reason.CLOSED, UNAVAILABLE);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public long startTime() {
        return oldest.get();
    }

    /** Prometheus's agent metric names where they exist. */
    public Collector collector() {
        return (MetricWriter w) -> {
            w.family("prometheus_agent_active_series", MetricType.GAUGE, "Number of active series being tracked by the WAL storage", "");
            w.sample("prometheus_agent_active_series", byRef.size());
            w.family("prometheus_agent_samples_appended", MetricType.COUNTER, "Total number of samples appended to the storage", "");
            w.sample("prometheus_agent_samples_appended_total", samplesAppended.sum());
            w.family("promethium_agent_histogram_samples_appended", MetricType.COUNTER, "Native histogram samples appended to the agent WAL.", "");
            w.sample("promethium_agent_histogram_samples_appended_total", histogramsAppended.sum());
            w.family("prometheus_agent_exemplars_appended", MetricType.COUNTER, "Total number of exemplars appended to the storage", "");
            w.sample("prometheus_agent_exemplars_appended_total", exemplarsAppended.sum());
            w.family("promethium_agent_invalid_histograms", MetricType.COUNTER, "Native histogram samples refused as invalid.", "");
            w.sample("promethium_agent_invalid_histograms_total", invalidHistograms.sum());
            w.family("prometheus_agent_out_of_order_samples", MetricType.COUNTER, "Total number of out of order samples ingestion failed attempts.", "");
            w.sample("prometheus_agent_out_of_order_samples_total", outOfOrder.sum());
            w.family("promethium_agent_wal_truncations", MetricType.COUNTER, "WAL checkpoints that dropped data older than retention.max-time.", "");
            w.sample("promethium_agent_wal_truncations_total", truncations.sum());
        };
    }

    @Override
    public void close() {
        background.shutdownNow();
        sync.close();
        try {
            wal.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the agent WAL failed: " + e.getMessage(), e);
        }
        if (lock != null) {
            lock.release();
        }
    }
}
