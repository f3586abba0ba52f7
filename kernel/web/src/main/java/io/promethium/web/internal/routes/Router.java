package io.promethium.web.internal.routes;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.web.internal.api.AgentMode;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.ApiResponses;
import io.promethium.web.internal.api.BodyDrain;
import io.promethium.web.internal.api.FormValues;
import io.promethium.web.internal.api.Params;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The web bundle's own endpoints under one path prefix, each a path template and a handler per
 * method, answered as they were when JAX-RS served them: a template matches with or without a
 * trailing slash; {@code {name}} matches one segment and {@code {name: .+}} the rest of the path,
 * percent-decoded; a literal segment wins over a template one; HEAD is answered by the GET
 * handler (Jetty sends no body); a path without a template is a plain 404 and a method without a
 * handler a plain 405; {@link ApiError}s become Prometheus's error JSON and anything else a logged
 * {@code internal} error. Before any of that, as the request filters did for every request:
 * agent mode's refusal of the endpoints Prometheus's agent disables, and the form body limit
 * (Go's {@code ParseForm} limit) for any form-encoded body.
 */
public final class Router implements HttpRoutes {

    /** Answers one matched request. */
    @FunctionalInterface
    public interface Handler {
        void handle(Call call) throws IOException;
    }

    private static final Logger LOG = Logger.getLogger(Router.class.getName());
    private static final String TEXT = "text/plain";
    /** A UTF-8 text response's content type, as JAX-RS wrote {@code text/plain} with its charset. */
    public static final String TEXT_UTF8 = "text/plain;charset=utf-8";
    /** JAX-RS's response buffer: a longer body went out in chunks, a shorter one with its length. */
    private static final int JAXRS_BUFFER = 8192;

    private final String prefix;
    private final List<Template> templates;
    private final long formLimit;
    private final boolean agent;

    private Router(String prefix, List<Template> templates, long formLimit, boolean agent) {
        this.prefix = prefix;
        this.templates = templates;
        this.formLimit = formLimit;
        this.agent = agent;
    }

    /** Starts the endpoints under {@code prefix} ({@code /} for the root's). */
    public static Builder under(String prefix) {
        return new Builder(prefix);
    }

    /** The path templates, as JAX-RS wrote them ({@code /api/v1/admin/plugins/{id}}): paths no bundle's route may hide. */
    public List<String> paths() {
        return templates.stream().map(t -> t.path).toList();
    }

    @Override
    public String pathPrefix() {
        return prefix;
    }

    @Override
    public boolean exactPath() {
        return prefix.equals("/");
    }

    @Override
    public String handlerLabel() {
        return prefix;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        CoreExchange core = exchange instanceof CoreExchange c ? c : null;
        if (core != null) {
            // A HEAD's length was counted whole (JAX-RS buffered the body it did not send).
            core.chunkPast(exchange.method().equals("HEAD") ? Integer.MAX_VALUE : JAXRS_BUFFER);
            core.keepHeadersOnReset();
        }
        // Refused before a template matches (agent mode, a form too large) counts as "other", as
        // the JAX-RS pre-matching filters' answers did.
        label(core, "other");
        try {
            if (agent && AgentMode.refuses(exchange.path())) {
                throw new ApiError(ApiError.Type.EXECUTION, AgentMode.MESSAGE);
            }
            byte[] form = formBody(exchange);
            String[] segments = segments(exchange.rawPath());
            Template template = null;
            Map<String, String> values = null;
            for (Template t : templates) {
                values = t.match(segments);
                if (values != null) {
                    template = t;
                    break;
                }
            }
            if (template == null) {
                exchange.respond(404, TEXT, "404 page not found\n");
                return;
            }
            String method = exchange.method();
            Handler handler = template.methods.get(method.equals("HEAD") && !template.methods.containsKey("HEAD") ? "GET" : method);
            if (handler == null && method.equals("OPTIONS")) {
                label(core, template.label);
                options(exchange, template);
                return;
            }
            if (handler == null) {
                exchange.respond(405, TEXT, "Method Not Allowed\n");
                return;
            }
            label(core, template.label);
            handler.handle(new Call(exchange, values, form, formLimit));
        } catch (ApiError e) {
            if (core != null && core.committed()) {
                throw e;
            }
            reset(core);
            if (e.limit() != null) {
                exchange.refused(e.limit(), e.getMessage());
            }
            json(exchange, e.type().status(), e.fields());
        } catch (IOException | RuntimeException e) {
            if (core == null || core.committed()) {
                throw e;
            }
            LOG.log(Level.WARNING, "unexpected error serving a request", e);
            reset(core);
            json(exchange, 500, new ApiError(ApiError.Type.INTERNAL, String.valueOf(e.getMessage())).fields());
        }
    }

    /**
     * As JAX-RS answered an {@code OPTIONS} no handler takes: 200, the allowed methods in the
     * {@code Allow} header and as text, in the order of its hash set ({@code HEAD,GET,OPTIONS}).
     */
    private static void options(HttpExchange exchange, Template template) throws IOException {
        java.util.Set<String> allowed = new java.util.HashSet<>(template.methods.keySet());
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        allowed.add("OPTIONS");
        exchange.responseHeader("Content-Type", TEXT);
        exchange.responseHeader("Allow", String.join(",", allowed));
        exchange.respond(200, TEXT, String.join(", ", allowed));
    }

    private static void label(CoreExchange core, String label) {
        if (core != null) {
            core.handlerLabel(label);
        }
    }

    private static void reset(CoreExchange core) {
        if (core != null) {
            core.reset();
        }
    }

    /**
     * A form-encoded body within the limit, read whole when its length is unknown (null when the
     * body is not a form or has a length: a handler reads it then).
     */
    private byte[] formBody(HttpExchange exchange) throws IOException {
        String type = exchange.requestHeader("Content-Type").orElse(null);
        if (type == null || !FormValues.isForm(type)) {
            return null;
        }
        long length = exchange.requestContentLength();
        if (length > formLimit) {
            // Read (and drop) what the client is sending before answering, within a bound: a
            // client still writing its body when the connection closes never sees the answer.
            BodyDrain.drain(exchange.requestBody(), Math.min(length, formLimit + BodyDrain.BOUND));
            throw tooLarge();
        }
        if (length >= 0) {
            return null;
        }
        byte[] body = exchange.requestBody().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, formLimit + 1));
        if (body.length > formLimit) {
            throw tooLarge();
        }
        return body;
    }

    private static ApiError tooLarge() {
        return FormValues.tooLarge();
    }

    /**
     * A content type as JAX-RS wrote it: no spaces, parameters sorted by name
     * ({@code text/css; charset=utf-8} gives {@code text/css;charset=utf-8}).
     */
    public static String jaxrsType(String contentType) {
        String[] parts = contentType.split(";");
        if (parts.length == 1) {
            return contentType.strip();
        }
        List<String> parameters = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (!p.isEmpty()) {
                parameters.add(p);
            }
        }
        parameters.sort(Comparator.comparing(p -> p.substring(0, Math.max(0, p.indexOf('='))).toLowerCase(Locale.ROOT)));
        StringBuilder sb = new StringBuilder(parts[0].strip());
        for (String p : parameters) {
            sb.append(';').append(p);
        }
        return sb.toString();
    }

    private static void json(HttpExchange exchange, int status, ApiResponses.Body fields) throws IOException {
        ApiResponses.write(exchange, status, fields);
    }

    private static String[] segments(String rawPath) {
        String p = rawPath;
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1); // a trailing slash matches as JAX-RS matched it
        }
        if (p.equals("/") || p.isEmpty()) {
            return new String[0];
        }
        return p.substring(1).split("/", -1);
    }

    /** One request to a matched endpoint. */
    public static final class Call {
        private final HttpExchange exchange;
        private final Map<String, String> values;
        private final byte[] form;
        private final long formLimit;

        Call(HttpExchange exchange, Map<String, String> values, byte[] form, long formLimit) {
            this.exchange = exchange;
            this.values = values;
            this.form = form;
            this.formLimit = formLimit;
        }

        public HttpExchange exchange() {
            return exchange;
        }

        /** The decoded value of the template's {@code {name}} segment. */
        public String segment(String name) {
            return values.get(name);
        }

        /** The URL's parameters. */
        public Params query() {
            return new Params(FormValues.lenientQuery(exchange.query()), null);
        }

        /** The URL's parameters after a form body's, as Go's {@code r.FormValue} reads them (other bodies are ignored). */
        public Params params() throws IOException {
            Map<String, List<String>> query = FormValues.lenientQuery(exchange.query());
            String type = exchange.requestHeader("Content-Type").orElse("");
            if (!FormValues.isForm(type)) {
                return new Params(query, null);
            }
            byte[] body = form != null ? form : exchange.requestBody().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, formLimit + 1));
            return FormValues.withForm(query, type, body, formLimit);
        }

        /** The request body (a form body already read is handed back whole). */
        public InputStream body() throws IOException {
            return form != null ? new ByteArrayInputStream(form) : exchange.requestBody();
        }

        /** A success envelope; {@code data} writes the value of its {@code data} field. */
        public void success(ApiResponses.Body data) throws IOException {
            json(exchange, 200, g -> {
                g.writeStringField("status", "success");
                g.writeFieldName("data");
                data.write(g);
            });
        }

        /**
         * Sets the content type ahead of the headers set next, in the order JAX-RS wrote them
         * (a later {@link #respond} keeps it in its place).
         */
        public void contentType(String contentType) {
            exchange.responseHeader("Content-Type", contentType);
        }

        /** A whole response of {@code contentType}. */
        public void respond(int status, String contentType, byte[] body) throws IOException {
            exchange.status(status);
            exchange.responseHeader("Content-Type", contentType);
            try (OutputStream out = exchange.responseBody()) {
                out.write(body);
            }
        }

        /** A streamed response of {@code contentType}: {@code body} writes it (and may flush). */
        public void stream(int status, String contentType, Streamed body) throws IOException {
            exchange.status(status);
            exchange.responseHeader("Content-Type", contentType);
            try (OutputStream out = exchange.responseBody()) {
                body.write(out);
            }
        }

        /** A whole text response. */
        public void respond(int status, String contentType, String body) throws IOException {
            respond(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        /** A response without a body and without a content type (204, 304, a redirect). */
        public void empty(int status) throws IOException {
            exchange.status(status);
            if (status != 204 && status != 304) {
                exchange.responseHeader("Content-Length", "0");
            }
            exchange.responseBody().close();
        }
    }

    /** Writes a streamed body. */
    @FunctionalInterface
    public interface Streamed {
        void write(OutputStream out) throws IOException;
    }

    /** Builds a {@link Router}. */
    public static final class Builder {
        private final String prefix;
        private final Map<String, Map<String, Handler>> methods = new LinkedHashMap<>();
        private long formLimit = Long.MAX_VALUE;
        private boolean agent;

        private Builder(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix is null");
        }

        public Builder get(String path, Handler handler) {
            return on("GET", path, handler);
        }

        public Builder post(String path, Handler handler) {
            return on("POST", path, handler);
        }

        public Builder put(String path, Handler handler) {
            return on("PUT", path, handler);
        }

        public Builder delete(String path, Handler handler) {
            return on("DELETE", path, handler);
        }

        /** {@code handler} for {@code method} on the template {@code path} (below or at the prefix). */
        public Builder on(String method, String path, Handler handler) {
            if (!path.equals(prefix) && !path.startsWith(prefix.equals("/") ? "/" : prefix + "/")) {
                throw new IllegalArgumentException(path + " is not under " + prefix);
            }
            methods.computeIfAbsent(path, p -> new HashMap<>()).put(method.toUpperCase(Locale.ROOT), Objects.requireNonNull(handler));
            return this;
        }

        /** Form bodies larger than this are refused. */
        public Builder formLimit(long bytes) {
            this.formLimit = bytes;
            return this;
        }

        /** Agent mode: the endpoints Prometheus's agent disables answer as there. */
        public Builder agent(boolean agentMode) {
            this.agent = agentMode;
            return this;
        }

        public Router build() {
            List<Template> templates = new ArrayList<>();
            methods.forEach((path, handlers) -> templates.add(new Template(path, Map.copyOf(handlers))));
            // Literal segments first, as JAX-RS ranks templates.
            templates.sort(Comparator.comparingInt((Template t) -> t.variables).thenComparing(t -> -t.parts.length));
            return new Router(prefix, List.copyOf(templates), formLimit, agent);
        }
    }

    private static final class Template {
        final String path;
        final String label;
        final String[] parts;
        final Map<String, Handler> methods;
        final int variables;

        Template(String path, Map<String, Handler> methods) {
            this.path = path;
            this.methods = methods;
            this.parts = segments(path);
            int n = 0;
            StringBuilder label = new StringBuilder();
            for (String part : parts) {
                label.append('/');
                if (part.startsWith("{")) {
                    n++;
                    // As the JAX-RS metrics filter named a template's variable: {id} gives :id.
                    label.append(':').append(part, 1, part.length() - 1);
                } else {
                    label.append(part);
                }
            }
            this.variables = n;
            this.label = label.isEmpty() ? "/" : label.toString();
        }

        /** The template's values for these raw segments, or null when it does not match. */
        Map<String, String> match(String[] segments) {
            Map<String, String> values = null;
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                if (part.startsWith("{") && part.endsWith(": .+}")) {
                    if (i >= segments.length) {
                        return null;
                    }
                    String rest = String.join("/", java.util.Arrays.copyOfRange(segments, i, segments.length));
                    if (rest.isEmpty()) {
                        return null;
                    }
                    values = put(values, part.substring(1, part.indexOf(':')), rest);
                    return values == null ? null : values;
                }
                if (i >= segments.length) {
                    return null;
                }
                if (part.startsWith("{")) {
                    if (segments[i].isEmpty()) {
                        return null;
                    }
                    values = put(values, part.substring(1, part.length() - 1), segments[i]);
                    if (values == null) {
                        return null;
                    }
                } else if (!part.equals(segments[i])) {
                    return null;
                }
            }
            if (segments.length != parts.length) {
                return null;
            }
            return values == null ? Map.of() : values;
        }

        private static Map<String, String> put(Map<String, String> values, String name, String raw) {
            Map<String, String> map = values == null ? new HashMap<>() : values;
            try {
                // Percent-decoding only: '+' is a literal in a path.
                map.put(name, URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return null;
            }
            return map;
        }
    }
}
