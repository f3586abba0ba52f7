package io.promethium.scrape.internal;

/** Fetches a target's page. Owned by one scrape loop; not thread-safe. */
interface PageFetcher extends AutoCloseable {

    /** A fetched page: the body is {@code buffer[offset, offset+length)}, valid until the next fetch. */
    record Page(String contentType, byte[] buffer, int offset, int length) {
    }

    /** Fetches the page within the scrape timeout and body size limit. */
    Page fetch() throws ScrapeException;

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
