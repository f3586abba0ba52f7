package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.testsupport.Peers;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

/** {@code --web.config.file}: bcrypt basic auth and TLS from PEM files, as Prometheus's web config. */
class WebSecurityIT {

    @Test
    void basicAuthUsersNeedTheirPasswordAndOthersGet401() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            Path webConfig = server.home.resolve("conf/web.yml");
            Files.writeString(webConfig, "basic_auth_users:\n  admin: " + BCrypt.hashpw("s3cret", BCrypt.gensalt(4)) + "\n");
            server.start("--web.config.file=" + webConfig, "--web.enable-admin-api");
            server.await(Duration.ofSeconds(60), () -> server.get("/-/healthy").statusCode() == 401, "server up, asking for auth");
            HttpResponse<String> anonymous = server.get("/metrics");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic");
            assertThat(server.send(HttpRequest.newBuilder(server.uri("/metrics")).header("Authorization", basic("admin", "wrong")))
                    .statusCode()).isEqualTo(401);
            HttpResponse<String> authorized = server.send(HttpRequest.newBuilder(server.uri("/metrics"))
                    .header("Authorization", basic("admin", "s3cret")));
            assertThat(authorized.statusCode()).isEqualTo(200);
            assertThat(authorized.body()).contains("process_start_time_seconds");
            // The push endpoint's routes sit behind the same authentication.
            HttpRequest.Builder push = HttpRequest.newBuilder(server.uri("/metrics/job/secured"))
                    .PUT(HttpRequest.BodyPublishers.ofString("secured_total 1\n"));
            assertThat(server.send(push).statusCode()).isEqualTo(401);
            assertThat(server.get("/push/metrics").statusCode()).isEqualTo(401);
            assertThat(server.send(HttpRequest.newBuilder(server.uri("/metrics/job/secured")).header("Authorization", basic("admin", "s3cret"))
                    .PUT(HttpRequest.BodyPublishers.ofString("secured_total 1\n"))).statusCode()).isEqualTo(200);
            assertThat(server.send(HttpRequest.newBuilder(server.uri("/push/metrics")).header("Authorization", basic("admin", "s3cret")))
                    .body()).contains("secured_total{instance=\"\",job=\"secured\"} 1");
            // So do the admin console and its API.
            assertThat(server.get("/admin").statusCode()).as("the admin console").isEqualTo(401);
            assertThat(server.get("/api/v1/admin/plugins").statusCode()).as("the admin API").isEqualTo(401);
            HttpResponse<String> console = server.send(HttpRequest.newBuilder(server.uri("/admin"))
                    .header("Authorization", basic("admin", "s3cret")));
            assertThat(console.statusCode()).isEqualTo(200);
            assertThat(console.body()).contains("<meta name=\"promethium-admin\" content=\"true\">");
        }
    }

    @Test
    void tlsServesWithThePemCertificateAndKey() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            Path cert = server.home.resolve("conf/cert.pem");
            Path key = server.home.resolve("conf/key.pem");
            Process openssl = new ProcessBuilder(Peers.require("openssl").toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                    "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1")
                    .redirectErrorStream(true).start();
            String opensslOutput = new String(openssl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0).as("openssl makes a test certificate: %s", opensslOutput)
                    .isTrue();
            Path webConfig = server.home.resolve("conf/web.yml");
            Files.writeString(webConfig, "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS13\n"
                    + "http_server_config:\n  headers:\n    X-Frame-Options: deny\n");
            server.start("--web.config.file=" + webConfig);

            HttpClient client = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(2)).build();
            URI uri = URI.create("https://127.0.0.1:" + server.port + "/-/healthy");
            server.await(Duration.ofSeconds(60), () -> {
                try {
                    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            }, "TLS server up");
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("Promethium Server is Healthy.\n");
            assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("deny");
            assertThat(response.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
            javax.net.ssl.SSLParameters tls12 = new javax.net.ssl.SSLParameters();
            tls12.setProtocols(new String[] {"TLSv1.2"});
            HttpClient tls12Only = HttpClient.newBuilder().sslContext(trusting(cert)).sslParameters(tls12).connectTimeout(Duration.ofSeconds(2)).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> tls12Only.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("min_version: TLS13 refuses a TLS 1.2-only client").isInstanceOf(java.io.IOException.class);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static SSLContext trusting(Path certFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certFile)) {
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trust.setCertificateEntry("server", cert);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
