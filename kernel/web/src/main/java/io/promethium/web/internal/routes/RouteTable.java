package io.promethium.web.internal.routes;

import io.promethium.api.web.HttpRoutes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The {@link HttpRoutes} services currently mounted, longest prefix first. Readers take an
 * immutable snapshot, so a lookup per request costs no lock.
 */
public final class RouteTable {

    private static final Logger LOG = Logger.getLogger(RouteTable.class.getName());

    private final Set<String> builtInPaths = new java.util.TreeSet<>();
    private final List<HttpRoutes> registered = new ArrayList<>();
    private volatile List<HttpRoutes> mounted = List.of();

    /** @param builtInPaths the web bundle's own path templates, which no route may hide */
    public RouteTable(Set<String> builtInPaths) {
        this.builtInPaths.addAll(builtInPaths);
    }

    public RouteTable() {
    }

    /** Mounts one of the web bundle's own routers; its paths become ones no other route may hide. */
    public synchronized void addBuiltIn(Router router) {
        builtInPaths.addAll(router.paths());
        registered.add(router);
        publish();
    }

    public synchronized void add(HttpRoutes routes) {
        String prefix = routes.pathPrefix();
        String problem = problem(routes);
        if (problem != null) {
            LOG.severe("HTTP routes " + prefix + " of " + routes.getClass().getName() + " not mounted: " + problem);
            return;
        }
        registered.add(routes);
        publish();
        LOG.fine("Mounted HTTP routes " + prefix + (routes.exactPath() ? " (exact)" : ""));
    }

    public synchronized void remove(HttpRoutes routes) {
        if (registered.remove(routes)) {
            publish();
        }
    }

    /** The routes serving {@code path}, or {@code null} when the built-in API does. */
    public HttpRoutes find(String path) {
        for (HttpRoutes routes : mounted) {
            String prefix = routes.pathPrefix();
            if (path.equals(prefix)
                    || (!routes.exactPath() && path.length() > prefix.length() && path.startsWith(prefix)
                        && path.charAt(prefix.length()) == '/')) {
                return routes;
            }
        }
        return null;
    }

    private String problem(HttpRoutes routes) {
        String prefix = routes.pathPrefix();
        if (prefix == null || !prefix.startsWith("/") || prefix.length() < 2 || prefix.endsWith("/")) {
            return "a path prefix starts with / and does not end with one";
        }
        for (HttpRoutes other : registered) {
            if (other.pathPrefix().equals(prefix) && other.exactPath() == routes.exactPath()) {
                return "already served by " + other.getClass().getName();
            }
        }
        for (String builtIn : builtInPaths) {
            if (builtIn.equals(prefix) || (!routes.exactPath() && builtIn.startsWith(prefix + "/"))) {
                return "it would hide the built-in endpoint " + builtIn;
            }
        }
        return null;
    }

    private void publish() {
        List<HttpRoutes> sorted = new ArrayList<>(registered);
        // Longest prefix first; at equal prefixes the exact route is tried first.
        sorted.sort(Comparator.<HttpRoutes>comparingInt(r -> r.pathPrefix().length()).reversed()
                .thenComparing(r -> !r.exactPath()));
        mounted = List.copyOf(sorted);
    }
}
