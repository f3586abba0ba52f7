package io.promethium.tsdb.internal.head;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import io.promethium.chunks.Chunks;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The in-memory block: series by labels and by ref, postings, time bounds. Appends arrive
 * through {@link HeadAppender}; persisted ranges are dropped by {@link #truncateBefore}.
 */
public final class Head implements org.apache.lucene.util.Accountable {
    /**
     * The label strings of the head's series, each the JVM's canonical instance: a cache in front
     * of {@link String#intern()}. Rebuilt from the postings when series are garbage-collected
     * ({@link #truncateBefore}), as Prometheus's head rebuilt its symbols from its postings in
     * {@code gc()}: under churn every replaced target leaves label values (a pod name) that no
     * live series uses, which would otherwise stay here for good.
     */
    private volatile ConcurrentHashMap<String, String> symbols = new ConcurrentHashMap<>();
    /**
     * One instance per distinct metadata: the series of a family share it, across targets and
     * after replay (which decodes a copy per series), instead of each holding its own help text.
     */
    private final ConcurrentHashMap<io.promethium.api.model.Metadata, io.promethium.api.model.Metadata> metadata =
            new ConcurrentHashMap<>();
    private final SeriesRefs refs = new SeriesRefs();
    private final SeriesByLabels byLabels = new SeriesByLabels(refs);
    /**
     * Guards {@link #labelOrder} and the ranks; series removal takes it before {@link #gcLock}, so
     * no series goes while a ranking compares labels (the ranking takes no other lock).
     */
    private final Object labelOrderLock = new Object();
    /** The series' refs as {@link #seriesInLabelOrder} last ordered them, each series marked as held there. */
    private final LabelOrder labelOrder = new LabelOrder(refs);
    /** The label order of the last cut or ranking as ranks in the series, for sorting a select's series (LabelRanks). */
    private final LabelRanks labelRanks = new LabelRanks();
    /** {@link #lastRef} when the label order was last ranked: the series created since are not ranked. */
    private volatile long rankedUpToRef;
    private final HeadPostings postings = new HeadPostings();
    private final AtomicLong lastRef = new AtomicLong();
    private final AtomicLong minTime = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong maxTime = new AtomicLong(Long.MIN_VALUE);
    /** Commits hold the read side; series garbage collection holds the write side. */
    private final ReadWriteLock gcLock = new ReentrantReadWriteLock();
    private final TsdbMetrics metrics;
    private volatile WalLog wal = WalLog.NONE;
    private final io.promethium.tsdb.internal.exemplar.ExemplarStorage exemplars =
            new io.promethium.tsdb.internal.exemplar.ExemplarStorage(DEFAULT_MAX_EXEMPLARS);
    private volatile long minValidTime = Long.MIN_VALUE;
    /** In-order samples before this are in blocks; reads of head chunks start here. */
    private volatile long persistedBefore = Long.MIN_VALUE;
    private volatile long outOfOrderWindow;
    private volatile long compactableSpan = Long.MAX_VALUE;
    private volatile Runnable compactionTrigger;

    /**
     * The start timestamps of the series that have any, by series ref: series without them cost
     * nothing (a flag in padding of MemSeries), and series with them a few longs per change.
     */
    private final ConcurrentHashMap<Long, io.promethium.tsdb.internal.start.StartTimes> startTimes = new ConcurrentHashMap<>();

    private final AtomicLong openReaders = new AtomicLong();
    /** The head's chunks, open and closed: counted as they open and are dropped, as Prometheus counts them. */
    private final LongAdder chunks = new LongAdder();
    /** {@link #memory()} for the self-metrics, which may be scraped more often than it should walk. */
    private final RecentReading<Memory> recentMemory = new RecentReading<>(this::memory, System::nanoTime);
    private final AppendBatchPool batchPool = new AppendBatchPool();
    /** Guards {@link #openAppenders} and {@link #closing}. */
    private final Object appenders = new Object();
    /** Appenders given out and not yet committed or rolled back. */
    private int openAppenders;
    private boolean closing;
    /** The head's samples per chunk, chunk count and ref table, as its series' appends update them. */
    private final SeriesWrites writes;

    /** Prometheus's default {@code storage.exemplars.max_exemplars}. */
    public static final int DEFAULT_MAX_EXEMPLARS = 100_000;

    public Head(TsdbMetrics metrics, long outOfOrderWindow) {
        this(metrics, outOfOrderWindow, Chunks.SAMPLES_PER_CHUNK);
    }

    /** {@code samplesPerChunk}: float samples per head chunk ({@code --storage.tsdb.samples-per-chunk}). */
    public Head(TsdbMetrics metrics, long outOfOrderWindow, int samplesPerChunk) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.outOfOrderWindow = outOfOrderWindow;
        this.writes = new SeriesWrites(samplesPerChunk, chunks, refs);
    }

    public void setWal(WalLog wal) {
        this.wal = requireNonNull(wal, "wal is null");
    }

    /** The exemplars of the head's series (a circular buffer, sized by {@code storage.exemplars.max_exemplars}). */
    public io.promethium.tsdb.internal.exemplar.ExemplarStorage exemplars() {
        return exemplars;
    }

    WalLog wal() {
        return wal;
    }

    /** The log commits go to (for records written outside an appender, e.g. tombstones). */
    public WalLog walLog() {
        return wal;
    }

    /** Notes a replayed sample's time in the head's bounds. */
    public void replayed(long t) {
        updateTimes(t, t);
    }

    TsdbMetrics metrics() {
        return metrics;
    }

    AppendBatchPool batchPool() {
        return batchPool;
    }

    ReadWriteLock gcLock() {
        return gcLock;
    }

    public Appender appender() {
        synchronized (appenders) {
            if (closing) {
                throw new StorageException(StorageException.Reason.CLOSED, "the TSDB is closing");
            }
            openAppenders++;
        }
        return new HeadAppender(this);
    }

    /** An appender was committed or rolled back. */
    void appenderDone() {
        synchronized (appenders) {
            if (--openAppenders == 0) {
                appenders.notifyAll();
            }
        }
    }

    /**
     * Refuses new appenders and waits up to {@code max} for those given out to be committed or
     * rolled back: a scrape or write in flight when the TSDB closes (a plugin update) then lands
     * in the WAL the next one replays, rather than failing on a closed WAL.
     *
     * @return how many appenders were still open when the wait ended
     */
    public int closeAppenders(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (appenders) {
            closing = true;
            for (long left = max.toNanos(); openAppenders > 0 && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(appenders, left);
            }
            return openAppenders;
        }
    }

    public void setOutOfOrderWindow(long millis) {
        this.outOfOrderWindow = millis;
    }

    /** Samples before this are (being) persisted in blocks: appends there are out of bounds. */
    public void setMinValidTime(long t) {
        this.minValidTime = t;
    }

    /** Where head reads of in-order chunks start: everything before is served by blocks. */
    public long persistedBefore() {
        return persistedBefore;
    }

    /** At open: blocks hold everything before {@code t}. */
    public void setPersistedBefore(long t) {
        this.persistedBefore = t;
        this.minValidTime = Math.max(minValidTime, t);
    }

    public long minValidTime() {
        return minValidTime;
    }

    /** Whether out-of-order appends are allowed (a window above zero). */
    boolean outOfOrderEnabled() {
        return outOfOrderWindow > 0;
    }

    /**
     * Calls {@code trigger} after each commit that leaves the head spanning more than
     * {@code span} milliseconds (Prometheus: 1.5 block durations), as Prometheus's appender
     * signals its compactor on commit: a compaction checked only every minute truncates up to a
     * minute late, and under churn the head meanwhile keeps one more replacement's ended series.
     * The trigger must be cheap and not block (it runs on the committing thread).
     */
    public void onCompactable(long span, Runnable trigger) {
        this.compactableSpan = span;
        this.compactionTrigger = requireNonNull(trigger, "trigger is null");
    }

    /** Whether the head spans more than the span given to {@link #onCompactable}. */
    public boolean compactable() {
        long max = maxTime.get();
        long min = minTime.get();
        return compactionTrigger != null && max != Long.MIN_VALUE && min != Long.MAX_VALUE && max - min > compactableSpan;
    }

    /** After a commit: signals the compactor when the head became compactable. */
    void committed() {
        if (compactable()) {
            compactionTrigger.run();
        }
    }

    /** The oldest timestamp an out-of-order sample may have now, or MAX_VALUE when disabled. */
    long outOfOrderMin() {
        long window = outOfOrderWindow;
        long max = maxTime.get();
        if (window <= 0 || max == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        return max - window;
    }

    /** A head querier opened; {@link #truncateBefore} waits for open ones so none loses data mid-read. */
    public void readerOpened() {
        openReaders.incrementAndGet();
    }

    public void readerClosed() {
        openReaders.decrementAndGet();
    }

    /**
     * Waits until no querier is open (they may have been opened before a new block became visible),
     * at most {@code timeoutMillis}; returns whether they all closed.
     */
    public boolean awaitReaders(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (openReaders.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    public MemSeries series(long ref) {
        return refs.get(ref);
    }

    /**
     * Whether the samples of the series under {@code ref} span a time in {@code [mint, maxt]}, as
     * {@link MemSeries#overlaps} would say, told from the ref table without touching the series
     * object (a select of half a million series would otherwise fetch each from memory, and lock
     * it, on one thread): its newest sample in range, or past the range with its oldest-time
     * bound ({@link SeriesRefs#minTime}) not after it. The second is what a range ending before
     * the latest scrape meets for every live series. False means "ask {@link MemSeries#overlaps}".
     *
     * <p>A series with no committed sample (created by an append not yet committed, or rolled
     * back) has {@link SeriesRefs#NONE} there, which is not a sample time: a querier from
     * {@code Long.MIN_VALUE} would otherwise list it without samples, which Prometheus's head
     * never does (its select skips series without chunks in range).
     */
    public boolean spansIn(long ref, long mint, long maxt) {
        long t = refs.maxTime(ref);
        if (t == SeriesRefs.ALWAYS_CHECK || t == SeriesRefs.NONE || t < mint) {
            return false;
        }
        return t <= maxt || refs.minTime(ref) <= maxt;
    }

    /** The newest sample time of the series under {@code ref} without touching it (see {@link SeriesRefs}). */
    long seriesMaxTime(long ref) {
        return refs.maxTime(ref);
    }

    /**
     * The head's own object for a label set it holds a series of, else null: a block's listing
     * answers with it, so that merging the same series from blocks and the head compares one object.
     */
    public Labels ownLabels(Labels labels) {
        MemSeries s = byLabels.get(labels);
        return s == null ? null : s.labels();
    }

    public MemSeries getOrCreate(Labels labels) {
        MemSeries s = byLabels.get(labels);
        if (s != null) {
            return s;
        }
        if (labels.isEmpty()) {
            throw new StorageException(StorageException.Reason.LIMIT, "series without labels cannot be stored");
        }
        return create(lastRef.incrementAndGet(), labels);
    }

    /** Restores a series under its logged ref (WAL replay); returns the existing one if present. */
    public MemSeries createWithRef(long ref, Labels labels) {
        lastRef.accumulateAndGet(ref, Math::max);
        MemSeries existing = byLabels.get(labels);
        if (existing != null) {
            if (existing.ref() != ref) {
                // Two refs for one label set (a crash between logging and GC): alias the newer.
                refs.set(ref, existing, SeriesRefs.ALWAYS_CHECK);
            }
            return existing;
        }
        MemSeries s = create(ref, labels);
        s.markLogged();
        return s;
    }

    /**
     * {@link #createWithRef} for WAL replay, whose label strings already are the head's
     * ({@link #symbol}): one map operation per new series, as replay meets each series once. A new
     * series goes to {@code index} (which calls {@link #indexReplayed}, on another thread if it
     * likes) instead of into the postings: nothing reads them before the replay ends.
     */
    MemSeries createReplayed(long ref, Labels labels, java.util.function.ObjIntConsumer<Labels> index) {
        lastRef.accumulateAndGet(ref, Math::max);
        if (ref > Integer.MAX_VALUE) {
            throw new StorageException(StorageException.Reason.LIMIT, "series ref space exhausted; restart to renumber");
        }
        MemSeries fresh = new MemSeries(ref, labels);
        fresh.markLogged();
        MemSeries prior = byLabels.putIfAbsent(fresh);
        if (prior != null) {
            if (prior.ref() != ref) {
                // Two refs for one label set (a crash between logging and GC): alias the newer.
                refs.set(ref, prior, SeriesRefs.ALWAYS_CHECK);
            }
            return prior;
        }
        index.accept(labels, (int) ref);
        metrics.seriesCreated.increment();
        return fresh;
    }

    /** Indexes the first {@code n} series {@link #createReplayed} handed on. */
    void indexReplayed(int[] ids, Labels[] labels, int n) {
        postings.addAll(ids, labels, n);
    }

    /** Whether {@code ref} is a second ref of a series logged under another (see {@link #createWithRef}). */
    boolean isAlias(long ref) {
        return refs.maxTime(ref) == SeriesRefs.ALWAYS_CHECK;
    }

    private MemSeries create(long ref, Labels labels) {
        if (ref > Integer.MAX_VALUE) {
            throw new StorageException(StorageException.Reason.LIMIT, "series ref space exhausted; restart to renumber");
        }
        // The read side of the GC lock from interning to indexing: the symbol rebuild at GC (write
        // side) then sees the new series' strings in the postings, or runs before they are added.
        // Once per new series, not per sample; reentrant from a commit, which holds it already.
        gcLock.readLock().lock();
        try {
            Labels interned = intern(labels);
            MemSeries fresh = new MemSeries(ref, interned);
            MemSeries prior = byLabels.putIfAbsent(fresh);
            if (prior != null) {
                return prior;
            }
            postings.add((int) ref, interned);
            metrics.seriesCreated.increment();
            return fresh;
        } finally {
            gcLock.readLock().unlock();
        }
    }

    /**
     * The labels with the head's strings. When the caller's strings already are the head's (the
     * scrape makes a new series' strings canonical as the head does), the caller's immutable
     * label set itself is kept: one copy for the scrape cache and the head.
     */
    private Labels intern(Labels labels) {
        boolean same = true;
        for (int i = 0; i < labels.size() && same; i++) {
            same = symbol(labels.name(i)) == labels.name(i) && symbol(labels.value(i)) == labels.value(i);
        }
        if (same) {
            return labels;
        }
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < labels.size(); i++) {
            b.set(symbol(labels.name(i)), symbol(labels.value(i)));
        }
        return b.build();
    }

    /** The shared instance equal to {@code m}. */
    public io.promethium.api.model.Metadata intern(io.promethium.api.model.Metadata m) {
        io.promethium.api.model.Metadata known = metadata.get(m);
        return known != null ? known : metadata.computeIfAbsent(m, k -> k);
    }

    /**
     * The head's copy of a string: the JVM's canonical one ({@link String#intern()}), so that the
     * head and the scrape agree on the same objects whichever met a string first (WAL replay, rules).
     */
    String symbol(String s) {
        return symbols.computeIfAbsent(s, String::intern);
    }

    /**
     * Keeps only the strings of live series: those in the postings (every label name and value of
     * every indexed series). Runs under the GC lock's write side, which series creation's read side
     * excludes, so no series is mid-way between interning and indexing. A fresh table rather than
     * removals from the old one, which would keep its grown bucket array. Queriers do not read the
     * symbols (they read the series' own label strings), and WAL records, the checkpoint and the
     * block writer encode those label strings themselves: none needs a dropped symbol.
     */
    private void rebuildSymbols() {
        ConcurrentHashMap<String, String> live = new ConcurrentHashMap<>();
        postings.forEachSymbol(s -> live.put(s, s));
        symbols = live;
    }

    /** The number of distinct label strings the head keeps (see {@link #symbols}). */
    public int symbolCount() {
        return symbols.size();
    }

    /** The head's symbol for {@code s} if it keeps one, else null (for tests). */
    String keptSymbol(String s) {
        return symbols.get(s);
    }

    void updateTimes(long batchMin, long batchMax) {
        minTime.accumulateAndGet(batchMin, Math::min);
        maxTime.accumulateAndGet(batchMax, Math::max);
    }

    public long minTime() {
        return minTime.get();
    }

    public long maxTime() {
        return maxTime.get();
    }

    public int numSeries() {
        return byLabels.size();
    }

    public HeadPostings postings() {
        return postings;
    }

    /**
     * Records the start of the sample of {@code s} at {@code t} (0: none), after the sample was
     * appended. A series that never had a start is not recorded at all.
     */
    public void recordStart(MemSeries s, long t, long start) {
        if (start == 0 && !s.hasStarts()) {
            return;
        }
        s.markHasStarts();
        startTimes.computeIfAbsent(s.ref(), r -> new io.promethium.tsdb.internal.start.StartTimes()).record(t, start);
    }

    /** Series with start timestamps (for tests and statistics). */
    public int seriesWithStarts() {
        return startTimes.size();
    }

    /**
     * The series' samples in {@code [mint, maxt]} with their start timestamps, its chunks read
     * from the first advance on (see {@link MemSeries#iterator}); {@code seekLast} answers its
     * newest float without them ({@link MemSeries#newestFloat}).
     */
    public io.promethium.api.storage.SampleIterator iterator(MemSeries s, long mint, long maxt, long inOrderMin,
            io.promethium.api.storage.SampleIterator reuse) {
        HeadSeriesIterator it = reuse instanceof HeadSeriesIterator h ? h : new HeadSeriesIterator();
        it.reset(this, s, mint, maxt, inOrderMin);
        return it;
    }

    /** The series' chunks as of now, with its start timestamps: what {@link HeadSeriesIterator} reads. */
    io.promethium.api.storage.SampleIterator chunksIterator(MemSeries s, long mint, long maxt, long inOrderMin,
            io.promethium.api.storage.SampleIterator reuse) {
        io.promethium.api.storage.SampleIterator inner =
                s.iterator(mint, maxt, inOrderMin, io.promethium.tsdb.internal.start.StartTimesIterator.unwrap(reuse));
        io.promethium.tsdb.internal.start.StartTimes st = s.hasStarts() ? startTimes.get(s.ref()) : null;
        return st == null ? inner : io.promethium.tsdb.internal.start.StartTimesIterator.wrap(inner, st.snapshot(), reuse);
    }

    /** Sorts series of this head by labels, in place ({@link LabelRanks#sort}). */
    public void sortByLabels(List<MemSeries> series) {
        labelRanks.sort(series);
    }

    public void forEachSeries(Consumer<MemSeries> action) {
        byLabels.forEach(action);
    }

    /**
     * Every series in label order, for writing the head into a block; series removed after the
     * call are skipped. The order of the last call is kept ({@link LabelOrder}): only the series
     * created since are sorted and placed among the others. Sorting every series afresh was 14% of
     * the server's CPU under series churn with 2-minute blocks (profiled); the kept order costs one
     * int per series.
     */
    public Iterable<MemSeries> seriesInLabelOrder() {
        synchronized (labelOrderLock) {
            // Read before the walk: a series created meanwhile counts as not ranked.
            long upToRef = lastRef.get();
            int[] fresh = byLabels.refsWhere(s -> !s.inLabelOrder());
            int[] order = labelOrder.merge(fresh);
            // Marked once in the order: a ranking that failed before leaves them to the next.
            for (int i = 0; i < fresh.length; i++) {
                refs.get(fresh[i]).markInLabelOrder();
            }
            labelRanks.rank(order, refs);
            rankedUpToRef = upToRef;
            return labelOrder.series(order);
        }
    }

    /** Series created since the last ranking that make {@link #rankIfManyNew} rank again, at least. */
    static final int RANK_MIN_NEW = 256;

    /**
     * Ranks the series in label order again ({@link #seriesInLabelOrder}) once more than a
     * thirty-second of them (at least {@value #RANK_MIN_NEW}) were created since the last ranking;
     * returns whether it did. Called periodically: otherwise only a cut ranks them, hours apart with
     * 2-hour blocks, and a sorted select sorts every series created since by its labels. Under churn
     * (10% of 512k series replaced) a select of 1,100 series after a start without any cut spent half
     * of {@code /api/v1/series}'s CPU there (JFR); a ranking costs about one compare per series plus
     * the new series' own sort.
     */
    public boolean rankIfManyNew() {
        long created = lastRef.get() - rankedUpToRef;
        if (created < Math.max(RANK_MIN_NEW, numSeries() >>> 5)) {
            return false;
        }
        seriesInLabelOrder();
        return true;
    }

    /**
     * Drops everything before {@code mint} (now in a block) and garbage-collects series left empty.
     * Each series' chunks are cut under its own monitor, outside the GC lock: that pass walks every
     * series (seconds at millions), and under the write lock it held every commit back for as long.
     * Only the removal of the series it left empty stops commits; those are checked again under the
     * write lock, as an append may have reached one since (appends below {@code mint} are refused
     * already, so the cut itself cannot be undone meanwhile).
     */
    public void truncateBefore(long mint) {
        List<MemSeries> emptied = new ArrayList<>();
        byLabels.forEach(s -> {
            if (s.truncateBefore(mint, writes)) {
                emptied.add(s);
            }
        });
        synchronized (labelOrderLock) {
            removeEmptied(emptied, mint);
        }
    }

    /** Removes the series truncation left empty, under the GC lock (see {@link #truncateBefore}). */
    private void removeEmptied(List<MemSeries> emptied, long mint) {
        gcLock.writeLock().lock();
        try {
            List<MemSeries> dead = new ArrayList<>(emptied.size());
            for (MemSeries s : emptied) {
                if (!s.removed() && s.truncateBefore(mint, writes)) {
                    dead.add(s);
                }
            }
            for (var e : startTimes.entrySet()) {
                MemSeries s = refs.get(e.getKey());
                if (s == null || s.removed()) {
                    continue;
                }
                e.getValue().truncateBefore(mint);
            }
            remove(dead);
            minValidTime = Math.max(minValidTime, mint);
            persistedBefore = Math.max(persistedBefore, mint);
            minTime.accumulateAndGet(mint, Math::max);
            if (byLabels.size() == 0) {
                minTime.set(Long.MAX_VALUE);
                maxTime.set(Long.MIN_VALUE);
            }
            metrics.headTruncations.increment();
        } finally {
            gcLock.writeLock().unlock();
        }
    }

    /**
     * Removes the series without a sample. After a WAL replay these are the series whose records
     * sit in segments kept for a remote write queue while all their samples are in blocks already;
     * the next head cut would remove them, until then the label APIs would list them.
     */
    public void removeEmptySeries() {
        synchronized (labelOrderLock) {
            gcLock.writeLock().lock();
            try {
                List<MemSeries> dead = new ArrayList<>();
                byLabels.forEach(s -> {
                    if (s.isEmpty()) {
                        dead.add(s);
                    }
                });
                remove(dead);
            } finally {
                gcLock.writeLock().unlock();
            }
        }
    }

    /** Drops series from every table; under the label order lock and the write lock of {@code gcLock}. */
    private void remove(List<MemSeries> dead) {
        for (MemSeries s : dead) {
            s.markRemoved();
            if (s.hasStarts()) {
                startTimes.remove(s.ref());
            }
            byLabels.remove(s);
            refs.set(s.ref(), null, Long.MIN_VALUE);
            postings.remove((int) s.ref(), s.labels());
            metrics.seriesRemoved.increment();
        }
        if (!dead.isEmpty()) {
            rebuildSymbols();
        }
    }

    /**
     * The head's heap by part, estimated as Lucene's {@code Accountable}s do (object layouts of
     * this JVM, hash-table entries at Lucene's per-entry cost): {@code series} the series objects,
     * the by-labels table and the ref pages, {@code chunks} the compressed chunk
     * bytes, {@code postings} the inverted index ({@link HeadPostings#ramBytesUsed}),
     * {@code symbols} the interned label strings, {@code exemplars} the exemplar buffer
     * ({@link io.promethium.tsdb.internal.exemplar.ExemplarStorage#ramBytesUsed}), {@code appendBuffers}
     * the appenders' pooled sample and WAL buffers ({@link AppendBatchPool#ramBytesUsed}). Per-series
     * start times, out-of-order samples and chunk array headers are not counted. Walks every series: for status and metrics, not for hot paths.
     */
    public record Memory(long series, long chunks, long postings, long symbols, long exemplars, long appendBuffers) {
        public long total() {
            return series + chunks + postings + symbols + exemplars + appendBuffers;
        }
    }

    /**
     * {@link #memory()} as last read, read again only once its walk over every series (about a
     * second at 10 million) is paid for; see {@link RecentReading}.
     */
    public Memory recentMemory() {
        return recentMemory.get();
    }

    /** The head's heap by part; see {@link Memory}. It walks every series. */
    public Memory memory() {
        long[] n = {0, 0, 0};
        byLabels.forEach(s -> {
            n[0]++;
            n[1] += s.chunkBytes();
            n[2] += labelSetBytes(s.labels().size());
        });
        long symbolBytes = 0;
        for (String symbol : symbols.values()) {
            symbolBytes += org.apache.lucene.util.RamUsageEstimator.HASHTABLE_RAM_BYTES_PER_ENTRY
                    + org.apache.lucene.util.RamUsageEstimator.sizeOf(symbol);
        }
        long series = n[0] * MemSeries.SHALLOW_BYTES + n[2] + byLabels.ramBytesUsed() + refs.ramBytesUsed() + labelOrder.ramBytesUsed();
        return new Memory(series, n[1], postings.ramBytesUsed(), symbolBytes, exemplars.ramBytesUsed(), batchPool.ramBytesUsed());
    }

    private static final long LABELS_BYTES = org.apache.lucene.util.RamUsageEstimator.shallowSizeOfInstance(Labels.class);

    /** A series' label set: the object and its array of names and values (the strings are symbols). */
    private static long labelSetBytes(int labels) {
        return LABELS_BYTES + org.apache.lucene.util.RamUsageEstimator.alignObjectSize(
                org.apache.lucene.util.RamUsageEstimator.NUM_BYTES_ARRAY_HEADER + 2L * labels * org.apache.lucene.util.RamUsageEstimator.NUM_BYTES_OBJECT_REF);
    }

    /** {@link #memory()}'s total, as Lucene's {@code Accountable#ramBytesUsed}. */
    @Override
    public long ramBytesUsed() {
        return memory().total();
    }

    /** The head's chunks, open and closed (without walking the series). */
    public long chunkCount() {
        return chunks.sum();
    }

    /** What the head's series update as they append ({@link MemSeries#append}). */
    SeriesWrites writes() {
        return writes;
    }
}
