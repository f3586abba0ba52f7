package io.promethium.scrape.internal;

/** Fetches a target's page. Owned by one scrape loop; not thread-safe. */
interface PageFetcher extends AutoCloseable {

    /** A fetched page: the body is {@code buffer[offset, offset+length)}, valid until the next fetch. */
    record Page(String contentType, byte[] buffer, int offset, int length) {
    }

    /**
     * Fetches the page within the scrape timeout and body size limit, saying to {@code spans}
     * where it is (request made, HTTP request sent, response head read, body read next); the
     * caller ends them ({@link FetchSpans#end}).
     */
    Page fetch(FetchSpans spans) throws ScrapeException;

    /** Fetches the page, untraced. */
    default Page fetch() throws ScrapeException {
        return fetch(FetchSpans.untraced());
    }

    /**
     * The loop is done with the last page: its buffers may go back to be shared with other loops
     * (the page is not valid afterwards). Called after every fetch, failed or not.
     */
    default void release() {
    }

    /** Releases connections. */
    @Override
    void close();
}
