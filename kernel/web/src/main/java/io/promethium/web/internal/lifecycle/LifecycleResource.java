package io.promethium.web.internal.lifecycle;

import io.promethium.launcher.spi.Lifecycle;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Objects;

/**
 * {@code /-/reload} and {@code /-/quit}, answered as Prometheus answers them ({@code /-/healthy}
 * and {@code /-/ready} are {@link HealthRoutes}, served without Jersey).
 */
@Path("/-")
public final class LifecycleResource {

    private final Lifecycle lifecycle;
    private final boolean lifecycleEnabled;

    public LifecycleResource(Lifecycle lifecycle, boolean lifecycleEnabled) {
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle is null");
        this.lifecycleEnabled = lifecycleEnabled;
    }

    @POST
    @Path("reload")
    public Response reload() {
        if (!lifecycleEnabled) {
            return text(403, "Lifecycle API is not enabled.\n");
        }
        String error = lifecycle.reload();
        return error.isEmpty() ? text(200, "") : text(500, "failed to reload config: " + error + "\n");
    }

    @PUT
    @Path("reload")
    public Response reloadPut() {
        return reload();
    }

    @POST
    @Path("quit")
    public Response quit() {
        if (!lifecycleEnabled) {
            return text(403, "Lifecycle API is not enabled.\n");
        }
        lifecycle.shutdown();
        return text(200, "Requesting termination... Goodbye!\n");
    }

    @PUT
    @Path("quit")
    public Response quitPut() {
        return quit();
    }

    private static Response text(int status, String body) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE.withCharset("utf-8")).entity(body).build();
    }
}
