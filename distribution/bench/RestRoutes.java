import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * The cost of one request to a JAX-RS resource (the Jakarta REST whiteboard, on Jersey) against
 * the same answer from an {@code HttpRoutes} route: builds a plugin holding both (a
 * {@code @Path("bench-rest")} resource and an {@code HttpRoutes} at {@code /bench-routes}, each
 * answering {@code hello\n} as text/plain), starts the server of an unpacked tarball with it, and
 * sends {@code --warm} then {@code --requests} GETs to each on one keep-alive connection, in
 * alternating rounds; prints the server's CPU per request (from /proc) and the client's median and
 * 90th percentile latency for each. Loopback only, bounded by the request count.
 *
 * <pre>
 * java distribution/bench/RestRoutes.java --home=/tmp/home --requests=5000 --rounds=2
 * </pre>
 */
public final class RestRoutes {

    public static void main(String[] args) throws Exception {
        Path home = null;
        int warm = 3000;
        int requests = 5000;
        int rounds = 2;
        for (String a : args) {
            String value = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--home=")) {
                home = Path.of(value);
            } else if (a.startsWith("--warm=")) {
                warm = Integer.parseInt(value);
            } else if (a.startsWith("--requests=")) {
                requests = Integer.parseInt(value);
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(value);
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home=<unpacked tarball> is needed");
        }
        Path work = Files.createTempDirectory("rest-routes-");
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.write(plugins.resolve("bench-rest.jar"), plugin(home, work.resolve("classes")));
        Files.writeString(work.resolve("prometheus.yml"), "global:\n  scrape_interval: 10s\n");
        int port = Proc.freePort();
        List<String> command = List.of(home.resolve("bin/promethium").toString(), "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + work.resolve("data"), "--plugins.dir=" + plugins, "--web.listen-address=127.0.0.1:" + port);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start();
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest rest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bench-rest")).timeout(Duration.ofSeconds(10)).build();
            HttpRequest routes = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bench-routes")).timeout(Duration.ofSeconds(10)).build();
            awaitServed(client, rest, routes, work);
            long pid = process.pid();
            for (int round = 1; round <= rounds; round++) {
                for (HttpRequest request : List.of(routes, rest)) {
                    for (int i = 0; i < warm; i++) {
                        send(client, request);
                    }
                    double cpuBefore = Proc.cpuSeconds(pid);
                    long[] nanos = new long[requests];
                    long start = System.nanoTime();
                    for (int i = 0; i < requests; i++) {
                        long t = System.nanoTime();
                        send(client, request);
                        nanos[i] = System.nanoTime() - t;
                    }
                    double wall = (System.nanoTime() - start) / 1e9;
                    double cpu = Proc.cpuSeconds(pid) - cpuBefore;
                    Arrays.sort(nanos);
                    System.out.printf(Locale.ROOT, "round %d %-13s %d requests in %.2f s: server CPU %.3f ms/request, latency median %.3f ms,"
                                    + " p90 %.3f ms (load average %s)%n", round, request.uri().getPath(), requests, wall, cpu * 1000 / requests,
                            nanos[requests / 2] / 1e6, nanos[requests * 9 / 10] / 1e6, Proc.loadAverage());
                }
            }
        } finally {
            process.destroy();
            process.waitFor();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static final String RESOURCE = """
            package bench;
            @jakarta.ws.rs.Path("bench-rest")
            public class Resource {
                @jakarta.ws.rs.GET
                @jakarta.ws.rs.Produces("text/plain")
                public String get() { return "hello\\n"; }
            }
            """;

    private static final String ROUTES = """
            package bench;
            public class Routes implements io.promethium.api.web.HttpRoutes {
                public String pathPrefix() { return "/bench-routes"; }
                public void handle(io.promethium.api.web.HttpExchange exchange) throws java.io.IOException {
                    exchange.respond(200, "text/plain", "hello\\n");
                }
            }
            """;

    /** The bench plugin: both classes compiled against the installation's bundles, two DS components. */
    private static byte[] plugin(Path home, Path classes) throws IOException {
        Path sources = Files.createDirectories(classes.resolveSibling("sources/bench"));
        Files.writeString(sources.resolve("Resource.java"), RESOURCE);
        Files.writeString(sources.resolve("Routes.java"), ROUTES);
        String classPath;
        try (Stream<Path> jars = Files.list(home.resolve("bundles"))) {
            classPath = String.join(java.io.File.pathSeparator, jars.map(Path::toString)
                    .filter(j -> j.contains("jakarta.ws.rs-api") || j.contains("promethium-api")).toList());
        }
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp", classPath,
                sources.resolve("Resource.java").toString(), sources.resolve("Routes.java").toString());
        if (compiled != 0) {
            throw new IllegalStateException("the bench plugin did not compile");
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "bench.rest.routes");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "jakarta.ws.rs;version=\"[3.1,4)\",io.promethium.api.web;version=\"[1.1,2)\"");
        main.putValue("Service-Component", "OSGI-INF/resource.xml,OSGI-INF/routes.xml");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            entry(out, "OSGI-INF/resource.xml", component("bench.Resource", "bench.Resource",
                    "<property name=\"osgi.jakartars.resource\" type=\"Boolean\" value=\"true\"/>"));
            entry(out, "OSGI-INF/routes.xml", component("bench.Routes", "io.promethium.api.web.HttpRoutes", ""));
            for (String name : List.of("bench/Resource.class", "bench/Routes.class")) {
                entry(out, name, Files.readAllBytes(classes.resolve(name)));
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] component(String implementation, String service, String property) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\""
                + implementation + "\" immediate=\"true\"><implementation class=\"" + implementation + "\"/><service><provide interface=\""
                + service + "\"/></service>" + property + "</scr:component>\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void entry(JarOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(content);
    }

    private static void send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + ": status " + response.statusCode());
        }
    }

    private static void awaitServed(HttpClient client, HttpRequest rest, HttpRequest routes, Path work) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(rest, HttpResponse.BodyHandlers.discarding()).statusCode() == 200
                        && client.send(routes, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the bench plugin's paths not served in 120 s:\n" + Files.readString(work.resolve("server.log")));
    }
}
