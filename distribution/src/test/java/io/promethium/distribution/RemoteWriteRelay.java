package io.promethium.distribution;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.promethium.api.model.Labels;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.WriteRequestDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback relay in front of a real remote-write receiver that sees the order samples arrive
 * in, which a receiver storing by time (VictoriaMetrics) does not show: each request is forwarded
 * unchanged (body and headers) and answered with the receiver's answer, and the samples of every
 * request the receiver took (2xx) are compared, per series, with those it took before: one older
 * than the newest already taken is out of order (a receiver such as Prometheus refuses it), one at
 * the same timestamp is a repeat. {@link #stop()} closes its port, so a sender meets "connection
 * refused" as with the receiver down; {@link #start()} opens the same port again.
 */
final class RemoteWriteRelay implements AutoCloseable {
    private static final List<String> FORWARDED = List.of("Content-Type", "Content-Encoding", "User-Agent",
            "X-Prometheus-Remote-Write-Version");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final int port;
    private final URI target;
    private final Map<Labels, Long> newest = new HashMap<>();
    private long samples;
    private long outOfOrder;
    private long repeated;
    private long undecodable;
    private HttpServer server;
    private ExecutorService executor;

    RemoteWriteRelay(URI target) throws IOException {
        this.target = target;
        this.port = ServerProcess.freePort();
    }

    /** Opens the port (again) and relays. */
    synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::relay);
        server.start();
    }

    /** Closes the port: requests in flight are answered first (up to a second). */
    synchronized void stop() {
        if (server != null) {
            server.stop(1);
            executor.close();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    String url() {
        return "http://127.0.0.1:" + port + target.getPath();
    }

    private void relay(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder forward = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            for (String name : FORWARDED) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    forward.header(name, value);
                }
            }
            HttpResponse<byte[]> answer;
            try {
                answer = HTTP.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                byte[] text = ("relay: " + e).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(502, text.length);
                exchange.getResponseBody().write(text);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (answer.statusCode() / 100 == 2) {
                taken(body);
            }
            answer.headers().map().forEach((name, values) -> {
                if (name.regionMatches(true, 0, "X-Prometheus-", 0, 13) || name.equalsIgnoreCase("Content-Type")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] reply = answer.body();
            exchange.sendResponseHeaders(answer.statusCode(), reply.length == 0 ? -1 : reply.length);
            if (reply.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply);
                }
            }
        }
    }

    /** Tallies a request the receiver took. */
    private void taken(byte[] body) {
        try {
            byte[] raw = Snappy.decode(body, body.length, 256 << 20);
            synchronized (newest) {
                new WriteRequestDecoder().decode(raw, raw.length, (labels, timestamps, values, count, exemplars, exemplarCount) -> {
                    Long last = newest.get(labels);
                    long top = last == null ? Long.MIN_VALUE : last;
                    for (int i = 0; i < count; i++) {
                        long t = timestamps[i];
                        samples++;
                        if (t < top) {
                            outOfOrder++;
                        } else if (t == top) {
                            repeated++;
                        } else {
                            top = t;
                        }
                    }
                    newest.put(labels, top);
                });
            }
        } catch (Exception e) {
            synchronized (newest) {
                undecodable++;
            }
        }
    }

    /** Samples in the requests the receiver took, repeats included. */
    long samples() {
        synchronized (newest) {
            return samples;
        }
    }

    /** Samples the receiver took after a newer one of their series. */
    long outOfOrder() {
        synchronized (newest) {
            return outOfOrder;
        }
    }

    /** Requests the receiver took that the relay could not decode (their samples not tallied). */
    long undecodable() {
        synchronized (newest) {
            return undecodable;
        }
    }

    /** Samples the receiver took again at the timestamp of the newest of their series. */
    long repeated() {
        synchronized (newest) {
            return repeated;
        }
    }
}
