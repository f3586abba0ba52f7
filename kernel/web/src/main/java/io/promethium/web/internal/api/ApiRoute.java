package io.promethium.web.internal.api;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One API endpoint served from the web bundle's route table, ahead of Jersey, with what the
 * JAX-RS pipeline did for it: the URL's parameters decoded as Jersey's {@code UriInfo} decodes
 * them, a form POST body read within {@link FormValues#MAX_FORM_BYTES}'s limit and decoded as Jersey's
 * form reader does, agent mode's refusal, {@link ApiError}s as Prometheus's error JSON, other
 * failures as a logged {@code internal} error, and 405 for other methods. CORS, gzip, basic auth
 * and the request metrics come from the server around the route table, as for Jersey. A small
 * request's cost was mostly the JAX-RS/HK2 pipeline.
 */
public final class ApiRoute implements HttpRoutes {

    /** Answers a request's parameters; {@code segment} is the path segment of a templated route (else null). */
    @FunctionalInterface
    public interface Endpoint {
        ApiResponses.Body answer(Params params, String segment);
    }


    private static final Logger LOG = Logger.getLogger(ApiRoute.class.getName());

    private final String path;
    private final String suffix;
    private final boolean post;
    private final Endpoint endpoint;
    private final long formLimit;
    private final boolean agent;
    private final String handlerLabel;

    /**
     * A route of {@code path} exactly (a trailing slash allowed, as Jersey matched), for GET, HEAD
     * and, with {@code post}, form POSTs.
     */
    public static ApiRoute of(String path, boolean post, Endpoint endpoint, long formLimit, boolean agent) {
        return new ApiRoute(path, null, post, endpoint, formLimit, agent);
    }

    /**
     * A route of the template {@code path/{segment}suffix}, such as {@code /api/v1/label/{name}/values}:
     * the segment is percent-decoded as Jersey's {@code @PathParam} decodes it.
     */
    public static ApiRoute templated(String path, String suffix, boolean post, Endpoint endpoint, long formLimit, boolean agent) {
        return new ApiRoute(path, Objects.requireNonNull(suffix, "suffix is null"), post, endpoint, formLimit, agent);
    }

    private ApiRoute(String path, String suffix, boolean post, Endpoint endpoint, long formLimit, boolean agent) {
        this.path = Objects.requireNonNull(path, "path is null");
        this.suffix = suffix;
        this.post = post;
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.formLimit = formLimit;
        this.agent = agent;
        // As the JAX-RS metrics filter named the template: /api/v1/label/:name/values.
        this.handlerLabel = suffix == null ? path : path + "/:name" + suffix;
    }

    @Override
    public String pathPrefix() {
        return path;
    }

    @Override
    public String handlerLabel() {
        return handlerLabel;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String segment = null;
        if (suffix != null) {
            segment = segment(exchange);
            if (segment == null) {
                exchange.respond(404, "text/plain", "404 page not found\n");
                return;
            }
        } else if (!exchange.subPath().isEmpty() && !exchange.subPath().equals("/")) {
            // Jersey matched the path with a trailing slash too, and nothing below it.
            exchange.respond(404, "text/plain", "404 page not found\n");
            return;
        }
        String method = exchange.method();
        if (!method.equals("GET") && !method.equals("HEAD") && !(post && method.equals("POST"))) {
            exchange.respond(405, "text/plain", "Method Not Allowed\n");
            return;
        }
        ApiResponses.Body body;
        try {
            if (agent) {
                throw new ApiError(ApiError.Type.EXECUTION, AgentMode.MESSAGE);
            }
            Params params = method.equals("POST") ? post(exchange) : new Params(query(exchange), null);
            body = endpoint.answer(params, segment);
        } catch (ApiError e) {
            if (e.limit() != null) {
                exchange.refused(e.limit(), e.getMessage());
            }
            write(exchange, e.type().status(), e.fields());
            return;
        } catch (RuntimeException e) {
            io.promethium.api.model.RegexTooExpensiveException regex = io.promethium.api.model.RegexTooExpensiveException.in(e);
            if (regex != null) {
                // A match[] regex that backtracks too long (series, labels, label values): the request's fault.
                exchange.refused(io.promethium.web.internal.metrics.Refusals.REGEX_COST, regex.getMessage());
                write(exchange, ApiError.Type.EXECUTION.status(), new ApiError(ApiError.Type.EXECUTION, regex.getMessage()).fields());
                return;
            }
            LOG.log(Level.WARNING, "unexpected error serving a request", e);
            write(exchange, 500, new ApiError(ApiError.Type.INTERNAL, String.valueOf(e.getMessage())).fields());
            return;
        }
        write(exchange, 200, body);
    }

    /**
     * The template's segment of the raw path ({@code /{segment}suffix}, a trailing slash allowed),
     * percent-decoded; null when the path does not fit the template.
     */
    private String segment(HttpExchange exchange) {
        String raw = exchange.rawPath();
        if (!raw.startsWith(path + "/")) {
            return null;
        }
        String rest = raw.substring(path.length() + 1);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (!rest.endsWith(suffix)) {
            return null;
        }
        String encoded = rest.substring(0, rest.length() - suffix.length());
        if (encoded.indexOf('/') >= 0) {
            return null;
        }
        try {
            // Percent-decoding only: '+' is a literal in a path.
            return URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void write(HttpExchange exchange, int status, ApiResponses.Body body) throws IOException {
        ApiResponses.write(exchange, status, body);
    }

    /** The URL's parameters, decoded as Jersey's {@code UriInfo.getQueryParameters()} decodes them. */
    private static Map<String, List<String>> query(HttpExchange exchange) {
        return FormValues.query(exchange.query());
    }

    /**
     * A POST's parameters: the form body first when the request is form-encoded (other bodies are
     * ignored, as Go's {@code FormValue} ignores them), then the URL's.
     */
    private Params post(HttpExchange exchange) throws IOException {
        String type = exchange.requestHeader("Content-Type").orElse("");
        if (!FormValues.isForm(type)) {
            return new Params(query(exchange), null);
        }
        long length = exchange.requestContentLength();
        long limit = formLimit;
        InputStream in = exchange.requestBody();
        if (length > limit) {
            // Read (and drop) what the client is sending before answering, within a bound: a
            // client still writing its body when the connection closes never sees the answer.
            BodyDrain.drain(in, Math.min(length, limit + BodyDrain.BOUND));
            throw FormValues.tooLarge();
        }
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        return FormValues.withForm(query(exchange), type, body, limit);
    }
}
