package io.promethium.web.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.routes.RouteTable;
import io.promethium.web.internal.routes.RoutesHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --web.read-timeout} as Prometheus means it (Go's {@code ReadTimeout}): the whole request
 * is read within it from its first byte, however often a slow client sends one, while other
 * clients are served; the deadline here is 1.5 s.
 */
class ReadDeadlineTest {
    private static final long DEADLINE_MILLIS = 1500;

    /** Answers with the size of the request body it read. */
    private record Echo(String pathPrefix) implements HttpRoutes {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            try (InputStream in = exchange.requestBody()) {
                exchange.respond(200, "text/plain", "read " + in.readAllBytes().length);
            }
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpMetrics metrics = new HttpMetrics();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        RouteTable routes = new RouteTable();
        routes.add(new Echo("/echo"));
        server = new HttpServer("127.0.0.1:0", new RoutesHandler(routes, metrics, null, "/"), WebConfigFile.NONE, DEADLINE_MILLIS, 0, "/");
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void aClientTricklingItsHeadersIsCutOffAtTheDeadlineWhileOthersAreServed() throws Exception {
        assertTrickleCutOff("GET /echo HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", (byte) 'a');
    }

    @Test
    void aClientTricklingItsBodyIsCutOffAtTheDeadlineToo() throws Exception {
        assertTrickleCutOff("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n", (byte) 'b');
    }

    /**
     * A kept-alive connection idle for most of the deadline after a request, then sending the next
     * in a second: the deadline counts from the new request's first byte, so it is served.
     */
    @Test
    void aRequestIsTimedFromItsFirstByteNotFromTheEndOfTheRequestBefore() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(s)).startsWith("HTTP/1.1 200").endsWith("read 0");
            Thread.sleep(DEADLINE_MILLIS * 2 / 3);
            byte[] request = "GET /echo HTTP/1.1\r\nHost: localhost\r\nX-Slow: abcdefghij\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < request.length; i++) {
                out.write(request[i]);
                out.flush();
                Thread.sleep(1000 / request.length);
            }
            assertThat(readResponse(s)).startsWith("HTTP/1.1 200").endsWith("read 0");
        }
        assertThat(metrics.readDeadlineExceeded().get()).isZero();
    }

    /** Sends {@code head}, then {@code trickle} every 100 ms: closed without an answer at the deadline, others served meanwhile. */
    private void assertTrickleCutOff(String head, byte trickle) throws Exception {
        try (io.promethium.testsupport.LogCapture log = new io.promethium.testsupport.LogCapture(
                ReadDeadlineConnectionFactory.class.getName(), java.util.logging.Level.WARNING);
             Socket slow = new Socket("127.0.0.1", server.port())) {
            slow.setSoTimeout(20_000);
            OutputStream out = slow.getOutputStream();
            long start = System.nanoTime();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<Integer> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return slow.getInputStream().read();
                } catch (IOException e) {
                    return -2;
                }
            });
            int served = 0;
            // Each byte restarts Jetty's idle timeout, never the deadline.
            for (int i = 0; i < 60 && !answer.isDone(); i++) {
                try {
                    out.write(trickle);
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                if (i % 4 == 0) {
                    HttpResponse<String> other = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/echo"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(other.statusCode()).isEqualTo(200);
                    served++;
                }
                Thread.sleep(100);
            }
            int first = answer.get(10, java.util.concurrent.TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(first).as("the slow client gets no answer, its connection is closed").isNegative();
            assertThat(seconds).as("closed after, s").isBetween(DEADLINE_MILLIS / 1000.0 - 0.1, DEADLINE_MILLIS / 1000.0 + 1.5);
            assertThat(served).as("other requests served meanwhile").isGreaterThanOrEqualTo(3);
            // The first cut-off of every 10 s is a warning an operator sees (the rest are counted, and logged at FINE).
            assertThat(log.lines()).singleElement().asString().startsWith("closing /127.0.0.1:")
                    .contains("its request was not read within --web.read-timeout " + DEADLINE_MILLIS + "ms")
                    .endsWith("(a slow or stalled client; 1 cut off so far)");
        }
        assertThat(metrics.readDeadlineExceeded().get()).isEqualTo(1);
    }

    /** The next response (small enough for one read). */
    private static String readResponse(Socket s) throws IOException {
        byte[] buf = new byte[4096];
        int n = s.getInputStream().read(buf);
        return n < 0 ? "closed" : new String(buf, 0, n, StandardCharsets.US_ASCII).strip();
    }
}
