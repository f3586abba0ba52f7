package io.promethium.api.testing;

import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.TemplateRenderer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;

/**
 * A notifier context for a notifier's own tests: a {@link TestPluginContext} (in-memory metrics,
 * remembered threads) with the HTTP client factory and template renderer the test passes (the
 * kernel's in the plugins of this project), {@code global} values the test sets, and
 * {@code send_resolved}.
 */
public final class TestNotifierContext implements NotifierContext {

    private final TestPluginContext plugin;
    private final String receiver;
    private final TemplateRenderer templates;
    private final Map<String, Object> globals = new ConcurrentHashMap<>();
    private volatile boolean sendResolved;

    /**
     * @param templates the renderer, or null for a notifier that renders nothing (validation
     *        then skips template checks)
     */
    public TestNotifierContext(Path configDirectory, String receiver, HttpClientFactory httpClients, TemplateRenderer templates) {
        this.plugin = new TestPluginContext(configDirectory, receiver, httpClients);
        this.receiver = Objects.requireNonNull(receiver, "receiver is null");
        this.templates = templates;
    }

    /** Sets a {@code global:} value of {@code alertmanager.yml} ({@code slack_api_url}, {@code http_config}, ...). */
    public TestNotifierContext global(String key, Object value) {
        globals.put(key, value);
        return this;
    }

    public TestNotifierContext sendResolved(boolean value) {
        sendResolved = value;
        return this;
    }

    /** The plugin part: metrics read back, threads still alive. */
    public TestPluginContext plugin() {
        return plugin;
    }

    @Override
    public String receiver() {
        return receiver;
    }

    @Override
    public Path configDirectory() {
        return plugin.configDirectory();
    }

    @Override
    public Map<String, Object> globals() {
        return globals;
    }

    @Override
    public TemplateRenderer templates() {
        return templates;
    }

    @Override
    public boolean sendResolved() {
        return sendResolved;
    }

    @Override
    public Logger logger() {
        return plugin.logger();
    }

    @Override
    public String owner() {
        return receiver;
    }

    @Override
    public TestMetricsRegistrar metrics() {
        return plugin.metrics();
    }

    @Override
    public HttpClientFactory httpClients() {
        return plugin.httpClients();
    }

    @Override
    public ThreadFactory threads() {
        return plugin.threads();
    }
}
