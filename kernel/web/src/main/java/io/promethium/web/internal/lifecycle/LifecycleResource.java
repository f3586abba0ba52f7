package io.promethium.web.internal.lifecycle;

import io.promethium.launcher.spi.Lifecycle;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * {@code /-/reload} and {@code /-/quit} (POST or PUT), answered as Prometheus answers them
 * ({@code /-/healthy} and {@code /-/ready} are {@link HealthRoutes}).
 */
public final class LifecycleResource implements Endpoints {

    private final Lifecycle lifecycle;
    private final boolean lifecycleEnabled;

    public LifecycleResource(Lifecycle lifecycle, boolean lifecycleEnabled) {
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle is null");
        this.lifecycleEnabled = lifecycleEnabled;
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/-").formLimit(formLimit).agent(agent)
                .post("/-/reload", this::reload).put("/-/reload", this::reload)
                .post("/-/quit", this::quit).put("/-/quit", this::quit)
                .build());
    }

    private void reload(Router.Call call) throws IOException {
        if (!lifecycleEnabled) {
            call.respond(403, Router.TEXT_UTF8, "Lifecycle API is not enabled.\n");
            return;
        }
        String error = lifecycle.reload();
        if (error.isEmpty()) {
            call.respond(200, Router.TEXT_UTF8, "");
        } else {
            call.respond(500, Router.TEXT_UTF8, "failed to reload config: " + error + "\n");
        }
    }

    private void quit(Router.Call call) throws IOException {
        if (!lifecycleEnabled) {
            call.respond(403, Router.TEXT_UTF8, "Lifecycle API is not enabled.\n");
            return;
        }
        lifecycle.shutdown();
        call.respond(200, Router.TEXT_UTF8, "Requesting termination... Goodbye!\n");
    }
}
