package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hostile clients against the assembled server, bounded to fit a CI run: 200 slowloris sockets
 * trickling a header byte at a time (closed at {@code --web.read-timeout}, 12 s here: several
 * times what the other clients take), 200 concurrent fresh connections, a 1 GiB push body and a
 * 1 GiB Alertmanager API body streamed, an OTLP body gzipped from 1 GiB, a snappy body declaring
 * 4 GiB decoded, a query nested 10,000 deep and a regex whose
 * backtracking is cubic in a 5,000-character label value. Each is refused or limited with an error
 * naming the limit, counted by that limit in {@code promethium_http_requests_refused_total} (the
 * slowloris sockets in {@code promethium_http_read_deadline_exceeded_total}) and logged once as a
 * warning an operator can alert on, while a monitor checks throughout that {@code /-/healthy} and
 * {@code query=vector(1)} answer within 1 s. The server runs with a 512 MiB heap
 * ({@code PROMETHIUM_JAVA_OPTS=-Xmx512m}; the launcher exits on an {@code OutOfMemoryError}): it is
 * alive at the end, with no {@code OutOfMemoryError} in its log, and its heap, as its JVM exporter
 * reports it, well within the limit.
 */
@Tag("alone") // run with the machine to itself (the pom's "alone" run): its 1 s responsiveness monitor needs the cores
class HostileClientsIT {

    private static final long GIB = 1L << 30;
    private static final long HEAP_LIMIT = 512L << 20;
    private static final long READ_TIMEOUT_SECONDS = 12;

    @Test
    void hostileClientsAreRefusedWhileHealthAndSmallQueriesAnswerWithinASecond() throws Exception {
        try (ServerProcess server = ServerProcess.prepare().asShipped()) {
            server.environment("PROMETHIUM_JAVA_OPTS", "-Xmx" + (HEAP_LIMIT >> 20) + "m").start("--web.enable-remote-write-receiver",
                    "--web.enable-otlp-receiver", "--alertmanager.config.file=conf/alertmanager.yml", "--push.storage.interval=1s", "--web.read-timeout=" + READ_TIMEOUT_SECONDS + "s")
                    .awaitReady();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
            ResponsivenessMonitor monitor = new ResponsivenessMonitor(server).start();
            List<Socket> slowloris = new ArrayList<>();
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            try {
                // Slowloris: 200 requests whose headers never end, one byte per socket every 500 ms.
                long slowlorisStart = System.nanoTime();
                for (int i = 0; i < 200; i++) {
                    Socket s = new Socket("127.0.0.1", server.port);
                    s.getOutputStream().write(("GET /api/v1/query?query=vector(1) HTTP/1.1\r\nHost: x\r\nX-Slow-" + i + ": ")
                            .getBytes(StandardCharsets.US_ASCII));
                    slowloris.add(s);
                }
                AtomicBoolean trickling = new AtomicBoolean(true);
                Future<?> trickle = pool.submit(() -> {
                    while (trickling.get()) {
                        for (Socket s : slowloris) {
                            try {
                                s.getOutputStream().write('a');
                            } catch (IOException e) {
                                // closed by the server: fine
                            }
                        }
                        ServerProcess.sleep(500);
                    }
                    return null;
                });

                // 200 concurrent clients, each on its own new connection, all answered.
                List<Future<Integer>> concurrent = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    concurrent.add(pool.submit(() -> rawGet(server.port, "/api/v1/query?query=vector(1)")));
                }
                for (Future<Integer> f : concurrent) {
                    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(200);
                }

                // A 1 GiB push body, streamed chunked (no length to refuse it by): cut off with 413 long before its end.
                StreamResult push = stream(server.port, "PUT /metrics/job/huge", "text/plain", GIB);
                assertThat(push.response()).startsWith("HTTP/1.1 413").contains("--push.max-body-size");
                assertThat(push.sent()).isLessThan(GIB / 4);

                // The same to the Alertmanager API: 400 at its 16 MiB limit.
                StreamResult alerts = stream(server.port, "POST /api/v2/alerts", "application/json", GIB);
                assertThat(alerts.response()).startsWith("HTTP/1.1 400").contains("body larger than " + (16 << 20) + " bytes");
                assertThat(alerts.sent()).isLessThan(GIB / 4);

                // An OTLP body gzipped from 1 GiB (1 MiB on the wire): inflated no further than the 32 MiB limit.
                HttpResponse<String> otlp = client.send(HttpRequest.newBuilder(server.uri("/api/v1/otlp/v1/metrics"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-protobuf").header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(gzipBomb(GIB))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(otlp.statusCode()).as(otlp.body()).isEqualTo(400);
                assertThat(otlp.body()).contains("request body too large: more than " + (32 << 20) + " bytes");

                // A remote-write snappy body declaring 4 GiB decoded, eight times the heap: refused by its declared length.
                long bombStart = System.nanoTime();
                HttpResponse<String> bomb = client.send(HttpRequest.newBuilder(server.uri("/api/v1/write")).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(snappyBomb(4 * GIB, 300 << 20))).build(), HttpResponse.BodyHandlers.ofString());
                // 400, as Prometheus answers a snappy body it will not decode.
                assertThat(bomb.statusCode()).as(bomb.body()).isEqualTo(400);
                assertThat(bomb.body()).contains("snappy: decoded length " + 4 * GIB + " exceeds the limit of " + (256 << 20) + " bytes");
                System.out.printf(java.util.Locale.ROOT, "hostile clients: the snappy body declaring 4 GiB refused in %.2f s%n",
                        (System.nanoTime() - bombStart) / 1e9);

                // A query nested 10,000 deep: refused by the parser, not by a stack overflow.
                String nested = "(".repeat(10_000) + "1" + ")".repeat(10_000);
                HttpResponse<String> deep = client.send(HttpRequest.newBuilder(server.uri("/api/v1/query"))
                        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(nested, StandardCharsets.UTF_8))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(deep.statusCode()).isEqualTo(400);
                assertThat(deep.body()).contains("bad_data").contains("nested too deeply");

                // .*.*.*a against a 5,000-character value: minutes of backtracking, stopped with an error naming the regex.
                String longValue = "x".repeat(5_000);
                HttpResponse<String> pushed = client.send(HttpRequest.newBuilder(server.uri("/metrics/job/hostile"))
                        .timeout(Duration.ofSeconds(20))
                        .PUT(HttpRequest.BodyPublishers.ofString("hostile_path{path=\"" + longValue + "\"} 1\n")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(pushed.statusCode()).isEqualTo(200);
                server.await(Duration.ofSeconds(20), () -> query(server, "count(hostile_path)").contains("\"1\"]"), "pushed long label stored");
                long started = System.nanoTime();
                HttpResponse<String> regex = server.get("/api/v1/query?query="
                        + URLEncoder.encode("hostile_path{path=~\".*.*.*a\"}", StandardCharsets.UTF_8));
                assertThat(regex.statusCode()).isEqualTo(422);
                assertThat(regex.body()).contains("execution").contains("too expensive").contains("5000 characters");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

                // --web.read-timeout: every slowloris request, never complete, is closed at its deadline
                // (the idle timeout alone, restarted at each byte, would have kept them).
                long sinceStart = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - slowlorisStart);
                ServerProcess.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(READ_TIMEOUT_SECONDS + 5) - sinceStart));
                trickling.set(false);
                trickle.get(10, TimeUnit.SECONDS);
                for (Socket s : slowloris) {
                    assertThat(closedByServer(s)).as("a slowloris socket closed by the server after --web.read-timeout").isTrue();
                }
                String metrics = server.get("/metrics").body();
                assertThat(metrics).containsPattern("(?m)^promethium_http_read_deadline_exceeded_total (2[0-9][0-9]|[3-9][0-9][0-9])$");
                // Each refusal counted by its limit, for an operator to alert on.
                for (String limit : List.of("push_body_size", "alertmanager_body_size", "otlp_body_size", "remote_write_decoded_size",
                        "query_nesting", "regex_cost")) {
                    assertThat(metrics).as("refusals by %s", limit).contains("promethium_http_requests_refused_total{limit=\"" + limit + "\"} 1\n");
                }
            } finally {
                monitor.close();
                for (Socket s : slowloris) {
                    s.close();
                }
                pool.shutdownNow();
            }

            assertThat(monitor.failures).as("health or small-query failures during the run").isEmpty();
            assertThat(monitor.checks.get()).as("monitor checks").isGreaterThanOrEqualTo(10);
            assertThat(Duration.ofNanos(monitor.slowestNanos.get())).as("slowest health or vector(1) answer; the slow ones: %s", monitor.slow).isLessThan(Duration.ofSeconds(1));
            assertThat(server.process().isAlive()).isTrue();
            String log = server.output();
            assertThat(log).doesNotContain("OutOfMemoryError").doesNotContain("StackOverflowError");
            // One warning per refusal (each limit refused once here), naming the limit, the client and the path.
            assertThat(log).contains(" to /metrics/job/huge by the limit push_body_size: push body exceeds the limit of " + (32 << 20)
                    + " bytes (--push.max-body-size)")
                    .contains(" to /api/v2/alerts by the limit alertmanager_body_size: body larger than " + (16 << 20) + " bytes")
                    .contains(" to /api/v1/otlp/v1/metrics by the limit otlp_body_size: request body too large")
                    .contains(" to /api/v1/write by the limit remote_write_decoded_size: snappy: decoded length " + 4 * GIB)
                    .contains(" to /api/v1/query by the limit query_nesting: ")
                    .contains(" to /api/v1/query by the limit regex_cost: ");
            assertThat(occurrences(log, "refused a request from 127.0.0.1:")).isEqualTo(6);
            // The 200 slowloris sockets, cut off within a second or two of each other: one warning (at most one every 10 s).
            assertThat(occurrences(log, "its request was not read within --web.read-timeout " + READ_TIMEOUT_SECONDS * 1000 + "ms"))
                    .as("slowloris warnings").isBetween(1, 2);

            // The heap limit held: the JVM ran with it and, after all this, uses a fraction of it.
            String jvm = server.get("/exporters/jvm/metrics").body();
            double heapMax = sample(jvm, "jvm_memory_max_bytes{area=\"heap\"}");
            double heapUsed = sample(jvm, "jvm_memory_used_bytes{area=\"heap\"}");
            System.out.printf(java.util.Locale.ROOT, "hostile clients: heap used %.0f MiB of %.0f MiB after the hostile requests%n",
                    heapUsed / (1 << 20), heapMax / (1 << 20));
            assertThat(heapMax).isEqualTo((double) HEAP_LIMIT);
            assertThat(heapUsed).as("heap used after the hostile requests").isLessThan(HEAP_LIMIT * 3 / 4.0);
        }
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    /** The value of one series (name and labels as exposed) on a metrics page. */
    private static double sample(String page, String series) {
        for (String line : page.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).strip().split(" ")[0]);
            }
        }
        throw new AssertionError("no " + series + " on the page:\n" + page);
    }

    private static String query(ServerProcess server, String promql) {
        return server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
    }

    /** True when the server closed the socket (end of stream or reset), false when it is still open after 5 s. */
    private static boolean closedByServer(Socket s) {
        try {
            s.setSoTimeout(5000);
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static int rawGet(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    record StreamResult(String response, long sent) {
    }

    /**
     * Streams up to {@code total} bytes of sample lines as a chunked body ({@code request} is the
     * method and path) until the server answers or cuts it off: no length to refuse it by.
     */
    private static StreamResult stream(int port, String request, String contentType, long total) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write((request + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: " + contentType + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] line = "huge_metric{i=\"0123456789\"} 1\n".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream chunkData = new ByteArrayOutputStream();
            while (chunkData.size() < 64 * 1024 - line.length) {
                chunkData.write(line);
            }
            byte[] data = chunkData.toByteArray();
            byte[] chunk = new byte[data.length + 16];
            byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, chunk, 0, head.length);
            System.arraycopy(data, 0, chunk, head.length, data.length);
            chunk[head.length + data.length] = '\r';
            chunk[head.length + data.length + 1] = '\n';
            int chunkLength = head.length + data.length + 2;
            InputStream in = s.getInputStream();
            long sent = 0;
            try {
                while (sent < total && in.available() == 0) {
                    out.write(chunk, 0, chunkLength);
                    sent += data.length;
                }
            } catch (IOException e) {
                // The server closed the connection after answering: read what it said.
            }
            byte[] response = in.readNBytes(4096);
            return new StreamResult(new String(response, StandardCharsets.UTF_8), sent);
        }
    }

    /** {@code size} zero bytes gzipped (about a thousandth of that on the wire). */
    private static byte[] gzipBomb(long size) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes, 1 << 16)) {
            for (long written = 0; written < size; written += zeros.length) {
                gz.write(zeros);
            }
        }
        return bytes.toByteArray();
    }

    /**
     * A snappy body declaring {@code declared} bytes decoded, whose content is the first
     * {@code content} of them: one literal, then 64-byte copies of it. A decoder that trusts the
     * declared length allocates it up front (Go's {@code snappy.Decode} does); a stream that really
     * decoded to gigabytes would be ~200 MB compressed at snappy's best ratio (3 bytes per 64),
     * past the receiver's 32 MiB body limit, and refused by that limit instead.
     */
    private static byte[] snappyBomb(long declared, int content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content / 64 * 3 + 16);
        int copies = (content - 1) / 64;
        long v = declared;
        while (v >= 0x80) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        out.write(0); // a literal of one byte
        out.write('x');
        for (int i = 0; i < copies; i++) {
            out.write((63 << 2) | 2); // a copy of 64 bytes, offset 1 (two-byte offset)
            out.write(1);
            out.write(0);
        }
        return out.toByteArray();
    }
}
