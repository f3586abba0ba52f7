package io.promethium.alertmanager.api;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.util.Objects;

/**
 * {@code /api/v2/alerts} (GET, POST) on the web bundle's routes: the path Prometheus's notifier
 * posts to at every rule evaluation, kept off Jersey for its cost per request and so that it
 * answers from the moment the server listens (kernel/alertmanager/README.md, API v2). The rest of
 * {@code /api/v2} is {@link AlertmanagerResource}. Both answer through {@link AlertmanagerV2}.
 */
public final class AlertmanagerApi implements HttpRoutes {

    /** The route's path, below the route prefix. */
    public static final String PATH = "/api/v2/alerts";

    private final AlertmanagerV2 api;

    public AlertmanagerApi(AlertmanagerV2 api) {
        this.api = Objects.requireNonNull(api, "api is null");
    }

    @Override
    public String pathPrefix() {
        return PATH;
    }

    @Override
    public boolean exactPath() {
        return true;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        api.handle(ex, "/alerts");
    }
}
