package io.promethium.web.internal.routes;

import java.util.List;

/** A family of the web bundle's own endpoints, served from the route table as {@link Router}s. */
@FunctionalInterface
public interface Endpoints {

    /**
     * The routers; form bodies larger than {@code formLimit} bytes are refused and, with
     * {@code agent}, the endpoints Prometheus's agent disables answer as there.
     */
    List<Router> routers(long formLimit, boolean agent);
}
