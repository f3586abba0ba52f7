package io.promethium.web.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.testing.TestCertificates;
import io.promethium.config.tls.TlsContexts;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.RouteTable;
import io.promethium.web.internal.routes.Router;
import io.promethium.web.internal.routes.RoutesHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/**
 * The web config file's TLS and HTTP keys on the real server, over TLS with the JDK's HTTP client.
 * The server's certificate comes from the api test jar's {@link TestCertificates} (once per class:
 * keytool is slow); the client certificates are the exporter-toolkit's own test certificates (test
 * resources {@code exporter-toolkit/web/testdata}, Apache-2.0), two self-signed ones:
 * {@code client_selfsigned} (CN test, no alternative names) and {@code client2_selfsigned} (DNS test3).
 * (The toolkit's server certificate is not used: its key usage lacks digitalSignature, which Go
 * tolerates and the JDK client refuses.)
 */
class WebConfigTlsTest {

    private static final Endpoints PING = (formLimit, agent) -> List.of(Router.under("/api/v1/ping")
            .get("/api/v1/ping", call -> call.respond(200, "text/plain", "pong")).build());
    private static final char[] PASSWORD = "test".toCharArray();

    @TempDir
    static Path certificates;
    private static TestCertificates serverCertificates;

    @TempDir
    Path dir;
    private final List<HttpServer> servers = new ArrayList<>();
    private final java.util.Map<String, SSLContext> contexts = new java.util.HashMap<>();

    @BeforeAll
    static void createServerCertificate() throws Exception {
        serverCertificates = TestCertificates.create(certificates);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverCertificates.serverKeyStore())) {
            keys.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        java.security.Key key = keys.getKey("server", TestCertificates.PASSWORD.toCharArray());
        Files.writeString(certificates.resolve("server.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    @BeforeEach
    void copyCertificates() throws Exception {
        Files.copy(certificates.resolve("server.pem"), dir.resolve("server.crt"));
        Files.copy(certificates.resolve("server.key"), dir.resolve("server.key"));
        Path testdata = Path.of(WebConfigTlsTest.class.getResource("/exporter-toolkit/web/testdata").toURI());
        for (String name : List.of("client_selfsigned.pem", "client_selfsigned.key", "client2_selfsigned.pem", "client2_selfsigned.key")) {
            Files.copy(testdata.resolve(name), dir.resolve(name));
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (HttpServer server : servers) {
            server.stop();
        }
    }

    private HttpServer start(String yaml) throws Exception {
        Path file = dir.resolve("web.yml");
        Files.writeString(file, yaml);
        RouteTable routes = new RouteTable();
        PING.routers(1 << 20, false).forEach(routes::addBuiltIn);
        HttpServer server = new HttpServer("127.0.0.1:0", new RoutesHandler(routes, new HttpMetrics(), null, "/"),
                WebConfigFile.load(file), 30_000, 16, "/");
        servers.add(server);
        server.start();
        return server;
    }

    private static String tls(String more) {
        return "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + more;
    }

    /** A fresh client (no pooled connection) trusting the server's CA, presenting {@code clientCert} (or none). */
    private HttpClient client(String clientCert, SSLParameters parameters) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(serverCertificates.caPem())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(TlsContexts.serverKeyStore(dir.resolve(clientCert + ".pem"), dir.resolve(clientCert + ".key"), PASSWORD), PASSWORD);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : new KeyManager[] {new AlwaysPresent((X509KeyManager) kmf.getKeyManagers()[0])},
                tmf.getTrustManagers(), null);
        contexts.put(clientCert, context);
        HttpClient.Builder builder = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5));
        if (parameters != null) {
            builder.sslParameters(parameters);
        }
        return builder.build();
    }

    /**
     * Presents the client certificate whatever CAs the server names (the JDK's manager would send
     * none that no named CA issued, which would not show the server refusing it; Go's client sends its certificate).
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509KeyManager keys;

        AlwaysPresent(X509KeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return "server";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
            return "server";
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return new String[] {"server"};
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
        }

        @Override
        public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    /** A TLS handshake over a plain SSLSocket (the HTTP client does not pass named groups on); its session's protocol. */
    private String handshake(HttpServer server, SSLParameters parameters) throws Exception {
        client(null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) contexts.get(null).getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            // TLS 1.3 refusals may come after the client's side of the handshake: a request shows them.
            socket.getOutputStream().write("GET /api/v1/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200");
            return socket.getSession().getProtocol();
        }
    }

    private HttpClient client(String clientCert) throws Exception {
        return client(clientCert, null);
    }

    private static HttpResponse<String> get(HttpClient client, HttpServer server, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/api/v1/ping"))
                .timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SSLParameters protocols(String... protocols) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(protocols);
        return parameters;
    }

    @Test
    void requireAndVerifyClientCertRefusesNoCertificateAndAnUntrustedOneAndTakesATrustedOne() throws Exception {
        HttpServer server = start(tls("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: client_selfsigned.pem\n"));
        assertThatThrownBy(() -> get(client(null), server)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(client("client2_selfsigned"), server)).isInstanceOf(IOException.class);
        HttpResponse<String> response = get(client("client_selfsigned"), server);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("pong");
    }

    @Test
    void requireAnyClientCertTakesAnUncheckedCertificateButNotNone() throws Exception {
        HttpServer server = start(tls("  client_auth_type: RequireAnyClientCert\n"));
        assertThatThrownBy(() -> get(client(null), server)).isInstanceOf(IOException.class);
        assertThat(get(client("client2_selfsigned"), server).statusCode()).isEqualTo(200);
    }

    @Test
    void verifyClientCertIfGivenTakesNoneButRefusesAnUntrustedOne() throws Exception {
        HttpServer server = start(tls("  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: client_selfsigned.pem\n"));
        assertThat(get(client(null), server).statusCode()).isEqualTo(200);
        assertThat(get(client("client_selfsigned"), server).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get(client("client2_selfsigned"), server)).isInstanceOf(IOException.class);
    }

    @Test
    void clientAllowedSansRefusesACertificateWithoutOneOfThem() throws Exception {
        HttpServer good = start(tls("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: client2_selfsigned.pem\n"
                + "  client_allowed_sans: [one, test3, two]\n"));
        assertThat(get(client("client2_selfsigned"), good).statusCode()).isEqualTo(200);
        HttpServer bad = start(tls("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: client2_selfsigned.pem\n"
                + "  client_allowed_sans: [bad]\n"));
        assertThatThrownBy(() -> get(client("client2_selfsigned"), bad)).isInstanceOf(IOException.class);
    }

    @Test
    void minVersionTls13RefusesATls12OnlyClient() throws Exception {
        HttpServer server = start(tls("  min_version: TLS13\n"));
        assertThatThrownBy(() -> get(client(null, protocols("TLSv1.2")), server)).isInstanceOf(IOException.class);
        assertThat(get(client(null), server).sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
    }

    @Test
    void maxVersionTls12RefusesATls13OnlyClient() throws Exception {
        HttpServer server = start(tls("  max_version: TLS12\n"));
        assertThatThrownBy(() -> get(client(null, protocols("TLSv1.3")), server)).isInstanceOf(IOException.class);
        assertThat(get(client(null), server).sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.2");
    }

    @Test
    void cipherSuitesAreExactlyTheOnesOffered() throws Exception {
        HttpServer server = start(tls("  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n  max_version: TLS12\n"));
        SSLParameters other = protocols("TLSv1.2");
        other.setCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"});
        assertThatThrownBy(() -> get(client(null, other), server)).isInstanceOf(IOException.class);
        assertThat(get(client(null), server).sslSession().orElseThrow().getCipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void curvePreferencesAreTheOnlyKeyExchangeGroups() throws Exception {
        HttpServer server = start(tls("  min_version: TLS13\n  curve_preferences: [CurveP521]\n"));
        SSLParameters p384 = new SSLParameters();
        p384.setNamedGroups(new String[] {"secp384r1"});
        assertThatThrownBy(() -> handshake(server, p384)).isInstanceOf(IOException.class);
        SSLParameters p521 = new SSLParameters();
        p521.setNamedGroups(new String[] {"secp521r1"});
        assertThat(handshake(server, p521)).isEqualTo("TLSv1.3");
    }

    @Test
    void headersAreSentAndBasicAuthStillApplies() throws Exception {
        String hash = BCrypt.hashpw("secret", BCrypt.gensalt(4));
        HttpServer server = start(tls("") + "basic_auth_users:\n  alice: " + hash + "\n"
                + "http_server_config:\n  http2: false\n  headers:\n    X-Frame-Options: deny\n"
                + "    Strict-Transport-Security: max-age=31536000\n    Content-Security-Policy: \"default-src 'self'\"\n");
        HttpResponse<String> anonymous = get(client(null), server);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("X-Frame-Options")).contains("deny");
        String auth = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> alice = get(client(null), server, "Authorization", auth);
        assertThat(alice.statusCode()).isEqualTo(200);
        assertThat(alice.body()).isEqualTo("pong");
        assertThat(alice.headers().firstValue("X-Frame-Options")).contains("deny");
        assertThat(alice.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");
        assertThat(alice.headers().firstValue("Content-Security-Policy")).contains("default-src 'self'");
        String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8));
        assertThat(get(client(null), server, "Authorization", wrong).statusCode()).isEqualTo(401);
    }

    @Test
    void rateLimitAnswers429BeyondTheBurst() throws Exception {
        HttpServer server = start(tls("") + "rate_limit:\n  interval: 1m\n  burst: 2\n");
        HttpClient client = client(null);
        assertThat(get(client, server).statusCode()).isEqualTo(200);
        assertThat(get(client, server).statusCode()).isEqualTo(200);
        assertThat(get(client, server).statusCode()).isEqualTo(429);
    }

    @Test
    void aChangedFileAppliesToNewConnectionsAndAnInvalidOneAnswers500() throws Exception {
        HttpServer server = start(tls(""));
        assertThat(get(client(null), server).statusCode()).isEqualTo(200);
        Files.writeString(dir.resolve("web.yml"), tls("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: client_selfsigned.pem\n"));
        Thread.sleep(LiveWebConfig.CHECK_NANOS / 1_000_000 + 50);
        // The first connection after the check interval applies the change (to itself, too).
        assertThatThrownBy(() -> get(client(null), server)).isInstanceOf(IOException.class);
        assertThat(get(client("client_selfsigned"), server).statusCode()).isEqualTo(200);
        Files.writeString(dir.resolve("web.yml"), tls("  min_version: TLS99\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: client_selfsigned.pem\n"));
        Thread.sleep(LiveWebConfig.CHECK_NANOS / 1_000_000 + 50);
        assertThat(get(client("client_selfsigned"), server).statusCode()).isEqualTo(500);
    }

    @Test
    void whatTheJvmDisablesIsRefusedByNameAtStart() {
        org.junit.jupiter.api.Assumptions.assumeTrue(String.valueOf(java.security.Security.getProperty("jdk.tls.disabledAlgorithms"))
                .matches("(^|.*[ ,])TLSv1([ ,].*|$)"), "this JVM allows TLS 1.0");
        assertThatThrownBy(() -> start(tls("  min_version: TLS10\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("min_version TLS10").hasMessageContaining("jdk.tls.disabledAlgorithms");
    }

    @Test
    void aConfigTheToolkitRefusesStopsTheServerFromStarting() {
        assertThatThrownBy(() -> start(tls("  client_ca_file: client_selfsigned.pem\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("client CA's have been configured without a Client Auth Policy");
        assertThatThrownBy(() -> start(tls("  client_auth_type: Bogus\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("invalid ClientAuth: Bogus");
        // As the toolkit's web_config_noAuth_noHTTP2Cipher.bad.yml: Go's HTTP/2 set-up refuses it.
        assertThatThrownBy(() -> start(tls("  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\n  max_version: TLS12\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("TLSConfig.CipherSuites is missing an HTTP/2-required");
    }
}
