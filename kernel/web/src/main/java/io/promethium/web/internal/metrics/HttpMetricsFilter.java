package io.promethium.web.internal.metrics;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.List;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;
import java.util.Objects;

/**
 * Counts every request into {@link HttpMetrics} under its route, as Prometheus names handlers
 * ({@code /api/v1/query}, {@code /api/v1/label/:name/values}); requests that match no route
 * count under {@code other}. Duration is measured up to the response headers.
 */
@PreMatching
public final class HttpMetricsFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String START = HttpMetricsFilter.class.getName() + ".start";

    private final HttpMetrics metrics;

    public HttpMetricsFilter(HttpMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(START, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object start = request.getProperty(START);
        double seconds = start instanceof Long s ? (System.nanoTime() - s) / 1e9 : 0;
        List<UriTemplate> templates = request.getUriInfo() instanceof ExtendedUriInfo info ? info.getMatchedTemplates() : List.of();
        metrics.observe(handler(templates), response.getStatus(), seconds);
    }

    /** The route: matched templates come innermost first; path parameters become {@code :name}. */
    static String handler(List<UriTemplate> templates) {
        if (templates == null || templates.isEmpty()) {
            return "other";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) {
            String t = templates.get(i).getTemplate();
            if (t.isEmpty() || t.equals("/")) {
                continue;
            }
            if (!t.startsWith("/") && (sb.isEmpty() || sb.charAt(sb.length() - 1) != '/')) {
                sb.append('/');
            }
            sb.append(t);
        }
        String route = sb.toString().replaceAll("\\{([^}/]+)}", ":$1");
        return route.isEmpty() ? "/" : route;
    }
}
