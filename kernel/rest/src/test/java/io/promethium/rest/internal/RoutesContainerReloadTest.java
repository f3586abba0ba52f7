package io.promethium.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.web.HttpExchange;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A JAX-RS application reloaded (a plugin's resource swapped) while a request is in flight: the
 * request finishes on the old application before it shuts down, and the new one serves after.
 * Without the wait Jersey answered a request caught in the switch with a 500 ("Request scope has
 * been already shut down"), as {@code RouteHotSwapIT} saw on the tarball.
 */
class RoutesContainerReloadTest {

    /** The prefixes of the HttpRoutes services registered and still registered. */
    private final List<String> registered = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                if (!method.getName().equals("registerService")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                String prefix = ((io.promethium.api.web.HttpRoutes) args[1]).pathPrefix();
                registered.add(prefix);
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                        (p, m, a) -> {
                            if (m.getName().equals("unregister")) {
                                registered.remove(prefix);
                            }
                            return null;
                        });
            });

    /** Answers once released: a request in flight. */
    @Path("slow")
    public static final class Slow {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public String get() throws InterruptedException {
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            return "old";
        }
    }

    /** The resource at {@code /slow} in a later version. */
    @Path("slow")
    public static final class SlowReplaced {
        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public String get() {
            return "replaced";
        }
    }

    /** Only in the reloaded application. */
    @Path("fresh")
    public static final class Fresh {
        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public String get() {
            return "new";
        }
    }

    /** A GET of {@code path} without a body, recording the answer. */
    private static final class Get implements HttpExchange {
        final String path;
        volatile int status;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Get(String path) {
            this.path = path;
        }

        @Override public String method() { return "GET"; }
        @Override public String path() { return path; }
        @Override public String rawPath() { return path; }
        @Override public String subPath() { return ""; }
        @Override public String query() { return ""; }
        @Override public List<String> queryParameters(String name) { return List.of(); }
        @Override public List<String> requestHeaders(String name) {
            return name.equalsIgnoreCase("Host") ? List.of("127.0.0.1") : List.of();
        }
        @Override public List<String> requestHeaderNames() { return List.of("Host"); }
        @Override public boolean secure() { return false; }
        @Override public long requestContentLength() { return 0; }
        @Override public InputStream requestBody() { return new ByteArrayInputStream(new byte[0]); }
        @Override public String remoteAddress() { return "127.0.0.1"; }
        @Override public void status(int code) { status = code; }
        @Override public void responseHeader(String name, String value) { }
        @Override public OutputStream responseBody() { return body; }
        @Override public void respond(int code, String contentType, String text) {
            status = code;
            body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aReloadWaitsForTheRequestInFlightWhichTheOldApplicationFinishesThenTheNewOneServes() throws Exception {
        Mounts mounts = new Mounts(context, () -> true);
        Slow slow = new Slow();
        Get inFlight = new Get("/slow");
        AtomicReference<Boolean> shutDownWithRequestInFlight = new AtomicReference<>();
        ContainerLifecycleListener oldApplication = new ContainerLifecycleListener() {
            @Override
            public void onStartup(Container container) {
            }

            @Override
            public void onReload(Container container) {
            }

            @Override
            public void onShutdown(Container container) {
                // The answer written is the request's end as the container sees it (the request
                // thread returns from serve only after the reload may already have gone on).
                shutDownWithRequestInFlight.compareAndSet(null, !inFlight.text().equals("old"));
            }
        };
        RoutesContainer container = new RoutesContainer(mounts, "/*", new ResourceConfig().register(slow).register(oldApplication));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread request = Thread.ofPlatform().start(() -> {
            try {
                container.serve(inFlight);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        assertThat(slow.entered.await(30, TimeUnit.SECONDS)).as("the request reached the resource").isTrue();
        Thread reload = Thread.ofPlatform().start(() -> container.reload(new ResourceConfig().register(slow).register(Fresh.class)));
        reload.join(1_000);
        slow.release.countDown();
        request.join(30_000);
        reload.join(30_000);
        assertThat(shutDownWithRequestInFlight.get()).as("the old application shut down while a request was in flight").isFalse();
        assertThat(failure.get()).isNull();
        assertThat(inFlight.status).as(inFlight.text()).isEqualTo(200);
        assertThat(inFlight.text()).isEqualTo("old");
        Get after = new Get("/fresh");
        container.serve(after);
        assertThat(after.status).as(after.text()).isEqualTo(200);
        assertThat(after.text()).isEqualTo("new");
        container.close();
    }

    /**
     * A resource removed from the application (its plugin stopped for an update): its path is
     * unmounted before the new application answers, so a request meets the route table (which
     * waits for the replacement) instead of the new application's 404; one that got the mount
     * just before waits for the path to be mounted again and is served by the replacement, or
     * is answered 503 (not 404) when none comes within the wait.
     */
    @Test
    void aRemovedResourcesPathIsUnmountedBeforeTheNewApplicationAnswers() throws Exception {
        Mounts mounts = new Mounts(context, () -> true);
        RoutesContainer container = new RoutesContainer(mounts, "/*", new ResourceConfig().register(new Slow()).register(Fresh.class));
        assertThat(registered).containsExactlyInAnyOrder("/slow", "/fresh");
        AtomicReference<List<String>> mountedAtStartup = new AtomicReference<>();
        ContainerLifecycleListener newApplication = new ContainerLifecycleListener() {
            @Override
            public void onStartup(Container c) {
                mountedAtStartup.set(List.copyOf(registered));
            }

            @Override
            public void onReload(Container c) {
            }

            @Override
            public void onShutdown(Container c) {
            }
        };
        container.reload(new ResourceConfig().register(Fresh.class).register(newApplication));
        assertThat(mountedAtStartup.get()).as("mounted when the new application started").containsExactly("/fresh");
        assertThat(registered).containsExactly("/fresh");
        Get late = new Get("/slow");
        Thread waiting = Thread.ofPlatform().start(() -> {
            try {
                container.serve(late);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        waiting.join(300);
        assertThat(waiting.isAlive()).as("a request whose path was unmounted under it waits for it").isTrue();
        container.reload(new ResourceConfig().register(Fresh.class).register(SlowReplaced.class));
        waiting.join(10_000);
        assertThat(late.status).as(late.text()).isEqualTo(200);
        assertThat(late.text()).as("served by the replacement").isEqualTo("replaced");
        container.reload(new ResourceConfig().register(Fresh.class));
        Get gone = new Get("/slow");
        container.serve(gone);
        assertThat(gone.status).as("no replacement within the wait: " + gone.text()).isEqualTo(503);
        assertThat(gone.text()).contains("/slow is being replaced");
        container.close();
    }
}
