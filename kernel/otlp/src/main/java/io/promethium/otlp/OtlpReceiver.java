package io.promethium.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * {@code POST /api/v1/otlp/v1/metrics}: OTLP/HTTP metrics (protobuf or JSON, plain or gzip) as
 * Prometheus 3 answers them. 404 unless {@code --web.enable-otlp-receiver}; 400 for a content type
 * other than {@code application/x-protobuf} or {@code application/json}, a compression other than
 * gzip, a body that does not decode, or samples the storage refuses (out of order, out of bounds,
 * duplicate: the sender must not retry; nothing of the request is stored); 500 for another refusal
 * of the storage; 503 when the storage cannot write (a full disk) or is closed; otherwise 200 with
 * an empty {@code ExportMetricsServiceResponse}, a metric that did not translate (delta without its
 * feature, say) logged and left out, as Prometheus does. Prometheus never answers a
 * {@code partial_success} (its handler writes the status alone), nor does this receiver.
 */
final class OtlpReceiver implements HttpRoutes {

    static final String PATH = "/api/v1/otlp/v1/metrics";
    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";
    /** Prometheus's {@code decodeReadLimit}: the most bytes of a (decompressed) body read. */
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(OtlpReceiver.class.getName());

    private final boolean enabled;
    private final Supplier<Storage> storage;
    private final Supplier<OtlpConfig> config;
    private final Supplier<Translator.Options> options;
    private final LongSupplier clock;
    private final OtlpMetrics metrics = new OtlpMetrics();
    /** {@code --enable-feature=otlp-deltatocumulative}, or null. */
    private final DeltaToCumulative deltas;

    OtlpReceiver(boolean enabled, Supplier<Storage> storage, Supplier<OtlpConfig> config, Supplier<Translator.Options> options,
                 LongSupplier clock) {
        this(enabled, storage, config, options, clock, null);
    }

    OtlpReceiver(boolean enabled, Supplier<Storage> storage, Supplier<OtlpConfig> config, Supplier<Translator.Options> options,
                 LongSupplier clock, DeltaToCumulative deltas) {
        this.deltas = deltas;
        this.enabled = enabled;
        this.storage = storage;
        this.config = config;
        this.options = options;
        this.clock = clock;
    }

    @Override
    public String pathPrefix() {
        return PATH;
    }

    @Override
    public boolean exactPath() {
        return true;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.method().equals("POST")) {
            exchange.responseHeader("Allow", "POST");
            error(exchange, 405, "Method Not Allowed");
            return;
        }
        if (!enabled) {
            error(exchange, 404, "otlp write receiver needs to be enabled with --web.enable-otlp-receiver");
            return;
        }
        Answer answer = write(exchange.requestHeader("Content-Type").orElse(""), exchange.requestHeader("Content-Encoding").orElse(""),
                exchange.requestBody());
        if (answer.status() != 200) {
            if (answer.limit() != null) {
                exchange.refused(answer.limit(), answer.message());
            }
            error(exchange, answer.status(), answer.message());
            return;
        }
        exchange.status(200);
        exchange.responseHeader("Content-Type", answer.message());
        // An empty ExportMetricsServiceResponse: no bytes in protobuf, {} in JSON.
        try (OutputStream out = exchange.responseBody()) {
            if (answer.message().equals(JSON)) {
                out.write(new byte[] {'{', '}'});
            }
        }
    }

    /**
     * The status and, for an error, the message (for 200, the response's content type); {@code
     * limit} names the protective limit that refused the request, or is null.
     */
    record Answer(int status, String message, String limit) {
        Answer(int status, String message) {
            this(status, message, null);
        }
    }

    /** Decodes, translates and stores one request; {@code body} is already gunzipped by the web server. */
    Answer write(String contentType, String contentEncoding, InputStream body) throws IOException {
        if (!contentType.equals(PROTOBUF) && !contentType.equals(JSON)) {
            return new Answer(400, "unsupported content type: " + contentType + ", supported: [" + JSON + ", " + PROTOBUF + "]");
        }
        if (!contentEncoding.isEmpty() && !contentEncoding.equalsIgnoreCase("gzip")) {
            return new Answer(400, "unsupported compression: " + contentEncoding + ". Only \"gzip\" or no compression supported");
        }
        byte[] buf = new byte[8192];
        int n = 0;
        try (InputStream in = body) {
            int r;
            while ((r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
                if (n > MAX_BODY_BYTES) {
                    return new Answer(400, "request body too large: more than " + MAX_BODY_BYTES + " bytes", "otlp_body_size");
                }
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_BODY_BYTES + 1));
                }
            }
        } catch (java.util.zip.ZipException e) {
            return new Answer(400, "gzip: " + e.getMessage());
        }
        ExportMetricsServiceRequest request;
        try {
            request = contentType.equals(JSON) ? OtlpJson.parse(buf, n) : ExportMetricsServiceRequest.parseFrom(java.nio.ByteBuffer.wrap(buf, 0, n));
        } catch (InvalidProtocolBufferException | OtlpJson.JsonException e) {
            LOG.fine("Error decoding OTLP write request: " + e.getMessage());
            return new Answer(400, e.getMessage());
        }
        if (deltas != null && DeltaToCumulative.hasDelta(request)) {
            // As Prometheus: only requests with delta metrics go through the (locked) conversion; when
            // every point was dropped (out of order, older start) nothing is left to store, and that is a success.
            request = deltas.convert(request);
            if (metricCount(request) == 0) {
                return new Answer(200, contentType);
            }
        }
        Storage s = storage.get();
        if (s == null) {
            return new Answer(503, "Service Unavailable");
        }
        Appender appender = s.appender();
        boolean committed = false;
        try {
            Translator.Result result = new Translator(appender, config.get(), options.get(), clock.getAsLong()).translate(request);
            metrics.record(result);
            if (!result.warnings().isEmpty()) {
                LOG.warning("Warnings translating OTLP metrics to Prometheus write request: "
                        + result.warnings().stream().map(Translator.Warning::message).toList());
            }
            if (result.storageRejected()) {
                return new Answer(400, String.join("\n", result.errors()));
            }
            if (!result.errors().isEmpty()) {
                // As Prometheus: a metric that does not translate is logged and left out; the rest is stored.
                LOG.warning("Error translating OTLP metrics to Prometheus write request: " + String.join("; ", result.errors()));
            }
            appender.commit();
            committed = true;
            return new Answer(200, contentType);
        } catch (StorageException e) {
            LOG.warning("Error appending remote write: " + e.getMessage());
            return new Answer(storageFailureStatus(e), String.valueOf(e.getMessage()));
        } finally {
            if (!committed) {
                try {
                    appender.rollback();
                } catch (RuntimeException ignored) {
                    // the batch is discarded either way
                }
            }
        }
    }

    /**
     * 503 when the storage cannot write now (a full disk, an I/O error, closed): OTLP/HTTP senders
     * retry 429, 502, 503 and 504 only, and drop a batch answered anything else, so Prometheus's 500
     * would lose it; the batch was not stored and is stored when sent again. 500 otherwise.
     */
    static int storageFailureStatus(StorageException e) {
        return switch (e.reason()) {
            case IO, CLOSED -> 503;
            case OUT_OF_ORDER, OUT_OF_BOUNDS, DUPLICATE_TIMESTAMP -> 400;
            case LIMIT, UNSUPPORTED, INVALID -> 500;
        };
    }

    private static int metricCount(ExportMetricsServiceRequest request) {
        int n = 0;
        for (var rm : request.getResourceMetricsList()) {
            for (var sm : rm.getScopeMetricsList()) {
                n += sm.getMetricsCount();
            }
        }
        return n;
    }

    /** Drops the delta-to-cumulative state. */
    void close() {
        if (deltas != null) {
            deltas.clear();
        }
    }

    OtlpMetrics metrics() {
        return metrics;
    }

    /** As Go's {@code http.Error}: plain text, the message and a newline. */
    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        exchange.responseHeader("X-Content-Type-Options", "nosniff");
        exchange.respond(status, "text/plain; charset=utf-8", message + "\n");
    }
}
