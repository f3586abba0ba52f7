package io.promethium.web.internal.routes;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.config.lifecycle.PluginTracker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>A path whose last binding went (its plugin stopped for an update: the launcher stops the old
 * version before it starts the new one, which takes seconds) is remembered for {@link #DEFAULT_GRACE}
 * by the kernel's plugin lifecycle rule ({@link PluginTracker}, one type per claimed path, as it
 * keeps discovery, notifier, exporter and storage plugins):
 * a request to it waits ({@link #await}) up to {@link #DEFAULT_WAIT} for a replacement and is
 * served by it, so a client sees no gap; when none comes in time the answer is a
 * {@code 503 Service Unavailable} with {@code Retry-After} naming the path (a remote write sender
 * retries a 5xx but drops a batch answered 4xx), and after the grace period the plain 404. At
 * most {@link #MAX_WAITERS} requests wait at once (they hold a thread of the server's pool);
 * others get the 503 at once.
 *
 * <p>A request holds the routes that serve it ({@link #admit}) until it is answered, and the
 * removal of a bundle's routes waits, up to {@link #DEFAULT_DRAIN}, for the requests holding that
 * instance: the service registry unbinds a stopping plugin's routes before the plugin is
 * deactivated and its own references unbound, so no request in flight sees them go.
 */
public final class RouteTable {

    private static final Logger LOG = Logger.getLogger(RouteTable.class.getName());

    private final Set<String> builtInPaths = new TreeSet<>();
    private final List<HttpRoutes> builtIns = new ArrayList<>();
    /** The bundles' routes, oldest first. */
    private final List<Binding> registered = new ArrayList<>();
    /** Why each bound route is not mounted ("" when it is), to log each change once. */
    private final Map<HttpRoutes, String> states = new IdentityHashMap<>();
    private volatile List<Mounted> mounted = List.of();

    /** How long a path whose routes went stays one a request waits for (then 503s for), as the kernel's plugin grace. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(15);
    /** How long one request waits for the replacement of a path's routes: well inside a client's time-out. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);
    /**
     * How long a removal waits for the requests in flight on the removed instance: a request's
     * usual time many times over, short enough that a plugin stop with a long-lived stream open
     * (an event stream) is delayed by no more.
     */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(2);
    /** Requests waiting at once at most (each holds a thread of the server's pool). */
    public static final int MAX_WAITERS = 64;
    /** A waiting request looks again this often, for a replacement that claims the path otherwise. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final long waitNanos;
    private final long drainNanos;
    /**
     * The kernel's plugin lifecycle rule, by claim ({@link Claim#key}): which bound instance is
     * the newest of a claim, and when a claim's last instance went, so a request in an update's
     * gap waits for the replacement ({@link #await}) for the same grace period as every other
     * plugin kind. A claim whose prefix is malformed is never in it (nobody served it).
     */
    private final PluginTracker<HttpRoutes> tracker;
    /** Each bound instance's binding, for the tracker's type of an instance (read at bind, never asked again). */
    private final Map<HttpRoutes, Binding> bindings = new IdentityHashMap<>();
    /** The prefixes some bound instance claims now; read without the lock by {@link #await}. */
    private volatile Set<String> claimedPrefixes = Set.of();
    private final AtomicInteger waiters = new AtomicInteger();

    /** @param builtInPaths the web bundle's own path templates, which no route may hide */
    public RouteTable(Set<String> builtInPaths) {
        this(DEFAULT_GRACE, DEFAULT_WAIT);
        this.builtInPaths.addAll(builtInPaths);
    }

    public RouteTable() {
        this(DEFAULT_GRACE, DEFAULT_WAIT);
    }

    /**
     * @param grace how long a path whose routes went is waited for (and answered 503) before it is a plain 404
     * @param wait  how long one request waits for the replacement
     */
    public RouteTable(Duration grace, Duration wait) {
        this(grace, wait, DEFAULT_DRAIN);
    }

    /** @param drain how long a removal waits for the requests in flight on the removed instance */
    public RouteTable(Duration grace, Duration wait, Duration drain) {
        this.waitNanos = wait.toNanos();
        this.drainNanos = drain.toNanos();
        this.tracker = new PluginTracker<>("HTTP routes", "", routes -> bindings.get(routes).claim().key(), grace, null);
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
        bindings.put(routes, binding);
        publish();
        // After publishing: a request the tracker wakes finds the replacement mounted.
        if (wellFormed(binding.prefix)) {
            tracker.add(routes);
        }
    }

    /**
     * Unbinds a bundle's routes (this very instance); an older one claiming its path serves it
     * again. Returns once the requests in flight on the instance are answered, or after the
     * table's drain time (logged).
     */
    public void remove(HttpRoutes routes) throws InterruptedException {
        Binding removed = unbind(routes);
        if (removed != null && !removed.inFlight.drain(drainNanos)) {
            LOG.info(() -> String.format(Locale.ROOT, "HTTP routes %s of %s unbound with %d request(s) still in flight after %d ms",
                    removed.prefix, routes.getClass().getName(), removed.inFlight.count(), TimeUnit.NANOSECONDS.toMillis(drainNanos)));
        }
    }

    /** Takes the instance out of the table; its binding, or null when it was not bound. */
    private synchronized Binding unbind(HttpRoutes routes) {
        for (int i = 0; i < registered.size(); i++) {
            if (registered.get(i).routes == routes) {
                Binding removed = registered.remove(i);
                states.remove(routes);
                publish();
                // The tracker notes when a claim's last instance went (one refused for hiding a
                // built-in path leaves that path to the built-in: nobody waits for it).
                if (wellFormed(removed.prefix)) {
                    tracker.remove(routes);
                }
                bindings.remove(routes);
                return removed;
            }
        }
        return null;
    }

    /** The routes serving {@code path}, or {@code null} when the built-in API does. */
    public HttpRoutes find(String path) {
        Mounted found = findMounted(path);
        return found == null ? null : found.routes();
    }

    private Mounted findMounted(String path) {
        for (Mounted m : mounted) {
            HttpRoutes routes = m.routes();
            String prefix = routes.pathPrefix();
            if (path.equals(prefix)
                    || (!routes.exactPath() && path.length() > prefix.length() && path.startsWith(prefix)
                        && path.charAt(prefix.length()) == '/')) {
                return m;
            }
        }
        return null;
    }

    /**
     * The routes serving {@code path} as {@link #await} finds them, held for one request: their
     * removal waits until {@link Mounted#leave} (up to the drain time). Null for the plain 404.
     */
    public Mounted admit(String path) throws InterruptedException {
        while (true) {
            Mounted m = awaitMounted(path);
            if (m == null || m.enter()) {
                return m;
            }
            // Its removal began between the lookup and the entry (it is unmounted already): look
            // again, for the instance serving the path now, a wait for the replacement or a 503.
        }
    }

    /**
     * Routes as mounted, with the count of requests they serve now (none kept for the web
     * bundle's own and the 503 answer, which are never removed).
     */
    public record Mounted(HttpRoutes routes, InFlight inFlight) {
        private boolean enter() {
            return inFlight == null || inFlight.enter();
        }

        /** The request holding these routes is answered. */
        public void leave() {
            if (inFlight != null) {
                inFlight.leave();
            }
        }
    }

    /**
     * The routes serving {@code path}, as {@link #find}; when none does but the routes of a path
     * covering it went less than the grace period ago, waits (up to the table's wait) for a
     * replacement, and returns an answer of {@code 503} with {@code Retry-After} if none came.
     * Null when no route serves the path and none went recently: the plain 404.
     */
    public HttpRoutes await(String path) throws InterruptedException {
        Mounted m = awaitMounted(path);
        return m == null ? null : m.routes();
    }

    private Mounted awaitMounted(String path) throws InterruptedException {
        Lookup found = lookUp(path);
        if (found.routes() != null || found.went() == null) {
            return found.routes();
        }
        if (waiters.incrementAndGet() <= MAX_WAITERS) {
            try {
                long deadline = System.nanoTime() + waitNanos;
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    // Returns once an instance of the claim is bound (and mounted), or the grace
                    // period or this wait is over; a replacement of another claim of the path
                    // ends the wait at the next check.
                    tracker.awaitService(found.went().getKey().key(), Duration.ofNanos(Math.min(left, RECHECK_NANOS)));
                    found = lookUp(path);
                    if (found.routes() != null || found.went() == null) {
                        return found.routes();
                    }
                }
            } finally {
                waiters.decrementAndGet();
            }
        } else {
            waiters.decrementAndGet();
        }
        return new Mounted(new Unavailable(found.went().getKey().prefix(), found.went().getValue()), null);
    }

    /** What serves a path now: its routes, else the claim covering it whose routes went recently, else neither (404). */
    private record Lookup(Mounted routes, Map.Entry<Claim, Long> went) {
    }

    private Lookup lookUp(String path) {
        Mounted routes = findMounted(path);
        if (routes != null) {
            return new Lookup(routes, null);
        }
        Map.Entry<Claim, Long> went = wentRecently(path);
        if (went != null) {
            return new Lookup(null, went);
        }
        // remove() unmounts a path and then notes that its routes went, add() mounts a path and then
        // clears that, each under this lock: read between the two without it, a path being stopped
        // or started again looks like one nobody served (the plain 404).
        synchronized (this) {
            routes = findMounted(path);
            return new Lookup(routes, routes == null ? wentRecently(path) : null);
        }
    }

    /** How many requests wait for a replacement now. */
    int waiting() {
        return waiters.get();
    }

    /**
     * The longest claim covering {@code path} whose last instance went less than the grace period
     * ago (per the tracker), with when; null when none did, or when its prefix is claimed again
     * (exactly or below, whichever the replacement claims: then it is served or a plain 404).
     */
    private Map.Entry<Claim, Long> wentRecently(String path) {
        Set<String> claimed = claimedPrefixes;
        for (String prefix = path; prefix.length() > 1; prefix = prefix.substring(0, Math.max(1, prefix.lastIndexOf('/')))) {
            if (claimed.contains(prefix)) {
                return null;
            }
            for (Claim c : prefix.equals(path) ? List.of(new Claim(prefix, true), new Claim(prefix, false))
                    : List.of(new Claim(prefix, false))) {
                Long at = tracker.wentAt(c.key());
                if (at != null) {
                    return Map.entry(c, at);
                }
            }
            if (prefix.lastIndexOf('/') <= 0) {
                break;
            }
        }
        return null;
    }

    private static boolean wellFormed(String prefix) {
        return prefix != null && prefix.startsWith("/") && prefix.length() >= 2 && !prefix.endsWith("/");
    }

    /** The answer for a path whose routes went (a plugin being updated or stopped) and did not come back in time. */
    private record Unavailable(String pathPrefix, long wentAt) implements HttpRoutes {
        @Override
        public String handlerLabel() {
            return "other";
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - wentAt);
            exchange.responseHeader("Retry-After", "1");
            exchange.respond(503, "text/plain; charset=utf-8", "503 service unavailable: the plugin serving " + pathPrefix
                    + " went " + seconds + " s ago (being updated or stopped) and has not come back yet\n");
        }
    }

    private record Claim(String prefix, boolean exact) {
        /** The claim as the tracker's type. */
        String key() {
            return exact ? prefix + " (exact)" : prefix;
        }
    }

    /**
     * A bundle's routes and the path it claimed when bound (read once: a plugin's answer may not
     * change the table later), with the requests it serves now.
     */
    private record Binding(HttpRoutes routes, String prefix, boolean exact, InFlight inFlight) {
        Binding(HttpRoutes routes, String prefix, boolean exact) {
            this(routes, prefix, exact, new InFlight());
        }

        Claim claim() {
            return new Claim(prefix, exact);
        }
    }

    /** Recomputes the mounted list from every binding (newest first wins a path) and publishes it. */
    private void publish() {
        List<Mounted> winners = new ArrayList<>();
        for (HttpRoutes own : builtIns) {
            winners.add(new Mounted(own, null));
        }
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
                winners.add(new Mounted(routes, binding.inFlight));
            }
            report(binding, problem);
        }
        // Longest prefix first; at equal prefixes the exact route is tried first.
        winners.sort(Comparator.<Mounted>comparingInt(m -> m.routes().pathPrefix().length()).reversed()
                .thenComparing(m -> !m.routes().exactPath()));
        mounted = List.copyOf(winners);
        Set<String> prefixes = new java.util.HashSet<>();
        for (Binding binding : registered) {
            prefixes.add(binding.prefix);
        }
        claimedPrefixes = Set.copyOf(prefixes);
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
        if (!wellFormed(prefix)) {
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
