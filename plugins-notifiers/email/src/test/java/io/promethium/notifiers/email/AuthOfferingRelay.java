package io.promethium.notifiers.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A one-connection SMTP relay on loopback in front of GreenMail that changes only the
 * {@code AUTH} line of the EHLO answer, so a test can make GreenMail (which always offers
 * {@code PLAIN LOGIN}) offer one mechanism; GreenMail itself still checks the credentials.
 * Records the client's lines.
 */
final class AuthOfferingRelay implements AutoCloseable {

    private final ServerSocket server;
    private final List<String> clientLines = new CopyOnWriteArrayList<>();
    private final Thread thread;

    AuthOfferingRelay(int upstreamPort, String mechanisms) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().name("smtp-relay").start(() -> relay(upstreamPort, mechanisms));
    }

    int port() {
        return server.getLocalPort();
    }

    List<String> clientLines() {
        return List.copyOf(clientLines);
    }

    private void relay(int upstreamPort, String mechanisms) {
        try (Socket client = server.accept(); Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            Thread down = Thread.ofVirtual().start(() -> pipe(upstream, client, line ->
                    line.matches("250[- ]AUTH .*") ? line.substring(0, 9) + mechanisms : line));
            pipe(client, upstream, line -> {
                clientLines.add(line);
                return line;
            });
            down.join(5000);
        } catch (IOException | InterruptedException e) {
            // the connection ended; the test asserts what arrived
        }
    }

    private static void pipe(Socket from, Socket to, java.util.function.UnaryOperator<String> edit) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(from.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = to.getOutputStream();
            for (String line; (line = in.readLine()) != null; ) {
                out.write((edit.apply(line) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
