package io.promethium.web.internal.routes;

import io.promethium.api.web.HttpRoutes;
import io.promethium.web.internal.api.CorsFilter;
import io.promethium.web.internal.metrics.HttpMetrics;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the requests of a mounted {@link HttpRoutes} (the query and index API, health, the
 * bundles' routes) at Jetty's core, ahead of the servlet context, which gets everything else
 * (Jersey). The servlet layer (context scope, servlet request and response, filter chain,
 * servlet output) was a quarter of a small API request's CPU (profiled, JFR CPU-time sampling
 * over 20,000 {@code /api/v1/labels}). What the servlet filters did for the routes is done here
 * the same way: CORS on {@code /api/v1/} (pre-flight {@code OPTIONS} answered first), the route
 * prefix, the request metrics under the route's handler label, a failing route's 500, and the
 * web bundle's class loader as the context class loader.
 */
public final class RoutesHandler extends Handler.Wrapper {

    private static final Logger LOG = Logger.getLogger(RoutesHandler.class.getName());

    private final RouteTable table;
    private final HttpMetrics metrics;
    private final CorsFilter cors;
    private final String prefix;
    private final ClassLoader loader = RoutesHandler.class.getClassLoader();

    /**
     * @param cors        the CORS policy of {@code /api/v1}, or null for none
     * @param routePrefix {@code /} or the {@code --web.route-prefix} path every route is served under
     */
    public RoutesHandler(RouteTable table, HttpMetrics metrics, CorsFilter cors, String routePrefix) {
        this.table = Objects.requireNonNull(table, "table is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.cors = cors;
        this.prefix = routePrefix.equals("/") ? "" : routePrefix;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String raw = request.getHttpURI().getPath();
        if (raw == null || !raw.startsWith(prefix) || (raw.length() > prefix.length() && raw.charAt(prefix.length()) != '/')) {
            return super.handle(request, response, callback);
        }
        String rawPath = raw.length() == prefix.length() ? "/" : raw.substring(prefix.length());
        String path;
        try {
            path = CoreExchange.decodePath(rawPath);
        } catch (IllegalArgumentException e) {
            return super.handle(request, response, callback);
        }
        HttpRoutes routes = table.find(path);
        if (routes == null) {
            return super.handle(request, response, callback);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        if (previous != loader) {
            thread.setContextClassLoader(loader);
        }
        try {
            if (cors != null && CorsFilter.applies(rawPath)) {
                cors.headers(request.getHeaders().get(HttpHeader.ORIGIN), response.getHeaders()::put);
                if (request.getMethod().equals("OPTIONS")) {
                    byte[] body = CorsFilter.optionsBody();
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                    response.write(true, ByteBuffer.wrap(body), callback);
                    return true;
                }
            }
            serve(routes, new CoreExchange(request, response, rawPath, path, routes.pathPrefix()), callback);
        } finally {
            if (previous != loader) {
                thread.setContextClassLoader(previous);
            }
        }
        return true;
    }

    private void serve(HttpRoutes routes, CoreExchange exchange, Callback callback) {
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
            metrics.handler(routes.handlerLabel()).observe(exchange.status(), System.nanoTime() - start);
        }
    }
}
