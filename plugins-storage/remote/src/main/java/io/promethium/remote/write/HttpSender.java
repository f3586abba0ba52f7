package io.promethium.remote.write;

import io.promethium.api.config.ConfigException;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.trace.Span;
import io.promethium.remote.http.HttpSpans;
import io.promethium.api.trace.Tracer;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Remote write 1.0 or 2.0 ({@code protobuf_message}) through the entry's client from the kernel's HTTP client factory (TLS,
 * credentials, OAuth2 tokens, proxy, {@code http_headers}): POST, snappy-compressed protobuf,
 * the headers Prometheus sends, {@code remote_timeout} per request. A 2xx is success; the body of
 * an error answer is read (bounded) for the log, so a receiver's reason reaches the operator.
 */
final class HttpSender implements Sender {
    private static final int MAX_ERROR_BODY = 1024;

    private final RemoteWriteSettings settings;
    private final ConfiguredHttpClient client;
    private final String userAgent;

    HttpSender(RemoteWriteSettings settings, String userAgent) throws ConfigException {
        this.settings = settings;
        this.userAgent = userAgent;
        this.client = settings.http().create();
    }

    @Override
    public Outcome send(byte[] body, int length, int attempt) throws InterruptedException {
        return send(body, length, attempt, Tracer.NONE);
    }

    /**
     * Traced as Prometheus's client is: a {@code Remote Store} client span, and under it the
     * {@code HTTP POST} span its {@code otelhttp} transport makes, whose {@code traceparent} the
     * request carries.
     */
    @Override
    public Outcome send(byte[] body, int length, int attempt, Tracer tracer) throws InterruptedException {
        try (Span store = tracer.startClient("Remote Store"); Span http = tracer.startClient(HttpSpans.POST)) {
            HttpSpans.request(http, settings.url());
            Outcome outcome = sendTraced(body, length, attempt, http);
            HttpSpans.response(http, outcome.status(), outcome.error());
            return outcome;
        }
    }

    private Outcome sendTraced(byte[] body, int length, int attempt, Span span) throws InterruptedException {
        boolean v2 = settings.v2();
        String unsendable = io.promethium.remote.http.GoUrl.unsendable("Post", settings.url());
        if (unsendable != null) {
            return Outcome.failed(unsendable);
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(settings.url())
                .timeout(settings.remoteTimeout())
                .header("Content-Encoding", "snappy")
                .header("Content-Type", v2 ? "application/x-protobuf;proto=io.prometheus.write.v2.Request" : "application/x-protobuf")
                .header("User-Agent", userAgent)
                .header("X-Prometheus-Remote-Write-Version", v2 ? "2.0.0" : "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, length));
        if (attempt > 0) {
            r.header("Retry-Attempt", Integer.toString(attempt));
        }
        for (Map.Entry<String, String> h : settings.headers().entrySet()) {
            r.header(h.getKey(), h.getValue());
        }
        span.injectContext(r::setHeader);
        try {
            HttpResponse<InputStream> response = client.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            String text;
            try (InputStream in = response.body()) {
                byte[] head = in.readNBytes(MAX_ERROR_BODY);
                in.transferTo(OutputSink.INSTANCE);
                text = status / 100 == 2 ? "" : new String(head, StandardCharsets.UTF_8).strip();
            }
            long retryAfter = response.headers().firstValue("Retry-After").map(HttpSender::retryAfterMillis).orElse(-1L);
            String error = status / 100 == 2 ? "" : "server returned HTTP status " + status + ": " + text;
            if (v2 && status == 415) {
                error += " (the receiver does not accept remote write 2.0: use protobuf_message: prometheus.WriteRequest for it)";
            }
            return new Outcome(status, error, retryAfter, written(response, "Samples"), written(response, "Histograms"),
                    written(response, "Exemplars"));
        } catch (HttpTimeoutException e) {
            return Outcome.failed("context deadline exceeded (remote_timeout " + settings.remoteTimeout().toMillis() + "ms)");
        } catch (IOException e) {
            // Transport errors and credentials that cannot be obtained (an OAuth2 token endpoint that refuses) alike.
            String m = e.getMessage();
            return Outcome.failed(e.getClass().getSimpleName() + (m == null ? "" : ": " + m));
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** A {@code X-Prometheus-Remote-Write-<kind>-Written} header's count, -1 when absent or not a number. */
    private static long written(HttpResponse<?> response, String kind) {
        return response.headers().firstValue("X-Prometheus-Remote-Write-" + kind + "-Written").map(v -> {
            try {
                return Long.parseLong(v.strip());
            } catch (NumberFormatException e) {
                return -1L;
            }
        }).orElse(-1L);
    }

    /**
     * A {@code Retry-After} value in milliseconds: delay seconds or an HTTP date (RFC 9110), as
     * Prometheus reads it; -1 when unreadable or past (the normal backoff then applies).
     */
    static long retryAfterMillis(String value) {
        String v = value.strip();
        try {
            return Duration.ofSeconds(Long.parseLong(v)).toMillis();
        } catch (NumberFormatException e) {
            try {
                long at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                long left = at - System.currentTimeMillis();
                return left > 0 ? left : -1;
            } catch (java.time.format.DateTimeParseException notADate) {
                return -1;
            }
        }
    }

    /** Discards the rest of a response body. */
    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
