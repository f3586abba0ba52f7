package io.promethium.goformat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A failed HTTP request worded as Go's {@code net/http} client words it, so that a tool's error
 * line is the one promtool prints: {@code Post "http://127.0.0.1:1/api/v1/query": dial tcp
 * 127.0.0.1:1: connect: connection refused}. The JDK's exceptions carry less (a refused
 * connection has no address, an unknown host no resolver), so the address is resolved again and
 * the resolver is read from {@code /etc/resolv.conf}, as Go's pure resolver does.
 */
public final class GoNetErrors {

    /** The JDK's message (glibc's EAI_AGAIN) for a lookup the resolver did not answer. */
    static final String TEMPORARY_FAILURE = "Temporary failure in name resolution";

    /** Go's resolver error for a SERVFAIL answer ({@code errServerMisbehaving}). */
    static final String SERVER_MISBEHAVING = "server misbehaving";

    /** Go's resolver when {@code /etc/resolv.conf} names none ({@code defaultNS}). */
    private static final String DEFAULT_NAMESERVER = "127.0.0.1:53";

    private GoNetErrors() {
    }

    /**
     * Go's {@code *url.Error}: {@code Method "URL": cause}, the URL's password shown as
     * {@code ***} (net/http's {@code stripPassword}).
     *
     * @param method {@code Get} or {@code Post}, as Go capitalises it
     */
    public static String urlError(String method, URI uri, IOException e) {
        return method + " \"" + stripPassword(uri) + "\": " + cause(uri, e);
    }

    /**
     * The cause as Go's dialer and client give it: {@code dial tcp 127.0.0.1:1: connect:
     * connection refused}, {@code dial tcp: lookup HOST on 10.0.0.53:53: no such host} (or, when the
     * resolver did not answer, {@code ...: read udp 10.0.0.7:40312->10.0.0.53:53: i/o timeout} or
     * {@code ...: read: connection refused}),
     * {@code context deadline exceeded} (a request that timed out), {@code EOF} (a connection
     * closed before an answer), else the JDK's message.
     */
    public static String cause(URI uri, IOException e) {
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "context deadline exceeded";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
                String ns = nameserver();
                if (String.valueOf(t.getMessage()).contains(TEMPORARY_FAILURE)) {
                    // The resolver did not answer (glibc's EAI_AGAIN): Go's resolver names the
                    // read on its UDP socket, which timed out or met a closed port.
                    String[] read = probe(ns, uri.getHost());
                    if (read[1].equals(SERVER_MISBEHAVING)) {
                        return "dial tcp: lookup " + uri.getHost() + " on " + ns + ": " + SERVER_MISBEHAVING;
                    }
                    return "dial tcp: lookup " + uri.getHost() + " on " + ns + ": read udp " + read[0] + "->" + ns + ": " + read[1];
                }
                return "dial tcp: lookup " + uri.getHost() + " on " + ns + ": no such host";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException) {
                String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                String why = message.contains("no route") ? "no route to host"
                        : message.contains("unreachable") ? "network is unreachable" : "connection refused";
                return "dial tcp " + dialAddress(uri) + ": connect: " + why;
            }
        }
        String message = e.getMessage();
        if (message != null && (message.contains("received no bytes") || message.contains("EOF reached"))) {
            return "EOF";
        }
        return message == null ? e.toString() : message;
    }

    /**
     * client_golang's API error for an HTTP status that is no API answer ({@code errorTypeAndMsgFor}):
     * {@code client_error: client error: 404}, {@code server_error: server error: 500}, else
     * {@code bad_response: bad response code 302}.
     */
    public static String apiStatusError(int code) {
        return switch (code / 100) {
            case 4 -> "client_error: client error: " + code;
            case 5 -> "server_error: server error: " + code;
            default -> "bad_response: bad response code " + code;
        };
    }

    /** The URL as net/http prints it in errors: a password replaced by {@code ***}. */
    public static String stripPassword(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || !userInfo.contains(":")) {
            return uri.toString();
        }
        return uri.toString().replace(userInfo + "@", userInfo.substring(0, userInfo.indexOf(':')) + ":***@");
    }

    /**
     * The address Go dialled: the host's first address (the literal itself for an IP) and the
     * port (80 or 443 by default), as {@code net.JoinHostPort} writes it.
     */
    static String dialAddress(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String host = uri.getHost();
        String ip;
        try {
            ip = GoAddresses.format(InetAddress.getByName(host));
        } catch (UnknownHostException | SecurityException e) {
            ip = host;
        }
        return joinHostPort(ip, Integer.toString(port));
    }

    /** The first {@code nameserver} of {@code /etc/resolv.conf} with port 53, as Go's resolver names it. */
    static String nameserver() {
        return nameserver(Path.of("/etc/resolv.conf"));
    }

    static String nameserver(Path resolvConf) {
        try {
            for (String line : Files.readAllLines(resolvConf, StandardCharsets.UTF_8)) {
                String[] fields = line.strip().split("\\s+");
                if (fields.length >= 2 && fields[0].equals("nameserver")) {
                    String server = fields[1];
                    int zone = server.indexOf('%');
                    return joinHostPort(zone >= 0 ? server.substring(0, zone) : server, "53");
                }
            }
        } catch (IOException | RuntimeException e) {
            // No resolv.conf: Go falls back to its default servers, as here.
        }
        return DEFAULT_NAMESERVER;
    }

    /**
     * The local address of a UDP socket towards {@code nameserver} ({@code host:port}) and how a
     * query on it ends, as Go prints its DNS read: {@code 127.0.0.1:42271} and {@code i/o
     * timeout}, or {@code read: connection refused} when the port is closed (an ICMP
     * answer within 200 ms to one A query for {@code name}). The port is a fresh ephemeral one,
     * not the one the JDK's resolver used (which it does not tell).
     */
    static String[] probe(String nameserver, String name) {
        int colon = nameserver.lastIndexOf(':');
        String host = nameserver.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            socket.connect(new java.net.InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(nameserver.substring(colon + 1))));
            String local = joinHostPort(GoAddresses.format(socket.getLocalAddress()), Integer.toString(socket.getLocalPort()));
            byte[] query = dnsQuery(name);
            socket.setSoTimeout(200);
            try {
                socket.send(new java.net.DatagramPacket(query, query.length));
                java.net.DatagramPacket answer = new java.net.DatagramPacket(new byte[512], 512);
                socket.receive(answer);
                if (answer.getLength() >= 4 && (answer.getData()[3] & 0x0f) == 2) {
                    // SERVFAIL, which glibc also reports as a temporary failure.
                    return new String[] {local, SERVER_MISBEHAVING};
                }
            } catch (java.net.PortUnreachableException e) {
                return new String[] {local, "read: connection refused"};
            } catch (IOException e) {
                // No answer: Go's read timed out.
            }
            return new String[] {local, "i/o timeout"};
        } catch (IOException | RuntimeException e) {
            return new String[] {joinHostPort(host.contains(":") ? "::1" : "127.0.0.1", "0"), "i/o timeout"};
        }
    }

    /** A DNS query for the A record of {@code name} (RFC 1035: header, QNAME labels, QTYPE 1, QCLASS 1). */
    private static byte[] dnsQuery(String name) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x47, 0x6f, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            byte[] b = label.getBytes(StandardCharsets.US_ASCII);
            if (b.length == 0 || b.length > 63) {
                continue;
            }
            out.write(b.length);
            out.writeBytes(b);
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return out.toByteArray();
    }

    /** Go's {@code net.JoinHostPort}: an IPv6 address in brackets. */
    static String joinHostPort(String host, String port) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }
}
