package io.promethium.rest.internal;

import io.promethium.api.web.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.server.ContainerException;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.spi.ContainerResponseWriter;

/**
 * Writes Jersey's response into the route exchange. Synchronous only: the exchange ends when
 * the route returns, so a resource cannot suspend ({@code @Suspended AsyncResponse} is refused by
 * Jersey with an error, not left hanging).
 */
final class ExchangeResponseWriter implements ContainerResponseWriter {

    private final HttpExchange exchange;

    ExchangeResponseWriter(HttpExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public OutputStream writeResponseStatusAndHeaders(long contentLength, ContainerResponse response) {
        exchange.status(response.getStatus());
        for (Map.Entry<String, List<String>> header : response.getStringHeaders().entrySet()) {
            for (String value : header.getValue()) {
                exchange.responseHeader(header.getKey(), value);
            }
        }
        try {
            return new NoFlush(exchange.responseBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Jersey flushes the entity stream when it is done; the exchange's flush sends what it holds
     * at once (for streams), which would turn every small answer chunked. The web bundle sends the
     * body when the route returns, with its length when it fits the buffer.
     */
    private static final class NoFlush extends OutputStream {
        private final OutputStream out;

        NoFlush(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() {
            // see the class comment
        }

        @Override
        public void close() {
            // the web bundle completes the exchange
        }
    }

    @Override
    public boolean suspend(long timeOut, TimeUnit timeUnit, TimeoutHandler timeoutHandler) {
        return false;
    }

    @Override
    public void setSuspendTimeout(long timeOut, TimeUnit timeUnit) {
        throw new UnsupportedOperationException("asynchronous JAX-RS responses are not supported");
    }

    @Override
    public void commit() {
        // the web bundle completes the exchange when the route returns
    }

    @Override
    public void failure(Throwable error) {
        if (error instanceof RuntimeException e) {
            throw e;
        }
        throw new ContainerException(error);
    }

    @Override
    public boolean enableResponseBuffering() {
        // the web bundle buffers (32 KiB) and sets Content-Length itself
        return false;
    }
}
