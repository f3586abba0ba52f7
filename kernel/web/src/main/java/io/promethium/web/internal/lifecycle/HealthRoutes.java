package io.promethium.web.internal.lifecycle;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.launcher.spi.Lifecycle;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * {@code /-/healthy} and {@code /-/ready}, answered as Prometheus answers them, from the route
 * table ahead of Jersey: readiness is what a supervisor polls while the server starts, and it
 * must not wait for (or start) the JAX-RS application, which the server initialises after it is
 * ready. Ready means what the launcher says: config loaded (storage open, its WAL replayed,
 * every core bundle started) and the web listening.
 */
public final class HealthRoutes implements HttpRoutes {

    private static final String TEXT = "text/plain; charset=utf-8";

    private final String path;
    private final BooleanSupplier ok;
    private final String okBody;

    private HealthRoutes(String path, BooleanSupplier ok, String okBody) {
        this.path = path;
        this.ok = ok;
        this.okBody = okBody;
    }

    /** The two routes: healthy always, ready once the launcher says so. */
    public static List<HttpRoutes> of(Lifecycle lifecycle) {
        Objects.requireNonNull(lifecycle, "lifecycle is null");
        return List.of(new HealthRoutes("/-/healthy", () -> true, "Promethium Server is Healthy.\n"),
                new HealthRoutes("/-/ready", lifecycle::ready, "Promethium Server is Ready.\n"));
    }

    @Override
    public String pathPrefix() {
        return path;
    }

    @Override
    public boolean exactPath() {
        return true;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        switch (exchange.method()) {
            case "GET", "HEAD" -> {
                boolean up = ok.getAsBoolean();
                exchange.respond(up ? 200 : 503, TEXT, up ? okBody : "Service Unavailable\n");
            }
            case "OPTIONS" -> {
                exchange.responseHeader("Allow", "HEAD,GET,OPTIONS");
                exchange.respond(200, TEXT, "");
            }
            default -> {
                exchange.responseHeader("Allow", "HEAD,GET,OPTIONS");
                exchange.respond(405, TEXT, "Method Not Allowed\n");
            }
        }
    }
}
