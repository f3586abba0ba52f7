package io.promethium.alertmanager.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * Below {@code /api/v2}, Jersey's own empty 404 (no such path) and 405 (no such method, with an
 * {@code Allow} header) are answered as the route answered them: {@code 404 page not found} as
 * text, and Alertmanager's JSON string {@code "method PUT is not allowed"}, no {@code Allow}. A
 * whiteboard extension of the default application, so it looks at the path and leaves other
 * resources' answers alone.
 */
public final class V2Errors implements ContainerResponseFilter {

    /** Its whiteboard name ({@code osgi.jakartars.name}). */
    public static final String NAME = "promethium.alertmanager.v2-errors";

    private static final MediaType TEXT = MediaType.valueOf("text/plain; charset=utf-8");

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.hasEntity() || !below(request.getUriInfo().getPath())) {
            return;
        }
        if (response.getStatus() == 404) {
            response.setEntity("404 page not found\n", null, TEXT);
            // As written by the route: MediaType's own form has no space before the charset.
            response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        } else if (response.getStatus() == 405) {
            response.getHeaders().remove(HttpHeaders.ALLOW);
            response.setEntity(AlertmanagerV2.quote("method " + request.getMethod() + " is not allowed"), null,
                    MediaType.APPLICATION_JSON_TYPE);
        }
    }

    /** Whether a path (relative to the application, with or without its leading slash) is the API's. */
    static boolean below(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.equals("api/v2") || p.startsWith("api/v2/");
    }
}
