package io.promethium.api.web;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A set of HTTP routes served under one path prefix. Registered as an OSGi service; requests
 * whose path is the prefix or lies below it ({@code prefix + "/..."}) are handed to
 * {@link #handle(HttpExchange)}. When two services claim overlapping prefixes, the longest prefix
 * wins. Of two services with the same prefix (and exactness) the newer registration serves it: a
 * replacement instance takes the path as soon as it is bound, even before the old one is unbound,
 * and if the newer one goes first the older serves again (the web bundle logs a conflict between
 * two different classes). A prefix that would hide an endpoint of the web bundle itself (equal to
 * one of its paths, or above one: {@code /api/v1}, {@code /-}) is refused and logged.
 *
 * <p>Called concurrently, on the web server's request threads: implementations keep their state thread-safe.
 * When the service is unregistered (its plugin stopping or updated), no new request reaches it and
 * the web bundle waits, up to 2 seconds, for the requests in flight to be answered before the
 * unregistration returns: a DS component is deactivated, and its own references unbound, only
 * after that, so a request never sees them go mid-way.
 */
@ConsumerType
public interface HttpRoutes {

    /**
     * Where the routes live, starting with {@code /} and without a trailing slash, for example
     * {@code /api/v2} or {@code /metrics/job}.
     */
    String pathPrefix();

    /**
     * Whether only the prefix itself matches, not the paths below it: lets a bundle serve one
     * exact path (Pushgateway's {@code /api/v1/status}) beside built-in paths below it
     * ({@code /api/v1/status/config}).
     */
    default boolean exactPath() {
        return false;
    }

    /**
     * A short name for the {@code handler} label of {@code prometheus_http_requests_total};
     * by default the path prefix.
     */
    default String handlerLabel() {
        return pathPrefix();
    }

    /**
     * Answers one request. Client errors are answered by setting the status and writing a body;
     * an exception thrown here becomes a 500 (if nothing was written yet) and is logged.
     */
    void handle(HttpExchange exchange) throws IOException;
}
