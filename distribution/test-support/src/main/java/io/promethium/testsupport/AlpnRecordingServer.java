package io.promethium.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS server on loopback that records the application protocols (ALPN) each client offers
 * in its TLS handshake, always picks {@code http/1.1}, and answers every request with 200 and a
 * fixed body: it shows whether a client would have spoken HTTP/2 ({@code h2} offered) without
 * needing an HTTP/2 server. One request per connection. Close it after the test.
 */
public final class AlpnRecordingServer implements AutoCloseable {

    private final SSLServerSocket server;
    private final String contentType;
    private final byte[] body;
    private final List<List<String>> offered = new CopyOnWriteArrayList<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public AlpnRecordingServer(SSLContext context, String contentType, String body) throws IOException {
        this.contentType = contentType;
        this.body = body.getBytes(StandardCharsets.UTF_8);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("alpn-recorder").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The ALPN protocol lists offered, one per handshake (an empty list when the client sent none). */
    public List<List<String>> offered() {
        return List.copyOf(offered);
    }

    /** The request lines received ({@code GET /metrics HTTP/1.1}). */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) server.accept();
                Thread.ofVirtual().name("alpn-recorder-conn").start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket socket) {
        boolean[] selected = new boolean[1];
        socket.setHandshakeApplicationProtocolSelector((s, protocols) -> {
            selected[0] = true;
            offered.add(List.copyOf(protocols));
            return protocols.contains("http/1.1") ? "http/1.1" : null;
        });
        try (socket) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            if (!selected[0]) {
                offered.add(List.of());
            }
            InputStream in = socket.getInputStream();
            List<String> head = new java.util.ArrayList<>();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1).strip();
                    line.reset();
                    if (text.isEmpty()) {
                        break;
                    }
                    head.add(text);
                } else {
                    line.write(c);
                }
            }
            if (head.isEmpty()) {
                return;
            }
            requestLines.add(head.get(0));
            for (String h : head) {
                if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    in.readNBytes(Integer.parseInt(h.substring(h.indexOf(':') + 1).strip()));
                }
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // A client that gave up: nothing to record.
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
