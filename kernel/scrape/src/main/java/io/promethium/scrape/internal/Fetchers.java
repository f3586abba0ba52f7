package io.promethium.scrape.internal;

import io.promethium.config.http.Credentials;
import java.net.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/**
 * Picks the fetcher for a target: the lean socket client for plain HTTP reached directly, the
 * JDK client (with the pool's transport: TLS, proxy, redirects, HTTP/2) for HTTPS and for
 * targets behind a proxy.
 */
final class Fetchers {

    private Fetchers() {
    }

    /**
     * {@code buffers}: the page arrays the socket client shares with the pool's other loops (the
     * JDK client keeps its own: its body subscriber may still write after a timed-out fetch).
     */
    static PageFetcher create(HttpClient transport, Credentials credentials, boolean followRedirects, URI url, Duration timeout,
                              long bodyLimit, String accept, boolean compression, PageBufferPool buffers) {
        boolean direct = "http".equalsIgnoreCase(url.getScheme()) && url.getHost() != null && !proxied(transport, url);
        JdkHttpFetcher jdk = new JdkHttpFetcher(transport, url, timeout, bodyLimit,
                new RequestHeaders(credentials, accept, compression, timeout, false));
        if (!direct) {
            return jdk;
        }
        return new SocketHttpFetcher(url, timeout, bodyLimit, new RequestHeaders(credentials, accept, compression, timeout, true),
                followRedirects ? jdk : null, buffers);
    }

    /** Whether the transport's proxy rules ({@code proxy_url}, {@code no_proxy}, the environment) send {@code url} to a proxy. */
    static boolean proxied(HttpClient transport, URI url) {
        return transport.proxy().map(selector -> {
            List<Proxy> proxies = selector.select(url);
            return !proxies.isEmpty() && proxies.get(0).type() != Proxy.Type.DIRECT;
        }).orElse(false);
    }
}
