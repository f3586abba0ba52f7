package io.promethium.alertmanager.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.plugin.PluginMetricsRegistry;
import io.promethium.tracing.Tracing;
import io.promethium.tracing.internal.TracingManager;
import io.promethium.tracing.testing.OtlpStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code alertmanager.yml}'s {@code tracing:} applied by the in-process Alertmanager: its
 * notification pipeline's spans reach a loopback OTLP/HTTP stand-in receiver (shaped per the OTLP
 * specification; no collector is packaged) under {@code service.name: alertmanager}, and a reload
 * without the section stops them.
 */
class AlertmanagerTracingTest {

    @TempDir
    Path dir;

    private static final class Recording implements NotifierFactory {
        final CountDownLatch sent = new CountDownLatch(1);

        @Override
        public String type() {
            return "team";
        }

        @Override
        public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
            config.requireOnly(Set.of("channel"));
        }

        @Override
        public Notifier create(PluginConfig config, NotifierContext context) {
            return new Notifier() {
                @Override
                public void send(Notification notification, Instant deadline) {
                    sent.countDown();
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Test
    void aNotificationSendsItsFlushDeliveryAndAttemptSpansAndAReloadWithoutTheSectionStopsTracing() throws Exception {
        try (OtlpStandIn receiver = OtlpStandIn.http(); TracingManager tracing = new TracingManager("test", Duration.ofMillis(50))) {
            Path file = dir.resolve("alertmanager.yml");
            String route = """
                    route: {receiver: team, group_by: [alertname], group_wait: 50ms, group_interval: 1m, repeat_interval: 1h}
                    receivers:
                      - name: team
                        team_configs: [{channel: ops}]
                    """;
            Files.writeString(file, route + """
                    tracing:
                      client_type: http
                      endpoint: %s
                      insecure: true
                      sampling_fraction: 1
                    """.formatted(receiver.endpoint()));
            AlertmanagerRuntime runtime = new AlertmanagerRuntime(file, dir.resolve("data"), Duration.ofHours(1), "", Clock.systemUTC(),
                    new PluginMetricsRegistry(), new KernelHttpClientFactory(), tracing);
            try {
                Recording team = new Recording();
                runtime.addFactory(team);
                runtime.reload();
                assertThat(tracing.tracer(Tracing.ALERTMANAGER).enabled()).isTrue();
                runtime.receive(List.of(new Alert(Labels.of("alertname", "Down"), Labels.EMPTY, Instant.now(),
                        Instant.now().plusSeconds(600), "")));
                assertThat(team.sent.await(10, TimeUnit.SECONDS)).isTrue();
                List<Span> spans = receiver.awaitSpans(3, Duration.ofSeconds(10));
                assertThat(spans).extracting(Span::getName).contains("dispatch.AggregationGroup.flush", "notify.RetryStage.Exec",
                        "notify.Integration.Notify");
                Span flush = spans.stream().filter(s -> s.getName().equals("dispatch.AggregationGroup.flush")).findFirst().orElseThrow();
                Span delivery = spans.stream().filter(s -> s.getName().equals("notify.RetryStage.Exec")).findFirst().orElseThrow();
                assertThat(delivery.getParentSpanId()).as("delivery runs on its own thread, in the flush's trace").isEqualTo(flush.getSpanId());
                assertThat(receiver.exports().get(0).resource("service.name")).isEqualTo("alertmanager");
                Files.writeString(file, route);
                runtime.reload();
                assertThat(tracing.tracer(Tracing.ALERTMANAGER).enabled()).isFalse();
            } finally {
                runtime.close();
            }
        }
    }
}
