package io.promethium.web.internal.routes;

import io.promethium.api.web.HttpRoutes;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.Tracer;
import io.promethium.web.internal.api.CorsPolicy;
import io.promethium.web.internal.metrics.HttpMetrics;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves every request from the route table (the web bundle's own endpoints and the bundles'
 * routes) at Jetty's core: no servlet layer, which was a quarter of a small API request's CPU
 * (profiled, JFR CPU-time sampling over 20,000 {@code /api/v1/labels}), and no JAX-RS. What the
 * servlet filters did is done here: CORS on {@code /api/v1/} (pre-flight {@code OPTIONS}
 * answered first), the route prefix, the request metrics under the route's handler label
 * ({@code other} for a path no route serves, answered with Prometheus's plain 404), a failing
 * route's 500, a path whose plugin is being updated waited for ({@link RouteTable#await}), and
 * the web bundle's class loader as the context class loader.
 */
public final class RoutesHandler extends Handler.Abstract {

    /** The most bytes a response body gathers before it goes out: the server's buffer pool keeps buffers this large. */
    public static final int LARGEST_BODY = CoreExchange.LARGEST;

    private static final Logger LOG = Logger.getLogger(RoutesHandler.class.getName());

    /** What answers a path no route serves, as Prometheus's router does. */
    private static final HttpRoutes NOT_FOUND = new HttpRoutes() {
        @Override
        public String pathPrefix() {
            return "/";
        }

        @Override
        public String handlerLabel() {
            return "other";
        }

        @Override
        public void handle(io.promethium.api.web.HttpExchange exchange) throws java.io.IOException {
            exchange.respond(404, "text/plain", "404 page not found\n");
        }
    };

    private final RouteTable table;
    private final HttpMetrics metrics;
    private final CorsPolicy cors;
    private final String prefix;
    private final Supplier<Tracer> tracer;
    private final ClassLoader loader = RoutesHandler.class.getClassLoader();

    /**
     * @param cors        the CORS policy of {@code /api/v1}, or null for none
     * @param routePrefix {@code /} or the {@code --web.route-prefix} path every route is served under
     */
    /** The request metrics this handler records into. */
    public HttpMetrics metrics() {
        return metrics;
    }

    public RoutesHandler(RouteTable table, HttpMetrics metrics, CorsPolicy cors, String routePrefix) {
        this(table, metrics, cors, routePrefix, () -> Tracer.NONE);
    }

    /** @param tracer the server's tracer at the time of a request: a span per request, named {@code METHOD /path} as Prometheus names it */
    public RoutesHandler(RouteTable table, HttpMetrics metrics, CorsPolicy cors, String routePrefix, Supplier<Tracer> tracer) {
        this.tracer = Objects.requireNonNull(tracer, "tracer is null");
        this.table = Objects.requireNonNull(table, "table is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.cors = cors;
        this.prefix = routePrefix.equals("/") ? "" : routePrefix;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String raw = request.getHttpURI().getPath();
        if (!prefix.isEmpty() && prefix.equals(raw)) {
            // The prefix itself, as the prefixed servlet context answered it: on to prefix + "/".
            String query = request.getHttpURI().getQuery();
            Response.sendRedirect(request, response, callback, org.eclipse.jetty.http.HttpStatus.MOVED_PERMANENTLY_301,
                    prefix + "/" + (query == null ? "" : "?" + query), false);
            return true;
        }
        Tracer t = tracer.get();
        // Prometheus wraps its whole mux in otelhttp: one server span per request, W3C trace context from the headers.
        try (TraceSpan span = t.enabled() ? t.startServer(request.getMethod() + " " + raw, request.getHeaders()::get) : TraceSpan.NONE) {
            if (t.enabled()) {
                span.attribute("http.request.method", request.getMethod()).attribute("url.path", String.valueOf(raw));
            }
            return handle(request, response, callback, raw, span);
        }
    }

    private boolean handle(Request request, Response response, Callback callback, String raw, TraceSpan span) throws Exception {
        if (raw == null || !raw.startsWith(prefix) || (raw.length() > prefix.length() && raw.charAt(prefix.length()) != '/')) {
            serve(NOT_FOUND, new CoreExchange(request, response, "/", "/", "/", metrics.refusals()), callback, span);
            return true;
        }
        String rawPath = raw.length() == prefix.length() ? "/" : raw.substring(prefix.length());
        String path;
        RouteTable.Mounted held = null;
        try {
            path = CoreExchange.decodePath(rawPath);
            // A path whose plugin is being updated waits for the new version (or answers 503), see
            // RouteTable; the routes found are held until the answer, so their removal waits for it.
            held = table.admit(path);
        } catch (IllegalArgumentException e) {
            path = rawPath;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            path = rawPath;
        }
        try {
            return handle(request, response, callback, rawPath, path, held == null ? NOT_FOUND : held.routes(), span);
        } finally {
            if (held != null) {
                held.leave();
            }
        }
    }

    private boolean handle(Request request, Response response, Callback callback, String rawPath, String path,
            HttpRoutes routes, TraceSpan span) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        if (previous != loader) {
            thread.setContextClassLoader(loader);
        }
        try {
            if (cors != null && CorsPolicy.applies(rawPath)) {
                cors.headers(request.getHeaders().get(HttpHeader.ORIGIN), response.getHeaders()::put);
                if (request.getMethod().equals("OPTIONS")) {
                    byte[] body = CorsPolicy.optionsBody();
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                    response.write(true, ByteBuffer.wrap(body), callback);
                    return true;
                }
            }
            serve(routes, new CoreExchange(request, response, rawPath, path, routes.pathPrefix(), metrics.refusals()), callback, span);
        } finally {
            if (previous != loader) {
                thread.setContextClassLoader(previous);
            }
        }
        return true;
    }

    private void serve(HttpRoutes routes, CoreExchange exchange, Callback callback, TraceSpan span) {
        long start = System.nanoTime();
        try {
            try {
                routes.handle(exchange);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "HTTP route " + routes.pathPrefix() + " failed on " + exchange.method() + " " + exchange.path(), e);
                if (!exchange.committed()) {
                    exchange.reset();
                    exchange.respond(500, "text/plain; charset=utf-8", "internal error: " + e.getMessage() + "\n");
                }
            }
            exchange.finish();
            callback.succeeded();
        } catch (Throwable e) {
            callback.failed(e);
        } finally {
            exchange.release();
            String label = exchange.handlerLabel();
            metrics.handler(label != null ? label : routes.handlerLabel()).observe(exchange.status(), System.nanoTime() - start);
            if (span != TraceSpan.NONE) {
                span.attribute("http.response.status_code", exchange.status());
                if (exchange.status() >= 500) {
                    span.error("HTTP " + exchange.status());
                }
            }
        }
    }
}
