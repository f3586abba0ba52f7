package io.promethium.tsdb.agent;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.WalWatchable;
import io.promethium.tsdb.WalCompression;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.wal.PeriodicSync;
import io.promethium.tsdb.internal.wal.Wal;
import io.promethium.tsdb.internal.wal.WalReader;
import io.promethium.tsdb.internal.wal.WalRecords;
import io.promethium.tsdb.internal.wal.WalTail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Agent mode's storage, as Prometheus's agent DB: a WAL and nothing else. Appends are checked
 * (per series, timestamps must not go back) and logged in the same WAL format as the TSDB's, for
 * remote write to tail; there are no chunks, no blocks and no queries. Memory per series is its
 * labels, a reference and its newest timestamp. Every {@code truncateFrequency} the WAL is
 * checkpointed up to {@code now - retention.max-time}: series that had no sample since are
 * forgotten, older segments deleted.
 */
public final class AgentDb implements Storage, AutoCloseable {
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

    /** One series: its reference and newest timestamp. */
    private static final class Entry {
        final long ref;
        final Labels labels;
        volatile long newest = Long.MIN_VALUE;

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
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder truncations = new LongAdder();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Wal wal;
    private final PeriodicSync sync;
    private final ScheduledExecutorService background;

    private AgentDb(Options options) throws IOException {
        this.options = options;
        Files.createDirectories(options.path());
        if (options.lockFile()) {
            lockChannel = FileChannel.open(options.path().resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock acquired;
            try {
                acquired = lockChannel.tryLock();
            } catch (IOException e) {
                acquired = null;
            }
            if (acquired == null) {
                lockChannel.close();
                throw new IOException("agent data directory " + options.path() + " is in use by another process (lock file held)");
            }
            lock = acquired;
        } else {
            lockChannel = null;
            lock = null;
        }
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

    /** The WAL, for remote write to follow. */
    public WalWatchable walWatchable() {
        return new WalTail(wal);
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

    /** Buffers a batch; commit writes one WAL record pair, then moves the series' newest timestamps. */
    private final class AgentAppender implements Appender {
        private final WalRecords.Encoder enc = new WalRecords.Encoder();
        private long[] refs = new long[64];
        private long[] ts = new long[64];
        private double[] vs = new double[64];
        private Entry[] entries = new Entry[64];
        private int n;
        private boolean seriesOpen;

        @Override
        public long append(long ref, Labels labels, long timestamp, double value) {
            Entry e = ref != 0 ? byRef.get(ref) : null;
            if (e == null || !e.labels.equals(labels)) {
                e = byLabels.get(labels);
            }
            if (e == null) {
                Entry created = new Entry(lastRef.incrementAndGet(), labels);
                Entry raced = byLabels.putIfAbsent(labels, created);
                if (raced == null) {
                    byRef.put(created.ref, created);
                    if (!seriesOpen) {
                        enc.begin(WalRecords.SERIES);
                        seriesOpen = true;
                    }
                    enc.seriesEntry(created.ref, labels);
                    e = created;
                } else {
                    e = raced;
                }
            }
            if (timestamp < e.newest) {
                outOfOrder.increment();
                throw new StorageException(StorageException.Reason.OUT_OF_ORDER, "out of order sample");
            }
            if (n == refs.length) {
                refs = java.util.Arrays.copyOf(refs, n * 2);
                ts = java.util.Arrays.copyOf(ts, n * 2);
                vs = java.util.Arrays.copyOf(vs, n * 2);
                entries = java.util.Arrays.copyOf(entries, n * 2);
            }
            refs[n] = e.ref;
            ts[n] = timestamp;
            vs[n] = value;
            entries[n] = e;
            n++;
            return e.ref;
        }

        @Override
        public void commit() {
            if (seriesOpen) {
                enc.end();
                seriesOpen = false;
            }
            if (n > 0) {
                enc.samples(refs, ts, vs, n);
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
            for (int i = 0; i < n; i++) {
                Entry e = entries[i];
                if (ts[i] > e.newest) {
                    e.newest = ts[i];
                }
                oldest.accumulateAndGet(ts[i], Math::min);
                entries[i] = null;
            }
            samplesAppended.add(n);
            n = 0;
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
            n = 0;
        }
    }

    /**
     * Checkpoints the WAL, forgetting series without a sample since the cutoff: {@code now -
     * min-time} when every remote write queue has sent everything before the current segment
     * (their positions in {@code wal-followers/}), else {@code now - max-time}, so a queue that
     * lags keeps its data for up to max-time, as Prometheus's agent keeps data until sent.
     */
    public void truncate(long now) throws IOException {
        long cutoff = now - (followersCaughtUp() ? options.minTime() : options.maxTime()).toMillis();
        wal.truncate(cutoff, ref -> {
            Entry e = byRef.get(ref);
            return e != null && e.newest >= cutoff;
        });
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
        Path dir = walWatchable().stateDirectory();
        if (!Files.isDirectory(dir)) {
            return false;
        }
        io.promethium.api.storage.WalPosition end = wal.end();
        boolean any = false;
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!p.getFileName().toString().endsWith(".position")) {
                    continue;
                }
                any = true;
                String[] parts = Files.readString(p).strip().split(" ");
                try {
                    io.promethium.api.storage.WalPosition pos = new io.promethium.api.storage.WalPosition(
                            Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                    if (pos.segment() < end.segment()) {
                        return false;
                    }
                } catch (RuntimeException e) {
                    return false;
                }
            }
        }
        return any;
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
        try {
            if (lock != null) {
                lock.release();
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "releasing the agent lock", e);
        }
    }
}
