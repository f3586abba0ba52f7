package io.promethium.web.internal.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.web.internal.metrics.MetricsResource;
import io.promethium.web.internal.server.ApiServer;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.server.HttpServer;
import io.promethium.web.internal.server.WebConfigFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
    private static List<String> problemsLoggedBy(Action action) throws Exception {
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
    void aReplacementBoundBeforeTheOldInstanceIsUnboundServesThePath() throws Exception {
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
    void theOlderInstanceServesAgainWhenTheNewerOneGoesFirst() throws Exception {
        RouteTable table = new RouteTable();
        Receiver old = new Receiver("/api/v1/write", true);
        Receiver failed = new Receiver("/api/v1/write", true);
        table.add(old);
        table.add(failed);
        table.remove(failed);
        assertSame(old, table.find("/api/v1/write"), "an update that goes away hands the path back to the live instance");
    }

    @Test
    void theNewestOfTwoPluginsClaimingAPathServesItAndTheOtherTakesOverWhenItGoes() throws Exception {
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
    void unbindingAnInstanceNeverBoundLeavesTheMountedOneAlone() throws Exception {
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
        Thread reader = lookUpUntil(done, failure, () -> table.find(path) != null,
                "a lookup found no instance for " + path + " during a swap");
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

    /**
     * A plugin's routes unbound while a request they serve is in flight (the registry unbinds
     * them before the plugin is deactivated and loses its own references): the unbind returns
     * once that request is answered, and the request is answered by the instance it reached.
     */
    @Test
    void anUnbindWaitsForTheRequestsInFlightOnThatInstance() throws Exception {
        RouteTable table = new RouteTable(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofSeconds(20));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpRoutes slow = new HttpRoutes() {
            @Override
            public String pathPrefix() {
                return "/api/v1/write";
            }

            @Override
            public void handle(HttpExchange exchange) throws IOException {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.respond(200, "text/plain", "answered by the instance it reached");
            }
        };
        table.add(slow);
        HttpServer server = new HttpServer("127.0.0.1:0", new RoutesHandler(table, new HttpMetrics(), null, "/"),
                WebConfigFile.NONE, 30_000, 8, "/");
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            var response = client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/write"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            CountDownLatch unbound = new CountDownLatch(1);
            Thread.ofPlatform().start(() -> {
                try {
                    table.remove(slow);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                unbound.countDown();
            });
            assertFalse(unbound.await(300, TimeUnit.MILLISECONDS), "the unbind returned while a request was in flight");
            assertNull(table.find("/api/v1/write"), "the path is unmounted at once: no new request reaches the instance");
            release.countDown();
            assertTrue(unbound.await(10, TimeUnit.SECONDS), "the unbind returns once the request is answered");
            assertEquals(200, response.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals("answered by the instance it reached", response.get().body());
        } finally {
            release.countDown();
            server.stop();
        }
    }

    /** A request that outlives the drain time (a stream left open) holds an unbind that long, no longer. */
    @Test
    void anUnbindWaitsNoLongerThanTheDrainTime() throws Exception {
        RouteTable table = new RouteTable(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(200));
        Receiver held = new Receiver("/api/v1/write", true);
        table.add(held);
        RouteTable.Mounted admitted = table.admit("/api/v1/write");
        assertSame(held, admitted.routes());
        long start = System.nanoTime();
        table.remove(held);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis >= 150 && millis < 5_000, "the unbind took " + millis + " ms");
        admitted.leave();
    }

    /**
     * Admissions racing unbinds: once an unbind returned, no request is still held by (or newly
     * admitted to) the instance it unbound.
     */
    @Test
    void noRequestIsStillOnAnInstanceOnceItsUnbindReturned() throws Exception {
        RouteTable table = new RouteTable(Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(20));
        String path = "/api/v1/write";
        // By identity: the records are equal to each other.
        java.util.Set<HttpRoutes> gone = java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread reader = lookUpUntil(done, failure, () -> {
            RouteTable.Mounted m = table.admit(path);
            try {
                if (m != null && gone.contains(m.routes())) {
                    throw new AssertionError("a request was admitted to an instance whose unbind had returned");
                }
            } finally {
                if (m != null) {
                    m.leave();
                }
            }
            return true;
        }, "");
        try {
            for (int i = 0; i < 5_000 && failure.get() == null; i++) {
                Receiver live = new Receiver(path, true);
                table.add(live);
                table.remove(live);
                gone.add(live);
            }
        } finally {
            done.countDown();
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    /**
     * A plugin stopped (its routes unbound, no replacement) and started again, over and over while
     * requests look its path up: each finds the routes or is told to come back (503), never the
     * plain 404 of a path nobody served; a remote write sender drops a batch answered 404.
     */
    @Test
    void aRequestDuringAStopIsNeverAnsweredAsAnUnknownPath() throws Exception {
        RouteTable table = new RouteTable(Duration.ofSeconds(30), Duration.ZERO);
        String path = "/api/v1/write";
        Receiver first = new Receiver(path, true);
        table.add(first);
        table.remove(first);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread reader = lookUpUntil(done, failure, () -> table.await(path) != null,
                "a request during a stop found " + path + " unknown (404)");
        try {
            for (int i = 0; i < 5_000 && failure.get() == null; i++) {
                Receiver live = new Receiver(path, true);
                table.add(live);
                table.remove(live);
            }
        } finally {
            done.countDown();
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
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

    /**
     * A plugin update unbinds the old instance before the new one is bound (the launcher stops
     * the old version first): a request arriving in the gap waits and is served by the
     * replacement instead of a 404, over HTTP.
     */
    @Test
    void aRequestInTheGapOfAnUpdateWaitsAndIsServedByTheReplacement() throws Exception {
        try (ApiServer server = new ApiServer(w -> { })) {
            Receiver old = new Receiver("/api/v1/write", true);
            Receiver replacement = new Receiver("/api/v1/write", true);
            server.routes.add(old);
            server.routes.remove(old);
            Thread binder = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                server.routes.add(replacement);
            });
            var response = server.get("/api/v1/write");
            binder.join();
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("instance " + System.identityHashCode(replacement), response.body());
        }
    }

    @Test
    void aPathWhoseRoutesWentAndDidNotComeBackAnswers503WithRetryAfterThenAfterTheGracePeriod404() throws Exception {
        RouteTable table = new RouteTable(Duration.ofSeconds(3), Duration.ofMillis(50));
        Receiver gone = new Receiver("/api/v1/write", true);
        table.add(gone);
        HttpServer server = new HttpServer("127.0.0.1:0", new RoutesHandler(table, new HttpMetrics(), null, "/"),
                WebConfigFile.NONE, 30_000, 8, "/");
        server.start();
        try {
            table.remove(gone);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> during = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/v1/write")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, during.statusCode(), during.body());
            assertEquals("1", during.headers().firstValue("Retry-After").orElse(""));
            assertTrue(during.body().contains("the plugin serving /api/v1/write went"), during.body());
            Thread.sleep(3100);
            HttpResponse<String> after = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/v1/write")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, after.statusCode(), "after the grace period the path is simply not served");
            assertEquals("404 page not found\n", after.body());
        } finally {
            server.stop();
        }
    }

    @Test
    void aPathBelowAPrefixWhoseRoutesWentIsWaitedForAndOthersAreNot() throws Exception {
        RouteTable table = new RouteTable(Duration.ofSeconds(30), Duration.ofMillis(100));
        Receiver prefix = new Receiver("/greeting", false);
        table.add(prefix);
        table.remove(prefix);
        assertEquals("other", table.await("/greeting/alice").handlerLabel(), "a path below the prefix: the 503 answer");
        assertNull(table.await("/greetings"), "another path: the plain 404 at once");
        assertNull(table.await("/api/v1/write"), "a path never served: the plain 404 at once");
        Receiver back = new Receiver("/greeting", false);
        table.add(back);
        assertSame(back, table.await("/greeting/alice"));
        table.remove(back);
        table.add(new Receiver("/greeting", true));
        assertNull(table.await("/greeting/alice"), "served again (exactly now): nothing below it is waited for");
    }

    @Test
    void unbindingAReplacedOrRefusedInstanceLeavesNothingToWaitFor() throws Exception {
        RouteTable table = new RouteTable(Duration.ofSeconds(30), Duration.ofSeconds(30));
        Receiver old = new Receiver("/api/v1/write", true);
        Receiver replacement = new Receiver("/api/v1/write", true);
        table.add(old);
        table.add(replacement);
        table.remove(old);
        assertSame(replacement, table.await("/api/v1/write"));
        table.addBuiltIn(new Other("/api/v1/query"));
        Other refused = new Other("/api/v1/query");
        table.add(refused);
        table.remove(refused);
        assertNotSame(refused, table.await("/api/v1/query"));
    }

    /** More waiters than the table allows: the rest are answered 503 at once instead of holding the server's threads. */
    @Test
    void waitersBeyondTheLimitAreAnswered503AtOnce() throws Exception {
        RouteTable table = new RouteTable(Duration.ofSeconds(30), Duration.ofSeconds(30));
        Receiver gone = new Receiver("/api/v1/write", true);
        table.add(gone);
        table.remove(gone);
        CountDownLatch released = new CountDownLatch(RouteTable.MAX_WAITERS);
        List<Thread> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < RouteTable.MAX_WAITERS; i++) {
            waiting.add(Thread.ofVirtual().start(() -> {
                try {
                    table.await("/api/v1/write");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                released.countDown();
            }));
        }
        Receiver back = new Receiver("/api/v1/write", true);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (table.waiting() < RouteTable.MAX_WAITERS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(RouteTable.MAX_WAITERS, table.waiting());
            HttpRoutes answer = table.await("/api/v1/write");
            assertEquals("other", answer.handlerLabel(), "one more is not let in: the 503 answer at once");
        } finally {
            table.add(back);
            assertTrue(released.await(10, TimeUnit.SECONDS), "the waiters are served by the replacement");
        }
    }

    /** What runs while the log is watched. */
    private interface Action {
        void run() throws Exception;
    }

    /** One lookup; whether it found the path. */
    private interface Lookup {
        boolean found() throws InterruptedException;
    }

    /** A thread that looks a path up until {@code done}, recording the first lookup that finds nothing. */
    private static Thread lookUpUntil(CountDownLatch done, AtomicReference<Throwable> failure, Lookup found,
            String whenMissing) {
        return Thread.ofPlatform().name("lookups").start(() -> {
            try {
                while (done.getCount() > 0) {
                    if (!found.found()) {
                        throw new AssertionError(whenMissing);
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
    }
}
