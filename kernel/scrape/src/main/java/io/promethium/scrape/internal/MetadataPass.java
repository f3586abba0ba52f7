package io.promethium.scrape.internal;

import io.promethium.api.model.Metadata;
import io.promethium.api.storage.Appender;
import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.HistogramOptions;
import io.promethium.exposition.ParseMode;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A target's page metadata ({@code # TYPE}, {@code # HELP}, {@code # UNIT} by family), read in a
 * pass of its own, never in the sample loop, and kept for the targets API and for new series.
 * The loop decides when a pass runs (see {@link ScrapeLoop#scrapeOnce}).
 */
final class MetadataPass {

    private final HistogramOptions histograms;
    private final SharedMetadata shared;
    /** The page's metadata by family: a map shared with the pool's targets that send the same comment lines. */
    private volatile Map<String, Metadata> metadata = Map.of();
    /** The fingerprint of the comment lines {@link #metadata} was read from; 0 when unknown. */
    private long fingerprint;
    /** Scratch of a pass that parses the page. */
    private final Map<String, Metadata> pageMetadata = new HashMap<>();

    /** {@code previous}: the pass of the loop this one replaces, whose metadata carries on; or null. */
    MetadataPass(HistogramOptions histograms, SharedMetadata shared, MetadataPass previous) {
        this.histograms = histograms;
        this.shared = Objects.requireNonNull(shared, "sharedMetadata is null");
        if (previous != null) {
            // The targets API has the page's metadata before the next pass.
            this.metadata = previous.metadata;
            this.fingerprint = previous.fingerprint;
        }
    }

    /** The metadata last read, by family; safe to read from any thread. */
    Map<String, Metadata> current() {
        return metadata;
    }

    /**
     * After the samples: brings the metadata up to date when series are new (their metadata goes
     * to the storage with them) or on a {@code periodic} scrape (changed help texts), unless
     * {@code alreadyRead} before them; then hands each new series its family's metadata and
     * clears {@code fresh}.
     */
    void afterPage(Appender app, ExpositionFormat format, PageFetcher.Page page, boolean alreadyRead, boolean periodic,
            SeriesCache.Entry[] fresh, int added) throws ScrapeException {
        if (!alreadyRead && (added > 0 || periodic)) {
            refresh(format, page);
        }
        // The shared records: the storage keeps a series' metadata with the series.
        Map<String, Metadata> known = metadata;
        for (int i = 0; i < added; i++) {
            PageMetadata.newSeriesMetadata(app, fresh[i], known);
            fresh[i] = null;
        }
    }

    /**
     * Brings the metadata up to date with the page. The text formats' comment lines are
     * fingerprinted first, and when they are the ones last read (the steady state) nothing is
     * parsed and no string is made; protobuf pages are parsed, and a map equal to the kept one
     * changes nothing.
     */
    void refresh(ExpositionFormat format, PageFetcher.Page page) throws ScrapeException {
        long print = format == ExpositionFormat.PROMETHEUS_PROTO ? 0
                : CommentLines.fingerprint(page.buffer(), page.offset(), page.offset() + page.length());
        if (print != 0 && print == fingerprint) {
            return;
        }
        read(format, page);
        Map<String, Metadata> parsed = pageMetadata;
        if (!SharedMetadata.sameContent(parsed, metadata)) {
            metadata = shared.share(print, parsed);
        }
        parsed.clear();
        fingerprint = print;
    }

    /** Reads the page's TYPE, HELP and UNIT lines into the scratch map, by family. Package-private for benchmarks. */
    void read(ExpositionFormat format, PageFetcher.Page page) throws ScrapeException {
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
            PageMetadata.readMetadataEntries(format.newParser(page.buffer(), page.offset(), page.length(), ParseMode.LENIENT, histograms),
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
            PageMetadata.readMetadataEntries(format.newParser(b, run, p - run, ParseMode.LENIENT, histograms), meta);
        }
    }
}
