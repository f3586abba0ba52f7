package io.promethium.web.internal.alerting;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.alerting.AlertmanagerTargets;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** {@code /api/v1/alertmanagers}: the Alertmanagers alerts go to, and those relabeling dropped. */
public final class AlertmanagersResource implements Endpoints {

    private final Supplier<AlertmanagerTargets> alertmanagers;

    public AlertmanagersResource(Supplier<AlertmanagerTargets> alertmanagers) {
        this.alertmanagers = Objects.requireNonNull(alertmanagers, "alertmanagers is null");
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/api/v1/alertmanagers").formLimit(formLimit).agent(agent)
                .get("/api/v1/alertmanagers", this::list).build());
    }

    private void list(Router.Call call) throws IOException {
        AlertmanagerTargets targets = alertmanagers.get();
        List<URI> active = targets.activeAlertmanagers();
        List<URI> dropped = targets.droppedAlertmanagers();
        call.success(g -> {
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
