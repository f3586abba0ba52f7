package io.promethium.rest.internal;

import io.promethium.api.web.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        // As Jersey's own containers: the old application shuts down while the container still
        // answers with it, then the new one starts (its listeners ask the container for it).
        ApplicationHandler previous = handler;
        if (previous != null) {
            previous.onShutdown(this);
        }
        handler = next;
        if (previous != null) {
            next.onReload(this);
        }
        next.onStartup(this);
        remount(next);
    }

    synchronized void close() {
        mounts.keySet().forEach(prefix -> routes.unmount(prefix, this));
        mounts.clear();
        ApplicationHandler h = handler;
        if (h != null) {
            h.onShutdown(this);
        }
    }

    private void remount(ApplicationHandler h) {
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
        for (Mount mount : wanted.values()) {
            if (!mounts.containsKey(mount.prefix())) {
                mounts.put(mount.prefix(), mount);
                routes.mount(mount, this);
            }
        }
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
        ApplicationHandler h = handler;
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
