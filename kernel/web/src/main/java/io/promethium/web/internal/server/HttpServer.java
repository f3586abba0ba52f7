package io.promethium.web.internal.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.metrics.ThrottledLog;
import io.promethium.web.internal.routes.RouteTable;
import io.promethium.web.internal.routes.RoutesHandler;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty serving the route table ({@link RoutesHandler}) at its core. Requests run on a pool of platform threads; responses are gzipped
 * when the client accepts it; TLS (with HTTP/2 negotiated by ALPN) and basic auth come from the web config file.
 */
public final class HttpServer {

    /** HTTP/1.1's ALPN name: the connection factory's own protocol name is "HTTP/1.1", which ALPN matches case-sensitively. */
    private static final String HTTP_1_1 = "http/1.1";

    private final Server server;
    private final List<ServerConnector> connectors = new java.util.ArrayList<>();

    public HttpServer(String listenAddress, RouteTable routes, HttpMetrics metrics, WebConfigFile webConfig,
               long readTimeoutMillis, int maxConnections) throws Exception {
        this(listenAddress, new RoutesHandler(routes, metrics, null, "/"), webConfig, readTimeoutMillis, maxConnections, "/");
    }

    /**
     * @param listenAddress  {@code host:port}, or several separated by commas (Prometheus 3's repeated
     *                       {@code --web.listen-address}): each is served the same way, TLS included
     * @param routes         the route table, which serves every request
     * @param readTimeoutMillis {@code --web.read-timeout}: a request must be read whole within it from its
     *                       first byte, and idle connections are closed after it; 0 for neither
     * @param maxConnections simultaneous connections at most (as Prometheus's {@code --web.max-connections}:
     *                       more wait to be accepted); 0 for no limit
     * @param routePrefix    {@code /} or a path such as {@code /prom} under which every route is
     *                       served ({@code --web.route-prefix}); {@code /} then redirects to it
     */
    public HttpServer(String listenAddress, RoutesHandler routes, WebConfigFile webConfig, long readTimeoutMillis, int maxConnections,
                      String routePrefix) throws Exception {
        Objects.requireNonNull(routes, "routes is null");
        // Platform threads, not a virtual thread per request: Jetty then runs a request on the
        // thread that read it (its execute-produce-consume mode) instead of handing it to a new
        // virtual thread, whose scheduling (fork-join carrier wake-ups and parking) was about a
        // tenth of a small request's CPU (profiled; SmallQuery /api/v1/labels, 20,000 requests:
        // 0.16 / 0.12 against 0.19 / 0.21 ms of server CPU per request, load ~20). Long requests
        // are few: the engine runs 20 queries at once, remote read 10.
        QueuedThreadPool pool = new QueuedThreadPool(200, 4, 60_000);
        pool.setName("web");
        // Jetty's pool keeps buffers up to 64 KiB; a response body gathers up to LARGEST_BODY before
        // it goes out, and a larger buffer outside the pool would be a new direct buffer each time.
        server = new DateFieldServer(pool, new ArrayByteBufferPool(0, -1, RoutesHandler.LARGEST_BODY));
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        if (webConfig.tls()) {
            http.addCustomizer(new SecureRequestCustomizer(false));
        }
        WebTls.Factory ssl = null;
        webConfig.validate();
        if (webConfig.tls() && webConfig.http2() && !webConfig.tlsServer().cipherSuites().isEmpty() && webConfig.tlsServer().minVersion() < 3
                && !webConfig.tlsServer().cipherSuites().contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
                && !webConfig.tlsServer().cipherSuites().contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")) {
            // Prometheus (Go's HTTP/2 set-up, http2.ConfigureServer) refuses to start so: same verdict.
            throw new io.promethium.api.config.ConfigException(webConfig.source() + ": http2: TLSConfig.CipherSuites is missing an HTTP/2-required"
                    + " AES_128_GCM_SHA256 cipher (need at least one of TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);"
                    + " set http_server_config.http2: false or add one");
        }
        if (webConfig.tls()) {
            ssl = WebTls.factory(webConfig.tlsServer());
        }
        LiveWebConfig live = new LiveWebConfig(webConfig.source(), webConfig, ssl);
        // Across all listeners, as Prometheus 3's --web.max-connections (one semaphore shared by its listen addresses).
        java.util.concurrent.Semaphore slots = maxConnections > 0 ? new java.util.concurrent.Semaphore(maxConnections) : null;
        routes.metrics().connections().maxConnections(Math.max(0, maxConnections));
        // One throttle for all listeners: a flood of slow clients writes one warning every 10 s.
        ThrottledLog readDeadlineWarnings = new ThrottledLog(ReadDeadlineConnectionFactory.LOG, java.util.logging.Level.WARNING);
        int backlog = listenBacklog();
        // Shared by the listeners, as the slots are.
        WaitingConnections waiting = new WaitingConnections();
        for (String listen : listenAddresses(listenAddress)) {
            // --web.read-timeout as Go's ReadTimeout: the whole request read within it (slow
            // clients cut off), and, as Go's IdleTimeout defaulting to it, idle connections closed after it.
            HttpConnectionFactory http1 = new ReadDeadlineConnectionFactory(http, readTimeoutMillis, routes.metrics().readDeadlineExceeded(),
                    readDeadlineWarnings, waiting);
            org.eclipse.jetty.server.ConnectionFactory[] factories;
            if (ssl == null) {
                // No h2c (HTTP/2 without TLS), as Go's server and so Prometheus.
                factories = new org.eclipse.jetty.server.ConnectionFactory[] {http1};
            } else if (webConfig.http2()) {
                factories = http2OverTls(ssl, live, http, http1, readTimeoutMillis, waiting);
            } else {
                factories = new org.eclipse.jetty.server.ConnectionFactory[] {new ReloadingSslConnectionFactory(ssl, live, HTTP_1_1, waiting), http1};
            }
            // With or without a limit, so the connections are counted.
            ServerConnector connector = new LimitedServerConnector(server, slots, maxConnections, routes.metrics().connections(), waiting, factories);
            InetSocketAddress address = parseAddress(listen);
            connector.setHost(address.getHostString().isEmpty() ? null : address.getHostString());
            connector.setPort(address.getPort());
            connector.setIdleTimeout(readTimeoutMillis);
            // Connections beyond the limit wait in the listen backlog: as large as Go makes it (the kernel's somaxconn).
            connector.setAcceptQueueSize(backlog);
            server.addConnector(connector);
            connectors.add(connector);
        }

        Handler routed = routePrefix.equals("/") ? routes : new PrefixRedirect(routePrefix, routes);
        GzipHandler gzip = new GzipHandler(routed);
        gzip.setMinGzipSize(1024);
        // The search API's NDJSON goes out as written, batch by batch: Prometheus leaves it out of its compression handler.
        gzip.addExcludedMimeTypes("application/x-ndjson");
        Handler auth = new BasicAuthHandler(() -> live.last().users(), gzip);
        Handler root = webConfig.source() == null && webConfig.headers().isEmpty() && webConfig.rateLimit() == null
                ? (webConfig.users().isEmpty() ? gzip : auth)
                : new WebConfigHandler(live, webConfig.rateLimit() == null ? null : new WebConfigHandler.RateLimiter(webConfig.rateLimit()), auth);
        server.setHandler(root);
    }

    /**
     * TLS, then ALPN choosing {@code h2} or {@code http/1.1} (HTTP/1.1 for a client that offers
     * neither or does not use ALPN), as Go's server with {@code http2: true}, the toolkit's default.
     * Go negotiates {@code h2} whatever the TLS version and cipher and then ends the connection with
     * {@code INADEQUATE_SECURITY} below TLS 1.2 or on a cipher of RFC 7540's blacklist; Jetty leaves
     * {@code h2} out of the negotiation then (HTTP2ServerConnectionFactory.isAcceptable), so such a
     * client gets HTTP/1.1 instead of an error: either way no HTTP/2 is served over weak TLS.
     * Streams are as many at once as Go's (250); a stream idle for {@code --web.read-timeout} is
     * ended (Jetty's stream idle timeout), the nearest Jetty has to Go's per-stream read deadline.
     * A connection with no stream open waits on its client, as an idle HTTP/1.1 one does, for
     * {@code --web.max-connections} ({@link TrackedHttp2ConnectionFactory}).
     */
    private static org.eclipse.jetty.server.ConnectionFactory[] http2OverTls(SslContextFactory.Server ssl, LiveWebConfig live,
            HttpConfiguration http, HttpConnectionFactory http1, long readTimeoutMillis, WaitingConnections waiting) {
        org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory h2 = new TrackedHttp2ConnectionFactory(http, waiting);
        h2.setMaxConcurrentStreams(250);
        if (readTimeoutMillis > 0) {
            h2.setStreamIdleTimeout(readTimeoutMillis);
        }
        org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory alpn = new org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory(h2.getProtocol(), HTTP_1_1);
        alpn.setDefaultProtocol(HTTP_1_1);
        return new org.eclipse.jetty.server.ConnectionFactory[] {new ReloadingSslConnectionFactory(ssl, live, alpn.getProtocol(), waiting), alpn, h2, http1};
    }

    /**
     * TLS. Before each new connection's TLS engine is made, the web config file is checked for a
     * change, as the toolkit reads it again for every handshake. Until its handshake succeeds a
     * connection waits on its client ({@link WaitingConnections}): one that never sends or
     * finishes its hello gives way at the connection limit as an idle HTTP/1.1 one does, instead
     * of holding its slot until the idle timeout; after the handshake the protocol's own
     * connection (HTTP/1.1 or HTTP/2) says when it waits.
     */
    private static final class ReloadingSslConnectionFactory extends SslConnectionFactory {
        private final LiveWebConfig live;
        private final WaitingConnections waiting;

        ReloadingSslConnectionFactory(SslContextFactory.Server ssl, LiveWebConfig live, String nextProtocol, WaitingConnections waiting) {
            super(ssl, nextProtocol);
            this.live = live;
            this.waiting = waiting;
        }

        @Override
        public org.eclipse.jetty.io.Connection newConnection(org.eclipse.jetty.server.Connector connector, org.eclipse.jetty.io.EndPoint endPoint) {
            try {
                live.current();
            } catch (io.promethium.api.config.ConfigException e) {
                // Logged by LiveWebConfig; the connection's requests are answered 500.
            }
            org.eclipse.jetty.io.Connection connection = super.newConnection(connector, endPoint);
            if (connection instanceof org.eclipse.jetty.io.ssl.SslConnection tls) {
                waiting.waiting(endPoint);
                tls.addHandshakeListener(new org.eclipse.jetty.io.ssl.SslHandshakeListener() {
                    @Override
                    public void handshakeSucceeded(Event event) {
                        waiting.busy(endPoint);
                    }
                });
                tls.addEventListener(new org.eclipse.jetty.io.Connection.Listener() {
                    @Override
                    public void onClosed(org.eclipse.jetty.io.Connection closed) {
                        waiting.closed(endPoint);
                    }
                });
            }
            return connection;
        }
    }

    public void start() throws Exception {
        server.start();
    }

    public void stop() throws Exception {
        server.stop();
    }

    /** The port actually bound by the first listener (useful when listening on port 0). */
    public int port() {
        return connectors.get(0).getLocalPort();
    }

    /** The ports actually bound, one per listen address, in order. */
    public List<Integer> ports() {
        return connectors.stream().map(ServerConnector::getLocalPort).toList();
    }

    /** The listen addresses of a {@code --web.listen-address} value: several are separated by commas. */
    public static List<String> listenAddresses(String value) {
        List<String> addresses = new java.util.ArrayList<>();
        for (String address : value.split(",")) {
            if (!address.isBlank()) {
                addresses.add(address.strip());
            }
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no listen address in \"" + value + "\"");
        }
        return addresses;
    }

    /**
     * The listen backlog Go gives every listener: the kernel's {@code net.core.somaxconn} (4096 by
     * default since Linux 5.4), so that a burst beyond {@code --web.max-connections} waits there
     * instead of overflowing a short queue (Java's default is 50), where the kernel drops SYNs and,
     * with the final ACK of a handshake dropped, the client may send its request on a connection
     * the server never accepts. Where the file is missing (not Linux), 4096: the kernel caps it at its own limit.
     */
    static int listenBacklog() {
        // Read by lines: Files.readAllBytes returned only "4" of "4096" from this /proc/sys file (JDK 25, Linux 6.18).
        try (java.io.BufferedReader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/sys/net/core/somaxconn"))) {
            String line = in.readLine();
            int n = line == null ? 0 : Integer.parseInt(line.strip());
            // Capped at 65535, as Go does on kernels before 4.1, whose accept backlog is 16 bits (Go keeps more on later ones).
            return n > 0 ? Math.min(n, 65_535) : 4096;
        } catch (java.io.IOException | NumberFormatException e) {
            return 4096;
        }
    }

    /** Initialises the classes whose static set-up is costly (Jetty's MimeTypes), ahead of the server. */
    static void warmUp() {
        try {
            Class.forName("org.eclipse.jetty.http.MimeTypes", true, HttpServer.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // The server's own construction then loads it, or reports what is missing.
        }
    }

    /**
     * The route prefix of {@code --web.route-prefix}, defaulting to the path of
     * {@code --web.external-url}, always starting with {@code /} and without a trailing one, as
     * Prometheus computes it.
     */
    public static String routePrefix(String routePrefixFlag, String externalUrl) {
        String prefix = routePrefixFlag == null ? "" : routePrefixFlag.strip();
        if (prefix.isEmpty() && externalUrl != null && !externalUrl.isBlank()) {
            try {
                String path = new java.net.URI(externalUrl.strip()).getRawPath();
                prefix = path == null ? "" : path;
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("--web.external-url \"" + externalUrl + "\": " + e.getMessage(), e);
            }
        }
        int start = 0;
        int end = prefix.length();
        while (start < end && prefix.charAt(start) == '/') {
            start++;
        }
        while (end > start && prefix.charAt(end - 1) == '/') {
            end--;
        }
        return "/" + prefix.substring(start, end);
    }

    /** Parses Go-style {@code host:port}: {@code :9090}, {@code 0.0.0.0:9090}, {@code [::1]:9090}. */
    public static InetSocketAddress parseAddress(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("listen address \"" + address + "\": missing port");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen address \"" + address + "\": invalid port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen address \"" + address + "\": port out of range");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /**
     * Jetty finds its HTTP/2 header pre-encoder ({@code HpackFieldPreEncoder}) with
     * {@code ServiceLoader.load(HttpFieldPreEncoder.class)} in {@code PreEncodedHttpField}'s static
     * initializer, which reads the thread's context class loader. Under OSGi that loader does not see
     * this bundle's embedded jars, so without this Jetty knows only the HTTP/1 encoder and fails every
     * HTTP/2 answer with a COMPRESSION_ERROR ("Could not hpack encode"). The class is initialized
     * once, with this bundle's loader as context, by {@code WebComponent}'s static initializer, before
     * anything of this bundle touches Jetty's header classes.
     */
    static void loadHttpFieldEncoders() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(HttpServer.class.getClassLoader());
        try {
            Class.forName("org.eclipse.jetty.http.PreEncodedHttpField", true, HttpServer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Jetty's PreEncodedHttpField is missing from the web bundle", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
