package io.promethium.web.internal.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void longestPrefixWinsAndExactRoutesMatchOnlyTheirPath() {
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
    void routesThatWouldHideBuiltInEndpointsOrDuplicateAPrefixAreRefused() {
        RouteTable table = new RouteTable(Set.of("/api/v1/status/config", "/metrics"));
        table.add(new Echo("/api/v1", false));
        table.add(new Echo("/metrics", false));
        table.add(new Echo("/bad/", false));
        Echo first = new Echo("/api/v2", false);
        table.add(first);
        table.add(new Echo("/api/v2", false));
        assertNull(table.find("/api/v1/status/config"));
        assertNull(table.find("/metrics"));
        assertSame(first, table.find("/api/v2/alerts"));
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

    @Test
    void theBuiltInPathsAreReadFromTheResources() {
        var application = new org.glassfish.jersey.server.ResourceConfig();
        application.register(new MetricsResource(List::of));
        assertEquals(Set.of("/metrics"), BuiltInPaths.of(application));
    }

    @Test
    void theBuiltInPathsAreThoseOfJerseysResourceModelForEveryResourceOfTheWebBundle() throws Exception {
        java.nio.file.Path classes = java.nio.file.Path.of(BuiltInPaths.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> resources = new java.util.ArrayList<>();
        try (var walk = java.nio.file.Files.walk(classes)) {
            for (java.nio.file.Path file : (Iterable<java.nio.file.Path>) walk.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(file).toString().replace(java.io.File.separatorChar, '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, BuiltInPaths.class.getClassLoader());
                if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                    resources.add(type);
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(resources.size() >= 10, "the web bundle's resources: " + resources);
        Set<String> jersey = new java.util.TreeSet<>();
        for (Class<?> type : resources) {
            collect(org.glassfish.jersey.server.model.Resource.from(type), "", jersey);
        }
        assertEquals(jersey, BuiltInPaths.ofClasses(resources));
    }

    /** The paths with resource methods in Jersey's own model of a resource. */
    private static void collect(org.glassfish.jersey.server.model.Resource resource, String parent, Set<String> paths) {
        String path = resource.getPath() == null || resource.getPath().isEmpty() || resource.getPath().equals("/") ? parent
                : (parent.equals("/") ? "" : parent) + (resource.getPath().startsWith("/") ? "" : "/")
                        + (resource.getPath().endsWith("/") && resource.getPath().length() > 1
                                ? resource.getPath().substring(0, resource.getPath().length() - 1) : resource.getPath());
        if (path.isEmpty()) {
            path = "/";
        }
        if (!resource.getResourceMethods().isEmpty()) {
            paths.add(path);
        }
        for (org.glassfish.jersey.server.model.Resource child : resource.getChildResources()) {
            collect(child, path, paths);
        }
    }
}
