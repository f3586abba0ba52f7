package io.promethium.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A TCP proxy on loopback in front of a Kubernetes API stand-in that can turn bad: answer every new
 * connection with an HTTP status (401, 403, 500), answer watch requests with 410 Gone, end the
 * WebSocket watches (a close frame) or cut them silently (bytes stop flowing, nothing is closed: a
 * NAT or firewall that forgot them), cut every open connection so (kept-alive ones included), reset
 * new connections, and drop every connection in flight. Otherwise bytes pass both ways
 * untouched. It records the {@code Authorization} headers it saw on each connection's first request,
 * and counts what the client's informer does (requests refused, watches gone, watches the API
 * holds; each on a connection of its own, as every fault closes the connections), so a test can follow its retries and reconnects instead of sleeping.
 */
public final class FaultyProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final InetSocketAddress target;
    private final String scheme;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** The client side of the connections carrying WebSocket watches the API answered. */
    private final Set<Socket> watchClients = ConcurrentHashMap.newKeySet();
    /** Connections cut silently: what arrives on them is dropped, both ways; they stay open. */
    private final Set<Socket> silenced = ConcurrentHashMap.newKeySet();
    private volatile int failWith;
    private volatile boolean goneForWatches;
    private volatile boolean resetNew;
    public final Set<String> authorizations = ConcurrentHashMap.newKeySet();
    /** Requests answered with {@link #failWith}'s status. */
    private final AtomicInteger refused = new AtomicInteger();
    /** Watch requests answered 410 Gone. */
    private final AtomicInteger gone = new AtomicInteger();
    /**
     * Watches the API has begun to answer: its response (the WebSocket upgrade or the stream's
     * head) is on its way, so the mock holds the watch and sends every later change through it.
     */
    private final AtomicInteger watchesHeld = new AtomicInteger();
    /** Connections accepted and passed on (not reset). */
    private final AtomicInteger accepted = new AtomicInteger();

    public FaultyProxy(String targetUrl) throws IOException {
        this(targetUrl, null);
    }

    /**
     * With {@code tls}, the proxy terminates TLS with that context's certificate: an HTTPS front,
     * on loopback, for the plain-HTTP API mock (so the API's certificate can be one a test CA signed).
     */
    public FaultyProxy(String targetUrl, SSLContext tls) throws IOException {
        URI uri = URI.create(targetUrl);
        target = new InetSocketAddress(uri.getHost(), uri.getPort());
        listener = tls == null ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
                : tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        scheme = tls == null ? "http" : "https";
        executor.submit(this::accept);
    }

    public String url() {
        return scheme + "://127.0.0.1:" + listener.getLocalPort() + "/";
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** New connections answered with {@code status} (0: pass through); connections in flight are dropped. */
    public void failWith(int status) {
        failWith = status;
        dropConnections();
    }

    /** New connections answered with {@code status} (0: pass through); connections in flight carry on. */
    public void failNewWith(int status) {
        failWith = status;
    }

    /**
     * New connections reset (RST) as soon as they are accepted, before any byte: a connection
     * failure, not an HTTP answer; counted as refused. Connections in flight carry on.
     */
    public void resetNew(boolean reset) {
        resetNew = reset;
    }

    /**
     * Watch requests answered 410 Gone (the client must re-list). Turned on, the watches in
     * flight end (as {@link #endWatches}), so the next ones meet it; turned off, nothing is cut.
     */
    public void goneForWatches(boolean gone) {
        goneForWatches = gone;
        if (gone) {
            endWatches();
        }
    }

    /**
     * Ends every WebSocket watch the API holds as an API server does at a watch's timeout: a
     * close frame (1000), then the connection closes. (A connection cut without one is noticed by
     * the JDK's WebSocket only at its next read or write, at no predictable time.)
     */
    public void endWatches() {
        for (Socket socket : watchClients) {
            try {
                OutputStream out = socket.getOutputStream();
                synchronized (socket) {
                    out.write(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE8});
                    out.flush();
                }
            } catch (IOException ignored) {
                // gone already
            }
            close(socket);
        }
    }

    /**
     * Cuts the WebSocket watches the API holds without a word: bytes stop flowing both ways, no
     * FIN, no RST, no close frame; the sockets stay open. Other connections (the client's pooled
     * ones included) and new ones pass as before.
     */
    public void cutWatchesSilently() {
        silenced.addAll(watchClients);
    }

    /**
     * Cuts every connection open now without a word, as a NAT or firewall that forgot its flows:
     * bytes stop flowing both ways, no FIN, no RST, no close frame; the sockets stay open. The
     * client's kept-alive (pooled) connections are among them, and look alive to it until a
     * request sent on one goes unanswered. New connections pass as before.
     */
    public void blackholeExisting() {
        silenced.addAll(open);
    }

    /** How many requests were refused with {@link #failWith}'s status so far. */
    public int refused() {
        return refused.get();
    }

    /** How many watch requests were answered 410 Gone so far. */
    public int gone() {
        return gone.get();
    }

    /** How many connections were accepted and passed on so far (a client's new connections). */
    public int accepted() {
        return accepted.get();
    }

    /** How many watches the API has begun to answer so far (see {@link #watchesHeld}). */
    public int watchesHeld() {
        return watchesHeld.get();
    }

    /**
     * Waits until {@code count} passes {@code before}: the informer's own retry, re-list or
     * re-watch, followed as it happens instead of guessed with a sleep. The bound only keeps a
     * broken informer from hanging the build.
     */
    public static void awaitAbove(String what, java.util.function.IntSupplier count, int before) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (count.getAsInt() <= before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 30 s (still " + count.getAsInt() + ")");
            }
            Thread.sleep(10);
        }
    }

    public void dropConnections() {
        for (Socket socket : open) {
            close(socket);
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (resetNew) {
                    client.setSoLinger(true, 0);
                    client.close();
                    refused.incrementAndGet();
                    continue;
                }
                open.add(client);
                accepted.incrementAndGet();
                executor.submit(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            for (String line : text.split("\r\n")) {
                if (line.regionMatches(true, 0, "Authorization:", 0, 14)) {
                    authorizations.add(line.substring(14).strip());
                }
            }
            String requestLine = text.substring(0, Math.max(0, text.indexOf("\r\n")));
            boolean watch = requestLine.contains("watch=true");
            int status = failWith;
            boolean goneWatch = status == 0 && goneForWatches && watch;
            if (goneWatch) {
                status = 410;
            }
            if (status != 0) {
                byte[] body = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"proxy says " + status
                        + "\",\"code\":" + status + "}").getBytes(StandardCharsets.UTF_8);
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 " + status + " Proxy\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                (goneWatch ? gone : refused).incrementAndGet();
                close(client);
                return;
            }
            Socket upstream = new Socket(target.getAddress(), target.getPort());
            open.add(upstream);
            upstream.getOutputStream().write(head);
            if (watch) {
                watchClients.add(client);
            }
            executor.submit(() -> pipe(upstream, client, watch ? watchesHeld : null));
            pipe(client, upstream, null);
        } catch (IOException e) {
            close(client);
        }
    }

    /** The request line and headers, up to the blank line. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            if (matched == 4) {
                break;
            }
        }
        return head.toByteArray();
    }

    /** Copies {@code from} to {@code to}; {@code firstBytes}, when not null, is counted up once the first bytes went through. */
    private void pipe(Socket from, Socket to, AtomicInteger firstBytes) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (silenced.contains(from) || silenced.contains(to)) {
                    continue;
                }
                // Whole reads at a time, so a close frame of endWatches does not land inside a frame.
                synchronized (to) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                if (firstBytes != null) {
                    firstBytes.incrementAndGet();
                    firstBytes = null;
                }
            }
        } catch (IOException ignored) {
            // one side went away
        } finally {
            close(from);
            close(to);
        }
    }

    private void close(Socket socket) {
        open.remove(socket);
        watchClients.remove(socket);
        silenced.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        dropConnections();
        executor.shutdownNow();
    }
}
