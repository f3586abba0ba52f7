package io.promethium.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.promethium.alerting.internal.NotifierManager;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.config.model.ConfigSections;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.AlertmanagerConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.model.StorageConfig;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Posting to an HTTPS Alertmanager whose certificate is trusted through {@code tls_config.ca_file}. */
class TlsAlertmanagerTest {

    @TempDir
    Path dir;

    private HttpsServer server;
    private NotifierManager manager;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close(Duration.ofSeconds(1));
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void postsOverHttpsTrustingTheConfiguredCa() throws Exception {
        Path store = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "am", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "am", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", dir.resolve("ca.pem").toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();

        HttpClientConfig http = new HttpClientConfig(null, new HttpClientConfig.Authorization("Bearer", "tok", ""),
                new HttpClientConfig.TlsConfig("ca.pem", "", "", "", false, ""), true, false, "", Map.of());
        AlertmanagerConfig am = new AlertmanagerConfig("v2", "", "https", Duration.ofSeconds(5), http,
                List.of(new StaticConfig(List.of("127.0.0.1:" + server.getAddress().getPort()), Labels.EMPTY)),
                List.of(), List.of(), List.of());
        manager = new NotifierManager(10, false);
        manager.applyConfig(new PrometheusConfig(dir.resolve("prometheus.yml"), GlobalConfig.DEFAULT, List.of(), List.of(),
                new AlertingConfig(List.of(), List.of(am)), ConfigSections.NONE, StorageConfig.DEFAULT, ""));
        manager.send(List.of(new Alert(Labels.of("alertname", "Tls"), Labels.EMPTY, Instant.EPOCH, null, "")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(received).singleElement().asString().contains("\"alertname\":\"Tls\"");
        assertThat(manager.dropped()).isZero();
    }
}
