package io.promethium.api.testing;

import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.HttpClientFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;

/**
 * A plugin context for tests: an in-memory metrics registrar, an HTTP client factory (the one
 * the test passes, or the one found on the test class path: the test kit's), and a thread factory that remembers every thread it made so a test can check none outlives
 * {@code close()}.
 */
public final class TestPluginContext implements DiscoveryContext {

    private final Path configDirectory;
    private final String owner;
    private final TestMetricsRegistrar metrics = new TestMetricsRegistrar();
    private final HttpClientFactory httpClients;
    private final List<Thread> threads = new ArrayList<>();
    // Held here: java.util.logging keeps loggers weakly, so a handler a test adds could vanish with a collected logger.
    private final Logger logger;

    public TestPluginContext(Path configDirectory, String owner, HttpClientFactory httpClients) {
        this.configDirectory = Objects.requireNonNull(configDirectory, "configDirectory is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.httpClients = Objects.requireNonNull(httpClients, "httpClients is null");
        this.logger = Logger.getLogger("io.promethium.plugin.test." + owner);
    }

    /**
     * A context with the {@link HttpClientFactory} found on the test class path ({@link ServiceLoader}),
     * as {@link TestNotifierContext} finds it: with the test kit
     * ({@code io.promethium:promethium-plugin-testkit}) there, its {@code HttpConfigClientFactory},
     * which sends and applies every {@code http_client_config} setting as the server does. Without
     * it, an {@link UnsupportedHttpClientFactory}, which refuses every setting, naming the kit.
     */
    public TestPluginContext(Path configDirectory, String owner) {
        this(configDirectory, owner, ServiceLoader.load(HttpClientFactory.class, TestPluginContext.class.getClassLoader())
                .findFirst().orElseGet(UnsupportedHttpClientFactory::new));
    }

    @Override
    public Path configDirectory() {
        return configDirectory;
    }

    @Override
    public String owner() {
        return owner;
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public TestMetricsRegistrar metrics() {
        return metrics;
    }

    @Override
    public HttpClientFactory httpClients() {
        return httpClients;
    }

    @Override
    public ThreadFactory threads() {
        ThreadFactory virtual = Thread.ofVirtual().name("plugin-test-" + owner + "-", 0).factory();
        return task -> {
            Thread thread = virtual.newThread(task);
            synchronized (threads) {
                threads.add(thread);
            }
            return thread;
        };
    }

    /** The threads made through {@link #threads()} that are still alive. */
    public List<Thread> liveThreads() {
        synchronized (threads) {
            List<Thread> alive = new ArrayList<>();
            for (Thread thread : threads) {
                if (thread.isAlive()) {
                    alive.add(thread);
                }
            }
            return alive;
        }
    }
}
