package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import jdk.security.jarsigner.JarSigner;
import org.junit.jupiter.api.Test;

/**
 * Who may install code, on the tarball: with {@code --plugins.trust-store} only jars signed by a
 * key of a test CA (made at test time with the JDK's keytool) start, in {@code plugins/} and
 * through the admin API alike; refused uploads leave nothing behind; plugin actions on a server
 * listening beyond loopback without authentication answer 403.
 */
class PluginTrustIT {

    private static final String PASSWORD = "secret";

    @Test
    void onlyJarsSignedByATrustedKeyStartAndRefusedUploadsLeaveNothingBehind() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            Path keys = Files.createDirectories(server.home.resolve("keys"));
            Path caPem = makeCa(keys);
            Path example = server.home.resolve("examples/plugins/promethium-example-hello.jar");
            Path signed = keys.resolve("signed-hello.jar");
            sign(example, signed, keys.resolve("signer.p12"));
            server.start("--web.enable-admin-api", "--plugins.scan-interval=1s", "--plugins.trust-store=" + caPem).awaitReady();
            Path plugins = server.home.resolve("plugins");
            List<String> shipped = listing(plugins);

            HttpResponse<String> corrupt = upload(server, "corrupt.jar", "not a jar".getBytes(StandardCharsets.UTF_8));
            assertThat(corrupt.statusCode()).as(corrupt.body()).isEqualTo(400);
            HttpResponse<String> unsigned = upload(server, "unsigned-hello.jar", Files.readAllBytes(example));
            assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(403);
            assertThat(unsigned.body()).contains("not signed").contains("--plugins.trust-store");
            assertThat(listing(plugins)).as("nothing left of refused uploads").isEqualTo(shipped);
            // The tarball's own plugins are unsigned: refused alike.
            assertThat(server.get("/api/v1/admin/plugins").body()).contains("\"file\":\"promethium-exporter-jvm.jar\",\"state\":\"FAILED\"");
            assertThat(server.get("/metrics").body()).doesNotContain("promethium_example_hello");

            HttpResponse<String> trusted = upload(server, "hello.jar", Files.readAllBytes(signed));
            assertThat(trusted.statusCode()).as(trusted.body()).isEqualTo(200);
            assertThat(trusted.body()).contains("\"state\":\"ACTIVE\"").contains("\"signature\":\"trusted\"")
                    .contains("\"signer\":\"CN=IT Plugins Signer\"");
            assertThat(server.get("/metrics").body()).contains("promethium_example_hello 1");

            // Dropped into the folder: refused alike, listed with the reason, logged, not started.
            Files.copy(example, plugins.resolve("dropped.jar"));
            server.await(Duration.ofSeconds(15), () -> server.get("/api/v1/admin/plugins").body().contains("dropped.jar"), "dropped jar listed");
            String listed = server.get("/api/v1/admin/plugins").body();
            assertThat(listed).containsPattern("\"file\":\"dropped.jar\",\"state\":\"FAILED\",\"plugin\":true,\"lastError\":\"refused: the jar is not signed");
            assertThat(server.output()).contains("Plugin dropped.jar failed: refused: the jar is not signed");
        }
    }

    @Test
    void pluginActionsOnAListenerBeyondLoopbackWithoutAuthenticationAnswer403SayingWhy() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            // Reached through 127.0.0.1, but it also listens on every interface.
            server.start("--web.enable-admin-api", "--web.listen-address=0.0.0.0:" + ServerProcess.freePort()).awaitReady();
            HttpResponse<String> refused = upload(server, "hello.jar",
                    Files.readAllBytes(server.home.resolve("examples/plugins/promethium-example-hello.jar")));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("\"errorType\":\"forbidden\"").contains("no authentication is configured")
                    .contains("0.0.0.0:");
            assertThat(Files.exists(server.home.resolve("plugins/hello.jar"))).isFalse();
            assertThat(server.get("/api/v1/admin/plugins").statusCode()).as("listing stays open").isEqualTo(200);
            assertThat(server.get("/admin").body()).contains("name=\"promethium-admin-writes-refused\" content=\"installing and managing plugins is refused");
        }
    }

    private static List<String> listing(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static HttpResponse<String> upload(ServerProcess server, String file, byte[] jar) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/plugins?file=" + file))
                .header("Content-Type", "application/java-archive").POST(HttpRequest.BodyPublishers.ofByteArray(jar)));
    }

    /** A test CA and a code-signing key it certifies ({@code signer.p12}); returns the CA's PEM certificate. */
    private static Path makeCa(Path dir) throws Exception {
        String ca = dir.resolve("ca.p12").toString();
        String signer = dir.resolve("signer.p12").toString();
        Path caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=IT Plugins CA", "-ext", "bc:c", "-validity", "2", "-keystore", ca);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "signer", "-keyalg", "EC", "-dname", "CN=IT Plugins Signer", "-validity", "2", "-keystore", signer);
        keytool("-certreq", "-alias", "signer", "-keystore", signer, "-file", dir.resolve("signer.csr").toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-infile", dir.resolve("signer.csr").toString(),
                "-outfile", dir.resolve("signer.pem").toString(), "-ext", "eku=codeSigning", "-validity", "2");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", signer);
        keytool("-importcert", "-alias", "signer", "-file", dir.resolve("signer.pem").toString(), "-keystore", signer);
        return caPem;
    }

    /** Signs as {@code jarsigner} does, through its API ({@code jdk.security.jarsigner}). */
    private static void sign(Path jar, Path signed, Path signerStore) throws Exception {
        KeyStore store = KeyStore.getInstance(signerStore.toFile(), PASSWORD.toCharArray());
        PrivateKey key = (PrivateKey) store.getKey("signer", PASSWORD.toCharArray());
        var chain = CertificateFactory.getInstance("X.509").generateCertPath(List.of(store.getCertificateChain("signer")));
        try (ZipFile in = new ZipFile(jar.toFile()); var out = Files.newOutputStream(signed)) {
            new JarSigner.Builder(key, chain).build().sign(in, out);
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASSWORD));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
