package io.promethium.web.internal.bench;

import io.promethium.api.testing.TestCertificates;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.routes.RouteTable;
import io.promethium.web.internal.server.HttpServer;
import io.promethium.web.internal.server.WebConfigFile;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * What HTTP/2 adds to the web server's start with TLS: each round starts the server in a fresh JVM
 * with {@code http2: false} and with {@code http2: true} and prints the time to construct and start
 * it and the classes loaded by then; then the medians. Without TLS no HTTP/2 class is loaded.
 */
public final class TlsStartCost {

    private TlsStartCost() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            child(Path.of(args[0]), Boolean.parseBoolean(args[1]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("tls-start-cost");
        TestCertificates certs = TestCertificates.create(dir);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certs.serverKeyStore())) {
            keys.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        Files.writeString(dir.resolve("server.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getKey("server", TestCertificates.PASSWORD.toCharArray()).getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Long> h1 = new ArrayList<>();
        List<Long> h2 = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            for (boolean http2 : new boolean[] {false, true}) {
                Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TlsStartCost.class.getName(),
                        dir.toString(), Boolean.toString(http2)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                p.waitFor();
                System.out.println(line);
                (http2 ? h2 : h1).add(Long.parseLong(line.replaceAll(".* (\\d+) ms.*", "$1")));
            }
        }
        h1.sort(null);
        h2.sort(null);
        System.out.printf(Locale.ROOT, "median of %d: http2 false %d ms, http2 true %d ms%n", rounds, h1.get(rounds / 2), h2.get(rounds / 2));
    }

    private static void child(Path dir, boolean http2) throws Exception {
        Path yml = dir.resolve("web-" + http2 + ".yml");
        Files.writeString(yml, "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\nhttp_server_config:\n  http2: " + http2 + "\n");
        long t0 = System.nanoTime();
        HttpServer server = new HttpServer("127.0.0.1:0", new RouteTable(), new HttpMetrics(), WebConfigFile.load(yml), 30_000, 512);
        server.start();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(Locale.ROOT, "http2 %s: constructed and started in %d ms, %d classes loaded%n", http2, ms,
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        server.stop();
    }
}
