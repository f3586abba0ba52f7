package io.promethium.alertmanager.runtime;

import io.promethium.alertmanager.config.AlertmanagerConfigLoader;
import io.promethium.alertmanager.config.IntegrationConfig;
import io.promethium.alertmanager.dispatch.Integration;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.TemplateRenderer;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.config.lifecycle.Closing;
import io.promethium.config.lifecycle.PluginBuilder;
import io.promethium.config.lifecycle.PluginUse;
import io.promethium.config.plugin.KernelPluginContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One integration's notifier, kept by the kernel's {@link io.promethium.config.lifecycle.PluginTracker}:
 * built from the notifier plugin of its type when there is one (a block loaded while no plugin
 * owned its key is validated by the plugin first), closed when that plugin goes, rebuilt at once
 * from its replacement. The dispatcher's groups, the notification log and the silences do not
 * change across such a swap; when a notifier is rebuilt the groups of its receiver that failed
 * are flushed again at once.
 */
final class IntegrationSlot implements Integration.Slot, PluginBuilder<NotifierFactory, Integration.Built> {

    private final String receiver;
    private final IntegrationConfig config;
    private final Path directory;
    private final Map<String, Object> globals;
    private final TemplateRenderer templates;
    private final MetricsRegistrar metrics;
    private final HttpClientFactory httpClients;
    private final io.promethium.api.trace.Tracer tracer;
    private final Consumer<String> rebuilt;
    private volatile PluginUse<NotifierFactory, Integration.Built> use;

    /** @param rebuilt told the receiver's name when the notifier was rebuilt after the slot was set up */
    IntegrationSlot(String receiver, IntegrationConfig config, Path directory, Map<String, Object> globals, TemplateRenderer templates,
                    MetricsRegistrar metrics, HttpClientFactory httpClients, io.promethium.api.trace.Tracer tracer,
                    Consumer<String> rebuilt) {
        this.receiver = Objects.requireNonNull(receiver, "receiver is null");
        this.config = Objects.requireNonNull(config, "config is null");
        this.directory = directory;
        this.globals = globals;
        this.templates = templates;
        this.metrics = metrics;
        this.httpClients = httpClients;
        this.tracer = Objects.requireNonNull(tracer, "tracer is null");
        this.rebuilt = rebuilt;
    }

    void attach(PluginUse<NotifierFactory, Integration.Built> slot) {
        this.use = slot;
    }

    PluginUse<NotifierFactory, Integration.Built> use() {
        return use;
    }

    @Override
    public Integration.Built build(NotifierFactory factory) throws Exception {
        IntegrationConfig resolved = AlertmanagerConfigLoader.resolve(config, receiver, factory,
                new AlertmanagerConfigLoader.StaticNotifierContext(receiver, directory, globals, templates, factory.sendResolvedByDefault()));
        Notifier notifier = factory.create(resolved.config(), new AlertmanagerConfigLoader.StaticNotifierContext(receiver, directory,
                globals, templates, resolved.sendResolved(), KernelPluginContext.of("notifier", receiver, directory, metrics, httpClients), tracer));
        if (use != null) {
            // A plugin arrived for a slot set up before: what waited for it goes out now, off the tracker's lock.
            Thread.ofVirtual().name("alertmanager-retry").start(() -> rebuilt.accept(receiver));
        }
        return new Integration.Built(notifier, resolved.sendResolved());
    }

    @Override
    public void close(Integration.Built built, Closing why) {
        built.close();
    }

    @Override
    public Integration.Built get() {
        PluginUse<NotifierFactory, Integration.Built> current = use;
        return current == null ? null : current.get();
    }

    @Override
    public Integration.Built await(Duration max) throws InterruptedException {
        PluginUse<NotifierFactory, Integration.Built> current = use;
        return current == null ? null : current.await(max);
    }

    @Override
    public String why() {
        PluginUse<NotifierFactory, Integration.Built> current = use;
        if (current == null || current.get() != null) {
            return "";
        }
        return current.waiting() ? "waiting for plugin `" + config.type() + "`" : current.error();
    }

    @Override
    public void close() {
        PluginUse<NotifierFactory, Integration.Built> current = use;
        if (current != null) {
            current.close();
        }
    }
}
