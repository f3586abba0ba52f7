package io.promethium.discovery.kubernetes.internal;

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
import javax.net.ssl.SSLContext;

/**
 * A TCP proxy on loopback in front of the API mock that can turn bad: answer every new
 * connection with an HTTP status (401, 403, 500), answer watch requests with 410 Gone, and drop
 * every connection in flight (watches included, WebSocket or not). Otherwise bytes pass both ways
 * untouched. It records the {@code Authorization} headers it saw on each connection's first request.
 */
final class FaultyProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final InetSocketAddress target;
    private final String scheme;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int failWith;
    private volatile boolean goneForWatches;
    final Set<String> authorizations = ConcurrentHashMap.newKeySet();

    FaultyProxy(String targetUrl) throws IOException {
        this(targetUrl, null);
    }

    /**
     * With {@code tls}, the proxy terminates TLS with that context's certificate: an HTTPS front,
     * on loopback, for the plain-HTTP API mock (so the API's certificate can be one a test CA signed).
     */
    FaultyProxy(String targetUrl, SSLContext tls) throws IOException {
        URI uri = URI.create(targetUrl);
        target = new InetSocketAddress(uri.getHost(), uri.getPort());
        listener = tls == null ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
                : tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        scheme = tls == null ? "http" : "https";
        executor.submit(this::accept);
    }

    String url() {
        return scheme + "://127.0.0.1:" + listener.getLocalPort() + "/";
    }

    int port() {
        return listener.getLocalPort();
    }

    /** New connections answered with {@code status} (0: pass through); connections in flight are dropped. */
    void failWith(int status) {
        failWith = status;
        dropConnections();
    }

    /** Watch requests answered with 410 Gone (the client must re-list); in-flight connections are dropped. */
    void goneForWatches(boolean gone) {
        goneForWatches = gone;
        dropConnections();
    }

    void dropConnections() {
        for (Socket socket : open) {
            close(socket);
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
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
            int status = failWith;
            if (status == 0 && goneForWatches && requestLine.contains("watch=true")) {
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
                close(client);
                return;
            }
            Socket upstream = new Socket(target.getAddress(), target.getPort());
            open.add(upstream);
            upstream.getOutputStream().write(head);
            executor.submit(() -> pipe(upstream, client));
            pipe(client, upstream);
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

    private void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ignored) {
            // one side went away
        } finally {
            close(from);
            close(to);
        }
    }

    private void close(Socket socket) {
        open.remove(socket);
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
