package io.promethium.admin.internal;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * Below {@code /api/v1/admin/plugins}, Jersey's own empty 404 (no such path) and 405 (no such
 * method, with an {@code Allow} header) are answered as the web bundle's routes answer them:
 * {@code 404 page not found} and {@code Method Not Allowed} as text/plain, no {@code Allow}.
 * A whiteboard extension of the default application, so it looks at the path and leaves other
 * resources' answers alone.
 */
final class PlainErrors implements ContainerResponseFilter {

    /**
     * Its whiteboard name ({@code osgi.jakartars.name}). The resource does not select it by name:
     * with {@code osgi.jakartars.extension.select} the implementation adds it twice and logs a
     * warning at every start.
     */
    static final String NAME = "promethium.admin.plain-errors";

    private static final MediaType TEXT = MediaType.valueOf("text/plain");

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.hasEntity() || !below(request.getUriInfo().getPath())) {
            return;
        }
        if (response.getStatus() == 404) {
            response.setEntity("404 page not found\n", null, TEXT);
        } else if (response.getStatus() == 405) {
            response.getHeaders().remove(HttpHeaders.ALLOW);
            response.setEntity("Method Not Allowed\n", null, TEXT);
        }
    }

    /** Whether a path (relative to the application, without its leading slash) is the admin API's. */
    static boolean below(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        String base = AdminApiComponent.PATH.substring(1);
        return p.equals(base) || p.startsWith(base + "/");
    }
}
