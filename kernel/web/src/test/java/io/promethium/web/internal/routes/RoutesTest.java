package io.promethium.web.internal.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.web.internal.metrics.MetricsResource;
import io.promethium.web.internal.server.ApiServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutesTest {

    private record Echo(String pathPrefix, boolean exactPath) implements HttpRoutes {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            exchange.respond(200, "text/plain", exchange.method() + " " + pathPrefix + " sub=" + exchange.subPath()
                    + " q=" + exchange.queryParameters("q"));
        }
    }

    @Test
    void longestPrefixWinsAndExactRoutesMatchOnlyTheirPath() throws Exception {
        RouteTable table = new RouteTable(Set.of("/api/v1/status/config", "/metrics"));
        Echo job = new Echo("/metrics/job", false);
        Echo deeper = new Echo("/metrics/job/special", false);
        Echo status = new Echo("/api/v1/status", true);
        table.add(job);
        table.add(deeper);
        table.add(status);
        assertSame(job, table.find("/metrics/job/a"));
        assertSame(job, table.find("/metrics/job"));
        assertSame(deeper, table.find("/metrics/job/special/x"));
        assertNull(table.find("/metrics/jobs"), "a prefix matches whole segments only");
        assertNull(table.find("/metrics"));
        assertSame(status, table.find("/api/v1/status"));
        assertNull(table.find("/api/v1/status/config"), "an exact route leaves the paths below it alone");
        table.remove(job);
        assertNull(table.find("/metrics/job/a"));
    }

    @Test
    void routesThatWouldHideBuiltInEndpointsAreRefusedAndTheNewestOfAPrefixServesIt() {
        RouteTable table = new RouteTable(Set.of("/api/v1/status/config", "/metrics"));
        table.add(new Echo("/api/v1", false));
        table.add(new Echo("/metrics", false));
        table.add(new Echo("/bad/", false));
        table.add(new Echo("/api/v2", false));
        Echo newest = new Echo("/api/v2", false);
        table.add(newest);
        assertNull(table.find("/api/v1/status/config"));
        assertNull(table.find("/metrics"));
        assertSame(newest, table.find("/api/v2/alerts"));
    }

    @Test
    void mountedRoutesAnswerOverHttpBesideTheBuiltInApi() throws Exception {
        try (ApiServer server = new ApiServer(w -> w.register(new MetricsResource(List::of)))) {
            server.routes.add(new Echo("/metrics/job", false));
            HttpResponse<String> routed = server.get("/metrics/job/a%20b/x?q=1&q=2");
            assertEquals(200, routed.statusCode());
            assertEquals("GET /metrics/job sub=/a b/x q=[1, 2]", routed.body());
            assertEquals(200, server.get("/metrics").statusCode(), "the built-in /metrics still answers");
        }
    }

    /** A route streaming its answer (server-sent events) relies on flush sending what it wrote. */
    private record Stream(java.util.concurrent.CountDownLatch read) implements HttpRoutes {
        @Override
        public String pathPrefix() {
            return "/stream";
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            exchange.responseHeader("Content-Type", "text/event-stream");
            java.io.OutputStream out = exchange.responseBody();
            out.write("first\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
            try {
                read.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("second\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void aRouteFlushingItsBodySendsItBeforeItEndsAndSmallAnswersCarryTheirLength() throws Exception {
        try (ApiServer server = new ApiServer(w -> { })) {
            java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
            server.routes.add(new Stream(read));
            server.routes.add(new Echo("/echo", false));
            HttpResponse<java.io.InputStream> streamed = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(server.uri("/stream")).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.BufferedReader lines = new java.io.BufferedReader(
                    new java.io.InputStreamReader(streamed.body(), java.nio.charset.StandardCharsets.UTF_8))) {
                assertEquals("first", lines.readLine(), "sent at the flush, while the route still runs");
                read.countDown();
                assertEquals("second", lines.readLine());
                assertNull(lines.readLine());
            }
            HttpResponse<String> small = server.get("/echo");
            assertEquals(String.valueOf(small.body().length()), small.headers().firstValue("Content-Length").orElse(""));
        }
    }

    /** A route writing {@code size} bytes a kilobyte at a time, as a JSON generator flushes into the body. */
    private record Bulk(String pathPrefix, int size) implements HttpRoutes {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            java.io.OutputStream out = exchange.responseBody();
            byte[] kilobyte = new byte[1000];
            for (int written = 0; written < size; written += kilobyte.length) {
                java.util.Arrays.fill(kilobyte, (byte) ('a' + written / 1000 % 26));
                out.write(kilobyte, 0, Math.min(kilobyte.length, size - written));
            }
        }
    }

    @Test
    void answersUpToTheLargestBodyCarryTheirLengthAndLongerOnesGoInChunks() throws Exception {
        int fits = 200_000;
        int longer = RoutesHandler.LARGEST_BODY + 50_000;
        try (ApiServer server = new ApiServer(w -> { })) {
            server.routes.add(new Bulk("/fits", fits));
            server.routes.add(new Bulk("/longer", longer));
            HttpResponse<String> whole = server.get("/fits");
            assertEquals(String.valueOf(fits), whole.headers().firstValue("Content-Length").orElse(""));
            assertEquals(fits, whole.body().length());
            assertEquals('a' + 199 % 26, whole.body().charAt(fits - 1));
            HttpResponse<String> chunked = server.get("/longer");
            assertEquals("", chunked.headers().firstValue("Content-Length").orElse(""));
            assertEquals(longer, chunked.body().length());
            assertEquals('a' + (longer - 1) / 1000 % 26, chunked.body().charAt(longer - 1));
        }
    }

    @Test
    void aBundleCannotHideTheWebBundlesOwnEndpoints() {
        RouteTable table = new RouteTable();
        new MetricsResource(List::of).routers(1 << 20, false).forEach(table::addBuiltIn);
        new io.promethium.web.internal.tsdb.TsdbAdminResource(() -> null, () -> null, false, java.time.Clock.systemUTC())
                .routers(1 << 20, false).forEach(table::addBuiltIn);
        HttpRoutes metrics = named("/metrics");
        HttpRoutes admin = named("/api/v1/admin");
        HttpRoutes push = named("/metrics/job");
        table.add(metrics);
        table.add(admin);
        table.add(push);
        assertNotSame(metrics, table.find("/metrics"), "the built-in /metrics stays");
        assertNotSame(admin, table.find("/api/v1/admin/tsdb/snapshot"), "/api/v1/admin would hide the TSDB admin API");
        assertSame(push, table.find("/metrics/job/a"), "a path below a built-in one is the bundle's");
    }

    private static HttpRoutes named(String prefix) {
        return new HttpRoutes() {
            @Override
            public String pathPrefix() {
                return prefix;
            }

            @Override
            public void handle(io.promethium.api.web.HttpExchange exchange) {
            }
        };
    }
}
