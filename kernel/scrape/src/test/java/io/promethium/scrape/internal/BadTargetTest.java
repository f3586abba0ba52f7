package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.ScrapeLimits;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.config.relabel.Relabeler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Targets that misbehave on the wire: every case ends the scrape with up=0 and a clear error,
 * bounded by the timeout or a limit, and the next scrape of a healthy page works again.
 */
class BadTargetTest {

    /** Answers each connection with a hand-written response (or none). */
    interface Responder {
        void respond(Socket socket) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    private final CopyOnWriteArrayList<Socket> open = new CopyOnWriteArrayList<>();
    private volatile Responder responder;
    private final MemoryStorage storage = new MemoryStorage();
    private final ScrapeMetrics metrics = new ScrapeMetrics();

    BadTargetTest() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    Thread.ofVirtual().start(() -> {
                        try {
                            readRequest(s.getInputStream());
                            responder.respond(s);
                        } catch (IOException | InterruptedException e) {
                            // Client gave up.
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String headers(String extra) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n" + extra + "\r\n";
    }

    private void healthy() {
        responder = s -> {
            write(s, headers("Content-Length: 4\r\nConnection: close\r\n") + "a 1\n");
            s.close();
        };
    }

    /** A loop whose timeout (700 ms) bounds the cases that must time out. */
    private ScrapeLoop loop(ScrapeLimits limits) throws Exception {
        return loop(limits, Duration.ofMillis(700));
    }

    /**
     * A loop for cases that must succeed: a timeout far above their few milliseconds, so that a
     * loaded machine (a cold client's first connections, a redirect's second one) cannot fail them.
     */
    private ScrapeLoop patientLoop() throws Exception {
        return loop(ScrapeLimits.NONE, Duration.ofSeconds(8));
    }

    private ScrapeLoop loop(ScrapeLimits limits, Duration timeout) throws Exception {
        ScrapeConfig config = Configs.withLimits(
                Configs.withTiming(Configs.job("bad"), Duration.ofSeconds(10), timeout), limits);
        String address = "127.0.0.1:" + socket.getLocalPort();
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", address), Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        ScrapeTarget target = new ScrapeTarget("bad", result.discovered(), result.labels(),
                TargetBuilder.publicLabels(result.labels()), url);
        LoopSettings settings = new LoopSettings.Base(config, Relabeler.NONE, null)
                .forTarget(config.scrapeInterval(), config.scrapeTimeout());
        PageFetcher scraper = fetcher(config, url, limits);
        return new ScrapeLoop(target, settings, scraper, () -> storage, metrics, null);
    }

    /** The lean socket client for http:// targets; {@link JdkClientBadTargetTest} runs the same cases on the JDK client. */
    PageFetcher fetcher(ScrapeConfig config, URI url, ScrapeLimits limits) throws Exception {
        return new HttpClientShards(config.httpClient(), null).fetcher(0, url, config.scrapeTimeout(),
                limits.bodySizeLimit(), ExpositionFormats.acceptHeader(config.scrapeProtocols()), true);
    }

    private double up(ScrapeLoop loop, long ts) {
        Labels up = loop.target().publicLabels().toBuilder().set("__name__", "up").build();
        return storage.valueAt(up, ts);
    }

    private void assertRecovers(ScrapeLoop loop) {
        healthy();
        loop.scrapeOnce(99_000);
        assertThat(up(loop, 99_000)).as("the next healthy scrape works").isEqualTo(1.0);
    }

    @Test
    void aTargetThatNeverAnswersTimesOut() throws Exception {
        responder = s -> Thread.sleep(60_000);
        ScrapeLoop loop = loop(ScrapeLimits.NONE);

        loop.scrapeOnce(1000);

        assertThat(up(loop, 1000)).isZero();
        assertThat(loop.info().lastError()).contains("deadline exceeded");
        assertRecovers(loop);
    }

    @Test
    void aSlowBodyTimesOut() throws Exception {
        responder = s -> {
            write(s, headers("Transfer-Encoding: chunked\r\n"));
            for (int i = 0; i < 600; i++) {
                write(s, "2\r\n#\n\r\n");
                Thread.sleep(100);
            }
        };
        ScrapeLoop loop = loop(ScrapeLimits.NONE);

        loop.scrapeOnce(1000);

        assertThat(up(loop, 1000)).isZero();
        assertThat(loop.info().lastError()).contains("deadline exceeded");
        assertRecovers(loop);
    }

    @Test
    void anEndlessBodyStopsAtTheBodySizeLimit() throws Exception {
        String chunk = "x_total{l=\"" + "v".repeat(4000) + "\"} 1\n";
        responder = s -> {
            write(s, headers("Transfer-Encoding: chunked\r\n"));
            String framed = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n";
            while (true) {
                write(s, framed);
            }
        };
        ScrapeLoop loop = loop(new ScrapeLimits(64 * 1024, 0, 0, 0, 0, 0, 0));

        loop.scrapeOnce(1000);

        assertThat(up(loop, 1000)).isZero();
        assertThat(loop.info().lastError()).contains("body size limit exceeded");
        assertRecovers(loop);
    }

    @Test
    void aHugeLineHitsTheBodyLimitOrTheLabelValueLimit() throws Exception {
        String page = "huge{l=\"" + "v".repeat(2_000_000) + "\"} 1\n";
        responder = s -> {
            write(s, headers("Content-Length: " + page.length() + "\r\nConnection: close\r\n") + page);
            s.close();
        };
        ScrapeLoop bounded = loop(new ScrapeLimits(1024 * 1024, 0, 0, 0, 0, 0, 0));
        bounded.scrapeOnce(1000);
        assertThat(bounded.info().lastError()).contains("body size limit exceeded");

        ScrapeLoop labelBounded = loop(new ScrapeLimits(0, 0, 0, 0, 1024, 0, 0));
        labelBounded.scrapeOnce(2000);
        assertThat(labelBounded.info().lastError()).contains("label_value_length_limit exceeded");
        assertRecovers(labelBounded);
    }

    @Test
    void aContentLengthLongerThanTheBodyEndsInAnErrorOrTimeout() throws Exception {
        responder = s -> {
            write(s, headers("Content-Length: 1000\r\n") + "a 1\n");
            Thread.sleep(60_000);
        };
        ScrapeLoop loop = loop(ScrapeLimits.NONE);
        loop.scrapeOnce(1000);
        assertThat(up(loop, 1000)).isZero();
        assertThat(loop.info().lastError()).contains("deadline exceeded");

        responder = s -> {
            write(s, headers("Content-Length: 1000\r\n") + "a 1\n");
            s.close();
        };
        loop.scrapeOnce(2000);
        assertThat(up(loop, 2000)).isZero();
        assertThat(loop.info().lastError()).isNotEmpty();
        assertRecovers(loop);
    }

    @Test
    void aContentLengthShorterThanTheBodyParsesOnlyTheDeclaredBytes() throws Exception {
        responder = s -> {
            write(s, headers("Content-Length: 4\r\nConnection: close\r\n") + "a 1\nb 2\n");
            s.close();
        };
        ScrapeLoop loop = patientLoop();
        loop.scrapeOnce(1000);
        assertThat(up(loop, 1000)).isEqualTo(1.0);
        Labels b = loop.target().publicLabels().toBuilder().set("__name__", "b").build();
        assertThat(storage.valueAt(b, 1000)).isNull();
    }

    @Test
    void aGzipBombStopsAtTheBodySizeLimitAfterDecompression() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            byte[] comment = ("#" + " ".repeat(1022) + "\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 16 * 1024; i++) {
                gz.write(comment);
            }
        }
        byte[] body = bytes.toByteArray();
        responder = s -> {
            write(s, headers("Content-Encoding: gzip\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n"));
            s.getOutputStream().write(body);
            s.close();
        };
        ScrapeLoop loop = loop(new ScrapeLimits(1024 * 1024, 0, 0, 0, 0, 0, 0));
        loop.scrapeOnce(1000);
        assertThat(loop.info().lastError()).contains("body size limit exceeded").contains("decompression");
    }

    @Test
    void keepsTheConnectionAliveAcrossScrapesAndReconnectsWhenThePeerClosedIt() throws Exception {
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        responder = s -> {
            while (true) {
                write(s, headers("Content-Length: 4\r\n") + "a 1\n");
                requests.incrementAndGet();
                if (requests.get() == 2) {
                    // Server-side idle close after the second answer.
                    s.close();
                    return;
                }
                readRequest(s.getInputStream());
            }
        };
        ScrapeLoop loop = patientLoop();
        for (int i = 1; i <= 3; i++) {
            loop.scrapeOnce(i * 1000L);
            assertThat(up(loop, i * 1000L)).as("scrape %d", i).isEqualTo(1.0);
        }
        assertThat(open).as("connections: one kept alive for two scrapes, one after the peer closed it").hasSize(2);
    }

    @Test
    void retriesOnAFreshConnectionWhenThePeerResetsAnIdleOneAsTheRequestArrives() throws Exception {
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        responder = s -> {
            if (connections.incrementAndGet() > 1) {
                write(s, headers("Content-Length: 4\r\nConnection: close\r\n") + "a 1\n");
                s.close();
                return;
            }
            write(s, headers("Content-Length: 4\r\n") + "a 1\n");
            // An idle close racing the next request: with the request unread, the close is a reset.
            while (s.getInputStream().available() == 0) {
                Thread.sleep(5);
            }
            s.setSoLinger(true, 0);
            s.close();
        };
        ScrapeLoop loop = patientLoop();
        for (int i = 1; i <= 2; i++) {
            loop.scrapeOnce(i * 1000L);
            assertThat(up(loop, i * 1000L)).as("scrape %d: %s", i, loop.info().lastError()).isEqualTo(1.0);
        }
        assertThat(open).as("the reset connection, then a fresh one").hasSize(2);
    }

    @Test
    void namesTheResetWhenAFreshConnectionIsResetBeforeAnswering() throws Exception {
        responder = s -> {
            s.setSoLinger(true, 0);
            s.close();
        };
        ScrapeLoop loop = patientLoop();
        loop.scrapeOnce(1000);
        assertThat(up(loop, 1000)).isEqualTo(0.0);
        assertNamesTheReset(loop.info().lastError());
    }

    /** The socket fetcher names the reset rather than a close without a response. */
    void assertNamesTheReset(String error) {
        assertThat(error).contains("SocketException").contains("reset");
    }

    @Test
    void decodesChunkedBodies() throws Exception {
        responder = s -> {
            write(s, headers("Transfer-Encoding: chunked\r\nConnection: close\r\n")
                    + "4\r\na 1\n\r\n6;ext=1\r\nbb 22\n\r\n0\r\nX-Trailer: t\r\n\r\n");
            s.close();
        };
        ScrapeLoop loop = patientLoop();
        loop.scrapeOnce(1000);
        assertThat(up(loop, 1000)).isEqualTo(1.0);
        Labels bb = loop.target().publicLabels().toBuilder().set("__name__", "bb").build();
        assertThat(storage.valueAt(bb, 1000)).isEqualTo(22.0);
    }

    @Test
    void followsRedirects() throws Exception {
        ScrapeLoop loop = patientLoop();
        responder = new Responder() {
            private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

            @Override
            public void respond(Socket s) throws IOException {
                if (n.getAndIncrement() == 0) {
                    write(s, "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                } else {
                    write(s, headers("Content-Length: 4\r\nConnection: close\r\n") + "r 7\n");
                }
                s.close();
            }
        };
        loop.scrapeOnce(1000);
        assertThat(up(loop, 1000)).isEqualTo(1.0);
        Labels r = loop.target().publicLabels().toBuilder().set("__name__", "r").build();
        assertThat(storage.valueAt(r, 1000)).isEqualTo(7.0);
    }

    @Test
    void aRefusedConnectionIsAnErrorNamingTheUrl() throws Exception {
        ScrapeLoop loop = loop(ScrapeLimits.NONE);
        socket.close();
        loop.scrapeOnce(1000);
        assertThat(up(loop, 1000)).isZero();
        assertThat(loop.info().lastError()).contains(loop.target().url().toString());
    }
}
