package io.promethium.web.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.web.internal.metrics.ConnectionMetrics;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.testsupport.LogCapture;
import java.util.logging.Level;
import io.promethium.web.internal.routes.RouteTable;
import io.promethium.web.internal.routes.Router;
import io.promethium.web.internal.routes.RoutesHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --web.max-connections} as Prometheus's (Go's {@code netutil.LimitListener} over a listener
 * whose backlog is the kernel's {@code somaxconn}): while every slot holds a request being served,
 * a connection beyond the limit waits in the listen backlog, is neither refused, nor accepted and
 * closed, and is answered once a slot frees. Beyond Prometheus, connections that have waited two
 * seconds or more on their clients (idle, or trickling their headers) give way to a new one. The clients
 * behave as HTTP clients do: each reads its answer to the end and closes.
 */
class ConnectionLimitTest {

    private static final int LIMIT = 4;
    private static final String HOLD = "GET /api/v1/hold HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

    /** Requests to /api/v1/hold that reached the handler; each waits there for a permit of {@link #release}. */
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.Semaphore release = new java.util.concurrent.Semaphore(0);

    @org.junit.jupiter.api.AfterEach
    void releaseHeld() {
        release.release(1_000);
    }

    private HttpServer start(String listen, int maxConnections) throws Exception {
        return start(listen, maxConnections, new HttpMetrics());
    }

    private HttpServer start(String listen, int maxConnections, HttpMetrics metrics) throws Exception {
        return start(listen, maxConnections, metrics, WebConfigFile.NONE);
    }

    private HttpServer start(String listen, int maxConnections, HttpMetrics metrics, WebConfigFile webConfig) throws Exception {
        RouteTable routes = new RouteTable();
        routes.addBuiltIn(Router.under("/api/v1/ping").get("/api/v1/ping", call -> call.respond(200, "text/plain", "pong")).build());
        routes.addBuiltIn(Router.under("/api/v1/hold").get("/api/v1/hold", call -> {
            held.incrementAndGet();
            try {
                release.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            call.respond(200, "text/plain", "pong");
        }).build());
        HttpServer server = new HttpServer(listen, new RoutesHandler(routes, metrics, null, "/"),
                webConfig, 30_000, maxConnections, "/");
        server.start();
        return server;
    }

    @Test
    void openConnectionsAreCountedAndConnectionsWaitingAtTheLimitAreCountedWithOneWarning() throws Exception {
        HttpMetrics metrics = new HttpMetrics();
        ConnectionMetrics connections = metrics.connections();
        try (LogCapture log = new LogCapture(ConnectionMetrics.class.getName(), Level.WARNING);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpServer server = start("127.0.0.1:0", LIMIT, metrics);
            List<Socket> busy = new ArrayList<>();
            try {
                for (int i = 0; i < LIMIT; i++) {
                    busy.add(hold(server.port()));
                }
                await(() -> held.get() == LIMIT, "the held requests served");
                assertThat(connections.open()).isEqualTo(LIMIT);
                assertThat(connections.limited()).isZero();
                assertThat(log.lines()).isEmpty();
                List<Future<Outcome>> waiting = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    waiting.add(pool.submit(() -> oneRequest(server.port())));
                }
                await(() -> connections.limited() >= 1, "a connection waiting at the limit counted");
                assertThat(connections.open()).isEqualTo(LIMIT);
                release.release(LIMIT);
                for (Socket s : busy) {
                    // Read to the end and closed, as a client does (the server's half-closed connection waits for that).
                    assertThat(firstAnswer(s)).startsWith("HTTP/1.1 200");
                    s.close();
                }
                for (Future<Outcome> f : waiting) {
                    assertThat(f.get(30, TimeUnit.SECONDS).answer()).startsWith("HTTP/1.1 200");
                }
                await(() -> connections.open() == 0, "every connection closed");
                assertThat(connections.limited()).isBetween(1L, 3L);
                assertThat(log.lines()).containsExactly("all 4 connections of --web.max-connections are open: new connections wait"
                        + " to be accepted until one closes (a flood of connections or too low a limit)");
                java.io.StringWriter out = new java.io.StringWriter();
                io.promethium.exposition.TextFormatWriter writer = new io.promethium.exposition.TextFormatWriter(out);
                metrics.collect(writer);
                writer.finish();
                assertThat(out.toString()).contains("net_conntrack_listener_conn_accepted_total{listener_name=\"http\"} 7\n")
                        .contains("net_conntrack_listener_conn_closed_total{listener_name=\"http\"} 7\n")
                        .contains("promethium_http_connections_open 0\n")
                        .contains("promethium_http_connections_max 4\n")
                        .containsPattern("promethium_http_connections_limited_total [123]\n")
                        .contains("promethium_http_connections_evicted_total 0\n");
            } finally {
                for (Socket s : busy) {
                    s.close();
                }
                server.stop();
            }
        }
    }

    @Test
    void withoutALimitConnectionsAreCountedToo() throws Exception {
        HttpMetrics metrics = new HttpMetrics();
        HttpServer server = start("127.0.0.1:0", 0, metrics);
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(oneRequest(server.port()).answer()).startsWith("HTTP/1.1 200");
            }
            await(() -> metrics.connections().open() == 0, "every connection closed");
            java.io.StringWriter out = new java.io.StringWriter();
            io.promethium.exposition.TextFormatWriter writer = new io.promethium.exposition.TextFormatWriter(out);
            metrics.collect(writer);
            writer.finish();
            assertThat(out.toString()).contains("net_conntrack_listener_conn_accepted_total{listener_name=\"http\"} 3\n")
                    .contains("promethium_http_connections_max 0\n").contains("promethium_http_connections_limited_total 0\n");
        } finally {
            server.stop();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** One request on a new connection: its outcome and when it came. */
    private record Outcome(String answer, long atNanos) {
    }

    @Test
    void connectionsBeyondTheLimitWaitInTheBacklogAndAreEachAnsweredOnceARequestBeingServedEnds() throws Exception {
        HttpServer server = start("127.0.0.1:0", LIMIT);
        List<Socket> busy = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < LIMIT; i++) {
                busy.add(hold(server.port()));
            }
            await(() -> held.get() == LIMIT, "the held requests served");
            // More than Java's default backlog of 50, which Go's somaxconn-sized one takes whole.
            List<Future<Outcome>> waiting = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                waiting.add(pool.submit(() -> oneRequest(server.port())));
            }
            Thread.sleep(1_500);
            long freed = System.nanoTime();
            release.release(1);
            for (Future<Outcome> f : waiting) {
                Outcome outcome = f.get(60, TimeUnit.SECONDS);
                assertThat(outcome.answer()).as("a connection beyond the limit of %d", LIMIT).startsWith("HTTP/1.1 200");
                assertThat(outcome.atNanos()).as("answered only once a held request ended").isGreaterThan(freed);
            }
        } finally {
            for (Socket s : busy) {
                s.close();
            }
            server.stop();
        }
    }

    @Test
    void theLimitIsSharedByTheListenAddressesAndAConnectionBeyondItOnEitherWaitsInsteadOfBeingClosed() throws Exception {
        HttpServer server = start("127.0.0.1:0,127.0.0.1:0", LIMIT);
        List<Socket> sockets = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // Twice the limit, each a request held by the server, alternately on each listener.
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 2 * LIMIT; i++) {
                Socket s = hold(server.ports().get(i % 2));
                sockets.add(s);
                answers.add(pool.submit(() -> firstAnswer(s)));
            }
            Thread.sleep(1_500);
            assertThat(held.get()).as("requests served at once over both listeners").isEqualTo(LIMIT);
            assertThat(answers).as("none answered or closed while the limit is reached").noneMatch(Future::isDone);
            release.release(2 * LIMIT);
            for (Future<String> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).as("once the served ones closed, every waiting one").startsWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            server.stop();
        }
    }

    /**
     * A free slot goes to a connection that is there, whichever listener it came to: one request at
     * a time, two in a row on each of two listeners, at a limit of 1. Were the slot taken before the
     * accept (Go's {@code SharedLimitListener}), it would pass to the other listener's idle acceptor
     * (the longest waiting) and the second request in a row would wait for ever.
     */
    @Test
    void aFreeSlotGoesToAWaitingConnectionOnEitherListenerNotToAnIdleAcceptor() throws Exception {
        HttpServer server = start("127.0.0.1:0,127.0.0.1:0", 1);
        try {
            for (int i = 0; i < 12; i++) {
                int listener = i / 2 % 2;
                Outcome outcome = oneRequest(server.ports().get(listener), 5_000);
                assertThat(outcome.answer()).as("request %d, on listener %d, with no other connection open", i, listener)
                        .startsWith("HTTP/1.1 200");
            }
        } finally {
            server.stop();
        }
    }

    /**
     * Idle connections take every slot: a new connection waits until they have been idle two
     * seconds, then those that have are closed and the new one served at once; counted and logged once.
     */
    @Test
    void idleConnectionsGiveWayToANewOneOnceTheyHaveWaitedTwoSeconds() throws Exception {
        HttpMetrics metrics = new HttpMetrics();
        try (LogCapture log = new LogCapture(ConnectionMetrics.class.getName(), Level.WARNING)) {
            HttpServer server = start("127.0.0.1:0", LIMIT, metrics);
            List<Socket> idle = new ArrayList<>();
            try {
                long opened = System.nanoTime();
                for (int i = 0; i < LIMIT; i++) {
                    idle.add(new Socket("127.0.0.1", server.port()));
                }
                await(() -> metrics.connections().open() == LIMIT, "the idle connections open");
                Outcome outcome = oneRequest(server.port(), 5_000);
                assertThat(outcome.answer()).startsWith("HTTP/1.1 200");
                assertThat(outcome.atNanos() - opened).as("answered once the idle connections had waited two seconds")
                        .isGreaterThanOrEqualTo(WaitingConnections.MIN_WAIT_NANOS);
                // Those two seconds old at that moment: all four, or fewer if opened a moment apart.
                long closed = idle.stream().filter(ConnectionLimitTest::closedByServer).count();
                assertThat(closed).as("idle connections closed by the server").isBetween(1L, (long) LIMIT);
                assertThat(metrics.connections().evicted()).isEqualTo(closed);
                assertThat(log.lines()).anyMatch(l -> l.matches("closed " + closed + " connections? waiting on their clients to make room at"
                        + " --web.max-connections 4: the longest, of /127\\.0\\.0\\.1:\\d+, had sent no complete request for \\d+\\.\\d s"
                        + " \\(idle or slow clients holding every connection\\)"));
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
                server.stop();
            }
        }
    }

    /**
     * A slowloris connection (headers trickled, never complete) gives way at the limit; the
     * requests being served beside it do not, and are answered whole.
     */
    @Test
    void aConnectionTricklingItsHeadersGivesWayButRequestsBeingServedDoNot() throws Exception {
        HttpMetrics metrics = new HttpMetrics();
        HttpServer server = start("127.0.0.1:0", LIMIT, metrics);
        List<Socket> busy = new ArrayList<>();
        try (Socket slow = new Socket("127.0.0.1", server.port())) {
            slow.getOutputStream().write("GET /api/v1/ping HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < LIMIT - 1; i++) {
                busy.add(hold(server.port()));
            }
            await(() -> held.get() == LIMIT - 1, "the held requests served");
            for (int i = 0; i < 22; i++) {
                Thread.sleep(100);
                slow.getOutputStream().write('a');
            }
            assertThat(oneRequest(server.port(), 5_000).answer()).startsWith("HTTP/1.1 200");
            assertThat(closedByServer(slow)).as("the trickling connection closed").isTrue();
            assertThat(metrics.connections().evicted()).isEqualTo(1);
            release.release(LIMIT - 1);
            for (Socket s : busy) {
                assertThat(firstAnswer(s)).as("a request being served when the limit was reached").startsWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket s : busy) {
                s.close();
            }
            server.stop();
        }
    }

    /**
     * HTTP/2 connections (h2 over TLS) with no stream open hold every slot but one, whose stream is
     * being served: once they have been idle two seconds, a new connection is served at once, the
     * idle ones closed to make room and the one with a stream open left to be answered whole.
     */
    @Test
    void idleHttp2ConnectionsGiveWayToANewOneButOneWithAStreamOpenDoesNot(@TempDir Path dir) throws Exception {
        Tls tls = Tls.create(dir);
        HttpMetrics metrics = new HttpMetrics();
        HttpServer server = start("127.0.0.1:0", LIMIT, metrics, tls.webConfig());
        List<HttpClient> clients = new ArrayList<>();
        try {
            URI ping = URI.create("https://127.0.0.1:" + server.port() + "/api/v1/ping");
            // A client per connection: one client keeps a single HTTP/2 connection to a server.
            for (int i = 0; i < LIMIT - 1; i++) {
                clients.add(tls.client());
                HttpResponse<String> answer = clients.getLast().send(HttpRequest.newBuilder(ping).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
            }
            long idleSince = System.nanoTime();
            clients.add(tls.client());
            CompletableFuture<HttpResponse<String>> holding = clients.getLast().sendAsync(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/api/v1/hold")).build(),
                    HttpResponse.BodyHandlers.ofString());
            await(() -> held.get() == 1, "the held request served");
            assertThat(metrics.connections().open()).isEqualTo(LIMIT);

            // The server marks a connection idle once its answer's last frame is written, which can be
            // a moment after the client has read it: hence the margin.
            clients.add(tls.client());
            HttpResponse<String> answer = pingOnceTheyWaitedTwoSeconds(clients.getLast(), ping, idleSince,
                    "a new connection served (handshake included) once the idle ones had waited two seconds, ms");
            assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(metrics.connections().evicted()).as("idle HTTP/2 connections closed to make room").isEqualTo(LIMIT - 1);
            await(() -> metrics.connections().open() == 2, "only the held and the new connection open");

            assertThat(holding).as("the held request, its stream open").isNotDone();
            release.release(1);
            HttpResponse<String> heldAnswer = holding.get(10, TimeUnit.SECONDS);
            assertThat(heldAnswer.statusCode()).isEqualTo(200);
            assertThat(heldAnswer.body()).isEqualTo("pong");
        } finally {
            clients.forEach(HttpClient::shutdownNow);
            server.stop();
        }
    }

    /**
     * Connections that never finish their TLS handshake (one sends nothing, the others the first
     * bytes of a hello and no more) hold every slot: once they have waited two seconds, a new
     * connection is served at once and they are closed to make room.
     */
    @Test
    void connectionsThatNeverFinishTheirTlsHandshakeGiveWayToANewOne(@TempDir Path dir) throws Exception {
        Tls tls = Tls.create(dir);
        HttpMetrics metrics = new HttpMetrics();
        HttpServer server = start("127.0.0.1:0", LIMIT, metrics, tls.webConfig());
        List<Socket> stalled = new ArrayList<>();
        HttpClient client = tls.client();
        try {
            long since = System.nanoTime();
            for (int i = 0; i < LIMIT; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                if (i > 0) {
                    // A TLS record header announcing a hello, then silence.
                    s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
                    s.getOutputStream().flush();
                }
                stalled.add(s);
            }
            await(() -> metrics.connections().open() == LIMIT, "every slot held by a stalled handshake");
            pingOnceTheyWaitedTwoSeconds(client, URI.create("https://127.0.0.1:" + server.port() + "/api/v1/ping"), since,
                    "a new connection served once the stalled handshakes had waited two seconds, ms");
            assertThat(metrics.connections().evicted()).as("stalled handshakes closed to make room").isEqualTo(LIMIT);
        } finally {
            client.shutdownNow();
            for (Socket s : stalled) {
                s.close();
            }
            server.stop();
        }
    }

    /**
     * Once connections opened at {@code since} have waited two seconds and a margin, {@code ping}
     * on a new connection: answered 200 within 1 s (without a slot freed, it would wait for the
     * idle timeout, 30 s here).
     */
    private static HttpResponse<String> pingOnceTheyWaitedTwoSeconds(HttpClient client, URI ping, long since, String what)
            throws Exception {
        TimeUnit.NANOSECONDS.sleep(WaitingConnections.MIN_WAIT_NANOS + TimeUnit.MILLISECONDS.toNanos(200) - (System.nanoTime() - since));
        long asked = System.nanoTime();
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(ping).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(tookMillis).as(what).isLessThan(1_000);
        return answer;
    }

    /**
     * A TLS web config (HTTP/2 negotiated by ALPN, as by default) with the exporter-toolkit's test
     * certificate, written in a directory, and HTTP/2 clients trusting any server certificate: the
     * JDK's client refuses that one under TLS 1.3 (its key usage allows no signatures), and making
     * one that passes takes keytool several seconds; these tests are of connections, not of TLS.
     */
    private record Tls(WebConfigFile webConfig, SSLContext trusting) {
        static Tls create(Path dir) throws Exception {
            Path testdata = Path.of(ConnectionLimitTest.class.getResource("/exporter-toolkit/web/testdata").toURI());
            Path file = dir.resolve("web.yml");
            Files.writeString(file, "tls_server_config:\n  cert_file: " + testdata.resolve("server.crt")
                    + "\n  key_file: " + testdata.resolve("server.key") + "\n");
            // insecure_skip_verify, as a scrape config would say it
            SSLContext trusting = io.promethium.config.tls.TlsContexts.client(
                    new io.promethium.config.model.HttpClientConfig.TlsConfig("", "", "", "", true, "", "", "", "", ""), dir);
            return new Tls(WebConfigFile.load(file), trusting);
        }

        HttpClient client() {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trusting).connectTimeout(Duration.ofSeconds(5)).build();
        }
    }

    /** A new connection with a request to /api/v1/hold, which the server holds until {@link #release} gives a permit. */
    private static Socket hold(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        s.getOutputStream().write(HOLD.getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    /** Whether the server closed the socket (end of stream or reset), or has not within half a second. */
    private static boolean closedByServer(Socket s) {
        try {
            s.setSoTimeout(500);
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The first answer on a kept-alive connection (its small body read), or how the connection ended before one. */
    private static String firstAnswer(Socket s) {
        StringBuilder answer = new StringBuilder();
        try {
            byte[] buf = new byte[1024];
            while (!answer.toString().endsWith("pong")) {
                int n = s.getInputStream().read(buf);
                if (n < 0) {
                    return "closed before a whole answer: " + answer;
                }
                answer.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            return answer.toString();
        } catch (IOException e) {
            return "closed before a whole answer: " + e;
        }
    }

    @Test
    void aBurstOfConnectionsFarBeyondTheLimitIsAnsweredWhole() throws Exception {
        HttpServer server = start("127.0.0.1:0", LIMIT);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                outcomes.add(pool.submit(() -> oneRequest(server.port())));
            }
            List<String> others = new ArrayList<>();
            for (Future<Outcome> f : outcomes) {
                String answer = f.get(60, TimeUnit.SECONDS).answer();
                if (!answer.startsWith("HTTP/1.1 200")) {
                    others.add(answer);
                }
            }
            assertThat(others).as("connections of a burst of 300 at a limit of %d not answered 200", LIMIT).isEmpty();
        } finally {
            server.stop();
        }
    }

    /**
     * {@code GET /api/v1/ping} on a new connection (connect time-out 1 s, as a client that gives up
     * on a server that does not take its connection), read to the end: the answer, "not accepted",
     * "closed before any answer" or the error.
     */
    private static Outcome oneRequest(int port) {
        return oneRequest(port, 30_000);
    }

    private static Outcome oneRequest(int port, int readTimeoutMillis) {
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            } catch (SocketTimeoutException e) {
                return new Outcome("not accepted within 1 s", System.nanoTime());
            }
            s.setSoTimeout(readTimeoutMillis);
            s.getOutputStream().write("GET /api/v1/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer;
            try {
                answer = s.getInputStream().readAllBytes();
            } catch (IOException e) {
                return new Outcome("closed before any answer: " + e, System.nanoTime());
            }
            return new Outcome(answer.length == 0 ? "closed before any answer" : new String(answer, StandardCharsets.US_ASCII), System.nanoTime());
        } catch (IOException e) {
            return new Outcome(e.toString(), System.nanoTime());
        }
    }
}
