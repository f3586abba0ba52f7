package io.promethium.scrape.internal;

import io.promethium.config.model.HttpClientConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

/** Picks the fetcher for a target: the lean socket client for plain HTTP, the JDK client for HTTPS. */
final class Fetchers {

    private Fetchers() {
    }

    static PageFetcher create(HttpClient client, URI url, Duration timeout, long bodyLimit, HttpClientConfig http,
                              Path configDirectory, String accept, boolean compression) {
        RequestHeaders headers = new RequestHeaders(http, configDirectory, accept, compression, timeout);
        JdkHttpFetcher jdk = new JdkHttpFetcher(client, url, timeout, bodyLimit, headers);
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            return jdk;
        }
        return new SocketHttpFetcher(url, timeout, bodyLimit, headers, http.followRedirects() ? jdk : null);
    }
}
