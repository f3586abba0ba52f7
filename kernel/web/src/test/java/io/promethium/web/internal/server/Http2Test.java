package io.promethium.web.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.testing.TestCertificates;
import io.promethium.web.internal.query.QueryResource;
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
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 as Prometheus serves it (Go's net/http with the exporter-toolkit's TLS): negotiated by
 * ALPN over TLS when {@code http_server_config.http2} is true (the default), HTTP/1.1 for a client
 * that does not offer {@code h2}, never without TLS (no h2c).
 */
class Http2Test {

    private static final String QUERY = "/api/v1/query?query=vector(1)";

    @TempDir
    static Path dir;
    private static SSLContext trusting;

    @BeforeAll
    static void certificates() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certs.serverKeyStore())) {
            keys.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        java.security.Key key = keys.getKey("server", TestCertificates.PASSWORD.toCharArray());
        Files.writeString(dir.resolve("server.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certs.caPem())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
    }

    private static ApiServer start(String httpServerConfig) throws Exception {
        Path file = dir.resolve("web-" + System.nanoTime() + ".yml");
        Files.writeString(file, "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n" + httpServerConfig);
        return ApiServer.withWebConfig(WebConfigFile.load(file),
                w -> new QueryResource(w.server().engine, w.server().storage, w.clock()).routes(1 << 16, false).forEach(w::register));
    }

    private static HttpResponse<String> get(HttpClient.Version version, String scheme, int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(version).sslContext(trusting).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + QUERY)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The protocol the server chooses by ALPN among {@code offered}, on a TLS handshake with the given parameters. */
    private static String negotiated(int port, List<String> offered, String tlsVersion, List<String> ciphers) throws Exception {
        try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(offered.toArray(new String[0]));
            if (tlsVersion != null) {
                parameters.setProtocols(new String[] {tlsVersion});
            }
            if (ciphers != null) {
                parameters.setCipherSuites(ciphers.toArray(new String[0]));
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket.getApplicationProtocol();
        }
    }

    @Test
    void anHttp2ClientGetsHttp2OverTlsAndAnHttp11OnlyClientHttp11() throws Exception {
        try (ApiServer server = start("")) {
            HttpResponse<String> h2 = get(HttpClient.Version.HTTP_2, "https", server.port());
            assertThat(h2.statusCode()).as(h2.body()).isEqualTo(200);
            assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(h2.body()).contains("\"status\":\"success\"").contains("\"1\"]");

            HttpResponse<String> h1 = get(HttpClient.Version.HTTP_1_1, "https", server.port());
            assertThat(h1.statusCode()).isEqualTo(200);
            assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(h1.body()).contains("\"status\":\"success\"").contains("\"1\"]");

            assertThat(negotiated(server.port(), List.of("h2", "http/1.1"), null, null)).isEqualTo("h2");
            assertThat(negotiated(server.port(), List.of("http/1.1"), null, null)).isEqualTo("http/1.1");
        }
    }

    @Test
    void overTls12WithACipherRfc7540ForbidsHttp2IsLeftOutAndTheClientGetsHttp11() throws Exception {
        try (ApiServer server = start("")) {
            // TLS 1.2 with a CBC suite only (on RFC 7540's blacklist): Go negotiates h2 then sends
            // GOAWAY INADEQUATE_SECURITY; here h2 is not chosen, the connection serves HTTP/1.1.
            assertThat(negotiated(server.port(), List.of("h2", "http/1.1"), "TLSv1.2", List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")))
                    .isEqualTo("http/1.1");
            assertThat(negotiated(server.port(), List.of("h2", "http/1.1"), "TLSv1.2", List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")))
                    .isEqualTo("h2");
        }
    }

    @Test
    void withHttp2FalseAnHttp2ClientGetsHttp11() throws Exception {
        try (ApiServer server = start("http_server_config:\n  http2: false\n")) {
            HttpResponse<String> response = get(HttpClient.Version.HTTP_2, "https", server.port());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(negotiated(server.port(), List.of("h2", "http/1.1"), null, null)).isIn("", null);
        }
    }

    @Test
    void withoutTlsThereIsNoHttp2AsGoServesNoH2c() throws Exception {
        try (ApiServer server = new ApiServer(
                w -> new QueryResource(w.server().engine, w.server().storage, w.clock()).routes(1 << 16, false).forEach(w::register))) {
            // The JDK client asks to upgrade to h2c; the server answers in HTTP/1.1.
            HttpResponse<String> response = get(HttpClient.Version.HTTP_2, "http", server.port());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        }
    }
}
