package io.promethium.web.internal.alerting;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.alerting.AlertmanagerTargets;
import io.promethium.web.internal.api.ApiResponses;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** {@code /api/v1/alertmanagers}: the Alertmanagers alerts go to, and those relabeling dropped. */
@Path("/api/v1/alertmanagers")
public final class AlertmanagersResource {

    private final Supplier<AlertmanagerTargets> alertmanagers;

    public AlertmanagersResource(Supplier<AlertmanagerTargets> alertmanagers) {
        this.alertmanagers = Objects.requireNonNull(alertmanagers, "alertmanagers is null");
    }

    @GET
    public Response list() {
        AlertmanagerTargets targets = alertmanagers.get();
        List<URI> active = targets.activeAlertmanagers();
        List<URI> dropped = targets.droppedAlertmanagers();
        return ApiResponses.success(g -> {
            g.writeStartObject();
            urls(g, "activeAlertmanagers", active);
            urls(g, "droppedAlertmanagers", dropped);
            g.writeEndObject();
        });
    }

    private static void urls(JsonGenerator g, String field, List<URI> urls) throws IOException {
        g.writeArrayFieldStart(field);
        for (URI url : urls) {
            g.writeStartObject();
            g.writeStringField("url", url.toString());
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
