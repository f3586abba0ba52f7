package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.distribution.rest.GreetingResource;
import io.promethium.testsupport.Peers;
import java.io.ByteArrayOutputStream;
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
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

/**
 * A plugin that registers an annotated JAX-RS resource ({@code osgi.jakartars.resource=true},
 * OSGi Jakarta RESTful Web Services Whiteboard) is served on the server's port, behind its TLS,
 * basic authentication, route prefix and request metrics, from the moment its jar is dropped into
 * {@code plugins/} until it is removed.
 */
class RestPluginIT {

    @Test
    void aDroppedJaxRsResourceIsServedBehindTlsAndBasicAuthUnderThePrefixAndCounted() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            Path cert = server.home.resolve("conf/cert.pem");
            Path key = server.home.resolve("conf/key.pem");
            Process openssl = new ProcessBuilder(Peers.require("openssl").toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
            String opensslOutput = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0).as("openssl: %s", opensslOutput).isTrue();
            Path webConfig = server.home.resolve("conf/web.yml");
            Files.writeString(webConfig, "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n"
                    + "basic_auth_users:\n  admin: " + BCrypt.hashpw("s3cret", BCrypt.gensalt(4)) + "\n");
            server.start("--web.config.file=" + webConfig, "--web.route-prefix=/prom");
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(2)).build();
            String auth = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));
            Https https = new Https(client, "https://127.0.0.1:" + server.port + "/prom", auth);
            server.await(Duration.ofSeconds(90), () -> https.get("/-/ready", true).statusCode() == 200, "TLS server ready");
            assertThat(https.get("/greeting", true).statusCode()).as("no resource yet").isEqualTo(404);

            Files.write(server.home.resolve("plugins/greeting.jar"), pluginJar());
            server.await(Duration.ofSeconds(60), () -> https.get("/greeting", true).statusCode() == 200, "the resource served");

            HttpResponse<String> hello = https.get("/greeting?name=promethium", true);
            assertThat(hello.body()).isEqualTo("hello promethium over TLS\n");
            assertThat(hello.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(https.get("/greeting", false).statusCode()).as("without credentials").isEqualTo(401);
            HttpResponse<String> json = https.send(HttpRequest.newBuilder(https.uri("/greeting/alice"))
                    .header("Authorization", auth).header("X-Test-Agent", "it"));
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.body()).isEqualTo("{\"name\":\"alice\",\"agent\":\"it\"}");
            assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
            HttpResponse<String> echo = https.send(HttpRequest.newBuilder(https.uri("/greeting")).header("Authorization", auth)
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("shout")));
            assertThat(echo.statusCode()).isEqualTo(201);
            assertThat(echo.body()).isEqualTo("SHOUT");
            assertThat(echo.headers().firstValue("X-Echo-Length")).hasValue("5");
            assertThat(https.get("/greeting/a/b", true).statusCode()).as("no such resource method: Jersey's 404").isEqualTo(404);
            assertThat(https.send(HttpRequest.newBuilder(https.uri("/greeting")).header("Authorization", auth)
                    .DELETE()).statusCode()).as("no DELETE method").isEqualTo(405);
            assertThat(https.get("/metrics", true).body())
                    .contains("prometheus_http_requests_total{code=\"200\",handler=\"/greeting\"}")
                    .contains("prometheus_http_request_duration_seconds_count{handler=\"/greeting\"}");

            Files.delete(server.home.resolve("plugins/greeting.jar"));
            server.await(Duration.ofSeconds(60), () -> https.get("/greeting", true).statusCode() == 404, "the resource gone with its plugin");
        }
    }

    /** The test plugin: the resource class and a DS descriptor registering it on the whiteboard. */
    static byte[] pluginJar() throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "test.rest.greeting");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "jakarta.ws.rs;version=\"[3.1,4)\",jakarta.ws.rs.core;version=\"[3.1,4)\"");
        main.putValue("Service-Component", "OSGI-INF/greeting.xml");
        String component = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="test.rest.greeting" immediate="true">
                  <implementation class="io.promethium.distribution.rest.GreetingResource"/>
                  <service><provide interface="io.promethium.distribution.rest.GreetingResource"/></service>
                  <property name="osgi.jakartars.resource" type="Boolean" value="true"/>
                </scr:component>
                """;
        String classFile = GreetingResource.class.getName().replace('.', '/') + ".class";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest);
                InputStream in = GreetingResource.class.getClassLoader().getResourceAsStream(classFile)) {
            out.putNextEntry(new JarEntry("OSGI-INF/greeting.xml"));
            out.write(component.getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry(classFile));
            in.transferTo(out);
        }
        return bytes.toByteArray();
    }

    private record Https(HttpClient client, String base, String auth) {
        URI uri(String path) {
            return URI.create(base + path);
        }

        HttpResponse<String> get(String path, boolean authenticated) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
            if (authenticated) {
                request.header("Authorization", auth);
            }
            return send(request);
        }

        HttpResponse<String> send(HttpRequest.Builder request) {
            try {
                return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static SSLContext trusting(Path certFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certFile)) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trust.setCertificateEntry("server", certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
