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
import io.promethium.api.testing.CollectedSamples;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.plugin.PluginMetricsRegistry;
import io.promethium.tracing.Tracing;
import io.promethium.tracing.internal.TracingComponent;
import io.promethium.tracing.internal.TracingManager;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import io.promethium.tracing.testing.OtlpStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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

    /**
     * A notifier's HTTP send is a client span under its attempt, as Alertmanager's {@code otelhttp}
     * transport makes it, and the receiver gets its {@code traceparent}: the real webhook notifier,
     * the server's tracing and its api tracer (the service plugins and the component bind), a
     * loopback receiver standing in for the webhook's destination.
     */
    @Test
    void aWebhookPostIsAClientSpanOfItsAttemptAndCarriesItsTraceparent() throws Exception {
        TracingComponent tracing = new TracingComponent();
        try (OtlpStandIn otlp = OtlpStandIn.http(); RecordingHttpServer hook = RecordingHttpServer.http()) {
            Path file = dir.resolve("alertmanager.yml");
            Files.writeString(file, """
                    route: {receiver: team, group_by: [alertname], group_wait: 50ms, group_interval: 1m, repeat_interval: 1h}
                    receivers:
                      - name: team
                        webhook_configs: [{url: '%s'}]
                    tracing:
                      client_type: http
                      endpoint: %s
                      insecure: true
                      sampling_fraction: 1
                    """.formatted(hook.url("/hook"), otlp.endpoint()));
            try (AlertmanagerRuntime runtime = new AlertmanagerRuntime(file, dir.resolve("data"), Duration.ofHours(1), "",
                    Clock.systemUTC(), new PluginMetricsRegistry(), new KernelHttpClientFactory(), tracing,
                    tracing.apiTracer(Tracing.ALERTMANAGER))) {
                runtime.addFactory(new WebhookNotifierFactory());
                runtime.reload();
                runtime.receive(List.of(new Alert(Labels.of("alertname", "Down"), Labels.EMPTY, Instant.now(),
                        Instant.now().plusSeconds(600), "")));
                // The attempt is observed in the latency histogram after its span ended.
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!attemptObserved(runtime) && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertThat(hook.requests()).hasSize(1);
            }
            tracing.deactivate(); // flushes the batch
            List<Span> spans = otlp.spans();
            Span attempt = spans.stream().filter(s -> s.getName().equals("notify.Integration.Notify")).findFirst().orElseThrow();
            Span post = spans.stream().filter(s -> s.getName().equals("HTTP POST")).findFirst().orElseThrow();
            assertThat(post.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
            assertThat(post.getParentSpanId()).as("the POST is the attempt's child").isEqualTo(attempt.getSpanId());
            assertThat(post.getTraceId()).isEqualTo(attempt.getTraceId());
            assertThat(post.getAttributesList()).anySatisfy(a -> {
                assertThat(a.getKey()).isEqualTo("http.response.status_code");
                assertThat(a.getValue().getIntValue()).isEqualTo(200);
            });
            HexFormat hex = HexFormat.of();
            String traceparent = hook.requests().get(0).header("traceparent");
            assertThat(traceparent).startsWith("00-" + hex.formatHex(post.getTraceId().toByteArray())
                    + "-" + hex.formatHex(post.getSpanId().toByteArray()) + "-");
            assertThat(HexFormat.fromHexDigits(traceparent.substring(traceparent.length() - 2)) & 1).as("sampled flag").isEqualTo(1);
        } finally {
            tracing.deactivate();
        }
    }

    private static boolean attemptObserved(AlertmanagerRuntime runtime) {
        return CollectedSamples.of(runtime::collect).entrySet().stream()
                .anyMatch(e -> e.getKey().startsWith("alertmanager_notification_latency_seconds_count") && e.getValue() > 0);
    }
}
