package io.promethium.web.internal.routes;

import io.promethium.api.web.HttpRoutes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link HttpRoutes} services currently mounted, longest prefix first. Readers take an
 * immutable snapshot, so a lookup per request costs no lock.
 *
 * <p>Every bound service is kept, in bind order, and what is mounted is recomputed from all of
 * them on each change: of the services claiming the same path (prefix and exactness), the newest
 * serves it. A replacement instance (a DS component reactivated, a plugin updated) is often bound
 * before the old one is unbound; it takes the path at its bind, and the old one's unbind then
 * changes nothing, so the path is never unserved and never served by an instance already gone.
 * If the newer one goes first, the older serves again. Services are told apart by identity, not
 * {@code equals}: two instances of a record are different services. A bundle's route that would
 * hide one of the web bundle's own paths is refused whenever that path is mounted, before or
 * after the route.
 */
public final class RouteTable {

    private static final Logger LOG = Logger.getLogger(RouteTable.class.getName());

    private final Set<String> builtInPaths = new TreeSet<>();
    private final List<HttpRoutes> builtIns = new ArrayList<>();
    /** The bundles' routes, oldest first. */
    private final List<Binding> registered = new ArrayList<>();
    /** Why each bound route is not mounted ("" when it is), to log each change once. */
    private final Map<HttpRoutes, String> states = new IdentityHashMap<>();
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
        builtIns.add(router);
        publish();
    }

    /** Mounts one of the web bundle's own routes; its path becomes one no other route may hide. */
    public synchronized void addBuiltIn(HttpRoutes routes) {
        builtInPaths.add(Objects.requireNonNull(routes.pathPrefix(), "path prefix is null"));
        builtIns.add(routes);
        publish();
    }

    /** Binds a bundle's routes: it serves its path unless a newer binding claims the same one. */
    public synchronized void add(HttpRoutes routes) {
        Objects.requireNonNull(routes, "routes is null");
        for (Binding b : registered) {
            if (b.routes == routes) {
                return;
            }
        }
        Binding binding;
        try {
            binding = new Binding(routes, routes.pathPrefix(), routes.exactPath());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "HTTP routes of " + routes.getClass().getName() + " not mounted: its path prefix failed", e);
            return;
        }
        registered.add(binding);
        publish();
    }

    /** Unbinds a bundle's routes (this very instance); an older one claiming its path serves it again. */
    public synchronized void remove(HttpRoutes routes) {
        for (int i = 0; i < registered.size(); i++) {
            if (registered.get(i).routes == routes) {
                registered.remove(i);
                states.remove(routes);
                publish();
                return;
            }
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

    private record Claim(String prefix, boolean exact) {
    }

    /** A bundle's routes and the path it claimed when bound (read once: a plugin's answer may not change the table later). */
    private record Binding(HttpRoutes routes, String prefix, boolean exact) {
    }

    /** Recomputes the mounted list from every binding (newest first wins a path) and publishes it. */
    private void publish() {
        List<HttpRoutes> winners = new ArrayList<>(builtIns);
        Map<Claim, HttpRoutes> claimed = new HashMap<>();
        for (int i = registered.size() - 1; i >= 0; i--) {
            Binding binding = registered.get(i);
            HttpRoutes routes = binding.routes;
            String problem = problem(binding);
            if (problem == null) {
                HttpRoutes holder = claimed.putIfAbsent(new Claim(binding.prefix, binding.exact), routes);
                if (holder != null) {
                    // By name: an updated bundle's class is another Class of the same name.
                    problem = holder.getClass().getName().equals(routes.getClass().getName())
                            ? "replaced by a newer instance"
                            : "shadowed by the newer " + holder.getClass().getName();
                }
            }
            if (problem == null) {
                winners.add(routes);
            }
            report(binding, problem);
        }
        // Longest prefix first; at equal prefixes the exact route is tried first.
        winners.sort(Comparator.<HttpRoutes>comparingInt(r -> r.pathPrefix().length()).reversed()
                .thenComparing(r -> !r.exactPath()));
        mounted = List.copyOf(winners);
    }

    /** Logs a bound route's change of state: a refusal as severe, a conflict between classes as a warning. */
    private void report(Binding binding, String problem) {
        String now = problem == null ? "" : problem;
        if (now.equals(states.put(binding.routes, now))) {
            return;
        }
        String what = "HTTP routes " + binding.prefix + (binding.exact ? " (exact)" : "")
                + " of " + binding.routes.getClass().getName();
        if (problem == null) {
            LOG.fine("Mounted " + what);
        } else {
            Level level = problem.startsWith("replaced") ? Level.FINE
                    : problem.startsWith("shadowed") ? Level.WARNING : Level.SEVERE;
            LOG.log(level, what + " not mounted: " + problem);
        }
    }

    private String problem(Binding routes) {
        String prefix = routes.prefix;
        if (prefix == null || !prefix.startsWith("/") || prefix.length() < 2 || prefix.endsWith("/")) {
            return "a path prefix starts with / and does not end with one";
        }
        for (HttpRoutes own : builtIns) {
            if (own.pathPrefix().equals(prefix) && own.exactPath() == routes.exact) {
                return "it would hide the built-in endpoint " + prefix;
            }
        }
        for (String builtIn : builtInPaths) {
            if (builtIn.equals(prefix) || (!routes.exact && builtIn.startsWith(prefix + "/"))) {
                return "it would hide the built-in endpoint " + builtIn;
            }
        }
        return null;
    }
}
