package io.promethium.notifiers.email;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A one-connection SMTP server on loopback for what GreenMail lacks: it offers STARTTLS (with
 * GreenMail's test certificate) and, only once TLS is up, AUTH CRAM-MD5, which it verifies
 * (RFC 2195). It records the EHLO names, whether the mail came over TLS, the authenticated user
 * and the message data.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    final List<String> ehlo = new CopyOnWriteArrayList<>();
    volatile boolean tls;
    volatile String user;
    volatile String data;
    private final ServerSocket server;
    private final Thread thread;
    private final String secret;

    /** The TLS certificate the client presented, or null. */
    volatile String clientCertificate;
    private final SSLContext tlsContext;
    private final boolean needClientAuth;

    ScriptedSmtpServer(String secret) throws IOException, GeneralSecurityException {
        this(secret, greenMailContext(), false);
    }

    /** STARTTLS with {@code tlsContext}, asking for a client certificate when {@code needClientAuth}. */
    ScriptedSmtpServer(String secret, SSLContext tlsContext, boolean needClientAuth) throws IOException {
        this(secret, tlsContext, needClientAuth, 0, false);
    }

    /** On {@code port} (0: any); with {@code implicitTls}, TLS from the first byte (SMTPS) instead of STARTTLS. */
    ScriptedSmtpServer(String secret, SSLContext tlsContext, boolean needClientAuth, int port, boolean implicitTls) throws IOException {
        this.secret = secret;
        this.tlsContext = tlsContext;
        this.needClientAuth = needClientAuth;
        this.implicitTls = implicitTls;
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        this.server = socket;
        this.thread = Thread.ofVirtual().start(this::serve);
    }

    private final boolean implicitTls;

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        try (Socket plain = server.accept()) {
            Socket s = implicitTls ? handshake(plain) : plain;
            BufferedReader in = reader(s);
            OutputStream out = s.getOutputStream();
            write(out, "220 scripted ESMTP");
            String challenge = "<1896.697170952@scripted>";
            for (String line; (line = in.readLine()) != null; ) {
                String cmd = line.toUpperCase();
                if (cmd.startsWith("EHLO")) {
                    ehlo.add(line.substring(5).strip());
                    write(out, tls ? "250-scripted\r\n250 AUTH CRAM-MD5" : "250-scripted\r\n250 STARTTLS");
                } else if (cmd.equals("STARTTLS")) {
                    write(out, "220 ready to start TLS");
                    s = handshake(plain);
                    in = reader(s);
                    out = s.getOutputStream();
                } else if (cmd.equals("AUTH CRAM-MD5")) {
                    write(out, "334 " + Base64.getEncoder().encodeToString(challenge.getBytes(StandardCharsets.US_ASCII)));
                    String answer = new String(Base64.getDecoder().decode(in.readLine().strip()), StandardCharsets.US_ASCII);
                    int sp = answer.lastIndexOf(' ');
                    Mac mac = Mac.getInstance("HmacMD5");
                    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
                    String expected = HexFormat.of().formatHex(mac.doFinal(challenge.getBytes(StandardCharsets.US_ASCII)));
                    if (answer.substring(sp + 1).equals(expected)) {
                        user = answer.substring(0, sp);
                        write(out, "235 2.7.0 Authentication successful");
                    } else {
                        write(out, "535 5.7.8 Authentication credentials invalid");
                    }
                } else if (cmd.startsWith("MAIL FROM") || cmd.startsWith("RCPT TO")) {
                    write(out, user == null ? "530 5.7.0 Authentication required" : "250 OK");
                } else if (cmd.equals("DATA")) {
                    write(out, "354 go ahead");
                    StringBuilder b = new StringBuilder();
                    for (String d; !(d = in.readLine()).equals("."); ) {
                        b.append(d).append('\n');
                    }
                    data = b.toString();
                    write(out, "250 queued");
                } else if (cmd.equals("QUIT")) {
                    write(out, "221 bye");
                    return;
                } else {
                    write(out, "502 not implemented");
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            // the test asserts what the client saw and what was recorded
        }
    }

    private Socket handshake(Socket plain) throws IOException {
        SSLSocket ssl = (SSLSocket) tlsContext.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), false);
        ssl.setUseClientMode(false);
        ssl.setNeedClientAuth(needClientAuth);
        ssl.startHandshake();
        if (needClientAuth) {
            clientCertificate = ((java.security.cert.X509Certificate) ssl.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
        }
        tls = true;
        return ssl;
    }

    private static SSLContext greenMailContext() throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(new DummySSLServerSocketFactory().getKeyStore(), "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
    }
}
