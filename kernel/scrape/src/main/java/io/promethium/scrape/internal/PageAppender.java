package io.promethium.scrape.internal;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionParser;
import io.promethium.exposition.ParseMode;
import java.util.Arrays;
import java.util.Map;

/**
 * Parses a page and appends its samples, as Prometheus's scrape loop appends through its
 * wrapped appender: the series cache turns each sample's raw series bytes into a storage
 * reference, a new series is built, relabeled and checked once (label limits, names), and
 * {@code sample_limit} fails the page. Timestamps, created timestamps and exemplars are handled
 * here too.
 *
 * <p>The hot path: per sample, primitives, the cache's entries and reused arrays; nothing is made
 * unless a series is new.
 */
final class PageAppender {

    private final ScrapeTarget target;
    private final LoopSettings settings;
    private final SeriesCache cache;
    private final ScrapeMetrics metrics;
    /** The classic-to-native-histogram converter, made on the first page that needs it and reused. */
    private NhcbParser nhcb;
    private static final int NEW_ENTRIES_KEPT = 16;
    /** The series a page added, for their metadata once the page's metadata is read. */
    private SeriesCache.Entry[] newEntries = new SeriesCache.Entry[NEW_ENTRIES_KEPT];

    PageAppender(ScrapeTarget target, LoopSettings settings, SeriesCache cache, ScrapeMetrics metrics) {
        this.target = target;
        this.settings = settings;
        this.cache = cache;
        this.metrics = metrics;
    }

    /** The series the last page added (counts[2] of them), cleared by their reader. */
    SeriesCache.Entry[] newEntries() {
        return newEntries;
    }

    /**
     * Parses and appends the page's samples at {@code timestamp} (ms; unless a sample has its own
     * and timestamps are honoured), the cache's scrape in progress; counts[0] scraped, [1]
     * post relabeling, [2] series added (kept in {@link #newEntries()}). {@code meta}: the page's
     * families, for type-and-unit labels.
     */
    void append(Appender app, ExpositionFormat format, PageFetcher.Page page, long timestamp,
            Map<String, Metadata> meta, int[] counts) throws ScrapeException {
        cache.begin();
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
        if (newEntries.length > NEW_ENTRIES_KEPT) {
            // A page that added many series grew it (the first page: one slot per series); a steady
            // page adds none, so it goes rather than keep up to two 4-byte slots per series.
            newEntries = new SeriesCache.Entry[NEW_ENTRIES_KEPT];
        }
        SeriesCache.Entry[] fresh = newEntries;
        byte[] pageBytes = page.buffer();
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
                SeriesCache.Entry e = cache.predicted(scraped - 1, buf, off, len, buf == pageBytes);
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
                cache.touch(e, buf, off, len);
                if (e.labels == null) {
                    continue;
                }
                if (++post > sampleLimit && sampleLimit > 0) {
                    throw new ScrapeException(ScrapeException.Kind.SAMPLE_LIMIT,
                            "sample limit exceeded (limit: " + sampleLimit + ")");
                }
                boolean explicit = honorTimestamps && parser.hasTimestamp();
                e.explicitTimestamp(explicit);
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
    private static Histogram zeroLike(ExpositionParser parser) {
        FloatHistogram h = parser.floatHistogram();
        return h.usesCustomBuckets()
                ? Histogram.custom(h.customValues(), 0, 0, HistogramSpans.EMPTY)
                : Histogram.exponential(h.schema(), h.zeroThreshold(), 0, 0, 0,
                        HistogramSpans.EMPTY);
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
}
