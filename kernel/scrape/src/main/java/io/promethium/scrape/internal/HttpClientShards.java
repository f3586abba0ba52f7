package io.promethium.scrape.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.HttpClientConfig;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The HTTP clients of one scrape pool, each shared by at most {@value #TARGETS_PER_CLIENT}
 * targets. The JDK client keeps idle connections in a list it searches linearly; with 1,000
 * targets on one client that search took a sixth of the scrape CPU, so targets are spread
 * over several clients. Thread-safe.
 */
final class HttpClientShards {

    static final int TARGETS_PER_CLIENT = 32;

    private final HttpClientConfig config;
    private final Path configDirectory;
    private final List<HttpClient> clients = new ArrayList<>();
    private final List<Integer> users = new ArrayList<>();

    HttpClientShards(HttpClientConfig config, Path configDirectory) throws ConfigException {
        this.config = Objects.requireNonNull(config, "config is null");
        this.configDirectory = configDirectory;
        // Fails now, at config time, on unreadable TLS files.
        clients.add(HttpClients.create(config, configDirectory));
        users.add(0);
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
            clients.add(HttpClients.create(config, configDirectory));
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

    synchronized void release(int index) {
        users.set(index, Math.max(0, users.get(index) - 1));
    }

    /** Closes every client's connections; for a pool that is replaced or stopped. */
    synchronized void shutdown() {
        for (HttpClient client : clients) {
            client.shutdown();
        }
    }
}
