package io.promethium.scrape.internal;

import io.promethium.api.trace.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a page with {@link java.net.http.HttpClient}: HTTPS (TLS settings, HTTP/2), proxies
 * and redirects. The whole exchange (connect, headers, body) is bounded by the scrape timeout, and
 * the body (compressed and uncompressed) by the body size limit; passing either cancels it.
 * Traced, the request carries the {@code HTTP GET} span's {@code traceparent} ({@link FetchSpans}).
 */
final class JdkHttpFetcher implements PageFetcher {

    private final HttpClient client;
    private final URI url;
    private final Duration timeout;
    private final long bodyLimit;
    private final RequestHeaders headers;
    private final PageBuffer raw = new PageBuffer(64 * 1024);
    private final PageBuffer inflated = new PageBuffer(64 * 1024);
    private HttpRequest request;
    private List<String> requestHeaders;

    JdkHttpFetcher(HttpClient client, URI url, Duration timeout, long bodyLimit, RequestHeaders headers) {
        this.client = Objects.requireNonNull(client, "client is null");
        this.url = Objects.requireNonNull(url, "url is null");
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
        this.bodyLimit = bodyLimit <= 0 ? BodyLimits.DEFAULT_BODY_LIMIT : bodyLimit;
        this.headers = Objects.requireNonNull(headers, "headers is null");
    }

    @Override
    public void close() {
        // Connections belong to the shared client.
    }

    @Override
    public Page fetch(FetchSpans spans) throws ScrapeException {
        spans.request();
        HttpRequest req = request();
        Span http = spans.send();
        if (http != Span.NONE) {
            // A copy carrying the span's traceparent, as Prometheus's otelhttp transport injects it.
            HttpRequest.Builder traced = HttpRequest.newBuilder(req, (name, value) -> true);
            http.injectContext(traced::setHeader);
            req = traced.build();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<HttpResponse<Integer>> future =
                client.sendAsync(req, info -> new BoundedBodySubscriber(raw, bodyLimit));
        HttpResponse<Integer> response;
        // The wait is the JDK client's: the next slot is watched by another worker meanwhile.
        ScrapeWorkers.handOff();
        try {
            response = future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw deadlineExceeded();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ScrapeException(ScrapeException.Kind.HTTP, "scrape interrupted");
        } catch (ExecutionException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof BoundedBodySubscriber.TooLarge) {
                    throw new ScrapeException(ScrapeException.Kind.BODY_SIZE, t.getMessage());
                }
                if (t instanceof java.net.http.HttpTimeoutException) {
                    // The request's own timeout (the same as ours) can fire first: the same timeout.
                    throw deadlineExceeded();
                }
            }
            Throwable root = e.getCause() == null ? e : e.getCause();
            throw new ScrapeException(ScrapeException.Kind.HTTP, "Get \"" + url + "\": " + describe(root));
        }
        int status = response.statusCode();
        // The JDK client hands the response over with its body read: scrapeRead covers the decoding only.
        spans.status(status);
        spans.read();
        if (status != 200) {
            throw new ScrapeException(ScrapeException.Kind.HTTP, "server returned HTTP status " + status);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String encoding = response.headers().firstValue("Content-Encoding").orElse("").trim().toLowerCase(Locale.ROOT);
        if (encoding.equals("gzip")) {
            BodyLimits.gunzip(raw.data(), 0, raw.length(), inflated, bodyLimit, url);
            return new Page(contentType, inflated.data(), 0, inflated.length());
        }
        if (!encoding.isEmpty() && !encoding.equals("identity")) {
            throw new ScrapeException(ScrapeException.Kind.HTTP, "unsupported Content-Encoding \"" + encoding + "\"");
        }
        return new Page(contentType, raw.data(), 0, raw.length());
    }

    private ScrapeException deadlineExceeded() {
        return new ScrapeException(ScrapeException.Kind.TIMEOUT, "Get \"" + url + "\": context deadline exceeded (scrape timeout "
                + io.promethium.api.config.Durations.format(timeout) + ")");
    }

    private HttpRequest request() throws ScrapeException {
        List<String> list = headers.headers();
        if (request != null && list == requestHeaders) {
            return request;
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).GET().timeout(timeout);
        if ("http".equalsIgnoreCase(url.getScheme())) {
            // No h2c upgrade on plain HTTP (Go's client never tries one); HTTP/2 is negotiated over TLS only.
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        for (int i = 0; i < list.size(); i += 2) {
            builder.header(list.get(i), list.get(i + 1));
        }
        request = builder.build();
        requestHeaders = list;
        return request;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        String type = t.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }
}
