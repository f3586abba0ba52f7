package io.promethium.scrape.internal;

import io.promethium.api.collect.Exporter;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Scrapes an exporter of this server without HTTP: renders its page into a buffer reused from
 * scrape to scrape, which the loop then parses like any other page (so relabeling, limits and
 * staleness apply unchanged). Owned by one loop; not thread-safe.
 */
final class InProcessFetcher implements PageFetcher {

    private static final ExpositionFormat FORMAT = ExpositionFormat.PROMETHEUS_TEXT_0_0_4;

    private final Exporters exporters;
    private final String name;
    private final long bodyLimit;
    private final PageBuffer buffer;
    private final Writer text = new OutputStreamWriter(new OutputStream() {
        @Override
        public void write(int b) {
            buffer.ensure(1)[buffer.length()] = (byte) b;
            buffer.advance(1);
        }

        @Override
        public void write(byte[] bytes, int off, int len) {
            buffer.append(bytes, off, len);
        }
    }, StandardCharsets.UTF_8);

    InProcessFetcher(Exporters exporters, String name, long bodyLimit) {
        this(exporters, name, bodyLimit, null);
    }

    /**
     * How names outside the legacy set are written: the job's {@code metric_name_escaping_scheme},
     * as an exporter answering the scrape's {@code Accept} over HTTP would write them.
     */
    private io.promethium.exposition.NameEscaping escaping = io.promethium.exposition.NameEscaping.UNDERSCORES;

    /** As the five-argument form, writing names as {@code escaping} says. */
    InProcessFetcher(Exporters exporters, String name, long bodyLimit, PageBufferPool buffers, java.time.Duration timeout,
            io.promethium.exposition.NameEscaping escaping) {
        this(exporters, name, bodyLimit, buffers, timeout);
        this.escaping = Objects.requireNonNull(escaping, "escaping is null");
    }

    /** How long a scrape waits for an exporter being updated (half the scrape timeout, at most {@link Exporters#GRACE}). */
    private java.time.Duration replacementWait = java.time.Duration.ofSeconds(5);

    /** As the four-argument form, waiting for an exporter being updated at most half of {@code timeout}. */
    InProcessFetcher(Exporters exporters, String name, long bodyLimit, PageBufferPool buffers, java.time.Duration timeout) {
        this(exporters, name, bodyLimit, buffers);
        this.replacementWait = timeout.dividedBy(2);
    }

    /** {@code buffers}: where the page array comes from between {@link #fetch} and {@link #release}; null: kept. */
    InProcessFetcher(Exporters exporters, String name, long bodyLimit, PageBufferPool buffers) {
        this.buffer = new PageBuffer(64 * 1024, buffers);
        this.exporters = Objects.requireNonNull(exporters, "exporters is null");
        this.name = Objects.requireNonNull(name, "name is null");
        this.bodyLimit = bodyLimit;
    }

    @Override
    public Page fetch(FetchSpans spans) throws ScrapeException {
        // No HTTP here: scrapeRequest is finding the exporter, scrapeRead its rendering (where an
        // exporter over HTTP would answer 404 or 500).
        spans.request();
        Exporter exporter;
        try {
            exporter = exporters.await(name, replacementWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScrapeException(ScrapeException.Kind.HTTP, "scrape of exporter \"" + name + "\" interrupted");
        }
        spans.read();
        if (exporter == null) {
            throw new ScrapeException(ScrapeException.Kind.HTTP,
                    "server returned HTTP status 404 Not Found: no exporter \"" + name + "\" is installed");
        }
        buffer.clear();
        ExpositionWriter writer = FORMAT.newWriter(text, escaping);
        try {
            exporters.render(exporter, writer);
            text.flush();
        } catch (Exception | LinkageError | StackOverflowError e) {
            throw new ScrapeException(ScrapeException.Kind.HTTP,
                    "server returned HTTP status 500 Internal Server Error: exporter \"" + name + "\" failed: " + e);
        }
        if (bodyLimit > 0 && buffer.length() > bodyLimit) {
            throw new ScrapeException(ScrapeException.Kind.BODY_SIZE,
                    "body size limit exceeded: exporter \"" + name + "\" wrote " + buffer.length() + " bytes, limit " + bodyLimit);
        }
        return new Page(writer.contentType(), buffer.data(), 0, buffer.length());
    }

    @Override
    public void release() {
        buffer.release();
    }

    @Override
    public void close() {
        buffer.release();
    }
}
