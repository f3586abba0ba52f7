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
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of the API mock that reads the HTTP/2 frames the API sends
 * and can cut a list's answer inside them. The JDK's client upgrades {@code http://} to h2c (the
 * mock, on Vert.x, accepts), so after the {@code 101} each connection carries frames; a byte-level
 * cut (as {@code FaultyProxy}'s) would land inside a frame and break the whole connection rather
 * than one answer. Here a list's answer (a stream whose first DATA frame holds {@code "items"})
 * passes its HEADERS and the first {@value #BODY_BYTES} bytes of its body in a DATA frame without
 * END_STREAM, then, as {@link Cut} says, stalls, is reset (RST_STREAM) or its connection goes
 * away (GOAWAY, then closed). Every other frame passes untouched (HEADERS of every stream pass, so
 * the client's HPACK state stays right); the client's bytes pass untouched, as do connections
 * that are not h2c (a watch's WebSocket, which the JDK runs over HTTP/1.1).
 */
final class Http2FrameProxy implements AutoCloseable {

    /** How a list's answer is cut after its head and the first {@value #BODY_BYTES} bytes of its body. */
    enum Cut {
        /** Nothing more of that stream, and no END_STREAM; the connection and its other streams carry on. */
        STALL,
        /** RST_STREAM (INTERNAL_ERROR) for that stream; the connection carries on. */
        RESET,
        /** GOAWAY (INTERNAL_ERROR, that stream the last one processed), then the connection is closed. */
        GOAWAY
    }

    static final int BODY_BYTES = 40;
    private static final int DATA = 0x0;
    private static final int RST_STREAM = 0x3;
    private static final int GOAWAY = 0x7;
    private static final int END_STREAM = 0x1;
    private static final int PADDED = 0x8;
    private static final int INTERNAL_ERROR = 0x2;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Cut cut;
    /** Lists still to cut with {@link #cut}. */
    private final AtomicInteger toCut = new AtomicInteger();
    private final AtomicInteger listsCut = new AtomicInteger();
    private final AtomicInteger h2Connections = new AtomicInteger();

    Http2FrameProxy(String targetUrl) throws IOException {
        URI uri = URI.create(targetUrl);
        target = new InetSocketAddress(uri.getHost(), uri.getPort());
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        executor.submit(this::accept);
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort() + "/";
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next {@code lists} list answers are cut as {@code how}; then lists pass again. */
    void cutLists(Cut how, int lists) {
        cut = how;
        toCut.set(lists);
    }

    /** List answers cut so far. */
    int listsCut() {
        return listsCut.get();
    }

    /** Connections upgraded to h2c so far. */
    int h2Connections() {
        return h2Connections.get();
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
        try (Socket upstream = new Socket(target.getAddress(), target.getPort())) {
            open.add(upstream);
            executor.submit(() -> copy(client, upstream));
            InputStream in = upstream.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] head = readHead(in);
            out.write(head);
            out.flush();
            String text = new String(head, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            if (text.startsWith("http/1.1 101") && text.contains("upgrade: h2c")) {
                h2Connections.incrementAndGet();
                frames(in, out);
            } else {
                in.transferTo(out);
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            close(client);
        }
    }

    /** Passes the API's frames to the client, cutting list answers while told to. */
    private void frames(InputStream in, OutputStream out) throws IOException {
        Set<Integer> begun = new HashSet<>();
        Set<Integer> dropped = new HashSet<>();
        while (true) {
            byte[] header = in.readNBytes(9);
            if (header.length < 9) {
                return;
            }
            int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
            int type = header[3] & 0xff;
            int flags = header[4] & 0xff;
            int stream = (header[5] & 0x7f) << 24 | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8 | header[8] & 0xff;
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                return;
            }
            if (type == DATA && dropped.contains(stream)) {
                continue;
            }
            if (type == DATA && begun.add(stream) && toCut.get() > 0) {
                int from = (flags & PADDED) != 0 ? 1 : 0;
                int to = length - ((flags & PADDED) != 0 ? payload[0] & 0xff : 0);
                String body = new String(payload, from, to - from, StandardCharsets.UTF_8);
                if (body.contains("\"items\"") && to - from > BODY_BYTES && toCut.getAndDecrement() > 0) {
                    Cut how = cut;
                    byte[] part = java.util.Arrays.copyOfRange(payload, from, from + BODY_BYTES);
                    out.write(frame(DATA, 0, stream, part));
                    listsCut.incrementAndGet();
                    switch (how) {
                        case STALL -> dropped.add(stream);
                        case RESET -> {
                            out.write(frame(RST_STREAM, 0, stream, int32(INTERNAL_ERROR)));
                            dropped.add(stream);
                        }
                        case GOAWAY -> {
                            byte[] goAway = new byte[8];
                            System.arraycopy(int32(stream), 0, goAway, 0, 4);
                            System.arraycopy(int32(INTERNAL_ERROR), 0, goAway, 4, 4);
                            out.write(frame(GOAWAY, 0, 0, goAway));
                            out.flush();
                            return; // both sockets closed by the caller
                        }
                    }
                    out.flush();
                    continue;
                }
            }
            out.write(header);
            out.write(payload);
            out.flush();
        }
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        System.arraycopy(int32(stream), 0, frame, 5, 4);
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    private static byte[] int32(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    /** The status line and headers of an HTTP/1.1 answer, up to the blank line. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toByteArray();
    }

    private void copy(Socket from, Socket to) {
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
        for (Socket socket : open) {
            close(socket);
        }
        executor.shutdownNow();
    }
}
