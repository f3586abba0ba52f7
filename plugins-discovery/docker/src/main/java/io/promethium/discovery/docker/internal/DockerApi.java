package io.promethium.discovery.docker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.http.ConfiguredHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The Docker engine API as discovery uses it: {@code GET} of a path, answered with JSON. The
 * API version is negotiated once, as Docker's client does: {@code /_ping}'s
 * {@code Api-Version} header, capped at {@link #MAX_VERSION}; without one, unversioned paths.
 * A {@code unix://} host is spoken to over its socket with a minimal HTTP/1.1 exchange (the
 * JDK's HTTP client has no Unix-socket transport); {@code tcp://} is plain HTTP,
 * {@code http(s)://} too, both through the block's HTTP client ({@code http_client_config}).
 * Every request times out after {@code timeout} (Prometheus's client timeout, the refresh
 * interval).
 */
final class DockerApi {

    /** The newest API version asked for (the version of Docker 28's API, as Prometheus's client). */
    static final String MAX_VERSION = "1.51";
    static final String USER_AGENT = "Promethium/0.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final ConfiguredHttpClient http;
    private final Duration timeout;
    private final long bodyLimit;
    private final String base;
    private final String socket;
    private volatile String version;

    DockerApi(String host, ConfiguredHttpClient http, Duration timeout, long bodyLimit) {
        this.host = host;
        this.http = http;
        this.timeout = timeout;
        this.bodyLimit = bodyLimit;
        URI uri = URI.create(host);
        if ("unix".equals(uri.getScheme())) {
            socket = uri.getPath();
            base = null;
        } else {
            socket = null;
            String scheme = "tcp".equals(uri.getScheme()) ? "http" : uri.getScheme();
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            base = scheme + "://" + uri.getRawAuthority() + path;
        }
    }

    /** The JSON answer of {@code GET /v<version><pathAndQuery>}. */
    JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        if (version == null) {
            version = negotiate();
        }
        Answer answer = exchange((version.isEmpty() ? "" : "/v" + version) + pathAndQuery);
        if (answer.status() / 100 != 2) {
            String text = new String(answer.body(), StandardCharsets.UTF_8).strip();
            JsonNode message = null;
            try {
                message = JSON.readTree(text).get("message");
            } catch (IOException e) {
                // not Docker's JSON error
            }
            throw new IOException("Error response from daemon: " + (message != null ? message.asText() : text));
        }
        try {
            JsonNode node = JSON.readTree(answer.body());
            if (node == null || node.isMissingNode()) {
                throw new IOException("unexpected end of JSON input");
            }
            return node;
        } catch (IOException e) {
            throw new IOException("error decoding the answer of " + pathAndQuery + ": " + e.getMessage(), e);
        }
    }

    private String negotiate() throws IOException, InterruptedException {
        Answer ping = exchange("/_ping");
        String server = ping.apiVersion();
        if (server == null || server.isBlank()) {
            return "";
        }
        server = server.strip();
        return compare(server, MAX_VERSION) < 0 ? server : MAX_VERSION;
    }

    private static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? parse(x[i]) : 0;
            int q = i < y.length ? parse(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private record Answer(int status, String apiVersion, byte[] body) {
    }

    private Answer exchange(String pathAndQuery) throws IOException, InterruptedException {
        return socket != null ? overSocket(pathAndQuery) : overHttp(pathAndQuery);
    }

    private Answer overHttp(String pathAndQuery) throws IOException, InterruptedException {
        String url = base + pathAndQuery;
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("User-Agent", USER_AGENT).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("Get \"" + url + "\": no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException("Cannot connect to the Docker daemon at " + host + ": " + e.getMessage(), e);
        }
        try (InputStream in = response.body()) {
            return new Answer(response.statusCode(), response.headers().firstValue("Api-Version").orElse(null), read(in, pathAndQuery));
        }
    }

    private byte[] read(InputStream in, String what) throws IOException {
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
        if (body.length > bodyLimit) {
            throw new IOException(what + ": the answer is larger than " + bodyLimit + " bytes");
        }
        return body;
    }

    /** One HTTP/1.1 exchange over the Unix socket ({@code Connection: close}; chunked or sized bodies). */
    private Answer overSocket(String pathAndQuery) throws IOException, InterruptedException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new IOException("Cannot connect to the Docker daemon at " + host + ". Is the docker daemon running? ("
                    + e.getMessage() + ")", e);
        }
        // A blocking channel has no read timeout: closing it from a timer ends a read that waits too long.
        Thread timer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(timeout);
                channel.close();
            } catch (InterruptedException | IOException e) {
                // done in time, or closed anyway
            }
        });
        try (channel) {
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: " + USER_AGENT
                    + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n";
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            InputStream in = Channels.newInputStream(channel);
            String statusLine = line(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("malformed HTTP response \"" + statusLine + "\"");
            }
            int status = Integer.parseInt(parts[1]);
            String apiVersion = null;
            boolean chunked = false;
            long length = -1;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).strip();
                switch (name) {
                    case "api-version" -> apiVersion = value;
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "content-length" -> length = Long.parseLong(value);
                    default -> {
                    }
                }
            }
            byte[] body;
            if (chunked) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                while (true) {
                    String size = line(in);
                    int semi = size.indexOf(';');
                    long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                    if (n == 0) {
                        break;
                    }
                    if (all.size() + n > bodyLimit) {
                        throw new IOException(pathAndQuery + ": the answer is larger than " + bodyLimit + " bytes");
                    }
                    all.write(in.readNBytes((int) n));
                    line(in);
                }
                body = all.toByteArray();
            } else if (length >= 0) {
                if (length > bodyLimit) {
                    throw new IOException(pathAndQuery + ": the answer is larger than " + bodyLimit + " bytes");
                }
                body = in.readNBytes((int) length);
            } else {
                body = read(in, pathAndQuery);
            }
            return new Answer(status, apiVersion, body);
        } catch (java.nio.channels.AsynchronousCloseException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("closed");
            }
            throw new IOException("Get \"" + pathAndQuery + "\" on " + host + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (NumberFormatException e) {
            throw new IOException("malformed HTTP response from " + host + ": " + e.getMessage(), e);
        } finally {
            timer.interrupt();
        }
    }

    /** Releases the HTTP client's connections. */
    void close() {
        http.close();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
            if (sb.length() > 65536) {
                throw new IOException("HTTP header line too long");
            }
        }
        if (c == -1 && sb.isEmpty()) {
            throw new IOException("unexpected EOF");
        }
        return sb.toString();
    }
}
