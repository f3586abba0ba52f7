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
 * connection with an HTTP status (401, 403, 500), answer watch requests with 410 Gone (closing
 * the connection) or with a status on a connection kept alive, end the WebSocket watches (a close
 * frame) or cut them silently (bytes stop flowing, nothing is closed: a NAT or firewall that
 * forgot them), cut every open connection so (kept-alive ones included), reset new connections,
 * drop every connection in flight, and cut list answers in the middle of their body (closed, or
 * stalled without a word). Otherwise bytes pass both ways untouched. Requests are read one by one
 * while a connection carries plain HTTP/1.1 requests (so a kept-alive connection's lists and
 * watch upgrades are seen: over HTTP/1.1 the JDK runs a watch's WebSocket upgrade on a pooled
 * connection), and passed as bytes after an upgrade (WebSocket, h2c). It records the
 * {@code Authorization} headers of the requests it read, and counts what the client's informer
 * does (requests refused, watches gone, watches the API holds), so a test can follow its retries
 * and reconnects instead of sleeping.
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
    private volatile ListCut cutLists;
    private volatile int failWatchesWith;
    /** List answers cut in the middle of their body. */
    private final AtomicInteger listsCut = new AtomicInteger();
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

    /**
     * Watch requests answered with {@code status} (0: pass through) on a connection kept alive,
     * as an API server refuses one: the client may send its next request on it. Connections in
     * flight carry on; counted as refused.
     */
    public void failWatchesWith(int status) {
        failWatchesWith = status;
    }

    /** How a list answer is cut after its head and the first bytes of its body ({@link #cutListBodies}). */
    public enum ListCut {
        /** The connection is closed (FIN), both ways. */
        CLOSE,
        /** Bytes stop flowing both ways without a word; the connection stays open. */
        STALL
    }

    /** Bytes of a cut list answer's body that pass: a part of its JSON. */
    public static final int CUT_AFTER_BODY_BYTES = 40;

    /**
     * Every list answer (a GET that is not a watch, over HTTP/1.1) passes its head and its first
     * {@value #CUT_AFTER_BODY_BYTES} body bytes, then is cut as {@code mode} says ({@code null}:
     * lists pass untouched again). Connections in flight carry on.
     */
    public void cutListBodies(ListCut mode) {
        cutLists = mode;
    }

    /** How many list answers were cut so far ({@link #cutListBodies}). */
    public int listsCut() {
        return listsCut.get();
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
        Socket upstream = null;
        try {
            InputStream in = client.getInputStream();
            Answers answers = new Answers();
            // Plain requests (an HTTP/1.1 GET has no body) are read one by one: a kept-alive connection's
            // later requests (a list, or a watch's WebSocket upgrade) are seen too. After an upgrade
            // (WebSocket, h2c) or a request with a body, bytes.
            while (true) {
                byte[] head = readHead(in);
                if (head.length == 0 || head[head.length - 1] != '\n') {
                    break; // the client closed the connection between requests
                }
                String text = new String(head, StandardCharsets.ISO_8859_1);
                for (String line : text.split("\r\n")) {
                    if (line.regionMatches(true, 0, "Authorization:", 0, 14)) {
                        authorizations.add(line.substring(14).strip());
                    }
                }
                String requestLine = text.substring(0, Math.max(0, text.indexOf("\r\n")));
                boolean watch = requestLine.contains("watch=true");
                // failWith: a new connection's first request; 410 Gone: every watch request
                int status = upstream == null ? failWith : 0;
                boolean goneWatch = status == 0 && goneForWatches && watch;
                if (goneWatch) {
                    status = 410;
                }
                int watchStatus = failWatchesWith;
                if (status == 0 && !goneWatch && watch && watchStatus != 0) {
                    byte[] body = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"proxy says "
                            + watchStatus + "\",\"code\":" + watchStatus + "}").getBytes(StandardCharsets.UTF_8);
                    OutputStream out = client.getOutputStream();
                    synchronized (client) {
                        out.write(("HTTP/1.1 " + watchStatus + " Proxy\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(body);
                        out.flush();
                    }
                    refused.incrementAndGet();
                    continue;
                }
                if (status != 0) {
                    byte[] body = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"proxy says " + status
                            + "\",\"code\":" + status + "}").getBytes(StandardCharsets.UTF_8);
                    OutputStream out = client.getOutputStream();
                    synchronized (client) {
                        out.write(("HTTP/1.1 " + status + " Proxy\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(body);
                        out.flush();
                    }
                    (goneWatch ? gone : refused).incrementAndGet();
                    break;
                }
                if (upstream == null) {
                    Socket opened = new Socket(target.getAddress(), target.getPort());
                    upstream = opened;
                    open.add(opened);
                    executor.submit(() -> pipe(opened, client, answers));
                }
                ListCut cut = cutLists;
                if (watch) {
                    watchClients.add(client);
                    answers.watch();
                } else if (cut != null && requestLine.startsWith("GET ")) {
                    // HTTP/1.1 answers in order, and the client sends its next request after the last answer
                    answers.cut(cut);
                }
                if (!silenced.contains(client) && !silenced.contains(upstream)) {
                    OutputStream toUpstream = upstream.getOutputStream();
                    toUpstream.write(head);
                    toUpstream.flush();
                }
                if (!plain(text)) {
                    pipe(client, upstream, null);
                    return;
                }
            }
        } catch (IOException e) {
            // one side went away
        }
        close(client);
        if (upstream != null) {
            close(upstream);
        }
    }

    /** Whether a request head is a plain request, with no body and no upgrade: the next request follows it on its connection. */
    private static boolean plain(String head) {
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("upgrade:") || lower.startsWith("transfer-encoding:")
                    || (lower.startsWith("content-length:") && !lower.substring(15).strip().equals("0"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the proxy knows of one connection's next answer, set when its request passes: a
     * watch's (counted in {@link #watchesHeld} as its first bytes pass), or a list's to cut after
     * its head and {@value #CUT_AFTER_BODY_BYTES} body bytes. Read by the thread that pipes the answers.
     */
    private static final class Answers {
        private volatile boolean watch;
        private volatile ListCut cut;
        private int matched;
        private int bodyLeft = -1;

        void watch() {
            watch = true;
        }

        void cut(ListCut how) {
            matched = 0;
            bodyLeft = -1;
            cut = how;
        }

        /** Whether the answer beginning now is a watch's (once per watch). */
        boolean watchAnswered() {
            if (!watch) {
                return false;
            }
            watch = false;
            return true;
        }

        /** How many of {@code n} bytes pass before the cut, or {@code -1}: all pass and no cut. */
        int passing(byte[] buffer, int n) {
            if (cut == null) {
                return -1;
            }
            for (int i = 0; i < n; i++) {
                if (bodyLeft < 0) {
                    byte b = buffer[i];
                    matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
                    if (matched == 4) {
                        bodyLeft = CUT_AFTER_BODY_BYTES;
                    }
                } else if (bodyLeft-- == 0) {
                    return i;
                }
            }
            return bodyLeft == 0 ? n : -1;
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

    /** Copies {@code from} to {@code to}; with {@code answers} (the API's side), counts watches held and cuts lists. */
    private void pipe(Socket from, Socket to, Answers answers) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (silenced.contains(from) || silenced.contains(to)) {
                    continue;
                }
                int passing = answers == null ? -1 : answers.passing(buffer, n);
                // Whole reads at a time, so a close frame of endWatches does not land inside a frame.
                synchronized (to) {
                    out.write(buffer, 0, passing < 0 ? n : passing);
                    out.flush();
                }
                if (passing >= 0) {
                    listsCut.incrementAndGet();
                    if (answers.cut == ListCut.CLOSE) {
                        return; // both closed below
                    }
                    silenced.add(from);
                    silenced.add(to);
                    continue;
                }
                if (answers != null && answers.watchAnswered()) {
                    watchesHeld.incrementAndGet();
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
