package io.promethium.api.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.testing.PlainHttpClient;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request rules every cloud discoverer shares, against a loopback server answering as a provider's API would. */
class JsonHttpFetchTest {

    private RecordingHttpServer server;
    private final PlainHttpClient client = new PlainHttpClient();
    private final JsonHttpFetch<String> fetch = new JsonHttpFetch<>(client, Duration.ofSeconds(5), 64,
            body -> {
                String text = new String(body, StandardCharsets.UTF_8);
                if (!text.startsWith("{")) {
                    throw new IOException("invalid character at offset 0");
                }
                return text;
            });

    @BeforeEach
    void start() throws IOException {
        server = RecordingHttpServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
        client.close();
    }

    private URI uri(String path) {
        return URI.create(server.url(path));
    }

    @Test
    void aTwoHundredAnswerIsParsedAndTheHeadersAreSent() throws Exception {
        server.on("/ok", r -> Response.of(200, "application/json", "{\"a\":1}"));
        assertThat(fetch.get(uri("/ok"), "Authorization", "Bearer t")).isEqualTo("{\"a\":1}");
        RecordingHttpServer.Request request = server.requests().get(0);
        assertThat(request.header("authorization")).isEqualTo("Bearer t");
        assertThat(request.header("accept")).isEqualTo("application/json");
        assertThat(request.header("user-agent")).isEqualTo(JsonHttpFetch.USER_AGENT);
    }

    @Test
    void aPostSendsItsBodyAndContentType() throws Exception {
        server.on("/token", r -> Response.of(200, "application/json", "{}"));
        fetch.send("POST", uri("/token"), "application/x-www-form-urlencoded", "a=b".getBytes(StandardCharsets.UTF_8));
        RecordingHttpServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("content-type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.text()).isEqualTo("a=b");
    }

    @Test
    void aNonTwoHundredAnswerFailsWithItsStatusAndAnExcerpt() {
        server.on("/gone", r -> Response.of(404, "text/plain", "no such droplet"));
        assertThatThrownBy(() -> fetch.get(uri("/gone")))
                .isInstanceOfSatisfying(JsonHttpFetch.StatusException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessage("GET \"" + uri("/gone") + "\": 404 no such droplet");
    }

    @Test
    void anAnswerLargerThanTheLimitOrEmptyOrUnparseableFails() {
        server.on("/big", r -> Response.of(200, "application/json", "{\"a\":\"" + "x".repeat(100) + "\"}"));
        server.on("/empty", r -> Response.of(200, "application/json", " "));
        server.on("/html", r -> Response.of(200, "text/html", "<html>"));
        assertThatThrownBy(() -> fetch.get(uri("/big"))).hasMessageEndingWith("the answer is larger than 64 bytes");
        assertThatThrownBy(() -> fetch.get(uri("/empty"))).hasMessageEndingWith("not JSON: unexpected end of JSON input");
        assertThatThrownBy(() -> fetch.get(uri("/html"))).hasMessageEndingWith("not JSON: invalid character at offset 0");
    }

    @Test
    void aTooManyRequestsAnswerHoldsBackTheNextRequestUntilRetryAfter() {
        server.on("/busy", r -> Response.status(429).withHeader("Retry-After", "60"));
        assertThatThrownBy(() -> fetch.get(uri("/busy"))).hasMessageEndingWith("429 Too Many Requests; retry after 60000 ms");
        assertThatThrownBy(() -> fetch.get(uri("/busy"))).hasMessageContaining("throttled by the API (429): no request before");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void retryAfterReadsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(JsonHttpFetch.retryAfter("7", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(JsonHttpFetch.retryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(JsonHttpFetch.retryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(JsonHttpFetch.retryAfter("soon", now)).isNull();
        assertThat(JsonHttpFetch.retryAfter("-1", now)).isNull();
        assertThat(JsonHttpFetch.retryAfter(null, now)).isNull();
    }

    @Test
    void hostPortJoiningBracketsIpv6AndSanitizingReplacesWhatALabelNameCannotHold() {
        assertThat(JsonHttpFetch.joinHostPort("10.0.0.1", 80)).isEqualTo("10.0.0.1:80");
        assertThat(JsonHttpFetch.joinHostPort("::1", 9100)).isEqualTo("[::1]:9100");
        assertThat(JsonHttpFetch.sanitize("app.kubernetes/name-1")).isEqualTo("app_kubernetes_name_1");
    }
}
