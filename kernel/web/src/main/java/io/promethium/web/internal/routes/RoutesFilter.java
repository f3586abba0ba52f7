package io.promethium.web.internal.routes;

import io.promethium.api.web.HttpRoutes;
import io.promethium.web.internal.metrics.HttpMetrics;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands requests for a mounted {@link HttpRoutes} to it; everything else goes on to the
 * built-in API. Counts route requests in the HTTP self-metrics under the route's handler label.
 */
public final class RoutesFilter implements Filter {

    private static final Logger LOG = Logger.getLogger(RoutesFilter.class.getName());

    private final RouteTable table;
    private final HttpMetrics metrics;

    public RoutesFilter(RouteTable table, HttpMetrics metrics) {
        this.table = Objects.requireNonNull(table, "table is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) resp;
        String path = request.getRequestURI() == null ? "/" : ServletExchange.decodedPath(request);
        HttpRoutes routes = table.find(path);
        if (routes == null) {
            chain.doFilter(req, resp);
            return;
        }
        long start = System.nanoTime();
        try {
            routes.handle(new ServletExchange(request, response, path, routes.pathPrefix()));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "HTTP route " + routes.pathPrefix() + " failed on " + request.getMethod() + " " + path, e);
            if (!response.isCommitted()) {
                response.reset();
                response.setStatus(500);
                response.setContentType("text/plain; charset=utf-8");
                response.getWriter().write("internal error: " + e.getMessage() + "\n");
            }
        } finally {
            metrics.observe(routes.handlerLabel(), response.getStatus(), (System.nanoTime() - start) / 1e9);
        }
    }
}
