package io.promethium.remote.receive;

import io.promethium.api.storage.Storage;
import io.promethium.api.testing.RoutesServer;
import io.promethium.api.web.HttpRoutes;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The receivers on a loopback port, served as the web bundle serves a bundle's routes (the api's
 * {@link RoutesServer}), over a real TSDB in a temporary folder.
 */
final class ReceiverServer implements AutoCloseable {

    final Path dir;
    final Tsdb tsdb;
    /** The storage as the components hand it to the receivers. */
    final Supplier<Storage> storage;
    private final RoutesServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What a test registers its routes with. */
    record Wiring(ReceiverServer server, List<HttpRoutes> routes) {
        void register(HttpRoutes route) {
            routes.add(route);
        }
    }

    ReceiverServer(Consumer<Wiring> routes) throws IOException {
        dir = Files.createTempDirectory("receiver-test-");
        tsdb = Tsdb.open(TsdbOptions.defaults(dir.resolve("data")));
        storage = () -> tsdb;
        List<HttpRoutes> mounted = new ArrayList<>();
        routes.accept(new Wiring(this, mounted));
        server = new RoutesServer(mounted);
    }

    /** The limits the receivers reported refusing requests by, in order. */
    List<String> refusals() {
        return server.refusals();
    }

    URI uri(String pathAndQuery) {
        return server.uri(pathAndQuery);
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        tsdb.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
