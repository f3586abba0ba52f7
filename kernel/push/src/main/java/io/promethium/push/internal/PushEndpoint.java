package io.promethium.push.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.config.Durations;
import io.promethium.api.web.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Pushgateway's HTTP API over a {@link GroupStore}: {@code PUT}/{@code POST}/{@code DELETE}
 * on {@code /metrics/job/<job>{/<label>/<value>}} (and {@code /metrics/job@base64/...}),
 * {@code GET /api/v1/metrics}, {@code GET /api/v1/status}, {@code PUT /api/v1/admin/wipe}, and
 * the pushed page at {@link #PAGE_PATH}. Status codes as the Pushgateway's: 200 for a push, 202
 * for a deletion or wipe, 400 for a body or grouping key that is refused, 405 for other methods;
 * beyond it, 413 for a body over the size limit and 503 when a new group would pass the group limit.
 */
final class PushEndpoint {

    private static final Logger LOG = Logger.getLogger(PushEndpoint.class.getName());

    /** The pushed metrics as a page for other servers to scrape (the server's own page is {@code /metrics}). */
    static final String PAGE_PATH = "/push/metrics";
    static final String TTL_PARAMETER = "ttl";
    static final String TTL_HEADER = "Push-Group-TTL";
    private static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final JsonFactory JSON = new JsonFactory();

    /** What {@code /api/v1/status} reports about the server. */
    record Status(Map<String, String> flags, Instant startTime, Map<String, String> buildInformation) {
    }

    private final GroupStore store;
    private final PushSettings settings;
    private final Supplier<Status> status;
    private final PushMetrics metrics;

    PushEndpoint(GroupStore store, PushSettings settings, Supplier<Status> status, PushMetrics metrics) {
        this.store = store;
        this.settings = settings;
        this.status = status;
        this.metrics = metrics;
    }

    /** The routes to mount; the wipe route only with the admin API enabled, as the Pushgateway. */
    List<Route> routes() {
        Route push = new Route("/metrics/job", false, "push", ex -> push(ex, false));
        Route pushBase64 = new Route("/metrics/job@base64", false, "push", ex -> push(ex, true));
        Route metrics = new Route("/api/v1/metrics", true, "api/v1/metrics", this::apiMetrics);
        Route statusRoute = new Route("/api/v1/status", true, "api/v1/status", this::apiStatus);
        Route page = new Route(PAGE_PATH, true, PAGE_PATH, this::page);
        if (!settings.adminApi()) {
            return List.of(push, pushBase64, metrics, statusRoute, page);
        }
        return List.of(push, pushBase64, metrics, statusRoute, page, new Route("/api/v1/admin/wipe", true, "api/v1/admin/wipe", this::wipe));
    }

    void push(HttpExchange ex, boolean jobBase64) throws IOException {
        String method = ex.method();
        if (!method.equals("PUT") && !method.equals("POST") && !method.equals("DELETE")) {
            ex.responseHeader("Allow", "PUT, POST, DELETE");
            ex.respond(405, "text/plain; charset=utf-8", "Method Not Allowed\n");
            return;
        }
        GroupingKey key;
        long ttlMillis;
        try {
            key = GroupingKey.parse(ex.subPath(), jobBase64, settings.names());
            ttlMillis = ttl(ex);
        } catch (PushException e) {
            refused(ex, null, e);
            return;
        }
        if (method.equals("DELETE")) {
            store.delete(key);
            metrics.deleted.increment();
            ex.respond(202, "text/plain; charset=utf-8", "");
            return;
        }
        Map<String, MetricFamily> families;
        try {
            byte[] body = readBody(ex);
            families = ProtobufBodyParser.isDelimitedProtobuf(ex.requestHeader("Content-Type").orElse(null))
                    ? ProtobufBodyParser.parse(body, body.length)
                    : TextBodyParser.parse(body, body.length);
        } catch (PushException e) {
            if (e.recordsFailure()) {
                store.recordFailure(key, ttlMillis);
            }
            refused(ex, key, e);
            return;
        }
        try {
            store.push(key, families, method.equals("PUT"), ttlMillis);
            metrics.accepted.increment();
            ex.respond(200, "text/plain; charset=utf-8", "");
        } catch (PushException e) {
            refused(ex, key, e);
        }
    }

    private void refused(HttpExchange ex, GroupingKey key, PushException e) throws IOException {
        metrics.refused.increment();
        if (e.limit() != null) {
            // Counted and logged (rate-limited) by the web bundle, naming the limit, the client and the path.
            ex.refused(e.limit(), e.getMessage());
        }
        LOG.log(Level.FINE, () -> "push to " + key + " from " + ex.remoteAddress() + " refused: " + e.getMessage());
        answer(ex, e);
    }

    /** The group's time to live: the {@code ttl} parameter or {@code Push-Group-TTL} header, else the flag. */
    private long ttl(HttpExchange ex) throws PushException {
        String text = ex.queryParameter(TTL_PARAMETER).orElse(ex.requestHeader(TTL_HEADER).orElse(null));
        if (text == null) {
            return settings.groupTtl().toMillis();
        }
        try {
            Duration d = Durations.parse(text.strip());
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d.toMillis();
        } catch (IllegalArgumentException e) {
            throw PushException.badRequest("invalid group time to live \"" + text + "\" (ttl parameter or " + TTL_HEADER
                    + " header): " + e.getMessage());
        }
    }

    private byte[] readBody(HttpExchange ex) throws IOException, PushException {
        long limit = settings.maxBodyBytes();
        long declared = ex.requestContentLength();
        if (declared > limit) {
            drain(ex, limit);
            throw PushException.status(413, "push body of " + declared + " bytes exceeds the limit of " + limit + " bytes (--push.max-body-size)")
                    .byLimit(PushException.BODY_SIZE);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(256, Math.min(declared, 1 << 20)));
        byte[] buf = new byte[16384];
        long total = 0;
        try (InputStream in = ex.requestBody()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw PushException.status(413, "push body exceeds the limit of " + limit + " bytes (--push.max-body-size)")
                            .byLimit(PushException.BODY_SIZE);
                }
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    /** Reads a bounded part of a refused body so the client reads the answer instead of a reset. */
    private static void drain(HttpExchange ex, long limit) {
        try (InputStream in = ex.requestBody()) {
            in.skipNBytes(Math.min(limit, 1 << 20));
        } catch (IOException e) {
            // The answer is sent anyway.
        }
    }

    private static void answer(HttpExchange ex, PushException e) throws IOException {
        ex.respond(e.status(), "text/plain; charset=utf-8", e.getMessage() + "\n");
    }

    void wipe(HttpExchange ex) throws IOException {
        if (!ex.method().equals("PUT")) {
            ex.responseHeader("Allow", "PUT");
            ex.respond(405, "text/plain; charset=utf-8", "Method Not Allowed\n");
            return;
        }
        store.wipe();
        LOG.info("push: all groups wiped by " + ex.remoteAddress());
        ex.respond(202, "text/plain; charset=utf-8", "");
    }

    void page(HttpExchange ex) throws IOException {
        if (!ex.method().equals("GET") && !ex.method().equals("HEAD")) {
            ex.respond(405, "text/plain; charset=utf-8", "Method Not Allowed\n");
            return;
        }
        List<MetricFamily> families = PushedPage.gather(store.groups());
        // Quoted UTF-8 names only for a reader that says it takes them, as client_golang negotiates.
        boolean utf8 = ex.requestHeader("Accept").map(a -> a.contains("escaping=allow-utf-8")).orElse(false)
                && PushedPage.hasUtf8Names(families);
        ex.status(200);
        ex.responseHeader("Content-Type", utf8 ? io.promethium.exposition.TextFormatWriter.UTF8_CONTENT_TYPE : TEXT_CONTENT_TYPE);
        try (Writer w = new OutputStreamWriter(ex.responseBody(), StandardCharsets.UTF_8)) {
            PushedPage.write(families, w, utf8);
        }
    }

    void apiMetrics(HttpExchange ex) throws IOException {
        if (!getOrOptions(ex)) {
            return;
        }
        ex.status(200);
        ex.responseHeader("Content-Type", "application/json");
        try (JsonGenerator g = JSON.createGenerator(ex.responseBody())) {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeArrayFieldStart("data");
            for (MetricGroup group : store.groups()) {
                writeGroup(g, group);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void writeGroup(JsonGenerator g, MetricGroup group) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("labels");
        for (Map.Entry<String, String> e : group.key().labels().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeBooleanField("last_push_successful", group.lastPushSuccessful());
        for (MetricGroup.StoredFamily sf : group.families().values()) {
            writeFamily(g, sf.family(), sf.pushTimeNanos());
        }
        List<LabelPair> labels = GroupStore.sanitizeLabels(List.of(), group.key());
        long changed = group.lastChangeNanos();
        writeFamily(g, new MetricFamily(GroupStore.PUSH_TIME, PushedPage.PUSH_TIME_HELP, FamilyType.GAUGE,
                List.of(PushedMetric.simple(labels, PushedPage.seconds(group.pushTimeNanos()), false))), changed);
        writeFamily(g, new MetricFamily(GroupStore.PUSH_FAILURE_TIME, PushedPage.PUSH_FAILURE_TIME_HELP, FamilyType.GAUGE,
                List.of(PushedMetric.simple(labels, PushedPage.seconds(group.failureTimeNanos()), false))), changed);
        g.writeEndObject();
    }

    private static void writeFamily(JsonGenerator g, MetricFamily f, long timeNanos) throws IOException {
        g.writeObjectFieldStart(f.name());
        g.writeStringField("time_stamp", Instant.ofEpochSecond(0, timeNanos).toString());
        g.writeStringField("type", f.type().name());
        if (f.help() != null && !f.help().isEmpty()) {
            g.writeStringField("help", f.help());
        }
        g.writeArrayFieldStart("metrics");
        for (PushedMetric m : f.metrics()) {
            g.writeStartObject();
            g.writeObjectFieldStart("labels");
            for (LabelPair l : m.labels()) {
                g.writeStringField(l.name(), l.value());
            }
            g.writeEndObject();
            switch (f.type()) {
                case SUMMARY -> {
                    g.writeObjectFieldStart("quantiles");
                    for (PushedMetric.Point q : m.points()) {
                        g.writeStringField(number(q.key()), number(q.value()));
                    }
                    g.writeEndObject();
                    g.writeStringField("count", count(m.count()));
                    g.writeStringField("sum", number(m.sum()));
                }
                case HISTOGRAM -> {
                    g.writeObjectFieldStart("buckets");
                    for (PushedMetric.Point b : m.points()) {
                        g.writeStringField(number(b.key()), count(b.value()));
                    }
                    g.writeEndObject();
                    g.writeStringField("count", count(m.count()));
                    g.writeStringField("sum", number(m.sum()));
                }
                default -> g.writeStringField("value", number(m.value()));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static String number(double v) {
        return io.promethium.exposition.TextFormatWriter.formatValue(v);
    }

    /** Counts print as Go prints a uint64: all digits. */
    private static String count(double v) {
        return v >= 0 && v < 0x1p63 && v == Math.rint(v) ? Long.toString((long) v) : number(v);
    }

    void apiStatus(HttpExchange ex) throws IOException {
        if (!getOrOptions(ex)) {
            return;
        }
        Status s = status.get();
        ex.status(200);
        ex.responseHeader("Content-Type", "application/json");
        try (JsonGenerator g = JSON.createGenerator(ex.responseBody())) {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeObjectFieldStart("data");
            g.writeObjectFieldStart("build_information");
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(s.buildInformation()).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("flags");
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(s.flags()).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("start_time", s.startTime().toString());
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /** The Pushgateway's API answers OPTIONS (CORS preflight) with the CORS headers and no body. */
    private static boolean getOrOptions(HttpExchange ex) throws IOException {
        ex.responseHeader("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin");
        ex.responseHeader("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        ex.responseHeader("Access-Control-Allow-Origin", "*");
        ex.responseHeader("Access-Control-Expose-Headers", "Date");
        ex.responseHeader("Cache-Control", "no-cache, no-store, must-revalidate");
        if (ex.method().equals("OPTIONS")) {
            ex.respond(200, "text/plain; charset=utf-8", "");
            return false;
        }
        if (!ex.method().equals("GET")) {
            ex.respond(405, "text/plain; charset=utf-8", "Method Not Allowed\n");
            return false;
        }
        return true;
    }
}
