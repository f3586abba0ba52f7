package io.promethium.web.internal.routes;

import io.promethium.api.web.HttpExchange;
import io.promethium.web.internal.metrics.Refusals;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * {@link HttpExchange} over Jetty's core request and response. The body is gathered in a buffer
 * of {@value #BUFFER} bytes, moved into one of {@value #LARGEST} when it fills before anything
 * went out: a response that fits is sent in one write with its {@code Content-Length}; a longer
 * one goes out in chunks as it is written.
 */
final class CoreExchange implements HttpExchange {

    /** As Jetty's servlet output buffer (HttpConfiguration's output buffer size): most answers fit. */
    static final int BUFFER = 32 * 1024;
    /**
     * The most a body gathers before it goes out. Sent from the 32 KiB buffer, a day of one host's
     * disk io time (109 KB) took five writes (four chunks and the last, empty one), each a system
     * call that also delivers to the client over loopback and wakes it; gathered, one.
     */
    static final int LARGEST = 256 * 1024;

    private final Request request;
    private final Response response;
    /** The headers set before the route ran (gzip's Vary, CORS): an error answer keeps them. */
    private org.eclipse.jetty.http.HttpFields before;
    private final String rawPath;
    private final String path;
    private final String prefix;
    private List<String[]> queryPairs;
    private int status = 200;
    private Body body;
    private String handlerLabel;
    private int chunkPast = -1;
    private final Refusals refusals;
    private boolean refused;

    CoreExchange(Request request, Response response, String rawPath, String path, String prefix, Refusals refusals) {
        this.request = request;
        this.response = response;
        this.rawPath = rawPath;
        this.path = path;
        this.prefix = prefix;
        this.refusals = refusals;
    }

    /** Percent-decoding only: {@code +} is a literal in a path. */
    static String decodePath(String raw) {
        return raw.indexOf('%') < 0 ? raw : URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String rawPath() {
        return rawPath;
    }

    @Override
    public String subPath() {
        return path.substring(prefix.length());
    }

    @Override
    public String query() {
        String q = request.getHttpURI().getQuery();
        return q == null ? "" : q;
    }

    @Override
    public List<String> queryParameters(String name) {
        if (queryPairs == null) {
            List<String[]> pairs = new ArrayList<>();
            for (String part : query().split("&")) {
                if (part.isEmpty()) {
                    continue;
                }
                int eq = part.indexOf('=');
                String key = eq < 0 ? part : part.substring(0, eq);
                String value = eq < 0 ? "" : part.substring(eq + 1);
                pairs.add(new String[] {decode(key), decode(value)});
            }
            queryPairs = pairs;
        }
        List<String> values = new ArrayList<>();
        for (String[] pair : queryPairs) {
            if (pair[0].equals(name)) {
                values.add(pair[1]);
            }
        }
        return values;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    @Override
    public List<String> requestHeaders(String name) {
        return request.getHeaders().getValuesList(name);
    }

    @Override
    public List<String> requestHeaderNames() {
        return List.copyOf(request.getHeaders().getFieldNamesCollection());
    }

    @Override
    public boolean secure() {
        return request.isSecure();
    }

    @Override
    public long requestContentLength() {
        return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    }

    @Override
    public InputStream requestBody() throws IOException {
        InputStream in = Content.Source.asInputStream(request);
        String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
        if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
            return new GZIPInputStream(in);
        }
        return in;
    }

    @Override
    public String remoteAddress() {
        return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    }

    @Override
    public void status(int code) {
        status = code;
    }

    @Override
    public void responseHeader(String name, String value) {
        // As the servlet response did: a content type or length replaces the one set before.
        if (name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length")) {
            response.getHeaders().put(name, value);
        } else {
            response.getHeaders().add(name, value);
        }
    }

    @Override
    public OutputStream responseBody() {
        if (body == null) {
            body = new Body();
        }
        return body;
    }

    @Override
    public void respond(int code, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        status = code;
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        OutputStream out = responseBody();
        out.write(bytes);
    }

    /** Counted and logged by the server's {@link Refusals}, once per request. */
    @Override
    public void refused(String limit, String reason) {
        if (!refused) {
            refused = true;
            refusals.refused(limit, remoteAddress(), path, reason);
        }
    }

    /** Makes {@link #reset()} keep the headers set so far (a copy: only for routes that answer errors so). */
    void keepHeadersOnReset() {
        before = response.getHeaders().asImmutable();
    }

    /** Names the request's route in the request metrics, in place of its routes' label (a {@link Router}'s template). */
    void handlerLabel(String label) {
        handlerLabel = label;
    }

    /**
     * Sends a body longer than {@code bytes} in chunks, and a shorter one whole with its length
     * whatever the route flushes: how JAX-RS framed its responses (it buffered 8 KiB).
     */
    void chunkPast(int bytes) {
        chunkPast = bytes;
    }

    /** The route's name set by {@link #handlerLabel(String)}, or null. */
    String handlerLabel() {
        return handlerLabel;
    }

    /** The status as it stands (for the request metrics). */
    int status() {
        return status;
    }

    /** Whether bytes of the response have gone out, so it can no longer be replaced by an error. */
    boolean committed() {
        return response.isCommitted();
    }

    /** Drops what the route set and wrote (nothing has gone out yet), keeping the headers set before it. */
    void reset() {
        response.reset();
        if (before != null) {
            for (org.eclipse.jetty.http.HttpField field : before) {
                if (!response.getHeaders().contains(field.getName())) { // the Date header survives a reset
                    response.getHeaders().add(field);
                }
            }
        }
        status = 200;
        if (body != null) {
            body.buffer.clear();
        }
    }

    /** Ends the response: what is buffered goes out, with its length when it is all of it. */
    void finish() throws IOException {
        responseBody().close();
    }

    /** Gives the body's buffer back to the pool; last, whatever happened. */
    void release() {
        if (body != null) {
            body.pooled.release();
        }
    }

    /**
     * The response body: gathered in a buffer of Jetty's pool, sent on overflow (chunked) or at
     * close (with its length).
     */
    private final class Body extends OutputStream {
        private RetainableByteBuffer pooled = acquire(BUFFER);
        private ByteBuffer buffer = pooled.getByteBuffer();
        private boolean sent;
        private boolean closed;

        private RetainableByteBuffer acquire(int size) {
            RetainableByteBuffer b = request.getComponents().getByteBufferPool().acquire(size, true);
            b.getByteBuffer().clear(); // fill mode: position 0, limit the capacity
            return b;
        }

        /** Makes room: a full buffer goes out, unless nothing has yet and it can move into a larger one. */
        private void full() throws IOException {
            if (sent || buffer.capacity() >= LARGEST) {
                flushBuffer(false);
                return;
            }
            RetainableByteBuffer larger = acquire(LARGEST);
            buffer.flip();
            larger.getByteBuffer().put(buffer);
            pooled.release();
            pooled = larger;
            buffer = larger.getByteBuffer();
        }

        @Override
        public void write(int b) throws IOException {
            if (closed) {
                throw new IOException("response body closed");
            }
            if (!buffer.hasRemaining()) {
                full();
            }
            buffer.put((byte) b);
            overflow();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("response body closed");
            }
            while (len > 0) {
                if (!buffer.hasRemaining()) {
                    full();
                }
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
                off += n;
                len -= n;
                overflow();
            }
        }

        /** Past the {@link #chunkPast(int)} threshold, what is buffered goes out and the rest follows in chunks. */
        private void overflow() throws IOException {
            if (!sent && chunkPast >= 0 && buffer.position() > chunkPast) {
                flushBuffer(false);
            }
        }

        /** Sends what is buffered now (the headers too), as the servlet output's flush did: streams rely on it. */
        @Override
        public void flush() throws IOException {
            if (!closed && (sent || chunkPast < 0)) {
                flushBuffer(false);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (!sent && !response.getHeaders().contains(HttpHeader.CONTENT_LENGTH)) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, buffer.position());
            }
            flushBuffer(true);
        }

        private void flushBuffer(boolean last) throws IOException {
            if (!sent) {
                response.setStatus(status);
            }
            sent = true;
            buffer.flip();
            try (Blocker.Callback callback = Blocker.callback()) {
                response.write(last, buffer, callback);
                callback.block();
            } finally {
                buffer.clear();
            }
        }
    }
}
