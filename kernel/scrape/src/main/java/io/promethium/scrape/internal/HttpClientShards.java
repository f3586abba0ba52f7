package io.promethium.scrape.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.config.http.Credentials;
import io.promethium.config.http.HttpTransports;
import io.promethium.config.model.HttpClientConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The HTTP clients of one scrape pool, built by the kernel's one {@code http_client_config}
 * implementation ({@link HttpTransports}: TLS, proxy rules, redirects, HTTP/2;
 * {@link Credentials}: basic auth, authorization, OAuth2 tokens, {@code http_headers}). The
 * credentials are the pool's, so an OAuth2 token is fetched once for all its targets, as
 * Prometheus shares one client per scrape config. Each transport serves at most
 * {@value #TARGETS_PER_CLIENT} targets: the JDK client keeps idle connections in a list it
 * searches linearly; with 1,000 targets on one client that search took a sixth of the scrape
 * CPU. Thread-safe.
 */
final class HttpClientShards {

    static final int TARGETS_PER_CLIENT = 32;
    /** Go's default dialer gives up connecting after 30 s (the scrape timeout is usually shorter). */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClientConfig config;
    private final Path configDirectory;
    private final Credentials credentials;
    private final List<HttpClient> clients = new ArrayList<>();
    private final List<Integer> users = new ArrayList<>();

    HttpClientShards(HttpClientConfig config, Path configDirectory) throws ConfigException {
        this.config = Objects.requireNonNull(config, "config is null");
        this.configDirectory = configDirectory;
        // Fails now, at config time, on unreadable TLS files.
        clients.add(HttpTransports.build(config, configDirectory, CONNECT_TIMEOUT));
        users.add(0);
        this.credentials = new Credentials(config, configDirectory);
    }

    /** A client for one more target; give its index back with {@link #release}. */
    synchronized int acquire() {
        for (int i = 0; i < clients.size(); i++) {
            if (users.get(i) < TARGETS_PER_CLIENT) {
                users.set(i, users.get(i) + 1);
                return i;
            }
        }
        try {
            clients.add(HttpTransports.build(config, configDirectory, CONNECT_TIMEOUT));
        } catch (ConfigException e) {
            // Same settings as the first client, which was built fine: share it rather than fail.
            users.set(0, users.get(0) + 1);
            return 0;
        }
        users.add(1);
        return clients.size() - 1;
    }

    synchronized HttpClient client(int index) {
        return clients.get(index);
    }

    /** A fetcher for {@code url} on client {@code index} (from {@link #acquire}), with the pool's credentials. */
    PageFetcher fetcher(int index, URI url, Duration timeout, long bodyLimit, String accept, boolean compression) {
        return fetcher(index, url, timeout, bodyLimit, accept, compression, null);
    }

    /** As above, the page arrays shared through {@code buffers} (null: the fetcher keeps its own). */
        PageFetcher fetcher(int index, URI url, Duration timeout, long bodyLimit, String accept, boolean compression,
                        PageBufferPool buffers) {
        return Fetchers.create(client(index), credentials, config.followRedirects(), url, timeout, bodyLimit, accept, compression,
                buffers);
    }

    synchronized void release(int index) {
        users.set(index, Math.max(0, users.get(index) - 1));
    }

    /** Closes every client's connections and the credentials (OAuth2 token client); for a pool that is replaced or stopped. */
    synchronized void shutdown() {
        for (HttpClient client : clients) {
            client.shutdown();
        }
        credentials.close();
    }
}
