package io.promethium.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted SMTP server on loopback for what a real one used in tests (GreenMail) cannot be made
 * to do: answer a chosen reply at a chosen step (RFC 5321 reply codes: 4xx transient, 5xx
 * permanent), offer STARTTLS with a given certificate and AUTH only once TLS is up, or accept a
 * connection and never greet. It speaks just the commands a mail client sends to deliver one
 * message (EHLO/HELO, STARTTLS, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT), one
 * connection after another, and records what it received.
 */
public final class SmtpStandIn implements AutoCloseable {

    /** Where a scripted reply replaces the normal one. */
    public enum Step {
        /** The reply to {@code MAIL FROM}. */
        MAIL,
        /** The reply to {@code RCPT TO}. */
        RCPT,
        /** The reply after the message's final dot. */
        END_OF_DATA
    }

    /** One message received: its data (headers and body, lines joined with \n), whether it came over TLS, and who logged in. */
    public record Received(String data, boolean tls, String user) {
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final SSLContext startTls;
    private final String username;
    private final String password;
    private final boolean silent;
    private final Map<Step, String> replies = new EnumMap<>(Step.class);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private SmtpStandIn(SSLContext startTls, String username, String password, boolean silent, Map<Step, String> replies) throws IOException {
        this.startTls = startTls;
        this.username = username;
        this.password = password;
        this.silent = silent;
        this.replies.putAll(replies);
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        this.acceptor = Thread.ofVirtual().name("smtp-stand-in").start(this::accept);
    }

    /** A server that accepts every message over plain SMTP and offers no AUTH. */
    public static SmtpStandIn plain() throws IOException {
        return new SmtpStandIn(null, null, null, false, Map.of());
    }

    /** A server that answers {@code reply} (e.g. {@code 451 4.3.0 try later}) at {@code step}. */
    public static SmtpStandIn replying(Step step, String reply) throws IOException {
        return new SmtpStandIn(null, null, null, false, Map.of(step, reply));
    }

    /**
     * A server that offers STARTTLS with {@code tls} (its certificate) and, once TLS is up, AUTH
     * PLAIN and LOGIN for {@code username}/{@code password}; before TLS it offers no AUTH, and
     * it refuses {@code MAIL} from a client that has not logged in (530).
     */
    public static SmtpStandIn startTls(SSLContext tls, String username, String password) throws IOException {
        return new SmtpStandIn(tls, username, password, false, Map.of());
    }

    /** A server that accepts connections and never says a word. */
    public static SmtpStandIn silent() throws IOException {
        return new SmtpStandIn(null, null, null, true, Map.of());
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The messages accepted so far. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Every command line received, in order (AUTH answers included as sent, base64). */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket plain) {
        if (silent) {
            return; // kept open until close()
        }
        try (plain) {
            Socket s = plain;
            BufferedReader in = reader(s);
            OutputStream out = s.getOutputStream();
            boolean tls = false;
            String user = null;
            write(out, "220 stand-in ESMTP");
            for (String line; (line = in.readLine()) != null; ) {
                commands.add(line);
                String cmd = line.toUpperCase(java.util.Locale.ROOT);
                if (cmd.startsWith("EHLO")) {
                    List<String> ext = new ArrayList<>();
                    ext.add("stand-in");
                    if (startTls != null && !tls) {
                        ext.add("STARTTLS");
                    }
                    if (username != null && (tls || startTls == null)) {
                        ext.add("AUTH PLAIN LOGIN");
                    }
                    for (int i = 0; i < ext.size(); i++) {
                        write(out, "250" + (i == ext.size() - 1 ? " " : "-") + ext.get(i));
                    }
                } else if (cmd.startsWith("HELO")) {
                    write(out, "250 stand-in");
                } else if (cmd.equals("STARTTLS") && startTls != null && !tls) {
                    write(out, "220 2.0.0 ready to start TLS");
                    SSLSocket ssl = (SSLSocket) startTls.getSocketFactory().createSocket(plain, host(), plain.getPort(), false);
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    s = ssl;
                    in = reader(s);
                    out = s.getOutputStream();
                    tls = true;
                } else if (cmd.startsWith("AUTH PLAIN") && username != null) {
                    String token = line.length() > "AUTH PLAIN ".length() ? line.substring("AUTH PLAIN ".length()).strip() : null;
                    if (token == null) {
                        write(out, "334 ");
                        token = in.readLine();
                    }
                    String[] parts = new String(Base64.getDecoder().decode(token.strip()), StandardCharsets.UTF_8).split("\0", -1);
                    boolean ok = parts.length == 3 && parts[1].equals(username) && parts[2].equals(password);
                    user = ok ? username : null;
                    write(out, ok ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
                } else if (cmd.startsWith("AUTH LOGIN") && username != null) {
                    write(out, "334 " + b64("Username:"));
                    String u = new String(Base64.getDecoder().decode(in.readLine().strip()), StandardCharsets.UTF_8);
                    write(out, "334 " + b64("Password:"));
                    String p = new String(Base64.getDecoder().decode(in.readLine().strip()), StandardCharsets.UTF_8);
                    boolean ok = u.equals(username) && p.equals(password);
                    user = ok ? username : null;
                    write(out, ok ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
                } else if (cmd.startsWith("MAIL FROM")) {
                    if (username != null && user == null) {
                        write(out, "530 5.7.0 Authentication required");
                    } else {
                        write(out, replies.getOrDefault(Step.MAIL, "250 2.1.0 OK"));
                    }
                } else if (cmd.startsWith("RCPT TO")) {
                    write(out, replies.getOrDefault(Step.RCPT, "250 2.1.5 OK"));
                } else if (cmd.equals("DATA")) {
                    write(out, "354 end data with <CR><LF>.<CR><LF>");
                    StringBuilder b = new StringBuilder();
                    for (String d; (d = in.readLine()) != null && !d.equals("."); ) {
                        b.append(d.startsWith("..") ? d.substring(1) : d).append('\n');
                    }
                    String reply = replies.getOrDefault(Step.END_OF_DATA, "250 2.0.0 queued");
                    if (reply.startsWith("2")) {
                        received.add(new Received(b.toString(), tls, user));
                    }
                    write(out, reply);
                } else if (cmd.equals("RSET") || cmd.equals("NOOP")) {
                    write(out, "250 2.0.0 OK");
                } else if (cmd.equals("QUIT")) {
                    write(out, "221 2.0.0 bye");
                    return;
                } else {
                    write(out, "502 5.5.1 not implemented");
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client's view is what the tests check; a failed handshake ends here
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
