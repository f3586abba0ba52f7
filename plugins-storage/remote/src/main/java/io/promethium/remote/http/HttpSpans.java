package io.promethium.remote.http;

import io.promethium.api.trace.Span;
import java.net.URI;

/**
 * The {@code HTTP POST} client span Prometheus's remote clients get from their {@code otelhttp}
 * transport: its attributes (OpenTelemetry's HTTP client conventions) and failure rule.
 */
public final class HttpSpans {

    /** The transport span's name for a POST ({@code otelhttp}'s "HTTP " + method). */
    public static final String POST = "HTTP POST";

    private HttpSpans() {
    }

    /** The request's attributes; nothing for {@link Span#NONE}. */
    public static void request(Span span, URI url) {
        if (span == Span.NONE) {
            return;
        }
        span.attribute("http.request.method", "POST").attribute("url.full", url.toString())
                .attribute("server.address", url.getHost() == null ? "" : url.getHost())
                .attribute("server.port", url.getPort() > 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80);
    }

    /** The answer's status ({@code 0}: none came); a transport error or a 4xx/5xx fails the span, as {@code otelhttp} does. */
    public static void response(Span span, int status, String error) {
        if (status > 0) {
            span.attribute("http.response.status_code", status);
        }
        if (status == 0 || status >= 400) {
            span.error(error);
        }
    }
}
