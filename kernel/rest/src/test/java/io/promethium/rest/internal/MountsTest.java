package io.promethium.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** A reserved path: mounted at once, 503 before ready, waits for the resource once ready; one service per path. */
class MountsTest {

    /** The HttpRoutes services registered and still registered. */
    private final List<HttpRoutes> registered = new ArrayList<>();

    private final BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                if (!method.getName().equals("registerService")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                HttpRoutes routes = (HttpRoutes) args[1];
                assertThat(((Dictionary<?, ?>) args[2]).get("promethium.rest.path")).isEqualTo(routes.pathPrefix());
                registered.add(routes);
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                        (p, m, a) -> {
                            if (m.getName().equals("unregister")) {
                                registered.remove(routes);
                                return null;
                            }
                            throw new UnsupportedOperationException(m.getName());
                        });
            });

    /** An exchange that records what was answered through {@code respond}. */
    private static final class Answer {
        volatile int status;
        volatile String body;

        HttpExchange exchange() {
            return (HttpExchange) Proxy.newProxyInstance(MountsTest.class.getClassLoader(), new Class<?>[] {HttpExchange.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("respond")) {
                            status = (Integer) args[0];
                            body = (String) args[2];
                            return null;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private static final Mounts.Served OK = exchange -> exchange.respond(200, "text/plain", "served\n");

    @Test
    void aReservedPathAnswers503BeforeReadyAndIsServedOnceMounted() throws Exception {
        Mounts mounts = new Mounts(context, () -> false);
        mounts.reserve("/api/v1/admin/plugins");
        assertThat(registered).singleElement().satisfies(r -> {
            assertThat(r.pathPrefix()).isEqualTo("/api/v1/admin/plugins");
            assertThat(r.exactPath()).isFalse();
        });
        Answer early = new Answer();
        registered.get(0).handle(early.exchange());
        assertThat(early.status).isEqualTo(503);
        assertThat(early.body).isEqualTo("Service Unavailable\n");

        HttpRoutes reserved = registered.get(0);
        mounts.mount(new RoutesContainer.Mount("/api/v1/admin/plugins", false), OK);
        assertThat(registered).as("the same service, no conflict in the web bundle's table").containsExactly(reserved);
        Answer served = new Answer();
        reserved.handle(served.exchange());
        assertThat(served.status).isEqualTo(200);
    }

    @Test
    void onceReadyARequestWaitsForTheResourceInsteadOfFailing() throws Exception {
        AtomicBoolean ready = new AtomicBoolean(true);
        Mounts mounts = new Mounts(context, ready::get);
        mounts.reserve("/admin-thing");
        HttpRoutes reserved = registered.get(0);
        Answer waiting = new Answer();
        CompletableFuture<Void> request = CompletableFuture.runAsync(() -> {
            try {
                reserved.handle(waiting.exchange());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(200);
        assertThat(request).isNotDone();
        mounts.mount(new RoutesContainer.Mount("/admin-thing", false), OK);
        request.get(5, TimeUnit.SECONDS);
        assertThat(waiting.status).isEqualTo(200);
        assertThat(waiting.body).isEqualTo("served\n");
    }

    @Test
    void anUnmountedReservedPathStaysMountedAndAnUnreservedOneGoes() throws Exception {
        Mounts mounts = new Mounts(context, () -> false);
        mounts.reserve("/kept");
        mounts.mount(new RoutesContainer.Mount("/kept", false), OK);
        mounts.mount(new RoutesContainer.Mount("/plain", false), OK);
        assertThat(registered).extracting(HttpRoutes::pathPrefix).containsExactlyInAnyOrder("/kept", "/plain");
        mounts.unmount("/kept", OK);
        mounts.unmount("/plain", OK);
        assertThat(registered).extracting(HttpRoutes::pathPrefix).containsExactly("/kept");
        Answer between = new Answer();
        registered.get(0).handle(between.exchange());
        assertThat(between.status).isEqualTo(503);
        mounts.release("/kept");
        assertThat(registered).isEmpty();
    }

    @Test
    void aResourceServedExactlyReplacesItsPrefixReservation() {
        Mounts mounts = new Mounts(context, () -> false);
        mounts.reserve("/api/v1/status");
        mounts.mount(new RoutesContainer.Mount("/api/v1/status", true), OK);
        assertThat(registered).singleElement().satisfies(r -> assertThat(r.exactPath()).isTrue());
        mounts.close();
        assertThat(registered).isEmpty();
    }

    /**
     * A request that took a path's service just before a reload unmounted it (a plugin's resource
     * being swapped) is served by the path's next service instead of answered 503.
     */
    @Test
    void aRequestCaughtByAnUnmountIsServedOnceThePathIsMountedAgain() throws Exception {
        Mounts mounts = new Mounts(context, () -> true);
        mounts.mount(new RoutesContainer.Mount("/greeting", false), OK);
        HttpRoutes taken = registered.get(0);
        mounts.unmount("/greeting", OK);
        assertThat(registered).isEmpty();
        Answer caught = new Answer();
        CompletableFuture<Void> request = CompletableFuture.runAsync(() -> {
            try {
                taken.handle(caught.exchange());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(200);
        assertThat(request).as("waits for the path to be mounted again").isNotDone();
        mounts.mount(new RoutesContainer.Mount("/greeting", false), exchange -> exchange.respond(200, "text/plain", "replacement\n"));
        request.get(10, TimeUnit.SECONDS);
        assertThat(caught.status).isEqualTo(200);
        assertThat(caught.body).isEqualTo("replacement\n");
    }
}
