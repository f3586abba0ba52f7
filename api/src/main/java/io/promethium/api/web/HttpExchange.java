package io.promethium.api.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One HTTP request and its response, as the web bundle hands it to {@link HttpRoutes}. The status
 * and headers must be set before the first byte of the body is written.
 */
@ProviderType
public interface HttpExchange {

    /** {@code GET}, {@code POST}, ... in upper case. */
    String method();

    /**
     * The decoded request path, from the root of the server's routes ({@code /metrics/job/a}):
     * without the server's {@code --web.route-prefix}, which every route is mounted under.
     */
    String path();

    /**
     * The request path as sent, still percent-encoded, without the route prefix. (An encoded {@code /} inside a segment is
     * refused by the server with 400 before it reaches a route, as an ambiguous path.)
     */
    String rawPath();

    /** The decoded path below {@link HttpRoutes#pathPrefix()}: {@code ""} or starting with {@code /}. */
    String subPath();

    /** The raw query string without {@code ?}, or {@code ""}. */
    String query();

    /** The values of one query parameter, decoded, in order; empty when absent. */
    List<String> queryParameters(String name);

    /** The first value of one query parameter. */
    default Optional<String> queryParameter(String name) {
        List<String> values = queryParameters(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The values of a request header (case-insensitive name); empty when absent. */
    List<String> requestHeaders(String name);

    /** The first value of a request header. */
    default Optional<String> requestHeader(String name) {
        List<String> values = requestHeaders(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * The names of the request headers, each once, as sent (compare case-insensitively): lets a
     * bridge such as the Jakarta REST whiteboard hand every header on.
     */
    List<String> requestHeaderNames();

    /** Whether the request came over TLS ({@code https}). */
    boolean secure();

    /** The declared body length, or -1 when unknown (chunked). */
    long requestContentLength();

    /**
     * The request body, already decoded when sent with {@code Content-Encoding: gzip}. Callers
     * bound what they read: the web bundle does not limit it.
     */
    InputStream requestBody() throws IOException;

    /** The client's address as {@code host:port}. */
    String remoteAddress();

    /** Sets the status code (200 unless set). */
    void status(int code);

    /** Adds a response header. */
    void responseHeader(String name, String value);

    /** The response body; opening it commits the status and headers. */
    OutputStream responseBody() throws IOException;

    /** Writes a whole small response: status, {@code Content-Type}, and the body as UTF-8. */
    void respond(int code, String contentType, String body) throws IOException;

    /**
     * Tells the server that this request is refused by a limit that protects it from a broken or
     * hostile client (a body over its size limit, a decompression bomb, a query too expensive to
     * run), as the route answers it with the error. The web bundle counts it in
     * {@code promethium_http_requests_refused_total{limit="..."}} and logs a warning naming the
     * limit, the client's address and the path, at most one per limit every 10 s (a flood of
     * refusals cannot fill the log), so an operator can alert on either. Call it once per refused
     * request; other errors (a malformed body, a bad parameter) are not refusals. By default it
     * does nothing (an exchange outside the web bundle, such as a test's).
     *
     * @param limit  the limit's name in Prometheus's label style, a fixed name per limit such as
     *               {@code push_body_size}: lower-case letters, digits and underscores
     * @param reason the error the client is answered
     * @since 1.2
     */
    default void refused(String limit, String reason) {
    }
}
