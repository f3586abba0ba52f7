package io.promethium.scrape.internal;

import io.promethium.api.model.Metadata;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.api.trace.Span;
import io.promethium.api.trace.Tracer;
import io.promethium.scrape.TargetInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Scrapes one target every interval, at a phase set by a hash of the
 * target so that a pool's scrapes spread over the interval: each scrape runs at its slot on one
 * of the scrape manager's worker threads ({@link ScrapeWorkers}); a loop made without them
 * (tests) has workers of its own, ended with it. Each scrape appends the page's
 * samples, staleness markers for series that left the page, and the report series
 * ({@code up}, {@code scrape_duration_seconds}, ...) in one batch.
 *
 * <p>The loop holds the schedule ({@link Slots}) and the scrape's sequence; each step is a class
 * of its own, made once per loop and reused: the fetch ({@link PageFetcher}), the page's format
 * ({@link PageFormat}), parse and append with the limits ({@link PageAppender}), the metadata
 * pass ({@link MetadataPass}), staleness markers ({@link StaleMarkers}) and the report series
 * ({@link ScrapeReport}).
 *
 * <p>A failed scrape (HTTP error, timeout, limits, syntax error) appends no page sample, marks the
 * previous scrape's series stale and reports {@code up 0}; the loop goes on.
 */
final class ScrapeLoop {

    private static final Logger LOG = Logger.getLogger(ScrapeLoop.class.getName());

    /** How many report series every scrape reports; the rest with extra_scrape_metrics ({@link ScrapeReport}). */
    static final int BASIC_REPORTS = ScrapeReport.BASIC;

    // Prometheus's span names (scrape/scrape.go, scrapeAndReport).
    static final String SCRAPE = "scrape";
    static final String NEW_APPENDER = "newAppender";
    static final String APPEND = "scrapeAppend";
    static final String REPORT = "scrapeReport";
    static final String COMMIT = "scrapeCommit";
    /** No tracer: every span {@link Span#NONE}. */
    static final Supplier<Tracer> UNTRACED = () -> Tracer.NONE;

    /** Everything a replacement loop takes over so that series and staleness carry on. */
    record Handover(ScrapeLoop from, SeriesCache cache, long iteration, long lastSuccess, long[] reportRefs) {
    }

    private final ScrapeTarget target;
    private final LoopSettings settings;
    private final PageFetcher scraper;
    private final Supplier<Storage> storage;
    /** The tracer bound now ({@link Tracer#NONE} when none), read once per scrape. */
    private final Supplier<Tracer> tracer;
    private final FetchSpans fetchSpans;
    private final ScrapeMetrics metrics;
    private final SeriesCache cache;
    private long iteration;
    private long lastSuccess;

    // One per role, reused by every scrape.
    private final PageFormat pageFormat;
    private final PageAppender pageAppender;
    private final MetadataPass metadataPass;
    private final StaleMarkers staleMarkers;
    private final ScrapeReport report;
    /** counts[0] samples scraped, [1] post relabeling, [2] series added. */
    private final int[] counts = new int[3];
    /** The last page's size for {@code scrape_body_size_bytes}: -1 when over body_size_limit, 0 when not fetched. */
    private long bodyBytes;

    private volatile String forcedError;
    private volatile boolean stopped;
    private volatile boolean staleOnStop = true;

    // Published for the targets API.
    private volatile String lastError = "";
    private volatile Instant lastScrape = Instant.EPOCH;
    private volatile Duration lastDuration = Duration.ZERO;
    private volatile String health = TargetInfo.UNKNOWN;
    /** The threads the scrapes run on. */
    private final ScrapeWorkers workers;
    /** Whether {@link #workers} are the loop's own, shut down when it ends. */
    private final boolean ownWorkers;
    /** The next slot's task, guarded by {@link #lifecycle}. */
    private ScrapeWorkers.Slot pending;
    private final Object lifecycle = new Object();
    private boolean started;
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    // The schedule, carried from one scrape to the next.
    private long next;
    private long previousStart;
    /** How long the next scrape is expected to run without waiting in its fetcher (see {@link ScrapeWorkers}). */
    private long expectedNanos;
    /** How soon a scrape waiting for a storage plugin's replacement notices that its loop is stopped. */
    static final Duration STOP_CHECK = Duration.ofMillis(100);

    ScrapeLoop(ScrapeTarget target, LoopSettings settings, PageFetcher scraper, Supplier<Storage> storage,
               ScrapeMetrics metrics, Handover handover) {
        this(target, settings, scraper, storage, metrics, handover, new SharedMetadata(), null, UNTRACED);
    }

    ScrapeLoop(ScrapeTarget target, LoopSettings settings, PageFetcher scraper, Supplier<Storage> storage,
               ScrapeMetrics metrics, Handover handover, SharedMetadata sharedMetadata) {
        this(target, settings, scraper, storage, metrics, handover, sharedMetadata, null, UNTRACED);
    }

    /**
     * {@code workers}: where the scrapes run (see {@link ScrapeWorkers}); null: on workers of the loop's own.
     * {@code tracer}: the tracer bound now, read at each scrape.
     */
    ScrapeLoop(ScrapeTarget target, LoopSettings settings, PageFetcher scraper, Supplier<Storage> storage,
               ScrapeMetrics metrics, Handover handover, SharedMetadata sharedMetadata, ScrapeWorkers workers,
               Supplier<Tracer> tracer) {
        this.tracer = Objects.requireNonNull(tracer, "tracer is null");
        this.ownWorkers = workers == null;
        this.workers = workers != null ? workers : new ScrapeWorkers(target.url().toString());
        this.target = Objects.requireNonNull(target, "target is null");
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.scraper = Objects.requireNonNull(scraper, "scraper is null");
        this.storage = Objects.requireNonNull(storage, "storage is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.fetchSpans = new FetchSpans(target.url());
        if (handover == null) {
            this.cache = new SeriesCache();
            this.lastSuccess = -1;
        } else {
            this.cache = handover.cache();
            this.iteration = handover.iteration();
            this.lastSuccess = handover.lastSuccess();
        }
        this.pageFormat = new PageFormat(settings.fallbackFormat());
        this.pageAppender = new PageAppender(target, settings, cache, metrics);
        this.metadataPass = new MetadataPass(settings.histograms(), sharedMetadata, handover == null ? null : handover.from().metadataPass);
        this.staleMarkers = new StaleMarkers(settings.trackTimestampsStaleness(), metrics);
        this.report = new ScrapeReport(target.publicLabels(), settings, metrics, handover == null ? null : handover.reportRefs());
    }

    ScrapeTarget target() {
        return target;
    }

    LoopSettings settings() {
        return settings;
    }

    /** Every scrape fails with this error until cleared (null): {@code target_limit} exceeded. */
    void forceError(String error) {
        this.forcedError = error;
    }

    void start() {
        next = Slots.first(target.hash(), settings.interval().toMillis(), System.currentTimeMillis());
        synchronized (lifecycle) {
            started = true;
            if (!stopped) {
                pending = workers.at(next, this::tick);
            }
        }
    }

    /** Asks the loop to stop after its current scrape; {@link #awaitStop()} waits for it. */
    void stop(boolean writeStaleMarkers) {
        staleOnStop = writeStaleMarkers;
        stopped = true;
        ScrapeWorkers.Slot p;
        boolean idle;
        synchronized (lifecycle) {
            p = pending;
            pending = null;
            idle = started && p != null && p.cancel();
        }
        // Between scrapes: the loop ends now. During one, the scrape ends it (tick).
        if (idle) {
            workers.execute(this::finish);
        }
    }

    void awaitStop() {
        synchronized (lifecycle) {
            if (!started) {
                return;
            }
        }
        try {
            finished.await(settings.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The scrape of one slot, on a worker thread; then the next slot is set, or the loop ends. */
    private void tick() {
        if (stopped) {
            finish();
            return;
        }
        if (System.currentTimeMillis() >= next) {
            long startNanos = System.nanoTime();
            if (previousStart != 0) {
                metrics.intervalLength(settings.interval(), startNanos - previousStart);
            }
            previousStart = startNanos;
            try {
                scrapeOnce(settings.alignment().timestamp(next, System.currentTimeMillis(),
                        settings.alignment().toleranceNanos(settings.interval())));
            } catch (RuntimeException e) {
                // A bug must not end the loop: report it as the target's error.
                lastError = "internal error: " + e;
                health = TargetInfo.DOWN;
                LOG.log(Level.WARNING, "scrape of " + target.url() + " failed unexpectedly", e);
            }
            next = Slots.after(next, settings.interval().toMillis(), System.currentTimeMillis());
        }
        // (Else the slot came early, the wall clock having moved back: the same slot again.)
        synchronized (lifecycle) {
            if (!stopped) {
                pending = workers.at(next, expectedNanos, this::tick);
                return;
            }
        }
        finish();
    }

    /** The end of the loop, once: its last staleness markers, and its own workers shut down. */
    private void finish() {
        if (!finishing.compareAndSet(false, true)) {
            return;
        }
        try {
            if (staleOnStop) {
                endOfRunStaleness(System.currentTimeMillis());
            }
            scraper.close();
        } finally {
            finished.countDown();
            if (ownWorkers) {
                workers.shutdown();
            }
        }
    }

    /** Stops, then hands the series over to a replacement loop (no staleness markers). */
    Handover handover() {
        stop(false);
        awaitStop();
        return new Handover(this, cache, iteration, lastSuccess, report.refs());
    }

    /**
     * The storage; while there is none because a storage plugin is being updated, waits for its
     * replacement until shortly before the next slot, so a swap delays this scrape instead of
     * losing it and the next one still starts at its slot. The samples keep this slot's timestamp,
     * as Prometheus's keep their scrape's start when its appender is slow to come. The margin left
     * is twice the last scrape's duration, at least a tenth of the interval; a loop being stopped
     * ends its wait within {@link #STOP_CHECK}. The waiting scrape holds its worker, as a slow
     * target's fetch does.
     */
    private Storage awaitStorage() {
        Storage store = storage.get();
        if (store != null || !(storage instanceof StorageSlot slot)) {
            return store;
        }
        // Another worker watches the next slot meanwhile, so other targets' scrapes start on time.
        ScrapeWorkers.handOff();
        long interval = settings.interval().toNanos();
        long wait = Math.max(interval / 10, interval - Math.max(2 * lastDuration.toNanos(), interval / 10));
        long deadline = System.nanoTime() + wait;
        try {
            for (long left = wait; !stopped && left > 0; left = deadline - System.nanoTime()) {
                store = slot.await(java.time.Duration.ofNanos(Math.min(left, STOP_CHECK.toNanos())));
                if (store != null) {
                    return store;
                }
                if (!slot.replacing()) {
                    // None is coming, or the replacement came between the wait's end and this look.
                    return slot.get();
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * An appender of {@code store}; when that storage has closed since the scrape took it (a
     * storage plugin being updated, whose old version finishes the appenders it gave out before
     * closing its WAL), one of its replacement, once it has come.
     */
    private Appender appender(Storage store) {
        try {
            return store.appender();
        } catch (StorageException e) {
            if (e.reason() != StorageException.Reason.CLOSED) {
                throw e;
            }
            Storage next = awaitStorage();
            if (next == null || next == store) {
                throw e;
            }
            return next.appender();
        }
    }

    /**
     * One scrape at {@code timestamp} (ms): fetch, parse, append, report. Package-private for tests.
     *
     * <p>Traced as Prometheus's {@code scrapeAndReport}: a {@code scrape} span (attributes
     * {@code samples_scraped}, {@code samples_added}, {@code series_added}, {@code bytes}; failed
     * with the scrape's error) over {@code newAppender}, the fetch's spans ({@link FetchSpans}),
     * {@code scrapeAppend}, {@code scrapeReport} and {@code scrapeCommit} (failed when the commit
     * fails). The tracer is read once per scrape; off, every span is {@link Span#NONE}.
     */
    void scrapeOnce(long timestamp) {
        long start = System.nanoTime();
        long fetched = start;
        Storage store = awaitStorage();
        if (store == null) {
            lastError = "no storage available";
            health = TargetInfo.DOWN;
            lastScrape = Instant.ofEpochMilli(timestamp);
            return;
        }
        Tracer tracer = this.tracer.get();
        if (!tracer.enabled()) {
            tracer = Tracer.NONE;
        }
        iteration++;
        Span scrape = tracer.start(SCRAPE);
        try {
            scrapeOnce(timestamp, start, fetched, store, tracer, scrape);
        } finally {
            scrape.close();
        }
    }

    private void scrapeOnce(long timestamp, long start, long fetched, Storage store, Tracer tracer, Span scrape) {
        Appender app;
        try (Span s = tracer.start(NEW_APPENDER)) {
            app = appender(store);
        }
        staleMarkers.into(app, timestamp);
        int[] counts = this.counts;
        counts[0] = counts[1] = counts[2] = 0;
        String error = null;
        bodyBytes = 0;
        ScrapeException failure = null;
        boolean fetchFailed = false;
        try {
            String forced = forcedError;
            if (forced != null) {
                throw new ScrapeException(ScrapeException.Kind.TARGET_LIMIT, forced);
            }
            PageFetcher.Page page;
            try {
                page = scraper.fetch(fetchSpans.begin(tracer));
                fetchSpans.end(null);
            } catch (ScrapeException | RuntimeException e) {
                fetchSpans.end(e);
                fetchFailed = true;
                throw e;
            }
            fetched = System.nanoTime();
            bodyBytes = page.length();
            Span append = tracer.start(APPEND);
            try {
                ExpositionFormat format = pageFormat.of(page.contentType());
                // Metadata lines are read in a pass of their own, never in the sample loop, and the
                // decisions about it are taken here: a branch in the page's append that goes one way for
                // scrapes on end (a new series, the 8th scrape) made C2 throw the loop's compiled
                // code away and compile it again (unstable_if), each time on a scrape's own time.
                // Type-and-unit labels need the families before any series is made.
                boolean metadataFirst = lastSuccess < 0 || settings.typeAndUnitLabels();
                if (metadataFirst) {
                    metadataPass.refresh(format, page);
                }
                pageAppender.append(app, format, page, timestamp, metadataPass.current(), counts);
                metadataPass.afterPage(app, format, page, metadataFirst, iteration % 8 == 0, pageAppender.newEntries(), counts[2]);
                cache.commit(staleMarkers);
                lastSuccess = iteration;
            } catch (ScrapeException e) {
                append.error(e);
                throw e;
            } finally {
                append.close();
            }
        } catch (ScrapeException e) {
            failure = e;
            error = e.getMessage();
            count(e.kind());
            if (e.kind() == ScrapeException.Kind.BODY_SIZE) {
                bodyBytes = -1;
            }
            app.rollback();
            app = appender(store);
            staleMarkers.into(app, timestamp);
            // A failed fetch appends an empty page, whose staleness markers Prometheus's scrapeAppend covers.
            try (Span s = fetchFailed ? tracer.start(APPEND) : Span.NONE) {
                cache.fail(staleMarkers);
            }
            lastSuccess = -1;
            counts[0] = counts[1] = counts[2] = 0;
        } catch (RuntimeException e) {
            // A bug: the loop reports it (tick); the batch is discarded, not left open on the storage.
            app.rollback();
            throw e;
        } finally {
            // The page is parsed: its buffer goes back to be shared with the pool's other loops.
            scraper.release();
        }
        long durationNanos = System.nanoTime() - start;
        try (Span s = tracer.start(REPORT)) {
            report.append(app, timestamp, error == null ? 1 : 0, durationNanos / 1e9, counts, bodyBytes);
        }
        try (Span s = tracer.start(COMMIT)) {
            try {
                app.commit();
            } catch (StorageException e) {
                s.error(e);
                error = error == null ? "appending to storage failed: " + e.getMessage() : error;
            }
        }
        staleMarkers.done();
        lastError = error == null ? "" : error;
        health = error == null ? TargetInfo.UP : TargetInfo.DOWN;
        lastScrape = Instant.ofEpochMilli(timestamp);
        lastDuration = Duration.ofNanos(durationNanos);
        // What follows the fetch (parse, append, commit): the fetch's wait is watched in the fetcher.
        expectedNanos = System.nanoTime() - fetched;
        // As Prometheus's: a scrape failed by target_limit returns before these.
        if (failure == null || failure.kind() != ScrapeException.Kind.TARGET_LIMIT) {
            scrape.attribute("samples_scraped", counts[0]).attribute("samples_added", counts[1])
                    .attribute("series_added", counts[2]).attribute("bytes", bodyBytes);
            if (failure != null) {
                scrape.error(failure);
            }
        }
    }

    private void count(ScrapeException.Kind kind) {
        switch (kind) {
            case SAMPLE_LIMIT -> metrics.exceededSampleLimit.increment();
            case BODY_SIZE -> metrics.exceededBodySizeLimit.increment();
            case LABEL_LIMIT -> metrics.exceededLabelLimits.increment();
            default -> {
            }
        }
    }

    /** The target went away or the server stops: its series and report series end now. */
    private void endOfRunStaleness(long timestamp) {
        Storage store = storage.get();
        if (store == null || lastSuccess < 0 && iteration == 0) {
            return;
        }
        Appender app = store.appender();
        staleMarkers.into(app, timestamp);
        if (lastSuccess >= 0) {
            cache.forEachLive(staleMarkers);
        }
        report.appendStale(app, timestamp);
        try {
            app.commit();
        } catch (StorageException e) {
            LOG.log(Level.WARNING, "writing end-of-run staleness markers for " + target.url() + " failed: " + e.getMessage());
        }
        staleMarkers.done();
    }

    /** Writes the end-of-run staleness markers of a loop that has stopped (or never ran its thread). */
    void endOfRun(long timestamp) {
        endOfRunStaleness(timestamp);
    }

    TargetInfo info() {
        return new TargetInfo(target.discoveredLabels(), target.publicLabels(), target.job(), target.url().toString(),
                target.url().toString(), lastError, lastScrape, lastDuration, health, settings.interval(), settings.timeout());
    }

    /** The estimated heap of the loop's series cache, as of its last scrape; any thread. */
    long seriesCacheBytes() {
        return cache.ramBytesUsed();
    }

    Map<String, Metadata> metadata() {
        return metadataPass.current();
    }

    /** The metadata pass alone, into its scratch map. Package-private for benchmarks. */
    void readMetadata(ExpositionFormat format, PageFetcher.Page page) throws ScrapeException {
        metadataPass.read(format, page);
    }
}
