package io.promethium.alertmanager.eventrecorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.alertmanager.config.EventRecorderConfig;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.config.http.KernelHttpClientFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook output against a loopback receiver: one POST per event, or JSON arrays when batching; retries on errors. */
class WebhookOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private RecordingHttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private WebhookOutput output(boolean batch, int maxEvents, Duration flush, Map<String, Object> http) throws Exception {
        EventRecorderConfig.WebhookOutput c = new EventRecorderConfig.WebhookOutput(server.url("/events?token=t"),
                http == null ? null : new PluginConfig("http_config", http, ""), null, Duration.ofSeconds(5), 2, 3,
                Duration.ofMillis(10), batch, batch ? maxEvents : 0, batch ? 1 << 20 : 0, flush);
        PluginConfig block = c.httpConfig() != null ? c.httpConfig() : new PluginConfig("http_config", Map.of(), "");
        return new WebhookOutput(c, new KernelHttpClientFactory().create(block, null), new LongAdder());
    }

    private static byte[] event(int n) {
        return ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void postsEachEventAsJsonWithItsCredentials() throws Exception {
        try (WebhookOutput out = output(false, 0, Duration.ZERO, Map.of("bearer_token", "s3cret"))) {
            assertThat(out.name()).isEqualTo("webhook:" + server.url("/events"));
            out.send(event(1));
            out.send(event(2));
            List<RecordingHttpServer.Request> got = server.await(2, Duration.ofSeconds(5));
            assertThat(got).hasSize(2).allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.header("Content-Type")).isEqualTo("application/json");
                assertThat(r.header("Authorization")).isEqualTo("Bearer s3cret");
            });
            assertThat(got.stream().map(RecordingHttpServer.Request::text)).containsExactlyInAnyOrder("{\"n\":1}", "{\"n\":2}");
        }
    }

    @Test
    void batchesAreJsonArraysOfAtMostMaxEvents() throws Exception {
        try (WebhookOutput out = output(true, 2, Duration.ofSeconds(10), null)) {
            for (int i = 1; i <= 5; i++) {
                out.send(event(i));
            }
            List<RecordingHttpServer.Request> got = server.await(2, Duration.ofSeconds(5));
            assertThat(got).hasSize(2);
            int total = 0;
            for (RecordingHttpServer.Request r : got) {
                JsonNode array = JSON.readTree(r.body());
                assertThat(array.isArray()).isTrue();
                assertThat(array.size()).isEqualTo(2);
                total += array.size();
            }
            assertThat(total).isEqualTo(4);
        }
        // Closing sends the incomplete batch.
        List<RecordingHttpServer.Request> all = server.await(3, Duration.ofSeconds(5));
        assertThat(all).hasSize(3);
        assertThat(all.get(2).text()).isEqualTo("[{\"n\":5}]");
    }

    @Test
    void anIncompleteBatchIsSentAfterTheFlushInterval() throws Exception {
        try (WebhookOutput out = output(true, 100, Duration.ofMillis(100), null)) {
            out.send(event(1));
            out.send(event(2));
            List<RecordingHttpServer.Request> got = server.await(1, Duration.ofSeconds(5));
            assertThat(got).hasSize(1);
            assertThat(got.get(0).text()).isEqualTo("[{\"n\":1},{\"n\":2}]");
        }
    }

    @Test
    void retriesAfterServerErrorsThenGivesUp() throws Exception {
        server.failNext(2);
        try (WebhookOutput out = output(false, 0, Duration.ZERO, null)) {
            out.send(event(1));
            assertThat(server.await(1, Duration.ofSeconds(5))).as("the third attempt of three gets through")
                    .singleElement().satisfies(r -> assertThat(r.text()).isEqualTo("{\"n\":1}"));
            server.failNext(3);
            out.send(event(2));
            Thread.sleep(300);
            assertThat(server.requests()).as("three failures: dropped").hasSize(1);
        }
    }
}
