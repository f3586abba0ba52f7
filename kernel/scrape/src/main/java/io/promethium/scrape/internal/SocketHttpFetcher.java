package io.promethium.scrape.internal;

import io.promethium.api.trace.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A lean HTTP/1.1 client for plain {@code http://} targets reached without a proxy: one keep-alive connection per
 * target, blocking reads on the scrape's thread straight into a reused buffer, chunked and
 * fixed-length bodies decoded in place. The JDK client cost about 0.4 ms of CPU per 85 KB page
 * (selector hand-offs, futures, a new buffer per read), as much as parsing the whole page; this
 * one costs a fraction of that. Redirects are left to the {@link JdkHttpFetcher} fallback.
 *
 * <p>Traced, the request carries the {@code HTTP GET} span's {@code traceparent} ({@link FetchSpans}).
 *
 * <p>Every read is bounded by what remains of the scrape timeout, and the bytes read by the body
 * size limit, so a silent, slow, endless or lying peer ends the scrape in time.
 */
final class SocketHttpFetcher implements PageFetcher {

    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 1024;

    private final URI url;
    private final String host;
    private final int port;
    private final Duration timeout;
    private final long bodyLimit;
    private final RequestHeaders headers;
    private final PageFetcher redirects;
    private final PageBuffer raw;
    private final PageBuffer inflated;
    private byte[] request;
    private List<String> requestHeaders;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private long deadline;
    private String lastContentTypeText = "";
    private byte[] lastContentTypeBytes = new byte[0];

    // Parsed response head.
    private int status;
    private int bodyStart;
    private long contentLength;
    private boolean chunked;
    private boolean closeAfter;
    private boolean gzip;
    private String contentType;
    private boolean redirect;

    SocketHttpFetcher(URI url, Duration timeout, long bodyLimit, RequestHeaders headers, PageFetcher redirects) {
        this(url, timeout, bodyLimit, headers, redirects, null);
    }

    /** {@code buffers}: where the page arrays come from between {@link #fetch} and {@link #release}; null: kept. */
    SocketHttpFetcher(URI url, Duration timeout, long bodyLimit, RequestHeaders headers, PageFetcher redirects,
                      PageBufferPool buffers) {
        this.raw = new PageBuffer(64 * 1024, buffers);
        this.inflated = new PageBuffer(64 * 1024, buffers);
        this.url = Objects.requireNonNull(url, "url is null");
        this.host = Objects.requireNonNull(url.getHost(), "url has no host");
        this.port = url.getPort() < 0 ? 80 : url.getPort();
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
        this.bodyLimit = bodyLimit <= 0 ? BodyLimits.DEFAULT_BODY_LIMIT : bodyLimit;
        this.headers = Objects.requireNonNull(headers, "headers is null");
        this.redirects = redirects;
    }

    @Override
    public Page fetch(FetchSpans spans) throws ScrapeException {
        deadline = System.nanoTime() + timeout.toNanos();
        boolean reused = socket != null;
        try {
            spans.request();
            // One HTTP span whatever the tries below, as Go's transport retries a stale connection within its round trip.
            byte[] bytes = request(spans.send());
            try {
                return exchange(bytes, spans);
            } catch (StaleConnection e) {
                // The server closed or reset the idle keep-alive connection: once more on a fresh one.
                disconnect();
                if (!reused) {
                    throw e;
                }
                return exchange(bytes, spans);
            }
        } catch (StaleConnection e) {
            disconnect();
            throw error(e.getCause() == null ? "server closed the connection without a response" : describe(e.getCause()));
        } catch (SocketTimeoutException e) {
            disconnect();
            throw timedOut();
        } catch (IOException e) {
            disconnect();
            throw error(describe(e));
        } catch (ScrapeException e) {
            disconnect();
            throw e;
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** The peer closed or reset an idle connection before answering; retried once. */
    private static final class StaleConnection extends IOException {
        private static final long serialVersionUID = 1L;

        StaleConnection() {
            super(null, null);
        }

        /** A reset before the response's first byte, the cause named if the retry fails too. */
        StaleConnection(SocketException reset) {
            super(null, reset);
        }
    }

    private Page exchange(byte[] request, FetchSpans spans) throws IOException, ScrapeException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            throw new StaleConnection();
        }
        raw.clear();
        readHead();
        spans.status(status);
        if (redirect && redirects != null) {
            disconnect();
            // The JDK client follows it: its HTTP span is the next under the same scrapeRequest.
            return redirects.fetch(spans);
        }
        spans.read();
        boolean noBody = status == 204 || status == 304 || status < 200;
        int bodyEnd = noBody ? bodyStart : chunked ? readChunked() : contentLength >= 0 ? readFixed() : readToClose();
        if (closeAfter) {
            disconnect();
        }
        if (status != 200) {
            throw new ScrapeException(ScrapeException.Kind.HTTP, "server returned HTTP status " + status);
        }
        if (gzip) {
            BodyLimits.gunzip(raw.data(), bodyStart, bodyEnd - bodyStart, inflated, bodyLimit, url);
            return new Page(contentType, inflated.data(), 0, inflated.length());
        }
        return new Page(contentType, raw.data(), bodyStart, bodyEnd - bodyStart);
    }

    private void connect() throws IOException, ScrapeException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            // A connect may wait up to the timeout: the next slot is watched by another worker meanwhile.
            ScrapeWorkers.handOff();
            s.connect(new InetSocketAddress(host, port), remainingMillis());
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    /** The request's bytes: built once while the headers stay the same; traced, a copy with the span's {@code traceparent}. */
    private byte[] request(Span http) throws ScrapeException {
        byte[] plain = request();
        if (http == Span.NONE) {
            return plain;
        }
        StringBuilder context = new StringBuilder(128);
        http.injectContext((name, value) -> context.append(name).append(": ").append(value).append("\r\n"));
        byte[] extra = context.toString().getBytes(StandardCharsets.ISO_8859_1);
        // Before the blank line that ends the head.
        byte[] traced = java.util.Arrays.copyOf(plain, plain.length + extra.length);
        System.arraycopy(extra, 0, traced, plain.length - 2, extra.length);
        traced[traced.length - 2] = '\r';
        traced[traced.length - 1] = '\n';
        return traced;
    }

    private byte[] request() throws ScrapeException {
        List<String> list = headers.headers();
        if (request != null && list == requestHeaders) {
            return request;
        }
        StringBuilder sb = new StringBuilder(512);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        sb.append("GET ").append(path);
        if (url.getRawQuery() != null) {
            sb.append('?').append(url.getRawQuery());
        }
        sb.append(" HTTP/1.1\r\nHost: ").append(url.getRawAuthority()).append("\r\n");
        for (int i = 0; i < list.size(); i += 2) {
            sb.append(list.get(i)).append(": ").append(list.get(i + 1)).append("\r\n");
        }
        request = sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        requestHeaders = list;
        return request;
    }

    /** Reads more bytes into {@link #raw}; -1 at end of stream. */
    private int readMore() throws IOException, ScrapeException {
        return readMore(16 * 1024);
    }

    /** Reads at most {@code wanted} more bytes (at least what room the buffer has left, 4 KB or more). */
    private int readMore(int wanted) throws IOException, ScrapeException {
        byte[] target = raw.ensure(Math.max(4096, wanted));
        int room = target.length - raw.length();
        int n = read(target, raw.length(), room);
        if (n > 0) {
            raw.advance(n);
            if (raw.length() > 2 * bodyLimit + MAX_HEADER_BYTES) {
                throw BodyLimits.tooLarge(bodyLimit, "");
            }
        }
        return n;
    }

    /**
     * A read bounded by the scrape's timeout; a wait longer than the worker's watch of the next
     * slot first hands that watch to another worker ({@link ScrapeWorkers#handOff()}).
     */
    private int read(byte[] target, int offset, int length) throws IOException, ScrapeException {
        int remaining = remainingMillis();
        long watch = ScrapeWorkers.watchNanos();
        if (watch < (long) remaining * 1_000_000) {
            if (watch >= 1_000_000) {
                socket.setSoTimeout((int) (watch / 1_000_000));
                try {
                    return in.read(target, offset, length);
                } catch (SocketTimeoutException e) {
                    // Slower than the watch allows: the socket stays usable, the read goes on below.
                }
            }
            ScrapeWorkers.handOff();
            remaining = remainingMillis();
        }
        socket.setSoTimeout(remaining);
        return in.read(target, offset, length);
    }

    private int remainingMillis() throws ScrapeException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw timedOut();
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining / 1_000_000));
    }

    private void readHead() throws IOException, ScrapeException {
        int scanned = 0;
        int end;
        while ((end = headEnd(scanned)) < 0) {
            scanned = Math.max(0, raw.length() - 3);
            if (raw.length() > MAX_HEADER_BYTES) {
                throw error("response headers larger than " + MAX_HEADER_BYTES + " bytes");
            }
            if (readHeadBytes() < 0) {
                if (raw.length() == 0) {
                    throw new StaleConnection();
                }
                throw error("connection closed in the middle of the response headers");
            }
        }
        bodyStart = end;
        parseHead(end);
    }

    /**
     * A read of the head. Before its first byte a reset counts as the stale connection an EOF
     * does: a server closing an idle connection just as the request reaches it resets it rather
     * than closing it cleanly when the request is still unread, and Go's transport retries either
     * (a read failure before the first response byte on a reused connection).
     */
    private int readHeadBytes() throws IOException, ScrapeException {
        try {
            return readMore();
        } catch (SocketException e) {
            if (raw.length() == 0) {
                throw new StaleConnection(e);
            }
            throw e;
        }
    }

    /** Offset after the blank line ending the head, or -1. */
    private int headEnd(int from) {
        byte[] b = raw.data();
        int n = raw.length();
        for (int i = from; i < n; i++) {
            if (b[i] == '\n') {
                if (i + 1 < n && b[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < n && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private void parseHead(int end) throws ScrapeException {
        byte[] b = raw.data();
        int lineEnd = lineEnd(b, 0, end);
        // "HTTP/1.1 200 OK"
        if (lineEnd < 12 || b[0] != 'H' || b[1] != 'T' || b[2] != 'T' || b[3] != 'P' || b[4] != '/' || b[8] != ' ') {
            throw error("malformed HTTP status line");
        }
        status = digit(b[9]) * 100 + digit(b[10]) * 10 + digit(b[11]);
        if (status < 100 || status > 999) {
            throw error("malformed HTTP status line");
        }
        boolean http10 = b[5] == '1' && b[7] == '0';
        contentLength = -1;
        chunked = false;
        closeAfter = http10;
        gzip = false;
        contentType = "";
        redirect = false;
        int pos = nextLine(b, lineEnd, end);
        while (pos < end) {
            int le = lineEnd(b, pos, end);
            if (le == pos) {
                break;
            }
            int colon = indexOf(b, (byte) ':', pos, le);
            if (colon > pos) {
                int vs = colon + 1;
                while (vs < le && (b[vs] == ' ' || b[vs] == '\t')) {
                    vs++;
                }
                int ve = le;
                while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
                    ve--;
                }
                header(b, pos, colon, vs, ve);
            }
            pos = nextLine(b, le, end);
        }
        redirect = status >= 300 && status < 400 && status != 304;
    }

    private void header(byte[] b, int ns, int ne, int vs, int ve) throws ScrapeException {
        if (is(b, ns, ne, "content-length")) {
            long length = 0;
            if (ve == vs) {
                throw error("empty Content-Length");
            }
            for (int i = vs; i < ve; i++) {
                int d = digit(b[i]);
                if (d < 0 || length > Long.MAX_VALUE / 10 - 10) {
                    throw error("malformed Content-Length");
                }
                length = length * 10 + d;
            }
            contentLength = length;
        } else if (is(b, ns, ne, "transfer-encoding")) {
            chunked = containsIgnoreCase(b, vs, ve, "chunked");
        } else if (is(b, ns, ne, "connection")) {
            closeAfter |= containsIgnoreCase(b, vs, ve, "close");
        } else if (is(b, ns, ne, "content-encoding")) {
            if (is(b, vs, ve, "gzip")) {
                gzip = true;
            } else if (ve > vs && !is(b, vs, ve, "identity")) {
                throw error("unsupported Content-Encoding \"" + new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1) + "\"");
            }
        } else if (is(b, ns, ne, "content-type")) {
            contentType = contentType(b, vs, ve);
        }
    }

    /** The Content-Type text, reusing last scrape's string when the bytes are the same. */
    private String contentType(byte[] b, int vs, int ve) {
        if (java.util.Arrays.equals(lastContentTypeBytes, 0, lastContentTypeBytes.length, b, vs, ve)) {
            return lastContentTypeText;
        }
        lastContentTypeBytes = java.util.Arrays.copyOfRange(b, vs, ve);
        lastContentTypeText = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1);
        return lastContentTypeText;
    }

    private int readFixed() throws IOException, ScrapeException {
        if (contentLength > bodyLimit) {
            throw BodyLimits.tooLarge(bodyLimit, ", Content-Length " + contentLength);
        }
        long end = bodyStart + contentLength;
        while (raw.length() < end) {
            if (readMore((int) (end - raw.length())) < 0) {
                throw error("connection closed after " + (raw.length() - bodyStart) + " of " + contentLength
                        + " body bytes announced by Content-Length");
            }
        }
        if (raw.length() > end) {
            // Bytes beyond the announced length: the connection is out of step; do not reuse it.
            closeAfter = true;
        }
        return (int) end;
    }

    private int readToClose() throws IOException, ScrapeException {
        closeAfter = true;
        while (readMore() >= 0) {
            if (raw.length() - bodyStart > bodyLimit) {
                throw BodyLimits.tooLarge(bodyLimit, "");
            }
        }
        return raw.length();
    }

    /** Decodes the chunked body in place, right after the head; returns the end of the decoded body. */
    private int readChunked() throws IOException, ScrapeException {
        int src = bodyStart;
        int dst = bodyStart;
        while (true) {
            int nl;
            while ((nl = indexOf(raw.data(), (byte) '\n', src, raw.length())) < 0) {
                if (raw.length() - src > MAX_CHUNK_LINE) {
                    throw error("chunk size line longer than " + MAX_CHUNK_LINE + " bytes");
                }
                mustRead("in a chunk size line");
            }
            long size = chunkSize(raw.data(), src, nl);
            src = nl + 1;
            if (size == 0) {
                // Trailers up to an empty line.
                while (true) {
                    int le;
                    while ((le = indexOf(raw.data(), (byte) '\n', src, raw.length())) < 0) {
                        if (raw.length() - src > MAX_HEADER_BYTES) {
                            throw error("trailers too large");
                        }
                        mustRead("in the trailers");
                    }
                    boolean empty = le == src || (le == src + 1 && raw.data()[src] == '\r');
                    src = le + 1;
                    if (empty) {
                        break;
                    }
                }
                if (raw.length() > src) {
                    closeAfter = true;
                }
                return dst;
            }
            if ((long) dst - bodyStart + size > bodyLimit) {
                throw BodyLimits.tooLarge(bodyLimit, "");
            }
            long left = size;
            while (left > 0) {
                if (src == raw.length()) {
                    mustRead("in a chunk");
                }
                int n = (int) Math.min(left, raw.length() - src);
                System.arraycopy(raw.data(), src, raw.data(), dst, n);
                src += n;
                dst += n;
                left -= n;
            }
            while (raw.length() < src + 1 || (raw.data()[src] == '\r' && raw.length() < src + 2)) {
                mustRead("after a chunk");
            }
            if (raw.data()[src] == '\r') {
                src++;
            }
            if (raw.data()[src] != '\n') {
                throw error("chunk not followed by CRLF");
            }
            src++;
        }
    }

    private void mustRead(String where) throws IOException, ScrapeException {
        if (readMore() < 0) {
            throw error("connection closed " + where);
        }
    }

    private long chunkSize(byte[] b, int from, int nl) throws ScrapeException {
        long size = 0;
        int i = from;
        int digits = 0;
        for (; i < nl; i++) {
            int d = Character.digit(b[i], 16);
            if (d < 0) {
                break;
            }
            if (++digits > 15) {
                throw error("chunk size too large");
            }
            size = size * 16 + d;
        }
        if (digits == 0) {
            throw error("malformed chunk size line");
        }
        return size;
    }

    private static int lineEnd(byte[] b, int from, int end) {
        int i = indexOf(b, (byte) '\n', from, end);
        if (i < 0) {
            return end;
        }
        return i > from && b[i - 1] == '\r' ? i - 1 : i;
    }

    private static int nextLine(byte[] b, int lineEnd, int end) {
        int i = lineEnd;
        if (i < end && b[i] == '\r') {
            i++;
        }
        if (i < end && b[i] == '\n') {
            i++;
        }
        return i;
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int digit(byte c) {
        return c >= '0' && c <= '9' ? c - '0' : -1;
    }

    /** Case-insensitive equality of {@code b[from, to)} with the lower-case ASCII {@code text}. */
    private static boolean is(byte[] b, int from, int to, String text) {
        if (to - from != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsIgnoreCase(byte[] b, int from, int to, String text) {
        for (int i = from; i + text.length() <= to; i++) {
            if (is(b, i, i + text.length(), text)) {
                return true;
            }
        }
        return false;
    }

    private ScrapeException error(String message) {
        return new ScrapeException(ScrapeException.Kind.HTTP, "Get \"" + url + "\": " + message);
    }

    private ScrapeException timedOut() {
        return new ScrapeException(ScrapeException.Kind.TIMEOUT, "Get \"" + url + "\": context deadline exceeded (scrape timeout "
                + io.promethium.api.config.Durations.format(timeout) + ")");
    }

    private void disconnect() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // Already broken; nothing to release.
            }
        }
    }

    @Override
    public void release() {
        raw.release();
        inflated.release();
        if (redirects != null) {
            redirects.release();
        }
    }

    @Override
    public void close() {
        release();
        disconnect();
        if (redirects != null) {
            redirects.close();
        }
    }
}
