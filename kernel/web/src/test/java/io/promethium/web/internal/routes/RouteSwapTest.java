package io.promethium.web.internal.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.web.internal.metrics.MetricsResource;
import io.promethium.web.internal.server.ApiServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A plugin's {@link HttpRoutes} service replaced by a new instance (a DS component deactivated and
 * reactivated, a bundle updated): the service registry may bind the new instance before it unbinds
 * the old one, and both may claim the same path. The newest registration serves the path, with no
 * gap, and the old one never answers once unbound.
 */
class RouteSwapTest {

    /** Equal to every other instance with the same prefix: the table must tell instances apart by identity. */
    private record Receiver(String pathPrefix, boolean exactPath) implements HttpRoutes {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            exchange.respond(200, "text/plain", "instance " + System.identityHashCode(this));
        }
    }

    /** Another class claiming the same path: a conflict between two plugins rather than a replacement. */
    private record Other(String pathPrefix) implements HttpRoutes {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            exchange.respond(200, "text/plain", "other");
        }
    }

    /** The web bundle's warnings and errors about routes, collected while {@code action} runs. */
    private static List<String> problemsLoggedBy(Runnable action) {
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(RouteTable.class.getName());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    logged.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            action.run();
        } finally {
            logger.removeHandler(handler);
        }
        return logged;
    }

    @Test
    void aReplacementBoundBeforeTheOldInstanceIsUnboundServesThePath() {
        RouteTable table = new RouteTable();
        Receiver old = new Receiver("/api/v1/write", true);
        Receiver replacement = new Receiver("/api/v1/write", true);
        List<String> problems = problemsLoggedBy(() -> {
            table.add(old);
            table.add(replacement);
            assertSame(replacement, table.find("/api/v1/write"), "the newest registration serves the path at once");
            table.remove(old);
            assertSame(replacement, table.find("/api/v1/write"), "unbinding the old instance leaves its replacement mounted");
        });
        assertEquals(List.of(), problems, "a replacement is no conflict");
        table.remove(replacement);
        assertNull(table.find("/api/v1/write"));
    }

    @Test
    void theOlderInstanceServesAgainWhenTheNewerOneGoesFirst() {
        RouteTable table = new RouteTable();
        Receiver old = new Receiver("/api/v1/write", true);
        Receiver failed = new Receiver("/api/v1/write", true);
        table.add(old);
        table.add(failed);
        table.remove(failed);
        assertSame(old, table.find("/api/v1/write"), "an update that goes away hands the path back to the live instance");
    }

    @Test
    void theNewestOfTwoPluginsClaimingAPathServesItAndTheOtherTakesOverWhenItGoes() {
        RouteTable table = new RouteTable();
        Receiver first = new Receiver("/api/v2", false);
        Other second = new Other("/api/v2");
        table.add(first);
        List<String> problems = problemsLoggedBy(() -> table.add(second));
        assertSame(second, table.find("/api/v2/alerts"));
        assertEquals(1, problems.size(), "the conflict is logged once: " + problems);
        assertTrue(problems.getFirst().contains("shadowed by the newer " + Other.class.getName()), problems.getFirst());
        table.remove(second);
        assertSame(first, table.find("/api/v2/alerts"));
    }

    @Test
    void unbindingAnInstanceNeverBoundLeavesTheMountedOneAlone() {
        RouteTable table = new RouteTable();
        Receiver live = new Receiver("/api/v1/write", true);
        table.add(live);
        table.remove(new Receiver("/api/v1/write", true));
        assertSame(live, table.find("/api/v1/write"), "an equal but different instance is not the mounted one");
    }

    @Test
    void aBuiltInEndpointMountedAfterABundlesRouteStillCannotBeHidden() {
        RouteTable table = new RouteTable();
        Receiver metrics = new Receiver("/metrics", false);
        table.add(metrics);
        new MetricsResource(List::of).routers(1 << 20, false).forEach(table::addBuiltIn);
        assertNotSame(metrics, table.find("/metrics"), "a route bound while the web bundle activates hides nothing");
        assertNotSame(metrics, table.find("/metrics/job"));
    }

    @Test
    void theWebBundlesOwnRoutesCannotBeReplacedByABundles() {
        RouteTable table = new RouteTable();
        Receiver own = new Receiver("/api/v1/query", true);
        table.addBuiltIn(own);
        table.add(new Other("/api/v1/query"));
        assertSame(own, table.find("/api/v1/query"));
    }

    /**
     * Swaps while the web bundle activates (its built-in routers mounted on another thread) and
     * while requests look the path up: every lookup after the first mount finds an instance, and
     * after each unbind returns the path is the replacement's.
     */
    @Test
    void swapsConcurrentWithActivationAndLookupsLeaveNoGapAndNoStaleInstance() throws Exception {
        RouteTable table = new RouteTable();
        String path = "/api/v1/write";
        Receiver first = new Receiver(path, true);
        table.add(first);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().name("lookups").start(() -> {
            try {
                while (done.getCount() > 0) {
                    if (table.find(path) == null) {
                        throw new AssertionError("a lookup found no instance for " + path + " during a swap");
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        Thread activation = Thread.ofPlatform().name("activation").start(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    table.addBuiltIn(Router.under("/built-in/" + i).get("/built-in/" + i + "/x", call -> { }).build());
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        Receiver live = first;
        try {
            for (int i = 0; i < 2_000 && failure.get() == null; i++) {
                Receiver next = new Receiver(path, true);
                table.add(next);
                table.remove(live);
                live = next;
                assertSame(live, table.find(path), "after the old instance is unbound, its replacement serves");
            }
        } finally {
            done.countDown();
            activation.join(TimeUnit.SECONDS.toMillis(10));
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertSame(live, table.find(path));
        assertTrue(table.find("/built-in/199/x") != null, "the built-in routers all mounted");
    }

    @Test
    void overHttpTheReplacementAnswersOnceBoundAndAfterTheOldOneIsUnbound() throws Exception {
        try (ApiServer server = new ApiServer(w -> { })) {
            Receiver old = new Receiver("/api/v1/write", true);
            Receiver replacement = new Receiver("/api/v1/write", true);
            server.routes.add(old);
            assertEquals("instance " + System.identityHashCode(old), server.get("/api/v1/write").body());
            server.routes.add(replacement);
            assertEquals("instance " + System.identityHashCode(replacement), server.get("/api/v1/write").body());
            server.routes.remove(old);
            assertEquals("instance " + System.identityHashCode(replacement), server.get("/api/v1/write").body());
        }
    }
}
