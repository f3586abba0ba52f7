package io.promethium.alertmanager.api;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Objects;

/**
 * Alertmanager's API v2 but {@code /alerts} ({@link AlertmanagerApi}'s route), as a JAX-RS
 * resource of the Jakarta REST whiteboard (promethium-rest): {@code status}, {@code receivers},
 * {@code silences} (GET, POST), {@code silence/{id}} (GET, DELETE), {@code alerts/groups}. Each
 * method hands the request to {@link AlertmanagerV2}, the implementation the route uses too, so
 * the answers are the route's byte for byte; {@link V2Errors} words Jersey's own 404 and 405 as
 * the route did. One request context per request is all Jersey injects (each injection costs).
 */
@Path("api/v2")
public final class AlertmanagerResource {

    private final AlertmanagerV2 api;

    public AlertmanagerResource(AlertmanagerV2 api) {
        this.api = Objects.requireNonNull(api, "api is null");
    }

    @GET
    @Path("status")
    public Response status(@Context ContainerRequestContext request) throws IOException {
        return answer(request, "/status");
    }

    @GET
    @Path("receivers")
    public Response receivers(@Context ContainerRequestContext request) throws IOException {
        return answer(request, "/receivers");
    }

    @GET
    @Path("silences")
    public Response silences(@Context ContainerRequestContext request) throws IOException {
        return answer(request, "/silences");
    }

    @POST
    @Path("silences")
    public Response postSilence(@Context ContainerRequestContext request) throws IOException {
        return answer(request, "/silences");
    }

    @GET
    @Path("silence/{id}")
    public Response silence(@Context ContainerRequestContext request) throws IOException {
        return answer(request, "/silence/" + request.getUriInfo().getPathParameters().getFirst("id"));
    }

    @DELETE
    @Path("silence/{id}")
    public Response expireSilence(@Context ContainerRequestContext request) throws IOException {
        return answer(request, "/silence/" + request.getUriInfo().getPathParameters().getFirst("id"));
    }

    @GET
    @Path("alerts/groups")
    public Response groups(@Context ContainerRequestContext request) throws IOException {
        return answer(request, "/alerts/groups");
    }

    private Response answer(ContainerRequestContext request, String path) throws IOException {
        ResourceExchange exchange = new ResourceExchange(request);
        api.handle(exchange, path);
        return exchange.response();
    }
}
