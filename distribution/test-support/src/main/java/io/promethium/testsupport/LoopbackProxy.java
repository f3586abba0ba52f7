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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A forward HTTP proxy on loopback for tests of {@code proxy_url}: plain requests in absolute
 * form ({@code GET http://host:port/path}) are forwarded, {@code CONNECT host:port} opens a tunnel
 * (for https). Every request is recorded with its {@code Proxy-Authorization}. Host names can be
 * aliased to a loopback address ({@link #alias}), so a test can use names that only the proxy
 * resolves: a request that reaches such a name without the proxy fails, which shows the
 * {@code no_proxy} rules at work. Close it after the test.
 */
public final class LoopbackProxy implements AutoCloseable {

    /** One request the proxy received: {@code GET http://h:p/x} or {@code CONNECT h:p}, and its Proxy-Authorization (or null). */
    public record Request(String line, String proxyAuthorization) {
    }

    private final ServerSocket server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, InetSocketAddress> aliases = new ConcurrentHashMap<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public LoopbackProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("loopback-proxy").start(this::accept);
    }

    /** {@code http://127.0.0.1:port}, for {@code proxy_url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests for {@code host} (case-insensitive, any port) go to {@code to}. */
    public LoopbackProxy alias(String host, InetSocketAddress to) {
        aliases.put(host.toLowerCase(Locale.ROOT), to);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread.ofVirtual().name("loopback-proxy-conn").start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                List<String> head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] parts = head.get(0).split(" ");
                String auth = header(head, "Proxy-Authorization");
                if (parts.length < 3) {
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    return;
                }
                if (parts[0].equals("CONNECT")) {
                    requests.add(new Request("CONNECT " + parts[1], auth));
                    tunnel(client, in, out, parts[1]);
                    return;
                }
                requests.add(new Request(parts[0] + " " + parts[1], auth));
                if (!forward(in, out, parts[0], URI.create(parts[1]), head)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client or the target went away: nothing to clean beyond the sockets.
        }
    }

    private InetSocketAddress resolve(String host, int port) {
        InetSocketAddress alias = aliases.get(host.toLowerCase(Locale.ROOT));
        return alias != null ? alias : new InetSocketAddress(host, port);
    }

    private void tunnel(Socket client, InputStream in, OutputStream out, String authority) throws IOException {
        int colon = authority.lastIndexOf(':');
        String host = authority.substring(0, colon).replace("[", "").replace("]", "");
        Socket target = new Socket();
        try {
            target.connect(resolve(host, Integer.parseInt(authority.substring(colon + 1))), 5000);
        } catch (IOException e) {
            out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            target.close();
            return;
        }
        open.add(target);
        try (target) {
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread back = Thread.ofVirtual().start(() -> pipe(target, client));
            pipe(client, target);
            try {
                back.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Forwards one request in origin form with {@code Connection: close}; false when the client connection must end. */
    private boolean forward(InputStream in, OutputStream out, String method, URI uri, List<String> head) throws IOException {
        if (uri.getHost() == null) {
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return false;
        }
        StringBuilder request = new StringBuilder(method).append(' ')
                .append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n");
        long length = 0;
        for (String line : head.subList(1, head.size())) {
            String name = line.substring(0, Math.max(0, line.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
            if (name.startsWith("proxy-") || name.equals("connection")) {
                continue;
            }
            if (name.equals("content-length")) {
                length = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
            request.append(line).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        byte[] body = in.readNBytes((int) length);
        try (Socket target = new Socket()) {
            try {
                target.connect(resolve(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()), 5000);
            } catch (IOException e) {
                out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                return false;
            }
            target.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            target.getOutputStream().write(body);
            target.getOutputStream().flush();
            // The target closes after its answer (Connection: close), and so does the proxy: one request per connection.
            target.getInputStream().transferTo(out);
            out.flush();
        }
        return false;
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // One side closed: the tunnel ends.
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                // Already closed.
            }
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int c;
        List<String> lines = new java.util.ArrayList<>();
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String line = buffer.toString(StandardCharsets.ISO_8859_1);
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                buffer.reset();
                if (line.isEmpty()) {
                    return lines.isEmpty() ? null : lines;
                }
                lines.add(line);
            } else {
                buffer.write(c);
            }
            if (buffer.size() > 64 * 1024) {
                throw new IOException("request head too large");
            }
        }
        return null;
    }

    private static String header(List<String> head, String name) {
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
