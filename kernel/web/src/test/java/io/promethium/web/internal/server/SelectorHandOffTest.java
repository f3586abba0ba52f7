package io.promethium.web.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.routes.RouteTable;
import io.promethium.web.internal.routes.Router;
import io.promethium.web.internal.routes.RoutesHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A listener's selecting passes to another thread only when a request runs long
 * ({@link SelectorHandOff}): small requests in a row are served by the thread that read them,
 * and a request that does not end holds no other connection back.
 */
class SelectorHandOffTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
    private HttpServer server;

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (server != null) {
            server.stop();
        }
    }

    private int start() throws Exception {
        RouteTable routes = new RouteTable();
        routes.addBuiltIn(Router.under("/api/v1/ping").get("/api/v1/ping", call -> {
            threads.add(Thread.currentThread().getName());
            call.respond(200, "text/plain", "pong");
        }).build());
        routes.addBuiltIn(Router.under("/api/v1/hold").get("/api/v1/hold", call -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            call.respond(200, "text/plain", "held");
        }).build());
        server = new HttpServer("127.0.0.1:0", new RoutesHandler(routes, new HttpMetrics(), null, "/"), WebConfigFile.NONE, 30_000, 0, "/");
        server.start();
        return server.port();
    }

    @Test
    void smallRequestsInARowAreServedByTheThreadThatReadThem() throws Exception {
        int port = start();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            for (int i = 0; i < 200; i++) {
                assertThat(get(s, "/api/v1/ping")).isEqualTo("pong");
            }
        }
        // Jetty's own hand-over at the start of each request alternates two threads (none in a row
        // on one); here a thread changes only when a request ran past the hand-over time, which a
        // busy machine may make happen now and then.
        List<String> last = threads.subList(100, 200);
        int same = 0;
        for (int i = 1; i < last.size(); i++) {
            if (last.get(i).equals(last.get(i - 1))) {
                same++;
            }
        }
        assertThat(same).as("requests served by the thread that served the one before, of 99: %s", last).isGreaterThan(60);
    }

    @Test
    void aRequestThatDoesNotEndHoldsNoOtherConnectionBack() throws Exception {
        int port = start();
        try (Socket held = new Socket(InetAddress.getLoopbackAddress(), port);
             Socket other = new Socket(InetAddress.getLoopbackAddress(), port)) {
            other.setSoTimeout(10_000);
            assertThat(get(other, "/api/v1/ping")).isEqualTo("pong");
            send(held, "/api/v1/hold");
            Thread.sleep(50);
            // The held request runs on the thread that read it; the other connection is still read and answered.
            for (int i = 0; i < 5; i++) {
                assertThat(get(other, "/api/v1/ping")).isEqualTo("pong");
            }
            try (Socket third = new Socket(InetAddress.getLoopbackAddress(), port)) {
                third.setSoTimeout(10_000);
                assertThat(get(third, "/api/v1/ping")).isEqualTo("pong");
            }
            release.countDown();
            held.setSoTimeout(10_000);
            assertThat(body(held.getInputStream())).isEqualTo("held");
        }
    }

    private static void send(Socket s, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String get(Socket s, String path) throws IOException {
        send(s, path);
        return body(s.getInputStream());
    }

    /** One response's body, read by its Content-Length. */
    private static String body(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the headers: " + head);
            }
            head.write(b);
            byte[] h = head.toByteArray();
            if (h.length >= 4 && h[h.length - 4] == '\r' && h[h.length - 3] == '\n' && h[h.length - 2] == '\r' && h[h.length - 1] == '\n') {
                break;
            }
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
        if (!m.find()) {
            throw new IOException("no Content-Length: " + headers);
        }
        byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
        return new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void aKeptHandOverRunsWhereTheRequestEndedOrGoesToThePoolAfterTheHandOffTime() throws Exception {
        org.eclipse.jetty.util.thread.ScheduledExecutorScheduler scheduler = new org.eclipse.jetty.util.thread.ScheduledExecutorScheduler();
        scheduler.start();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            List<String> ranOn = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.Semaphore ran = new java.util.concurrent.Semaphore(0);
            Runnable handOver = () -> {
                ranOn.add(Thread.currentThread().getName());
                ran.release();
            };
            // Ended soon (before a minute): the hand-over runs on the selecting thread when it selects again.
            SelectorHandOff handOff = new SelectorHandOff(pool, scheduler, TimeUnit.MINUTES.toNanos(1));
            assertThat(handOff.tryExecute(handOver)).isTrue();
            assertThat(ranOn).isEmpty();
            handOff.beforeSelect();
            assertThat(ranOn).containsExactly(Thread.currentThread().getName());
            // Still running: a tick gives it to the pool, and the selecting thread does not run it again.
            ranOn.clear();
            handOff = new SelectorHandOff(pool, scheduler, TimeUnit.MILLISECONDS.toNanos(1));
            assertThat(handOff.tryExecute(handOver)).isTrue();
            assertThat(ran.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
            assertThat(ranOn).hasSize(1).doesNotContain(Thread.currentThread().getName());
            handOff.beforeSelect();
            assertThat(ranOn).hasSize(1);
        } finally {
            pool.shutdownNow();
            scheduler.stop();
        }
    }
}
