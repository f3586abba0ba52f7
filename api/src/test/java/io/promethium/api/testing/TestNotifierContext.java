package io.promethium.api.testing;

import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.trace.Tracer;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.TemplateRenderer;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.NotifyException;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;

/**
 * A notifier context for a notifier's own tests: a {@link TestPluginContext} (in-memory metrics,
 * remembered threads) with an HTTP client factory and a template renderer, {@code global} values
 * the test sets, and {@code send_resolved}. {@link #TestNotifierContext(Path, String)} takes the
 * server's real ones from the test class path, where the test kit
 * ({@code io.promethium:promethium-plugin-testkit}) puts them; no kernel jar is needed. {@link #notifier} builds a notifier as the kernel does; {@link #close()}
 * closes every one it built.
 */
public final class TestNotifierContext implements NotifierContext, AutoCloseable {

    private final TestPluginContext plugin;
    private final String receiver;
    private final TemplateRenderer templates;
    private final Map<String, Object> globals = new ConcurrentHashMap<>();
    private volatile boolean sendResolved;
    private volatile Tracer tracer = Tracer.NONE;
    private final List<Notifier> notifiers = new CopyOnWriteArrayList<>();

    /**
     * A context with the renderer and HTTP client factory found on the test class path
     * ({@link ServiceLoader}): with the test kit there, Alertmanager's real templates and a factory
     * that applies {@code http_config} as the server does. Without it, HTTP goes through a
     * {@link PlainHttpClientFactory} and rendering fails, saying to add the kit.
     */
    public TestNotifierContext(Path configDirectory, String receiver) {
        this(configDirectory, receiver, found(HttpClientFactory.class).orElseGet(PlainHttpClientFactory::new),
                found(TemplateRenderer.class).orElseGet(MissingTemplates::new));
    }

    private static <T> java.util.Optional<T> found(Class<T> type) {
        return ServiceLoader.load(type, TestNotifierContext.class.getClassLoader()).findFirst();
    }

    /** Stands in when no renderer is on the class path: fails on use, naming what is missing. */
    private static final class MissingTemplates implements TemplateRenderer {
        private static final String MISSING = "no TemplateRenderer on the test class path: add the test dependency "
                + "io.promethium:promethium-plugin-testkit (Alertmanager's real templates)";

        @Override
        public void check(String text) {
            throw new IllegalStateException(MISSING);
        }

        @Override
        public String render(String text, Notification notification) throws NotifyException {
            throw new IllegalStateException(MISSING);
        }

        @Override
        public String renderHtml(String text, Notification notification) throws NotifyException {
            throw new IllegalStateException(MISSING);
        }
    }

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

    /**
     * The Alertmanager tracer notifiers built afterwards get, and trace their clients' sends with
     * as the server's contexts do ({@link HttpDelivery#traced}); {@link Tracer#NONE} by default.
     */
    public TestNotifierContext tracer(Tracer value) {
        tracer = Objects.requireNonNull(value, "tracer is null");
        return this;
    }

    @Override
    public Tracer tracer() {
        return tracer;
    }

    /**
     * Validates one {@code <type>_configs} block and builds its notifier, as the kernel does (the
     * block's errors start with {@code location}); the notifier is closed by {@link #close()}.
     */
    public Notifier notifier(NotifierFactory factory, Map<String, Object> values, String location) throws ConfigException {
        PluginConfig config = new PluginConfig(factory.type() + "_configs", values, location);
        factory.validate(config, this);
        Notifier notifier = factory.create(config, this);
        notifiers.add(notifier);
        return notifier;
    }

    /** Closes the notifiers {@link #notifier} built. */
    @Override
    public void close() {
        notifiers.forEach(Notifier::close);
        notifiers.clear();
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
        return HttpDelivery.traced(plugin.httpClients(), tracer);
    }

    @Override
    public ThreadFactory threads() {
        return plugin.threads();
    }
}
