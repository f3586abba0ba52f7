package io.promethium.scrape.internal;

import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionFormats;

/**
 * A target's page format from its Content-Type. A target sends the same Content-Type every time
 * (the fetcher even hands over the same string), so the media type is parsed only when it changes.
 */
final class PageFormat {

    private final ExpositionFormat fallback;
    private String lastContentType;
    private ExpositionFormat lastFormat;

    /** {@code fallback}: the format for a missing or unknown Content-Type, or null to fail such a scrape. */
    PageFormat(ExpositionFormat fallback) {
        this.fallback = fallback;
    }

    ExpositionFormat of(String contentType) throws ScrapeException {
        if (contentType != null && contentType.equals(lastContentType)) {
            return lastFormat;
        }
        ExpositionFormat format;
        try {
            format = ExpositionFormats.parserFor(contentType, fallback).format();
        } catch (ExpositionException e) {
            throw new ScrapeException(ScrapeException.Kind.PARSE, e.getMessage());
        }
        lastContentType = contentType;
        lastFormat = format;
        return format;
    }
}
