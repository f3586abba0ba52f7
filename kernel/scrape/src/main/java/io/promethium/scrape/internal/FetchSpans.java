package io.promethium.scrape.internal;

import io.promethium.api.trace.Span;
import io.promethium.api.trace.Tracer;
import java.net.URI;

/**
 * The spans of a scrape's fetch, named, nested and attributed as Prometheus's scrape has them:
 * {@code scrapeRequest} (client, {@code url} with its password redacted) around the HTTP client's
 * call, under it the {@code HTTP GET} client span of Prometheus's {@code otelhttp} transport
 * (OpenTelemetry's HTTP client attributes; failed on a transport error or a 4xx/5xx), whose
 * context the request carries, and then {@code scrapeRead} while the body is read (failed with the
 * fetch's error, a non-200 status included). The fetchers say where they are; the loop ends what
 * is still open with the fetch's outcome ({@link #end}).
 *
 * <p>One per loop, reused by every scrape; not thread-safe. Untraced ({@link Tracer#NONE}) every
 * span is {@link Span#NONE} and nothing is allocated.
 */
final class FetchSpans {

    static final String REQUEST = "scrapeRequest";
    /** {@code otelhttp}'s transport span name: "HTTP " + method. */
    static final String HTTP_GET = "HTTP GET";
    static final String READ = "scrapeRead";

    /** The target's URL as Go's {@code URL.Redacted()} writes it (a password becomes {@code xxxxx}). */
    private final String redacted;
    /** {@code url.full}: the URL without its user info, as {@code otelhttp} records it. */
    private final String full;
    private final String host;
    /** {@code server.port}, or -1 when it is the scheme's default ({@code otelhttp} leaves it out then). */
    private final int port;

    private Tracer tracer = Tracer.NONE;
    private boolean requested;
    private Span request = Span.NONE;
    private Span http = Span.NONE;
    private Span read = Span.NONE;

    FetchSpans(URI url) {
        String text = url.toString();
        String userInfo = url.getRawUserInfo();
        if (userInfo == null) {
            redacted = text;
            full = text;
        } else {
            int colon = userInfo.indexOf(':');
            redacted = colon < 0 ? text : text.replace(userInfo + "@", userInfo.substring(0, colon) + ":xxxxx@");
            full = text.replace(userInfo + "@", "");
        }
        host = url.getHost() == null ? "" : url.getHost();
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int p = url.getPort();
        port = p > 0 && p != (https ? 443 : 80) ? p : -1;
    }

    /** Spans for a fetch outside a loop (tests, tools): never traced. */
    static FetchSpans untraced() {
        return new FetchSpans(URI.create("http://localhost/"));
    }

    /** A new fetch, traced by {@code tracer} ({@link Tracer#NONE}: not traced). */
    FetchSpans begin(Tracer tracer) {
        this.tracer = tracer;
        requested = false;
        request = Span.NONE;
        http = Span.NONE;
        read = Span.NONE;
        return this;
    }

    /** The request is made: opens {@code scrapeRequest}, once per fetch (a redirect's hop stays under it). */
    void request() {
        if (!requested) {
            requested = true;
            request = tracer.startClient(REQUEST);
            if (request != Span.NONE) {
                request.attribute("url", redacted);
            }
        }
    }

    /**
     * An HTTP request is about to be sent (connect included): opens {@code HTTP GET} under
     * {@code scrapeRequest}; the request carries its context ({@link Span#injectContext}), unless
     * it is {@link Span#NONE}.
     */
    Span send() {
        request();
        http = tracer.startClient(HTTP_GET);
        if (http != Span.NONE) {
            http.attribute("http.request.method", "GET").attribute("url.full", full).attribute("server.address", host);
            if (port > 0) {
                http.attribute("server.port", port);
            }
            // Go's client request says HTTP/1.1 whatever is negotiated later.
            http.attribute("network.protocol.version", "1.1");
        }
        return http;
    }

    /** The response head came: {@code HTTP GET} gets its status and ends, failed from 400 on as {@code otelhttp}'s. */
    void status(int status) {
        if (http == Span.NONE) {
            return;
        }
        http.attribute("http.response.status_code", status);
        if (status >= 400 || status < 100) {
            http.attribute("error.type", Integer.toString(status));
            http.error("");
        }
        http.close();
        http = Span.NONE;
    }

    /** The body is read next: {@code scrapeRequest} ends, {@code scrapeRead} starts. */
    void read() {
        closeRequest();
        read = tracer.start(READ);
    }

    /**
     * The fetch is over ({@code error} null: it succeeded): ends what is open, innermost first.
     * The error fails the {@code HTTP GET} span (a transport error, recorded as {@code otelhttp}
     * does) or {@code scrapeRead}; {@code scrapeRequest} ends without it, as Prometheus's does.
     */
    void end(Throwable error) {
        if (http != Span.NONE) {
            if (error != null) {
                http.error(error);
            }
            http.close();
            http = Span.NONE;
        }
        closeRequest();
        if (read != Span.NONE) {
            if (error != null) {
                read.error(error);
            }
            read.close();
            read = Span.NONE;
        }
        tracer = Tracer.NONE;
    }

    private void closeRequest() {
        if (request != Span.NONE) {
            request.close();
            request = Span.NONE;
        }
    }
}
