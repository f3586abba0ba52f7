package io.promethium.scrape.internal;

import io.promethium.config.http.Credentials;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The headers of a scrape request: {@code Accept} from {@code scrape_protocols},
 * {@code Accept-Encoding}, {@code User-Agent}, the timeout hint, then what the pool's
 * {@link Credentials} add ({@code http_headers}, {@code Authorization} from basic auth,
 * authorization or an OAuth2 token). Static credentials are computed once; files and tokens
 * are asked for on every request, as Prometheus does, so a rotated secret or a refreshed token
 * is used without a reload. One per fetcher; not thread-safe.
 */
final class RequestHeaders {

    static final String USER_AGENT = "Promethium/0.1";

    private final Credentials credentials;
    private final List<String> fixed;
    private final boolean direct;
    private List<String> cached;

    /**
     * @param direct whether the request goes straight to the target (the socket client): then
     *        {@code Proxy-Authorization} is left out (the JDK client drops it itself when not proxied)
     */
    RequestHeaders(Credentials credentials, String accept, boolean compression, Duration timeout, boolean direct) {
        this.credentials = Objects.requireNonNull(credentials, "credentials is null");
        this.direct = direct;
        List<String> headers = new ArrayList<>(8);
        headers.add("Accept");
        headers.add(accept);
        headers.add("Accept-Encoding");
        headers.add(compression ? "gzip" : "identity");
        headers.add("User-Agent");
        headers.add(USER_AGENT);
        headers.add("X-Prometheus-Scrape-Timeout-Seconds");
        headers.add(seconds(timeout));
        this.fixed = List.copyOf(headers);
    }

    /**
     * Alternating names and values. The same list instance comes back while nothing changed, so
     * a caller may keep what it built from it (compare by identity).
     */
    List<String> headers() throws ScrapeException {
        if (cached != null && !credentials.dynamic()) {
            return cached;
        }
        List<String> configured;
        String authorization;
        try {
            configured = credentials.headers();
            authorization = credentials.authorization();
        } catch (IOException e) {
            throw new ScrapeException(ScrapeException.Kind.HTTP, e.getMessage());
        }
        List<String> headers = new ArrayList<>(fixed.size() + configured.size() + 2);
        for (int i = 0; i < fixed.size(); i += 2) {
            if (!named(configured, fixed.get(i))) {
                headers.add(fixed.get(i));
                headers.add(fixed.get(i + 1));
            }
        }
        for (int i = 0; i < configured.size(); i += 2) {
            if (!(direct && configured.get(i).equalsIgnoreCase("Proxy-Authorization"))) {
                headers.add(configured.get(i));
                headers.add(configured.get(i + 1));
            }
        }
        if (authorization != null) {
            headers.add("Authorization");
            headers.add(authorization);
        }
        if (!headers.equals(cached)) {
            cached = List.copyOf(headers);
        }
        return cached;
    }

    /** Go's shortest float formatting of the seconds, as Prometheus sends it ({@code 10}, {@code 2.5}). */
    static String seconds(Duration timeout) {
        return java.math.BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    private static boolean named(List<String> headers, String name) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
