package io.promethium.rest.internal;

import io.promethium.api.web.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.osgitech.rest.provider.jakartars.RuntimeDelegateService;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ExtendedResourceContext;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.spi.Container;

/**
 * One whiteboard application as a Jersey {@link Container} served through {@code HttpRoutes} ({@link Mounts}):
 * each root resource of the application is mounted at its path's literal beginning (the
 * application base + {@code @Path} up to the first template), so a plugin's {@code @Path("hello")}
 * in the default application answers at {@code /hello} under the server's route prefix, and the
 * web bundle's rules apply (longest prefix wins, a built-in path cannot be hidden). Requests are
 * handed to Jersey's {@link ApplicationHandler} on the server's request thread, without a servlet
 * layer: the web bundle serves at Jetty's core.
 */
final class RoutesContainer implements Container, Mounts.Served {

    private static final Logger LOG = Logger.getLogger(RoutesContainer.class.getName());

    private final Mounts routes;
    /** The application base without a trailing slash: {@code ""} for the default application. */
    private final String base;
    private volatile ApplicationHandler handler;
    private final Map<String, Mount> mounts = new LinkedHashMap<>();
    /** The mounts, for request threads (the map is the reloads'); changed under {@link #servedChanged}. */
    private volatile List<Mount> served = List.of();
    private final Object servedChanged = new Object();
    /** How long a request whose path was unmounted under it waits for it to be mounted again. */
    static final long REMOUNT_WAIT_MILLIS = 5_000;
    /**
     * Shared by each request while Jersey handles it, exclusive while a reload shuts the old
     * application down and starts the new one: a request taken by the old application finishes
     * on it before it shuts down (else Jersey answers 500, "Request scope has been already shut
     * down", to a request arriving while a plugin's resource is swapped), and a request arriving
     * during the switch waits for the new one. The old application must shut down before the new
     * one starts (the whiteboard's shutdown listener disposes what both share), so the two
     * cannot overlap instead.
     */
    private final ReentrantReadWriteLock switching = new ReentrantReadWriteLock();
    /** How long a reload waits for the requests in flight; then it switches anyway (a request that hangs cannot hold it). */
    static final long SWITCH_WAIT_MILLIS = 10_000;

    RoutesContainer(Mounts routes, String applicationPath, ResourceConfig config) {
        this.routes = routes;
        this.base = basePath(applicationPath);
        reload(config);
    }

    /** {@code "/*"} → {@code ""}, {@code "/app/*"} → {@code "/app"}. */
    static String basePath(String applicationPath) {
        String p = applicationPath == null ? "" : applicationPath;
        if (p.endsWith("/*")) {
            p = p.substring(0, p.length() - 2);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() || p.startsWith("/") ? p : "/" + p;
    }

    /**
     * Where a root resource is mounted: the base plus its path up to the last {@code /} before
     * the first template ({@code {name}}); {@code null} when that is the server's root.
     */
    static Mount mountOf(String base, Resource resource) {
        String path = resource.getPath() == null ? "" : resource.getPath();
        path = "/" + path.replaceAll("^/+", "").replaceAll("/+$", "");
        int template = path.indexOf('{');
        boolean literal = template < 0;
        if (!literal) {
            path = path.substring(0, path.lastIndexOf('/', template));
        }
        String prefix = (base + path).replaceAll("/+$", "");
        if (prefix.isEmpty()) {
            return null;
        }
        // A literal resource without sub-resources answers its own path only: mounting it exactly
        // leaves the built-in paths below it (as /api/v1/status/config under /api/v1/status) alone.
        boolean exact = literal && resource.getChildResources().isEmpty() && resource.getResourceLocator() == null;
        return new Mount(prefix, exact);
    }

    record Mount(String prefix, boolean exact) {}

    @Override
    public ResourceConfig getConfiguration() {
        return handler.getConfiguration();
    }

    @Override
    public ApplicationHandler getApplicationHandler() {
        return handler;
    }

    @Override
    public void reload() {
        reload(getConfiguration());
    }

    @Override
    public synchronized void reload(ResourceConfig configuration) {
        // No WADL: it needs a JAXB implementation, and costs start-up for a document nobody asks for.
        configuration.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        ApplicationHandler next = withRuntimeLoader(() -> new ApplicationHandler(configuration));
        Map<String, Mount> wanted = wanted(next);
        // Paths the new application does not serve are unmounted before it answers: a request to
        // one then meets the route table (which waits for a replacement, as in a plugin update)
        // instead of the new application's 404.
        unmountAllBut(wanted);
        // As Jersey's own containers: the old application shuts down while the container still
        // answers with it, then the new one starts (its listeners ask the container for it).
        boolean exclusive = lockForSwitch();
        try {
            ApplicationHandler previous = handler;
            if (previous != null) {
                previous.onShutdown(this);
            }
            handler = next;
            if (previous != null) {
                next.onReload(this);
            }
            next.onStartup(this);
        } finally {
            if (exclusive) {
                switching.writeLock().unlock();
            }
        }
        mountAll(wanted);
    }

    synchronized void close() {
        mounts.keySet().forEach(prefix -> routes.unmount(prefix, this));
        mounts.clear();
        publishServed();
        boolean exclusive = lockForSwitch();
        try {
            ApplicationHandler h = handler;
            if (h != null) {
                h.onShutdown(this);
            }
        } finally {
            if (exclusive) {
                switching.writeLock().unlock();
            }
        }
    }

    /** Waits (up to {@link #SWITCH_WAIT_MILLIS}) for the requests in flight; false when it switches without them. */
    private boolean lockForSwitch() {
        try {
            if (switching.writeLock().tryLock(SWITCH_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOG.warning("JAX-RS application " + (base.isEmpty() ? "/" : base) + " reloaded with requests still in flight after "
                    + SWITCH_WAIT_MILLIS + " ms: they may fail");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Where the application's root resources are to be mounted, by prefix. */
    private Map<String, Mount> wanted(ApplicationHandler h) {
        Map<String, Mount> wanted = new LinkedHashMap<>();
        for (Resource resource : h.getInjectionManager().getInstance(ExtendedResourceContext.class)
                .getResourceModel().getRootResources()) {
            Mount mount = mountOf(base, resource);
            if (mount == null) {
                LOG.warning("JAX-RS resource " + resource.getHandlerClasses() + " at path \"" + resource.getPath()
                        + "\" is not served: its path must begin with a literal segment (the server's root is the web bundle's)");
                continue;
            }
            wanted.merge(mount.prefix(), mount, (a, b) -> new Mount(a.prefix(), a.exact() && b.exact()));
        }
        if (!wanted.keySet().equals(mounts.keySet())) {
            LOG.info("JAX-RS application " + (base.isEmpty() ? "/" : base) + " served at " + wanted.keySet());
        }
        return wanted;
    }

    private void unmountAllBut(Map<String, Mount> wanted) {
        List<String> gone = new ArrayList<>();
        mounts.forEach((prefix, mount) -> {
            if (!mount.equals(wanted.get(prefix))) {
                gone.add(prefix);
            }
        });
        for (String prefix : gone) {
            mounts.remove(prefix);
            routes.unmount(prefix, this);
        }
        publishServed();
    }

    private void publishServed() {
        synchronized (servedChanged) {
            served = List.copyOf(mounts.values());
            servedChanged.notifyAll();
        }
    }

    private void mountAll(Map<String, Mount> wanted) {
        for (Mount mount : wanted.values()) {
            if (!mounts.containsKey(mount.prefix())) {
                mounts.put(mount.prefix(), mount);
                routes.mount(mount, this);
            }
        }
        publishServed();
    }

    /** Whether {@code path} is under one of this application's mounts now. */
    private boolean serves(String path) {
        for (Mount m : served) {
            if (path.equals(m.prefix()) || (!m.exact() && path.startsWith(m.prefix() + "/"))) {
                return true;
            }
        }
        return false;
    }

    /** Jersey finds its RuntimeDelegate through the context class loader: the implementation's. */
    private static <T> T withRuntimeLoader(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(RuntimeDelegateService.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Answers one request through Jersey. */
    @Override
    public void serve(HttpExchange exchange) throws IOException {
        String path = exchange.path();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REMOUNT_WAIT_MILLIS);
        while (true) {
            switching.readLock().lock();
            try {
                if (serves(path)) {
                    serve(handler, exchange);
                    return;
                }
            } finally {
                switching.readLock().unlock();
            }
            // Taken from its mount just before a reload unmounted it (its plugin is being updated):
            // wait for a later reload to mount the path again, as the route table waits for a replacement.
            if (!awaitServed(path, deadline)) {
                exchange.responseHeader("Retry-After", "1");
                exchange.respond(503, "text/plain; charset=utf-8", "503 service unavailable: the JAX-RS resource at "
                        + path + " is being replaced\n");
                return;
            }
        }
    }

    /** Waits until {@code path} is mounted again or {@code deadline}; whether it is. */
    private boolean awaitServed(String path, long deadline) {
        synchronized (servedChanged) {
            while (!serves(path)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    servedChanged.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private void serve(ApplicationHandler h, HttpExchange exchange) throws IOException {
        String scheme = exchange.secure() ? "https" : "http";
        String authority = exchange.requestHeader("Host").orElse("localhost");
        URI baseUri;
        URI requestUri;
        try {
            baseUri = URI.create(scheme + "://" + authority + base + "/");
            String query = exchange.query();
            requestUri = URI.create(scheme + "://" + authority + exchange.rawPath() + (query.isEmpty() ? "" : "?" + query));
        } catch (IllegalArgumentException e) {
            exchange.respond(400, "text/plain; charset=utf-8", "bad request URI or Host header: " + e.getMessage() + "\n");
            return;
        }
        ContainerRequest request = new ContainerRequest(baseUri, requestUri, exchange.method(),
                new RouteSecurityContext(exchange), new MapPropertiesDelegate(), h.getConfiguration());
        for (String name : exchange.requestHeaderNames()) {
            request.headers(name, exchange.requestHeaders(name));
        }
        request.setEntityStream(exchange.requestBody());
        request.setWriter(new ExchangeResponseWriter(exchange));
        try {
            h.handle(request);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "JAX-RS request " + exchange.method() + " " + exchange.path() + " failed", e);
            throw e;
        }
    }
}
