package io.promethium.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.promethium.api.testing.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loopback peers a test of {@code http_client_config} talks to, whatever sends the requests
 * (scrapes, the Alertmanager sender, a plugin): a plain HTTP server and an HTTPS one (the
 * certificate of {@link TestCertificates}) answering one path and recording what reached it; on
 * the plain server a redirect to that path and an OAuth2 token endpoint, {@code /token}, handing
 * out {@code tok-1}, {@code tok-2}, ... that expire in 11 s, so a client that refreshes 10 s
 * before expiry (Go's oauth2, and ours) asks again after about 1 s; and a {@link LoopbackProxy}.
 */
public final class HttpClientConfigPeers implements AutoCloseable {

    private final HttpServer server;
    private final HttpsServer httpsServer;
    private final LoopbackProxy proxy;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokens = new AtomicInteger();

    /**
     * @param path the path answered on both servers ({@code /metrics}), with {@code 200}, {@code contentType} and {@code body}
     * @param redirectFrom a path answered with {@code redirectStatus} and {@code Location: path}
     */
    public HttpClientConfigPeers(TestCertificates tls, String path, String contentType, String body, String redirectFrom,
                                 int redirectStatus) throws IOException, GeneralSecurityException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(path, exchange -> answer(exchange, contentType, body));
        server.createContext(redirectFrom, exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Location", path);
            exchange.sendResponseHeaders(redirectStatus, -1);
            exchange.close();
        });
        server.createContext("/token", exchange -> {
            tokenRequests.add(exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            respond(exchange, "application/json", "{\"access_token\":\"tok-" + tokens.incrementAndGet()
                    + "\",\"token_type\":\"bearer\",\"expires_in\":11}");
        });
        server.start();
        httpsServer = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        httpsServer.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        httpsServer.createContext(path, exchange -> answer(exchange, contentType, body));
        httpsServer.start();
        proxy = new LoopbackProxy();
    }

    private void answer(HttpExchange exchange, String contentType, String body) throws IOException {
        bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        seen.add("auth=" + exchange.getRequestHeaders().getFirst("Authorization")
                + " proxy-auth=" + exchange.getRequestHeaders().getFirst("Proxy-Authorization")
                + " x-team=" + exchange.getRequestHeaders().get("X-Team"));
        respond(exchange, contentType, body);
    }

    private static void respond(HttpExchange exchange, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The plain server's port (the path, the redirect and {@code /token}). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The HTTPS server's port (the path only). */
    public int httpsPort() {
        return httpsServer.getAddress().getPort();
    }

    public LoopbackProxy proxy() {
        return proxy;
    }

    /** One line per request to the path: {@code auth=<Authorization> proxy-auth=<Proxy-Authorization> x-team=<X-Team values>}. */
    public List<String> seen() {
        return seen;
    }

    /** The request bodies that reached the path, in order. */
    public List<String> bodies() {
        return bodies;
    }

    /** One line per token request: its {@code Authorization}, a space, its form body. */
    public List<String> tokenRequests() {
        return tokenRequests;
    }

    /** How many tokens were handed out. */
    public int tokens() {
        return tokens.get();
    }

    @Override
    public void close() {
        server.stop(0);
        httpsServer.stop(0);
        proxy.close();
    }
}
