package io.promethium.scrape.internal;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.exposition.ExpositionParser;
import io.promethium.exposition.ParseMode;
import io.promethium.scrape.TargetInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
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
 * <p>A failed scrape (HTTP error, timeout, limits, syntax error) appends no page sample, marks the
 * previous scrape's series stale and reports {@code up 0}; the loop goes on.
 */
final class ScrapeLoop {

    private static final Logger LOG = Logger.getLogger(ScrapeLoop.class.getName());

    static final String[] REPORT_NAMES = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling", "scrape_series_added",
        // extra_scrape_metrics only:
        "scrape_timeout_seconds", "scrape_sample_limit", "scrape_body_size_bytes"};
    /** How many of {@link #REPORT_NAMES} every scrape reports; the rest with extra_scrape_metrics. */
    static final int BASIC_REPORTS = 5;

    /** Everything a replacement loop takes over so that series and staleness carry on. */
    record Handover(ScrapeLoop from, SeriesCache cache, long iteration, long lastSuccess, long[] reportRefs) {
    }

    private final ScrapeTarget target;
    private final LoopSettings settings;
    private final PageFetcher scraper;
    private final Supplier<Storage> storage;
    private final ScrapeMetrics metrics;
    private final Labels[] reportLabels;
    private final long[] reportRefs;
    private final SeriesCache cache;
    private long iteration;
    private long lastSuccess;

    // Reused per scrape: the stale-marker callback appends into the batch in progress.
    private Appender batch;
    private long batchTimestamp;
    private final SeriesCache.Vanished staleWriter = this::writeStale;
    private final int[] counts = new int[3];
    private final double[] reportValues;
    /** The last page's size for {@code scrape_body_size_bytes}: -1 when over body_size_limit, 0 when not fetched. */
    private long bodyBytes;
    private String lastContentType;
    private ExpositionFormat lastFormat;
    /** The classic-to-native-histogram converter, made on the first page that needs it and reused. */
    private NhcbParser nhcb;

    private volatile String forcedError;
    private volatile boolean stopped;
    private volatile boolean staleOnStop = true;

    // Published for the targets API.
    private volatile String lastError = "";
    private volatile Instant lastScrape = Instant.EPOCH;
    private volatile Duration lastDuration = Duration.ZERO;
    private volatile String health = TargetInfo.UNKNOWN;
    /** The page's metadata by family: a map shared with the pool's targets that send the same comment lines. */
    private volatile Map<String, Metadata> metadata = Map.of();
    /** The fingerprint of the comment lines {@link #metadata} was read from; 0 when unknown. */
    private long metadataFingerprint;
    private final SharedMetadata sharedMetadata;
    /** The threads the scrapes run on. */
    private final ScrapeWorkers workers;
    /** Whether {@link #workers} are the loop's own, shut down when it ends. */
    private final boolean ownWorkers;
    /** The next slot's task, guarded by {@link #lifecycle}. */
    private ScrapeWorkers.Slot pending;
    private final Object lifecycle = new Object();
    private boolean started;
    private final java.util.concurrent.atomic.AtomicBoolean finishing = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    // The schedule, carried from one scrape to the next.
    private long next;
    private long previousStart;
    /** How long the next scrape is expected to run without waiting in its fetcher (see {@link ScrapeWorkers}). */
    private long expectedNanos;
    /** Scratch of a metadata pass that parses the page. */
    private final Map<String, Metadata> pageMetadata = new HashMap<>();
    /** The series a scrape added, for their metadata once the page's metadata is read. */
    private SeriesCache.Entry[] newEntries = new SeriesCache.Entry[16];

    ScrapeLoop(ScrapeTarget target, LoopSettings settings, PageFetcher scraper, Supplier<Storage> storage,
               ScrapeMetrics metrics, Handover handover) {
        this(target, settings, scraper, storage, metrics, handover, new SharedMetadata(), null);
    }

    ScrapeLoop(ScrapeTarget target, LoopSettings settings, PageFetcher scraper, Supplier<Storage> storage,
               ScrapeMetrics metrics, Handover handover, SharedMetadata sharedMetadata) {
        this(target, settings, scraper, storage, metrics, handover, sharedMetadata, null);
    }

    /** {@code workers}: where the scrapes run (see {@link ScrapeWorkers}); null: on workers of the loop's own. */
    ScrapeLoop(ScrapeTarget target, LoopSettings settings, PageFetcher scraper, Supplier<Storage> storage,
               ScrapeMetrics metrics, Handover handover, SharedMetadata sharedMetadata, ScrapeWorkers workers) {
        this.ownWorkers = workers == null;
        this.workers = workers != null ? workers : new ScrapeWorkers(target.url().toString());
        this.sharedMetadata = Objects.requireNonNull(sharedMetadata, "sharedMetadata is null");
        this.target = Objects.requireNonNull(target, "target is null");
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.scraper = Objects.requireNonNull(scraper, "scraper is null");
        this.storage = Objects.requireNonNull(storage, "storage is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        int reports = settings.extraMetrics() ? REPORT_NAMES.length : BASIC_REPORTS;
        this.reportLabels = new Labels[reports];
        this.reportValues = new double[reports];
        for (int i = 0; i < reports; i++) {
            reportLabels[i] = target.publicLabels().toBuilder().set(Labels.METRIC_NAME, REPORT_NAMES[i]).build();
        }
        if (handover == null) {
            this.cache = new SeriesCache();
            this.reportRefs = new long[reports];
            this.lastSuccess = -1;
        } else {
            this.cache = handover.cache();
            this.iteration = handover.iteration();
            this.lastSuccess = handover.lastSuccess();
            // extra_scrape_metrics may have changed: the refs of the series kept carry over.
            this.reportRefs = handover.reportRefs().length == reports ? handover.reportRefs()
                    : java.util.Arrays.copyOf(handover.reportRefs(), reports);
            // The page's metadata carries on too: the targets API has it before the next pass.
            this.metadata = handover.from().metadata;
            this.metadataFingerprint = handover.from().metadataFingerprint;
        }
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
        next = firstSlot();
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
            finished.await(settings.timeout().toMillis() + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first slot: the phase within the interval set by a hash of the target. */
    private long firstSlot() {
        long intervalMs = settings.interval().toMillis();
        long phase = Math.floorMod(target.hash(), intervalMs);
        long now = System.currentTimeMillis();
        long first = now - Math.floorMod(now, intervalMs) + phase;
        return first < now ? first + intervalMs : first;
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
            long intervalMs = settings.interval().toMillis();
            next += intervalMs;
            long now = System.currentTimeMillis();
            if (next <= now) {
                // Overran: skip the missed slots but keep the phase.
                next += ((now - next) / intervalMs + 1) * intervalMs;
            }
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
        return new Handover(this, cache, iteration, lastSuccess, reportRefs);
    }

    /** One scrape at {@code timestamp} (ms): fetch, parse, append, report. Package-private for tests. */
    void scrapeOnce(long timestamp) {
        long start = System.nanoTime();
        long fetched = start;
        Storage store = storage.get();
        if (store == null) {
            lastError = "no storage available";
            health = TargetInfo.DOWN;
            lastScrape = Instant.ofEpochMilli(timestamp);
            return;
        }
        iteration++;
        Appender app = store.appender();
        batch = app;
        batchTimestamp = timestamp;
        int[] counts = this.counts;
        counts[0] = counts[1] = counts[2] = 0;
        String error = null;
        bodyBytes = 0;
        try {
            String forced = forcedError;
            if (forced != null) {
                throw new ScrapeException(ScrapeException.Kind.TARGET_LIMIT, forced);
            }
            PageFetcher.Page page = scraper.fetch();
            fetched = System.nanoTime();
            bodyBytes = page.length();
            ExpositionFormat format = formatOf(page.contentType());
            // Metadata lines are read in a pass of their own, never in the sample loop, and the
            // decisions about it are taken here: a branch in appendPage that goes one way for
            // scrapes on end (a new series, the 8th scrape) made C2 throw the loop's compiled
            // code away and compile it again (unstable_if), each time on a scrape's own time.
            // Type-and-unit labels need the families before any series is made.
            boolean metadataFirst = lastSuccess < 0 || settings.typeAndUnitLabels();
            if (metadataFirst) {
                refreshMetadata(format, page);
            }
            appendPage(app, format, page, timestamp, counts);
            metadataAfterPage(app, format, page, metadataFirst, counts[2]);
            cache.commit(iteration, lastSuccess, staleWriter);
            lastSuccess = iteration;
        } catch (ScrapeException e) {
            error = e.getMessage();
            count(e.kind());
            if (e.kind() == ScrapeException.Kind.BODY_SIZE) {
                bodyBytes = -1;
            }
            app.rollback();
            app = store.appender();
            batch = app;
            cache.fail(lastSuccess, staleWriter);
            lastSuccess = -1;
            counts[0] = counts[1] = counts[2] = 0;
        } finally {
            // The page is parsed: its buffer goes back to be shared with the pool's other loops.
            scraper.release();
        }
        long durationNanos = System.nanoTime() - start;
        report(app, timestamp, error == null ? 1 : 0, durationNanos / 1e9, counts);
        try {
            app.commit();
        } catch (StorageException e) {
            error = error == null ? "appending to storage failed: " + e.getMessage() : error;
        }
        batch = null;
        lastError = error == null ? "" : error;
        health = error == null ? TargetInfo.UP : TargetInfo.DOWN;
        lastScrape = Instant.ofEpochMilli(timestamp);
        lastDuration = Duration.ofNanos(durationNanos);
        // What follows the fetch (parse, append, commit): the fetch's wait is watched in the fetcher.
        expectedNanos = System.nanoTime() - fetched;
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

    /**
     * Parses and appends the page's samples; counts[0] scraped, [1] post relabeling, [2] series
     * added (kept in {@link #newEntries} for {@link #metadataAfterPage}).
     */
    private void appendPage(Appender app, ExpositionFormat format, PageFetcher.Page page, long timestamp, int[] counts)
            throws ScrapeException {
        ExpositionParser parser = format.newParser(page.buffer(), page.offset(), page.length(), ParseMode.LENIENT, settings.histograms());
        if (settings.convertClassicToNhcb()) {
            if (nhcb == null) {
                nhcb = new NhcbParser();
            }
            parser = nhcb.wrap(parser, settings.keepClassicWithNhcb());
        }
        boolean ingestCreated = settings.ingestCreated();
        if (ingestCreated) {
            parser.ingestCreatedTimestamps();
        }
        long sampleLimit = settings.limits().sampleLimit();
        boolean honorTimestamps = settings.honorTimestamps();
        Map<String, Metadata> meta = metadata;
        SeriesCache.Entry[] fresh = newEntries;
        int scraped = 0;
        int post = 0;
        int added = 0;
        try {
            ExpositionParser.Entry entry;
            while ((entry = parser.next()) != ExpositionParser.Entry.EOF) {
                if (entry != ExpositionParser.Entry.SERIES && entry != ExpositionParser.Entry.HISTOGRAM) {
                    continue;
                }
                scraped++;
                // The text parsers' buffer is the page; protobuf builds each series' identity in its own.
                byte[] buf = parser.buffer();
                int off = parser.seriesOffset();
                int len = parser.seriesLength();
                SeriesCache.Entry e = cache.predicted(scraped - 1, buf, off, len);
                if (e == null) {
                    int hash = SeriesCache.hash(buf, off, len);
                    e = cache.get(buf, off, len, hash);
                    if (e == null) {
                        e = newSeries(parser, buf, off, len, hash, meta);
                        if (e.labels != null) {
                            if (added == fresh.length) {
                                fresh = newEntries = Arrays.copyOf(fresh, added * 2);
                            }
                            fresh[added++] = e;
                        }
                    }
                }
                cache.touch(e, iteration, buf, off, len);
                if (e.labels == null) {
                    continue;
                }
                if (++post > sampleLimit && sampleLimit > 0) {
                    throw new ScrapeException(ScrapeException.Kind.SAMPLE_LIMIT,
                            "sample limit exceeded (limit: " + sampleLimit + ")");
                }
                boolean explicit = honorTimestamps && parser.hasTimestamp();
                e.explicitTimestamp = explicit;
                long t = explicit ? parser.timestamp() : timestamp;
                try {
                    long created = ingestCreated ? parser.createdTimestamp() : 0;
                    if (created != 0) {
                        appendCreated(app, e, entry, parser, created, t);
                    } else if (entry == ExpositionParser.Entry.HISTOGRAM) {
                        e.ref = parser.isFloatHistogram() ? app.appendHistogram(e.ref, e.labels, t, parser.floatHistogram())
                                : app.appendHistogram(e.ref, e.labels, t, parser.histogram());
                    } else {
                        e.ref = app.append(e.ref, e.labels, t, parser.value());
                    }
                } catch (StorageException ex) {
                    metrics.rejected(ex.reason());
                    if (ex.reason() == StorageException.Reason.IO || ex.reason() == StorageException.Reason.CLOSED) {
                        throw new ScrapeException(ScrapeException.Kind.STORAGE, "appending to storage failed: " + ex.getMessage());
                    }
                    continue;
                }
                if (entry == ExpositionParser.Entry.HISTOGRAM) {
                    for (Exemplar x : parser.histogramExemplars()) {
                        appendExemplar(app, e, x, t);
                    }
                } else if (parser.hasExemplar()) {
                    appendExemplar(app, e, parser.exemplar(), t);
                }
            }
        } catch (ExpositionException e) {
            Arrays.fill(fresh, 0, added, null);
            throw new ScrapeException(ScrapeException.Kind.PARSE, e.getMessage());
        } catch (ScrapeException e) {
            Arrays.fill(fresh, 0, added, null);
            throw e;
        }
        counts[0] = scraped;
        counts[1] = post;
        counts[2] = added;
    }

    /**
     * After the samples: brings the page's metadata up to date when series are new (their
     * metadata goes to the storage with them) and every 8th scrape (changed help texts), unless
     * done before them.
     */
    private void metadataAfterPage(Appender app, ExpositionFormat format, PageFetcher.Page page, boolean alreadyRead, int added)
            throws ScrapeException {
        if (!alreadyRead && (added > 0 || iteration % 8 == 0)) {
            refreshMetadata(format, page);
        }
        // The shared records: the storage keeps a series' metadata with the series.
        Map<String, Metadata> known = metadata;
        SeriesCache.Entry[] fresh = newEntries;
        for (int i = 0; i < added; i++) {
            PageMetadata.newSeriesMetadata(app, fresh[i], known);
            fresh[i] = null;
        }
    }

    /**
     * Brings {@link #metadata} up to date with the page. The text formats' comment lines are
     * fingerprinted first, and when they are the ones last read (the steady state) nothing is
     * parsed and no string is made; protobuf pages are parsed, and a map equal to the kept one
     * changes nothing.
     */
    private void refreshMetadata(ExpositionFormat format, PageFetcher.Page page) throws ScrapeException {
        long fingerprint = format == ExpositionFormat.PROMETHEUS_PROTO ? 0
                : CommentLines.fingerprint(page.buffer(), page.offset(), page.offset() + page.length());
        if (fingerprint != 0 && fingerprint == metadataFingerprint) {
            return;
        }
        readMetadata(format, page);
        Map<String, Metadata> parsed = pageMetadata;
        if (!SharedMetadata.sameContent(parsed, metadata)) {
            metadata = sharedMetadata.share(fingerprint, parsed);
        }
        parsed.clear();
        metadataFingerprint = fingerprint;
    }

    /** Reads the page's TYPE, HELP and UNIT lines into {@link #pageMetadata}, by family. Package-private for benchmarks. */
    void readMetadata(ExpositionFormat format, PageFetcher.Page page) throws ScrapeException {
        Map<String, Metadata> meta = pageMetadata;
        meta.clear();
        try {
            if (format == ExpositionFormat.PROMETHEUS_TEXT_0_0_4 || format == ExpositionFormat.PROMETHEUS_TEXT_1_0_0) {
                try {
                    readCommentRuns(format, page, meta);
                    return;
                } catch (ExpositionException e) {
                    // Parsed again whole below, so the error names its line in the page as before.
                    meta.clear();
                }
            }
            PageMetadata.readMetadataEntries(format.newParser(page.buffer(), page.offset(), page.length(), ParseMode.LENIENT, settings.histograms()),
                    meta);
        } catch (ExpositionException e) {
            throw new ScrapeException(ScrapeException.Kind.PARSE, e.getMessage());
        }
    }

    /**
     * The text formats' metadata from their runs of comment lines only: sample lines (most of a
     * page's syntax: labels, values) are stepped over by their line ends instead of being parsed a
     * second time. A line is a comment when its first non-blank byte is {@code #}, as the parser
     * reads it; a sample line's syntax is checked by the sample pass all the same.
     */
    private void readCommentRuns(ExpositionFormat format, PageFetcher.Page page, Map<String, Metadata> meta) throws ExpositionException {
        byte[] b = page.buffer();
        int p = page.offset();
        int end = p + page.length();
        while (p < end) {
            if (!PageMetadata.commentLine(b, p, end)) {
                p = PageMetadata.nextLine(b, p, end);
                continue;
            }
            int run = p;
            do {
                p = PageMetadata.nextLine(b, p, end);
            } while (p < end && PageMetadata.commentLine(b, p, end));
            PageMetadata.readMetadataEntries(format.newParser(b, run, p - run, ParseMode.LENIENT, settings.histograms()), meta);
        }
    }

    /**
     * Stores an exemplar; one without a timestamp takes its sample's, as Prometheus does. A
     * refused exemplar (out of order, too long) is counted and the scrape goes on: exemplars are advisory.
     */
    private void appendExemplar(Appender app, SeriesCache.Entry e, Exemplar x, long sampleTime) {
        try {
            app.appendExemplar(e.ref, e.labels, x.hasTimestamp() ? x : new Exemplar(x.labels(), x.value(), sampleTime, true));
        } catch (StorageException ex) {
            metrics.exemplarRejected();
        }
    }

    /**
     * A sample with a created timestamp, as Prometheus's created-timestamp zero ingestion: first a
     * zero (an empty histogram of the same layout) at the created timestamp when that is before the
     * sample (best effort: skipped when the series already has data there or later), then the
     * sample with the created timestamp as its start timestamp.
     */
    private static void appendCreated(Appender app, SeriesCache.Entry e, ExpositionParser.Entry entry, ExpositionParser parser, long created,
            long t) {
        if (created < t) {
            try {
                if (entry == ExpositionParser.Entry.HISTOGRAM) {
                    e.ref = app.appendHistogram(e.ref, e.labels, created, zeroLike(parser));
                } else {
                    e.ref = app.append(e.ref, e.labels, created, 0.0);
                }
            } catch (StorageException ex) {
                if (ex.reason() != StorageException.Reason.OUT_OF_ORDER && ex.reason() != StorageException.Reason.OUT_OF_BOUNDS
                        && ex.reason() != StorageException.Reason.DUPLICATE_TIMESTAMP) {
                    throw ex;
                }
            }
        }
        if (entry == ExpositionParser.Entry.HISTOGRAM) {
            e.ref = parser.isFloatHistogram() ? app.appendHistogramWithStart(e.ref, e.labels, created, t, parser.floatHistogram())
                    : app.appendHistogramWithStart(e.ref, e.labels, created, t, parser.histogram());
        } else {
            e.ref = app.appendWithStart(e.ref, e.labels, created, t, parser.value());
        }
    }

    /** An empty histogram with the current one's schema (and custom bounds). */
    private static io.promethium.api.model.Histogram zeroLike(ExpositionParser parser) {
        io.promethium.api.model.FloatHistogram h = parser.floatHistogram();
        return h.usesCustomBuckets()
                ? io.promethium.api.model.Histogram.custom(h.customValues(), 0, 0, io.promethium.api.model.HistogramSpans.EMPTY)
                : io.promethium.api.model.Histogram.exponential(h.schema(), h.zeroThreshold(), 0, 0, 0,
                        io.promethium.api.model.HistogramSpans.EMPTY);
    }


    /**
     * The page's format; a target sends the same Content-Type every time (the fetcher even hands
     * over the same string), so the media type is parsed only when it changes.
     */
    private ExpositionFormat formatOf(String contentType) throws ScrapeException {
        if (contentType != null && contentType.equals(lastContentType)) {
            return lastFormat;
        }
        ExpositionFormat format;
        try {
            format = ExpositionFormats.parserFor(contentType, settings.fallbackFormat()).format();
        } catch (ExpositionException e) {
            throw new ScrapeException(ScrapeException.Kind.PARSE, e.getMessage());
        }
        lastContentType = contentType;
        lastFormat = format;
        return format;
    }

    /** Cache miss: build, relabel and check the series' labels once. */
    private SeriesCache.Entry newSeries(ExpositionParser parser, byte[] buf, int off, int len, int hash,
            Map<String, Metadata> pageMetadata) throws ScrapeException {
        Labels.Builder builder = Labels.builder();
        parser.labels(builder);
        if (settings.typeAndUnitLabels()) {
            PageMetadata.typeAndUnit(builder, PageMetadata.familyMetadata(pageMetadata, builder.get(Labels.METRIC_NAME)));
        }
        Labels labels = SeriesLabels.of(builder.build(), target.publicLabels(), settings.honorLabels(),
                settings.metricRelabeler());
        if (labels != null) {
            String nameError = SeriesLabels.checkNames(labels, settings.nameValidation());
            if (nameError != null) {
                throw new ScrapeException(ScrapeException.Kind.INVALID_NAME, nameError);
            }
            labels = NameInterner.intern(labels);
            String limitError = SeriesLabels.checkLimits(labels, settings.limits());
            if (limitError != null) {
                throw new ScrapeException(ScrapeException.Kind.LABEL_LIMIT, limitError);
            }
        }
        return cache.put(len, hash, labels);
    }

    private void writeStale(SeriesCache.Entry e) {
        if (e.labels == null || (e.explicitTimestamp && !settings.trackTimestampsStaleness())) {
            return;
        }
        try {
            e.ref = batch.append(e.ref, e.labels, batchTimestamp, StaleMarker.STALE_NAN);
        } catch (StorageException ex) {
            metrics.rejected(ex.reason());
        }
    }

    private void report(Appender app, long timestamp, double up, double durationSeconds, int[] counts) {
        double[] values = reportValues;
        values[0] = up;
        values[1] = durationSeconds;
        values[2] = counts[0];
        values[3] = counts[1];
        values[4] = counts[2];
        if (values.length > BASIC_REPORTS) {
            values[5] = settings.timeout().toNanos() / 1e9;
            values[6] = settings.limits().sampleLimit();
            values[7] = bodyBytes;
        }
        for (int i = 0; i < values.length; i++) {
            try {
                reportRefs[i] = app.append(reportRefs[i], reportLabels[i], timestamp, values[i]);
            } catch (StorageException e) {
                metrics.rejected(e.reason());
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
        batch = app;
        batchTimestamp = timestamp;
        if (lastSuccess >= 0) {
            cache.forEachLive(lastSuccess, staleWriter);
        }
        for (int i = 0; i < reportLabels.length; i++) {
            try {
                reportRefs[i] = app.append(reportRefs[i], reportLabels[i], timestamp, StaleMarker.STALE_NAN);
            } catch (StorageException e) {
                metrics.rejected(e.reason());
            }
        }
        try {
            app.commit();
        } catch (StorageException e) {
            LOG.log(Level.WARNING, "writing end-of-run staleness markers for " + target.url() + " failed: " + e.getMessage());
        }
        batch = null;
    }

    /** Writes the end-of-run staleness markers of a loop that has stopped (or never ran its thread). */
    void endOfRun(long timestamp) {
        endOfRunStaleness(timestamp);
    }

    TargetInfo info() {
        return new TargetInfo(target.discoveredLabels(), target.publicLabels(), target.job(), target.url().toString(),
                target.url().toString(), lastError, lastScrape, lastDuration, health, settings.interval(), settings.timeout());
    }

    Map<String, Metadata> metadata() {
        return metadata;
    }
}
