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
     * connection refused}, {@code dial tcp: lookup HOST on 10.0.0.53:53: no such host},
     * {@code context deadline exceeded} (a request that timed out), {@code EOF} (a connection
     * closed before an answer), else the JDK's message.
     */
    public static String cause(URI uri, IOException e) {
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "context deadline exceeded";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
                return "dial tcp: lookup " + uri.getHost() + " on " + nameserver() + ": no such host";
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

    /** Go's {@code net.JoinHostPort}: an IPv6 address in brackets. */
    static String joinHostPort(String host, String port) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }
}
