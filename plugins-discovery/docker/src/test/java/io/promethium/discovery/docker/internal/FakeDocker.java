package io.promethium.discovery.docker.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback stand-in of the Docker engine API, for Prometheus's fixtures, the TCP transport and
 * faults (the real engine is in {@link DockerEngineTest}):
 * {@code GET /_ping} (with Docker's {@code Api-Version} header), {@code /v<version>/containers/json}
 * and {@code /v<version>/networks}, answered from a folder laid out as Prometheus's own test
 * fixtures ({@code prometheus-fixtures/dockerprom}, see NOTICE there) or from bodies a test sets;
 * served over TCP (HTTP) and over a Unix socket (chunked, as dockerd answers). Faults: a status,
 * a body, no answer.
 */
final class FakeDocker implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    private final ServerSocketChannel unix;
    final Path socket;
    final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String apiVersion = "1.40";
    private volatile String containers;
    private volatile String networks;
    private volatile String fixture;
    private volatile String nodes;
    private volatile int failWith;
    private volatile boolean hang;

    FakeDocker(Path dir) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        socket = dir.resolve("docker.sock");
        unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        unix.bind(UnixDomainSocketAddress.of(socket));
        executor.submit(this::acceptUnix);
    }

    void fixture(String name) throws IOException {
        containers = resource(name + "/containers/json.json");
        networks = resource(name + "/networks.json");
        fixture = name;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = FakeDocker.class.getResourceAsStream("/prometheus-fixtures/" + name)) {
            if (in == null) {
                return null;
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The file Prometheus's own mock serves for a swarm path: {@code <name>.json}, or for a query
     * {@code <name>.json__<first 10 of base64url(sha1(query))>}, so a filtered request finds its
     * fixture only when its query is byte for byte Prometheus's.
     */
    private String swarmFile(String path) {
        String rest = path.substring(("/v" + apiVersion + "/").length());
        int q = rest.indexOf('?');
        String file = (q < 0 ? rest : rest.substring(0, q)) + ".json";
        if (q >= 0) {
            try {
                byte[] sha1 = java.security.MessageDigest.getInstance("SHA-1").digest(rest.substring(q + 1).getBytes(StandardCharsets.UTF_8));
                file += "__" + java.util.Base64.getUrlEncoder().encodeToString(sha1).substring(0, 10);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return resource(fixture + "/" + file);
        } catch (IOException e) {
            return null;
        }
    }

    void answer(String containers, String networks) {
        this.containers = containers;
        this.networks = networks;
    }

    /** The swarm's nodes list, as {@code GET /nodes} answers it. */
    void answerNodes(String nodes) {
        this.nodes = nodes;
    }

    String tcp() {
        return "tcp://127.0.0.1:" + server.getAddress().getPort();
    }

    void failWith(int status) {
        failWith = status;
    }

    void hang(boolean hang) {
        this.hang = hang;
    }

    private record Answer(int status, String body) {
    }

    private Answer answer(String path) {
        requests.add(path);
        if (hang) {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
        if (path.equals("/_ping")) {
            return new Answer(200, "OK");
        }
        if (failWith != 0) {
            return new Answer(failWith, "{\"message\":\"simulated failure\"}");
        }
        String prefix = "/v" + apiVersion;
        if (path.startsWith(prefix + "/containers/json")) {
            return new Answer(200, containers);
        }
        if (path.equals(prefix + "/networks")) {
            return new Answer(200, networks);
        }
        if (nodes != null && path.startsWith(prefix + "/nodes")) {
            return new Answer(200, nodes);
        }
        if (fixture != null && (path.startsWith(prefix + "/services") || path.startsWith(prefix + "/nodes")
                || path.startsWith(prefix + "/tasks"))) {
            String body = swarmFile(path);
            return body == null ? new Answer(500, "{\"message\":\"no fixture for " + path + "\"}") : new Answer(200, body);
        }
        return new Answer(404, "{\"message\":\"page not found\"}");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Answer a = answer(exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            if (a == null) {
                return;
            }
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Api-Version", apiVersion);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private void acceptUnix() {
        while (unix.isOpen()) {
            try {
                SocketChannel channel = unix.accept();
                executor.submit(() -> serveUnix(channel));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveUnix(SocketChannel channel) {
        try (channel) {
            InputStream in = Channels.newInputStream(channel);
            StringBuilder head = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                head.append((char) c);
                if (head.toString().endsWith("\r\n\r\n")) {
                    break;
                }
            }
            String path = head.toString().split(" ")[1];
            Answer a = answer(path);
            if (a == null) {
                return;
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder("HTTP/1.1 " + a.status() + " X\r\nApi-Version: " + apiVersion
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            channel.write(ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.US_ASCII)));
            // Two chunks, to exercise the reassembly.
            int half = body.length / 2;
            for (int[] range : new int[][] {{0, half}, {half, body.length}}) {
                int n = range[1] - range[0];
                if (n == 0) {
                    continue;
                }
                channel.write(ByteBuffer.wrap((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII)));
                channel.write(ByteBuffer.wrap(body, range[0], n));
                channel.write(ByteBuffer.wrap("\r\n".getBytes(StandardCharsets.US_ASCII)));
            }
            channel.write(ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        released.countDown();
        server.stop(0);
        unix.close();
        executor.shutdownNow();
        Files.deleteIfExists(socket);
    }
}
