package io.promethium.api.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.testing.PlainHttpClient;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingTracer;
import io.promethium.api.trace.Span;
import io.promethium.api.trace.Tracer;
import java.util.List;
import io.promethium.api.testing.RecordingHttpServer.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The send rules every HTTP notifier shares, against a loopback server. */
class HttpDeliveryTest {

    private RecordingHttpServer server;
    private final ConfiguredHttpClient client = new PlainHttpClient();
    private final HttpDelivery delivery = HttpDelivery.to("Example").retrying(429);

    @BeforeEach
    void start() throws IOException {
        server = RecordingHttpServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
        client.close();
    }

    private HttpResponse<String> post(String path) throws NotifyException {
        URI url = URI.create(server.url(path) + "?token=secret");
        return delivery.send(client, HttpDelivery.jsonPost(url, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5)).build());
    }

    private NotifyException failure(String path) {
        try {
            post(path);
        } catch (NotifyException e) {
            return e;
        }
        throw new AssertionError("no failure for " + path);
    }

    @Test
    void aTwoHundredAnswerIsReturnedWithItsBodyAfterAJsonPost() throws Exception {
        server.on("/ok", r -> Response.of(202, "text/plain", "ok"));
        assertThat(post("/ok").body()).isEqualTo("ok");
        RecordingHttpServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.header("user-agent")).isEqualTo("Promethium");
        assertThat(request.text()).isEqualTo("{\"a\":1}");
    }

    @Test
    void aTracedClientMakesEachSendAClientSpanAndSendsItsTraceparent() throws Exception {
        server.on("/ok", r -> Response.of(200, "text/plain", "ok"));
        server.on("/bad", r -> Response.of(503, "text/plain", "down"));
        RecordingTracer tracer = new RecordingTracer();
        ConfiguredHttpClient traced = HttpDelivery.traced(client, tracer);
        URI ok = URI.create(server.url("/ok"));
        try (Span attempt = tracer.start("notify.Integration.Notify")) {
            delivery.send(traced, HttpDelivery.jsonPost(ok, new byte[0], Duration.ofSeconds(5)).build());
        }
        try (Span attempt = tracer.start("notify.Integration.Notify")) {
            delivery.send(traced, HttpDelivery.jsonPost(URI.create(server.url("/bad")), new byte[0], Duration.ofSeconds(5)).build());
        } catch (NotifyException expected) {
            assertThat(expected.retryable()).isTrue();
        }
        List<RecordingTracer.Recorded> attempts = tracer.named("notify.Integration.Notify");
        List<RecordingTracer.Recorded> posts = tracer.named("HTTP POST");
        assertThat(posts).hasSize(2).allSatisfy(span -> assertThat(span.client()).isTrue());
        assertThat(posts).extracting(RecordingTracer.Recorded::parentId).containsExactly(attempts.get(0).spanId(), attempts.get(1).spanId());
        assertThat(posts.get(0).attributes()).containsEntry("http.request.method", "POST").containsEntry("url.scheme", "http")
                .containsEntry("server.address", "127.0.0.1").containsEntry("server.port", (long) ok.getPort())
                .containsEntry("http.response.status_code", 200L).doesNotContainKey("url.full");
        assertThat(posts.get(0).error()).isNull();
        assertThat(posts.get(1).attributes()).containsEntry("http.response.status_code", 503L);
        assertThat(posts.get(1).error()).isEqualTo("HTTP 503");
        assertThat(server.requests()).extracting(r -> r.header("traceparent"))
                .containsExactly(posts.get(0).traceparent(), posts.get(1).traceparent());
        assertThat(posts.get(0).traceparent()).startsWith("00-" + attempts.get(0).traceId() + "-" + posts.get(0).spanId());
    }

    @Test
    void aRefusedConnectionFailsItsClientSpanAndTracingOffAddsNoHeader() throws Exception {
        RecordingTracer tracer = new RecordingTracer();
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        URI refused = URI.create("http://127.0.0.1:" + closed + "/");
        assertThatThrownBy(() -> delivery.send(HttpDelivery.traced(client, tracer),
                HttpDelivery.jsonPost(refused, new byte[0], Duration.ofSeconds(5)).build())).isInstanceOf(NotifyException.class);
        assertThat(tracer.named("HTTP POST")).singleElement().satisfies(span -> assertThat(span.error()).contains("ConnectException"));

        assertThat(HttpDelivery.traced(client, Tracer.NONE)).as("off: the client itself").isSameAs(client);
        server.on("/ok", r -> Response.of(200, "text/plain", "ok"));
        delivery.send(HttpDelivery.traced(client, new DisabledTracer()),
                HttpDelivery.jsonPost(URI.create(server.url("/ok")), new byte[0], Duration.ofSeconds(5)).build());
        assertThat(server.requests().getLast().header("traceparent")).isNull();
    }

    /** A bound tracer whose tracing is off, as the server's is without a {@code tracing:} section. */
    private static final class DisabledTracer implements Tracer {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public Span start(String name) {
            return Span.NONE;
        }

        @Override
        public Span startClient(String name) {
            return Span.NONE;
        }
    }

    @Test
    void fiveHundredsAndTheNamedStatusesAreRetriedOthersAreNot() {
        server.on("/down", r -> Response.of(503, "text/plain", "upstream down"));
        server.on("/busy", r -> Response.status(429));
        server.on("/gone", r -> Response.of(404, "text/plain", "x".repeat(2000)));
        NotifyException down = failure("/down");
        assertThat(down.retryable()).isTrue();
        assertThat(down.retryAfter()).isEmpty();
        assertThat(down.getMessage()).isEqualTo("unexpected status code 503 from Example (http://127.0.0.1:" + server.port()
                + "): upstream down");
        assertThat(failure("/busy").retryable()).isTrue();
        NotifyException gone = failure("/gone");
        assertThat(gone.retryable()).isFalse();
        assertThat(down.statusCode()).hasValue(503);
        assertThat(gone.statusCode()).as("for the dispatcher's reason label").hasValue(404);
        assertThat(gone.getMessage()).as("the body cut, no path or query").endsWith(": " + "x".repeat(512)).doesNotContain("secret");
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        server.on("/seconds", r -> Response.of(503, "text/plain", "").withHeader("Retry-After", "7"));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(120));
        server.on("/date", r -> Response.of(503, "text/plain", "").withHeader("Retry-After", date));
        server.on("/junk", r -> Response.of(503, "text/plain", "").withHeader("Retry-After", "soon"));
        assertThat(failure("/seconds").retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(failure("/date").retryAfter()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(121)));
        assertThat(failure("/junk").retryAfter()).isEmpty();
        assertThat(HttpDelivery.retryAfter("-5")).contains(Duration.ZERO);
    }

    @Test
    void theDestinationsReaderDescribesTheBody() {
        server.on("/bad", r -> Response.of(400, "application/json", "{\"message\":\"bad key\"}"));
        HttpDelivery described = HttpDelivery.to("PD").describing(body -> "described " + body.length());
        URI url = URI.create(server.url("/bad"));
        assertThatThrownBy(() -> described.send(client, HttpDelivery.jsonPost(url, new byte[0], Duration.ofSeconds(5)).build()))
                .hasMessageEndingWith("): described 21");
    }

    @Test
    void aRefusedConnectionIsRetriedAndAPassedDeadlineIsNot() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port + "/hook/secret");
        assertThatThrownBy(() -> delivery.send(client, HttpDelivery.jsonPost(url, new byte[0], Duration.ofSeconds(5)).build()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageStartingWith("POST to Example (http://127.0.0.1:" + port + "): ").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> HttpDelivery.timeLeft(Instant.now().minusMillis(1)))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("deadline passed");
        assertThat(HttpDelivery.timeLeft(Instant.now().plusSeconds(60))).isPositive();
    }

    /**
     * A body whose first bytes came and whose rest never does (a read blocks until the stream is
     * closed, as a socket's does): it is given back by the deadline, as far as it came.
     */
    @Test
    void readBodyEndsAStalledBodyByTheDeadline() {
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        java.io.InputStream stalled = new java.io.InputStream() {
            private final java.io.InputStream head = new java.io.ByteArrayInputStream("<AssumeRoleResponse>".getBytes(StandardCharsets.UTF_8));

            @Override
            public int read() throws IOException {
                int b = head.read();
                if (b >= 0) {
                    return b;
                }
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("closed");
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        long start = System.nanoTime();
        byte[] read = HttpDelivery.readBody(stalled, Instant.now().plusMillis(300));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo("<AssumeRoleResponse>");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void readBodyReadsAWholeBodyThatEndsBeforeTheDeadline() {
        byte[] read = HttpDelivery.readBody(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), Instant.now().plusSeconds(5));
        assertThat(read).containsExactly(1, 2, 3);
    }
}
