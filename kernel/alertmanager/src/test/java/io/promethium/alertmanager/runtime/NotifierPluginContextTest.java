package io.promethium.alertmanager.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.api.testing.CollectedSamples;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.plugin.PluginMetricsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifiers built by the runtime get the server's plugin services: what they register on
 * {@code context.metrics()} lands in the registrar the runtime was given (the one behind
 * {@code /metrics}), and {@code context.httpClients()} is the server's factory.
 */
class NotifierPluginContextTest {

    @TempDir
    Path dir;

    /** A notifier plugin that counts, on its context's registrar, how many instances were built. */
    private static final class CountingFactory implements NotifierFactory {
        final List<NotifierContext> contexts = new ArrayList<>();

        @Override
        public String type() {
            return "counting";
        }

        @Override
        public void validate(PluginConfig config, NotifierContext context) {
        }

        @Override
        public Notifier create(PluginConfig config, NotifierContext context) {
            contexts.add(context);
            MetricsRegistrar.Counter built = context.metrics().counter("promethium_test_notifiers_built_total",
                    "Notifiers built.", "receiver");
            built.inc(context.owner());
            return (notification, deadline) -> { };
        }
    }

    @Test
    void notifierMetricsGoToTheServersRegistrarAndHttpClientsAreTheServersFactory() throws Exception {
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, """
                route:
                  receiver: team
                receivers:
                  - name: team
                    counting_configs:
                      - {}
                """);
        PluginMetricsRegistry server = new PluginMetricsRegistry();
        HttpClientFactory httpClients = new KernelHttpClientFactory();
        CountingFactory factory = new CountingFactory();
        try (AlertmanagerRuntime runtime = new AlertmanagerRuntime(file, null, Duration.ofHours(1), "http://prom", Clock.systemUTC(),
                server, httpClients)) {
            runtime.addFactory(factory);
            runtime.reload();
        }
        assertThat(factory.contexts).singleElement().satisfies(context -> {
            assertThat(context.httpClients()).isSameAs(httpClients);
            assertThat(context.owner()).isEqualTo("team");
        });
        assertThat(CollectedSamples.of(server::collect)).anySatisfy((sample, value) -> {
            assertThat(sample).startsWith("promethium_test_notifiers_built_total").contains("team");
            assertThat(value).isEqualTo(1.0);
        });
    }
}
