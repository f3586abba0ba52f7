package io.promethium.scrape.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.zip.GZIPInputStream;

/** Body size bounds shared by the fetchers, and bounded gzip decompression. */
final class BodyLimits {

    /** Without a configured limit, still refuse absurd bodies rather than run out of memory. */
    static final long DEFAULT_BODY_LIMIT = 256L * 1024 * 1024;

    private BodyLimits() {
    }

    static ScrapeException tooLarge(long limit, String when) {
        return new ScrapeException(ScrapeException.Kind.BODY_SIZE, "body size limit exceeded (limit: " + limit + " bytes" + when + ")");
    }

    /** Inflates {@code data[off, off+len)} into {@code into}, failing past {@code limit} bytes. */
    static void gunzip(byte[] data, int off, int len, PageBuffer into, long limit, URI url) throws ScrapeException {
        into.clear();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data, off, len), 16 * 1024)) {
            while (true) {
                byte[] target = into.ensure(16 * 1024);
                int n = in.read(target, into.length(), 16 * 1024);
                if (n < 0) {
                    return;
                }
                into.advance(n);
                if (into.length() > limit) {
                    throw tooLarge(limit, ", after decompression");
                }
            }
        } catch (IOException e) {
            throw new ScrapeException(ScrapeException.Kind.HTTP, "bad gzip body from " + url + ": " + e.getMessage());
        }
    }
}
