package io.promethium.discovery.dns.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One DNS question to one server, on the caller's thread (no resolver threads): UDP with EDNS0
 * (4096-byte answers, as Prometheus asks), then TCP when the answer is truncated. dnsjava only
 * encodes and decodes messages. An answer that does not parse, or is not the answer to the
 * question, is an error, never a result.
 */
final class DnsClient {

    private static final int UDP_SIZE = 4096;

    private final Duration timeout;

    DnsClient(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
    }

    /** Asks {@code server} once. */
    Message ask(InetSocketAddress server, String name, int type) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        query.addRecord(new OPTRecord(UDP_SIZE, 0, 0), Section.ADDITIONAL);
        Message answer = udp(server, query);
        if (answer.getHeader().getFlag(Flags.TC)) {
            answer = tcp(server, query);
        }
        return answer;
    }

    private Message udp(InetSocketAddress server, Message query) throws IOException {
        byte[] out = query.toWire(UDP_SIZE);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(server.getAddress().getAddress().length == 4
                ? "0.0.0.0" : "::", 0))) {
            socket.connect(server);
            socket.send(new DatagramPacket(out, out.length));
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] in = new byte[UDP_SIZE + 512];
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no answer from " + address(server) + " within " + timeout.toMillis() + " ms");
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                DatagramPacket packet = new DatagramPacket(in, in.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    throw new SocketTimeoutException("no answer from " + address(server) + " within " + timeout.toMillis() + " ms");
                }
                byte[] data = new byte[packet.getLength()];
                System.arraycopy(in, 0, data, 0, data.length);
                Message answer = parse(server, data);
                // A late answer to an earlier question (or a spoof) is not ours: keep waiting.
                if (answer.getHeader().getID() == query.getHeader().getID()) {
                    check(server, query, answer);
                    return answer;
                }
            }
        }
    }

    private Message tcp(InetSocketAddress server, Message query) throws IOException {
        byte[] out = query.toWire();
        try (Socket socket = new Socket()) {
            socket.connect(server, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            DataOutputStream output = new DataOutputStream(socket.getOutputStream());
            output.writeShort(out.length);
            output.write(out);
            output.flush();
            DataInputStream input = new DataInputStream(socket.getInputStream());
            int length = input.readUnsignedShort();
            byte[] data = new byte[length];
            input.readFully(data);
            Message answer = parse(server, data);
            check(server, query, answer);
            return answer;
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no answer over TCP from " + address(server) + " within " + timeout.toMillis() + " ms");
        }
    }

    private static Message parse(InetSocketAddress server, byte[] data) throws IOException {
        try {
            return new Message(data);
        } catch (IOException | RuntimeException e) {
            throw new IOException("unparsable answer from " + address(server) + " (" + data.length + " bytes): " + e.getMessage(), e);
        }
    }

    private static void check(InetSocketAddress server, Message query, Message answer) throws IOException {
        if (answer.getHeader().getID() != query.getHeader().getID() || !answer.getHeader().getFlag(Flags.QR)
                || answer.getQuestion() == null || !answer.getQuestion().getName().equals(query.getQuestion().getName())
                || answer.getQuestion().getType() != query.getQuestion().getType()) {
            throw new IOException("answer from " + address(server) + " does not answer the question " + query.getQuestion());
        }
    }

    static String address(InetSocketAddress server) {
        String host = server.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + server.getPort();
    }
}
