import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * GET over one kept-alive HTTP/1.1 connection to a loopback port, blocking, for timing requests
 * that take a millisecond. The JDK's HttpClient (a selector thread and futures between the caller
 * and the socket) added 0.5–1 ms to every request on a 2-core machine, as much as a small panel's
 * whole query in any of the servers, so a small query's ratio came out near 1× whatever the
 * servers did; curl's figures for the same requests were the servers' own. Written here because
 * that measurement asked for it: it reads what Prometheus, VictoriaMetrics and Promethium send (a
 * {@code Content-Length} or a chunked body; no compression is asked for). Not thread-safe: one per
 * server and thread. Shared by the bench programs as {@link Proc} is.
 */
final class KeepAliveGet implements AutoCloseable {
    /**
     * A status and the body's bytes, decoded only when asked: decoding a 100 kB answer as UTF-8
     * took ~0.2 ms, which a timed request would otherwise count as the server's.
     */
    record Response(int status, byte[] bytes) {
        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    KeepAliveGet(int port) {
        this.port = port;
    }

    Response get(String path) throws IOException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; ; attempt++) {
            try {
                if (socket == null) {
                    socket = new Socket(InetAddress.getLoopbackAddress(), port);
                    socket.setTcpNoDelay(true);
                    in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
                    out = socket.getOutputStream();
                }
                out.write(request);
                out.flush();
                return read();
            } catch (IOException e) {
                close();
                // A server may close a connection left idle: the GET goes once more on a new one.
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private Response read() throws IOException {
        String status = line();
        int space = status.indexOf(' ');
        int code = Integer.parseInt(status.substring(space + 1, space + 4));
        long length = -1;
        boolean chunked = false;
        boolean closes = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String value = h.substring(colon + 1).trim();
            switch (h.substring(0, colon).trim().toLowerCase(Locale.ROOT)) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "connection" -> closes = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) length : 8192);
        if (chunked) {
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                copy(body, size);
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            copy(body, length);
        } else {
            in.transferTo(body);
            closes = true;
        }
        if (closes) {
            close();
        }
        return new Response(code, body.toByteArray());
    }

    private int chunkSize() throws IOException {
        String l = line();
        int semicolon = l.indexOf(';');
        return Integer.parseInt((semicolon < 0 ? l : l.substring(0, semicolon)).trim(), 16);
    }

    private void copy(ByteArrayOutputStream to, long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("the body ended " + n + " bytes early");
            }
            to.write(buf, 0, r);
            n -= r;
        }
    }

    /** A header line without its CRLF. */
    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the connection closed in a response's head");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
