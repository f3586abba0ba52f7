package io.promethium.distribution.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * The JAX-RS resource of the test plugin {@link RestPluginIT} drops into a running server: a plain
 * annotated class, registered as a service with {@code osgi.jakartars.resource=true} by the
 * plugin's DS descriptor (and {@code RouteHotSwapIT} swaps under load). Only {@code jakarta.ws.rs.*} is imported.
 */
@Path("greeting")
public class GreetingResource {

    /**
     * Which build of the plugin answers {@code GET /greeting/code}: {@code RouteHotSwapIT} patches
     * this constant in the class file of its rebuilt copy (same length), so a swap's new code is
     * told from the old by its answers.
     */
    public static final String CODE = "greeting-code-A";

    @GET
    @Path("code")
    @Produces(MediaType.TEXT_PLAIN)
    public String code() {
        return CODE;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String hello(@QueryParam("name") @DefaultValue("world") String name, @Context SecurityContext security) {
        return "hello " + name + (security.isSecure() ? " over TLS" : "") + "\n";
    }

    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public String json(@PathParam("name") String name, @Context HttpHeaders headers) {
        return "{\"name\":\"" + name + "\",\"agent\":\"" + headers.getHeaderString("X-Test-Agent") + "\"}";
    }

    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public Response echo(String body) {
        return Response.status(201).header("X-Echo-Length", body.length()).entity(body.toUpperCase()).build();
    }
}
