package io.promethium.alertmanager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.alertmanager.config.LabelMatchers;
import io.promethium.alertmanager.config.ReceiverConfig;
import io.promethium.alertmanager.dispatch.AggregationGroup;
import io.promethium.alertmanager.dispatch.Notifications;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.alertmanager.store.Silence;
import io.promethium.alertmanager.store.StoredAlert;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.notify.Alert;
import io.promethium.api.web.HttpExchange;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.Tracer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Alertmanager's API v2 under {@code /api/v2}: {@code alerts} (GET with filters, POST),
 * {@code alerts/groups}, {@code silences} (GET, POST), {@code silence/{id}} (GET, DELETE),
 * {@code status}, {@code receivers}. Same JSON and error answers as Alertmanager 0.25, so
 * amtool and Grafana's Alertmanager data source work unchanged. The one implementation of every
 * endpoint: {@link AlertmanagerApi} (the web bundle's route, {@code /api/v2/alerts}) and
 * {@link AlertmanagerResource} (JAX-RS, the rest) hand it their requests as an {@link HttpExchange}.
 */
public final class AlertmanagerV2 {

    /** Bodies larger than this are refused (Alertmanager has no limit; a server must). */
    static final int MAX_BODY = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<AlertmanagerRuntime> runtime;
    private final Instant started = Instant.now();

    private final Supplier<Tracer> tracer;

    public AlertmanagerV2(Supplier<AlertmanagerRuntime> runtime) {
        this(runtime, () -> Tracer.NONE);
    }

    /** @param tracer the Alertmanager's tracer: a span per request named as Alertmanager's handlers ({@code api.getAlertsHandler}) */
    public AlertmanagerV2(Supplier<AlertmanagerRuntime> runtime, Supplier<Tracer> tracer) {
        this.runtime = Objects.requireNonNull(runtime, "runtime is null");
        this.tracer = Objects.requireNonNull(tracer, "tracer is null");
    }

    /** Alertmanager 0.34's span name of an API handler. */
    static String spanName(String method, String path) {
        return switch (method + " " + (path.startsWith("/silence/") ? "/silence/" : path)) {
            case "GET /alerts" -> "api.getAlertsHandler";
            case "POST /alerts" -> "api.postAlertsHandler";
            case "GET /alerts/groups" -> "api.getAlertGroupsHandler";
            case "GET /silences" -> "api.getSilencesHandler";
            case "POST /silences" -> "api.postSilencesHandler";
            case "GET /silence/" -> "api.getSilenceHandler";
            case "DELETE /silence/" -> "api.deleteSilenceHandler";
            case "GET /status" -> "api.getStatusHandler";
            case "GET /receivers" -> "api.getReceiversHandler";
            default -> "api " + method + " " + path;
        };
    }

    /** Answers a request to {@code /api/v2}{@link HttpExchange#subPath() subPath}. */
    public void handle(HttpExchange ex) throws IOException {
        handle(ex, ex.subPath());
    }

    /** Answers a request to {@code /api/v2<path>} ({@code path} begins with {@code /}). */
    public void handle(HttpExchange ex, String path) throws IOException {
        Tracer t = tracer.get();
        if (!t.enabled()) {
            serve(ex, path);
            return;
        }
        try (TraceSpan span = t.startServer(spanName(ex.method(), path), name -> ex.requestHeader(name).orElse(null))) {
            serve(ex, path);
        }
    }

    private void serve(HttpExchange ex, String path) throws IOException {
        AlertmanagerRuntime am = runtime.get();
        if (am == null) {
            ex.respond(503, "application/json", quote("the in-process Alertmanager is not configured (--alertmanager.config.file)"));
            return;
        }
        String method = ex.method();
        try {
            switch (path) {
                case "/alerts" -> {
                    if (method.equals("GET")) {
                        getAlerts(ex, am);
                    } else if (method.equals("POST")) {
                        postAlerts(ex, am);
                    } else {
                        notAllowed(ex);
                    }
                }
                case "/alerts/groups" -> {
                    if (method.equals("GET")) {
                        getGroups(ex, am);
                    } else {
                        notAllowed(ex);
                    }
                }
                case "/silences" -> {
                    if (method.equals("GET")) {
                        getSilences(ex, am);
                    } else if (method.equals("POST")) {
                        postSilence(ex, am);
                    } else {
                        notAllowed(ex);
                    }
                }
                case "/status" -> status(ex, am);
                case "/receivers" -> {
                    ArrayNode out = JSON.createArrayNode();
                    AlertmanagerRuntime.Active a = am.active();
                    if (a != null) {
                        for (ReceiverConfig r : a.config().receivers()) {
                            out.addObject().put("name", r.name());
                        }
                    }
                    json(ex, 200, out);
                }
                default -> {
                    if (path.startsWith("/silence/")) {
                        silence(ex, am, path.substring("/silence/".length()));
                    } else {
                        ex.respond(404, "text/plain; charset=utf-8", "404 page not found\n");
                    }
                }
            }
        } catch (BadRequest e) {
            invalidCount(am, path);
            if (e.code > 0) {
                ObjectNode body = JSON.createObjectNode();
                body.put("code", e.code);
                body.put("message", e.getMessage());
                json(ex, 422, body);
            } else {
                ex.respond(400, "application/json", quote(e.getMessage()));
            }
        }
    }

    private static void invalidCount(AlertmanagerRuntime am, String path) {
        if (path.equals("/alerts")) {
            am.countInvalid();
        }
    }

    /**
     * A refused request. Alertmanager answers a body its API schema rejects (a required field
     * missing, a wrong type, too few items) with 422 and go-openapi's error code, and a body that
     * is well-formed but invalid with 400 and the reason as a JSON string.
     */
    private static class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        BadRequest(String message) {
            this(message, 0);
        }

        BadRequest(String message, int code) {
            super(message);
            this.code = code;
        }
    }

    /** go-openapi's validation codes. */
    static final int INVALID_TYPE = 601;
    static final int REQUIRED = 602;
    static final int MIN_ITEMS = 612;

    private static BadRequest required(String field) {
        return new BadRequest(field + " in body is required", REQUIRED);
    }

    private static BadRequest type(String field, String type) {
        return new BadRequest(field + " in body must be of type " + type, INVALID_TYPE);
    }

    private static void notAllowed(HttpExchange ex) throws IOException {
        ex.respond(405, "application/json", quote("method " + ex.method() + " is not allowed"));
    }

    // ---- alerts

    private void getAlerts(HttpExchange ex, AlertmanagerRuntime am) throws IOException, BadRequest {
        List<Matcher> filter = filter(ex);
        boolean active = flag(ex, "active");
        boolean silenced = flag(ex, "silenced");
        boolean inhibited = flag(ex, "inhibited");
        boolean unprocessed = flag(ex, "unprocessed");
        Pattern receiver = receiverPattern(ex);
        Instant now = am.clock().instant();
        AlertmanagerRuntime.Active current = am.active();
        ArrayNode out = JSON.createArrayNode();
        List<StoredAlert> alerts = am.alerts().list();
        alerts.sort(Comparator.comparing(StoredAlert::fingerprint, Long::compareUnsigned));
        for (StoredAlert a : alerts) {
            if (a.resolvedAt(now) || !LabelMatchers.matches(filter, a.alert().labels())) {
                continue;
            }
            List<String> receivers = am.receivers(a.alert().labels());
            if (receiver != null && receivers.stream().noneMatch(r -> receiver.matcher(r).matches())) {
                continue;
            }
            Notifications.Suppression s = current == null ? new Notifications.Suppression(List.of(), List.of())
                    : current.notifications().suppression(a, now);
            if (!s.suppressed() && !active || !s.silencedBy().isEmpty() && !silenced || !s.inhibitedBy().isEmpty() && !inhibited) {
                continue;
            }
            out.add(alert(a, receivers, s));
        }
        json(ex, 200, out);
    }

    private static ObjectNode alert(StoredAlert a, List<String> receivers, Notifications.Suppression s) {
        ObjectNode n = JSON.createObjectNode();
        n.set("annotations", labels(a.alert().annotations()));
        n.put("endsAt", time(a.alert().endsAt()));
        n.put("fingerprint", String.format("%016x", a.fingerprint()));
        ArrayNode rs = n.putArray("receivers");
        receivers.forEach(r -> rs.addObject().put("name", r));
        n.put("startsAt", time(a.alert().startsAt()));
        ObjectNode status = n.putObject("status");
        ArrayNode inhibitedBy = status.putArray("inhibitedBy");
        s.inhibitedBy().forEach(inhibitedBy::add);
        ArrayNode silencedBy = status.putArray("silencedBy");
        s.silencedBy().forEach(silencedBy::add);
        status.put("state", s.suppressed() ? "suppressed" : "active");
        n.put("updatedAt", time(a.updatedAt()));
        if (!a.alert().generatorUrl().isEmpty()) {
            n.put("generatorURL", a.alert().generatorUrl());
        }
        n.set("labels", labels(a.alert().labels()));
        return n;
    }

    private void postAlerts(HttpExchange ex, AlertmanagerRuntime am) throws IOException, BadRequest {
        JsonNode body = body(ex);
        if (!body.isArray()) {
            throw type("alerts", "array");
        }
        // Schema checks come first and refuse the whole body, as go-openapi validates before the handler runs.
        for (int i = 0; i < body.size(); i++) {
            JsonNode n = body.get(i);
            if (!n.isObject()) {
                throw type(i + "", "object");
            }
            if (!n.hasNonNull("labels")) {
                throw required(i + ".labels");
            }
            if (!n.get("labels").isObject()) {
                throw type(i + ".labels", "object");
            }
        }
        List<Alert> valid = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Instant now = am.clock().instant();
        for (JsonNode n : body) {
            try {
                valid.add(postable(n, now));
            } catch (BadRequest e) {
                errors.add(e.getMessage());
                am.countInvalid();
            }
        }
        am.receive(valid);
        if (!errors.isEmpty()) {
            ex.respond(400, "application/json", quote(String.join(";", errors)));
            return;
        }
        ex.respond(200, "application/json", "");
    }

    private static Alert postable(JsonNode n, Instant now) throws BadRequest {
        Labels labels = labelSet(n.get("labels"), "labels");
        if (labels.isEmpty()) {
            throw new BadRequest("at least one label pair required");
        }
        Labels annotations = labelSet(n.get("annotations"), "annotations");
        Instant startsAt = optionalTime(n.get("startsAt"), "startsAt");
        Instant endsAt = optionalTime(n.get("endsAt"), "endsAt");
        if (startsAt == null) {
            startsAt = endsAt != null && endsAt.isBefore(now) ? endsAt : now;
        }
        if (endsAt != null && endsAt.isBefore(startsAt)) {
            throw new BadRequest("start time must be before end time");
        }
        JsonNode g = n.get("generatorURL");
        String generator = g == null || g.isNull() ? "" : g.asText();
        if (!generator.isEmpty()) {
            try {
                java.net.URI uri = new java.net.URI(generator);
                if (uri.getScheme() == null) {
                    throw new BadRequest("generatorURL: \"" + generator + "\" is not an absolute URL");
                }
            } catch (java.net.URISyntaxException e) {
                throw new BadRequest("generatorURL: " + e.getMessage());
            }
        }
        return new Alert(labels, annotations, startsAt, endsAt, generator);
    }

    private static Labels labelSet(JsonNode n, String what) throws BadRequest {
        if (n == null || n.isNull()) {
            if (what.equals("labels")) {
                throw new BadRequest("labels in body is required");
            }
            return Labels.EMPTY;
        }
        if (!n.isObject()) {
            throw type(what, "object");
        }
        Labels.Builder b = Labels.builder();
        for (var it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // Alertmanager's UTF-8 mode (its default): any non-empty name.
            if (!LabelMatchers.validLabelName(e.getKey())) {
                throw new BadRequest("invalid label set: invalid name \"" + e.getKey() + "\"");
            }
            if (!e.getValue().isTextual()) {
                throw type(what + "." + e.getKey(), "string");
            }
            b.set(e.getKey(), e.getValue().asText());
        }
        return b.build();
    }

    private static Instant optionalTime(JsonNode n, String what) throws BadRequest {
        if (n == null || n.isNull() || n.asText().isEmpty()) {
            return null;
        }
        try {
            Instant t = java.time.OffsetDateTime.parse(n.asText()).toInstant();
            return t.equals(Instant.parse("0001-01-01T00:00:00Z")) ? null : t;
        } catch (DateTimeParseException e) {
            throw new BadRequest(what + " in body must be of type date-time: \"" + n.asText() + "\"", INVALID_TYPE);
        }
    }

    private void getGroups(HttpExchange ex, AlertmanagerRuntime am) throws IOException, BadRequest {
        List<Matcher> filter = filter(ex);
        boolean active = flag(ex, "active");
        boolean silenced = flag(ex, "silenced");
        boolean inhibited = flag(ex, "inhibited");
        Pattern receiver = receiverPattern(ex);
        Instant now = am.clock().instant();
        AlertmanagerRuntime.Active current = am.active();
        ArrayNode out = JSON.createArrayNode();
        if (current == null) {
            json(ex, 200, out);
            return;
        }
        List<AggregationGroup> groups = current.dispatcher().groups();
        groups.sort(Comparator.comparing(AggregationGroup::key));
        for (AggregationGroup g : groups) {
            String name = g.route().config().receiver();
            if (receiver != null && !receiver.matcher(name).matches()) {
                continue;
            }
            ArrayNode alerts = JSON.createArrayNode();
            for (StoredAlert a : g.alerts()) {
                if (a.resolvedAt(now) || !LabelMatchers.matches(filter, a.alert().labels())) {
                    continue;
                }
                Notifications.Suppression s = current.notifications().suppression(a, now);
                if (!s.suppressed() && !active || !s.silencedBy().isEmpty() && !silenced || !s.inhibitedBy().isEmpty() && !inhibited) {
                    continue;
                }
                alerts.add(alert(a, am.receivers(a.alert().labels()), s));
            }
            if (alerts.isEmpty()) {
                continue;
            }
            ObjectNode n = out.addObject();
            n.set("alerts", alerts);
            n.set("labels", labels(g.groupLabels()));
            n.putObject("receiver").put("name", name);
            // Alertmanager 0.34: the route's labels rendered against the group's current alerts.
            n.set("routeLabels", labels(current.notifications().routeLabels(g, now)));
        }
        json(ex, 200, out);
    }

    // ---- silences

    private void getSilences(HttpExchange ex, AlertmanagerRuntime am) throws IOException, BadRequest {
        List<Matcher> filter = filter(ex);
        Instant now = am.clock().instant();
        List<Silence> list = am.silences().list();
        // Alertmanager lists active first, then pending, then expired; newest first within.
        list.sort(Comparator.comparing((Silence s) -> switch (s.state(now)) {
            case "active" -> 0;
            case "pending" -> 1;
            default -> 2;
        }).thenComparing(Silence::endsAt, Comparator.reverseOrder()));
        ArrayNode out = JSON.createArrayNode();
        for (Silence s : list) {
            if (!filter.isEmpty() && !silenceMatches(s, filter)) {
                continue;
            }
            out.add(silence(s, now));
        }
        json(ex, 200, out);
    }

    /** A silence passes a filter when each filter matcher equals one of its matchers' label and the value satisfies it. */
    private static boolean silenceMatches(Silence s, List<Matcher> filter) {
        for (Matcher f : filter) {
            boolean any = false;
            for (Matcher m : s.matchers()) {
                if (m.name().equals(f.name()) && f.matches(m.value())) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode silence(Silence s, Instant now) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", s.id());
        n.putObject("status").put("state", s.state(now));
        n.put("updatedAt", time(s.updatedAt()));
        n.put("comment", s.comment());
        n.put("createdBy", s.createdBy());
        n.put("endsAt", time(s.endsAt()));
        ArrayNode ms = n.putArray("matchers");
        for (Matcher m : s.matchers()) {
            ms.addObject().put("isEqual", m.type() == MatchType.EQUAL || m.type() == MatchType.REGEX)
                    .put("isRegex", m.type() == MatchType.REGEX || m.type() == MatchType.NOT_REGEX)
                    .put("name", m.name()).put("value", m.value());
        }
        n.put("startsAt", time(s.startsAt()));
        return n;
    }

    private void postSilence(HttpExchange ex, AlertmanagerRuntime am) throws IOException, BadRequest {
        JsonNode n = body(ex);
        if (!n.isObject()) {
            throw type("silence", "object");
        }
        Instant now = am.clock().instant();
        List<Matcher> matchers = new ArrayList<>();
        JsonNode ms = n.get("matchers");
        if (ms == null || ms.isNull()) {
            throw required("matchers");
        }
        if (!ms.isArray()) {
            throw type("matchers", "array");
        }
        if (ms.isEmpty()) {
            throw new BadRequest("matchers in body should have at least 1 items", MIN_ITEMS);
        }
        for (String field : List.of("startsAt", "endsAt", "createdBy", "comment")) {
            if (!n.hasNonNull(field)) {
                throw required(field);
            }
        }
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            String name = text(m, "matchers." + i + ".name", "name");
            String value = text(m, "matchers." + i + ".value", "value");
            if (!m.hasNonNull("isRegex")) {
                throw required("matchers." + i + ".isRegex");
            }
            if (!m.get("isRegex").isBoolean()) {
                throw type("matchers." + i + ".isRegex", "boolean");
            }
            boolean regex = m.get("isRegex").asBoolean();
            boolean equal = !m.has("isEqual") || m.get("isEqual").asBoolean(true);
            if (!LabelMatchers.validLabelName(name)) {
                throw new BadRequest("silence invalid: invalid label matcher 0: invalid label name \"" + name + "\"");
            }
            MatchType type = regex ? (equal ? MatchType.REGEX : MatchType.NOT_REGEX) : (equal ? MatchType.EQUAL : MatchType.NOT_EQUAL);
            try {
                matchers.add(Matcher.of(type, name, value));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("silence invalid: invalid label matcher: " + e.getMessage());
            }
        }
        if (matchers.stream().allMatch(Matcher::matchesEmpty)) {
            throw new BadRequest("silence invalid: at least one matcher must not match the empty string");
        }
        Instant startsAt = requiredTime(n, "startsAt");
        Instant endsAt = requiredTime(n, "endsAt");
        if (endsAt.isBefore(startsAt)) {
            throw new BadRequest("silence invalid: end time must not be before start time");
        }
        if (endsAt.isBefore(now)) {
            throw new BadRequest("silence invalid: end time can't be in the past");
        }
        String createdBy = text(n, "createdBy", "createdBy");
        String comment = text(n, "comment", "comment");
        if (createdBy.isEmpty()) {
            throw required("createdBy");
        }
        if (comment.isEmpty()) {
            throw required("comment");
        }
        String id = n.hasNonNull("id") ? n.get("id").asText() : "";
        if (!id.isEmpty() && am.silences().get(id) == null) {
            ex.respond(404, "application/json", quote("silence " + id + " not found"));
            return;
        }
        String stored;
        synchronized (am.silences()) {
            stored = am.silences().upsert(new Silence(id, matchers, startsAt, endsAt, now, createdBy, comment), now);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("silenceID", stored);
        json(ex, 200, out);
    }

    private void silence(HttpExchange ex, AlertmanagerRuntime am, String id) throws IOException {
        Silence s = am.silences().get(id);
        if (!id.matches("[0-9a-fA-F-]{36}")) {
            ex.respond(422, "application/json", "{\"code\":604,\"message\":\"silenceID in path must be of type uuid: \\\"" + id.replace("\"", "") + "\\\"\"}");
            return;
        }
        switch (ex.method()) {
            case "GET" -> {
                if (s == null) {
                    ex.respond(404, "application/json", "");
                    return;
                }
                json(ex, 200, silence(s, am.clock().instant()));
            }
            case "DELETE" -> {
                if (s == null) {
                    ex.respond(404, "application/json", "");
                    return;
                }
                am.silences().expire(id, am.clock().instant());
                ex.respond(200, "application/json", "");
            }
            default -> notAllowed(ex);
        }
    }

    // ---- status

    private void status(HttpExchange ex, AlertmanagerRuntime am) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode cluster = out.putObject("cluster");
        cluster.put("status", "disabled");
        cluster.putArray("peers");
        AlertmanagerRuntime.Active a = am.active();
        out.putObject("config").put("original", a == null ? "" : a.config().shown());
        out.put("uptime", time(started));
        ObjectNode v = out.putObject("versionInfo");
        v.put("branch", "promethium");
        v.put("buildDate", "");
        v.put("buildUser", "promethium");
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("revision", "");
        v.put("version", "0.25.0");
        // Promethium's own: receivers whose integrations wait for a notifier plugin (amtool ignores unknown fields).
        ObjectNode waiting = out.putObject("promethium").putObject("waitingReceivers");
        for (Map.Entry<String, List<String>> receiver : am.waitingReceivers().entrySet()) {
            ArrayNode why = waiting.putArray(receiver.getKey());
            receiver.getValue().forEach(why::add);
        }
        json(ex, 200, out);
    }

    // ---- helpers

    private static List<Matcher> filter(HttpExchange ex) throws BadRequest {
        List<Matcher> out = new ArrayList<>();
        for (String f : ex.queryParameters("filter")) {
            try {
                out.add(LabelMatchers.parseOne(f));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(e.getMessage());
            }
        }
        return out;
    }

    private static boolean flag(HttpExchange ex, String name) throws BadRequest {
        String v = ex.queryParameter(name).orElse("true");
        return switch (v) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new BadRequest(name + " in query must be of type bool: \"" + v + "\"");
        };
    }

    private static Pattern receiverPattern(HttpExchange ex) throws BadRequest {
        String r = ex.queryParameter("receiver").orElse("");
        if (r.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile("^(?:" + r + ")$");
        } catch (PatternSyntaxException e) {
            throw new BadRequest("failed to parse receiver param: " + e.getDescription());
        }
    }

    private static JsonNode body(HttpExchange ex) throws IOException, BadRequest {
        byte[] bytes;
        try (InputStream in = ex.requestBody()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            String message = "body larger than " + MAX_BODY + " bytes";
            ex.refused("alertmanager_body_size", message);
            throw new BadRequest(message);
        }
        if (bytes.length == 0) {
            throw new BadRequest("body is required");
        }
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new BadRequest("parsing body failed: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode n, String path, String field) throws BadRequest {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw required(path);
        }
        if (!v.isTextual()) {
            throw type(path, "string");
        }
        return v.asText();
    }

    private static Instant requiredTime(JsonNode n, String field) throws BadRequest {
        Instant t = optionalTime(n.get(field), field);
        if (t == null) {
            throw required(field);
        }
        return t;
    }

    private static ObjectNode labels(Labels labels) {
        ObjectNode n = JSON.createObjectNode();
        labels.forEach(n::put);
        return n;
    }

    static String time(Instant t) {
        return t == null ? "0001-01-01T00:00:00.000Z" : java.time.format.DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    private static void json(HttpExchange ex, int code, JsonNode body) throws IOException {
        ex.respond(code, "application/json", JSON.writeValueAsString(body));
    }

    static String quote(String message) {
        try {
            return JSON.writeValueAsString(message) + "\n";
        } catch (JsonProcessingException e) {
            return "\"error\"\n";
        }
    }
}
