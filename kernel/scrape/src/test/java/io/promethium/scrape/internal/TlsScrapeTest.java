package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.config.relabel.Relabeler;
import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS targets through {@code tls_config}: a self-signed server certificate made with the JDK's
 * keytool (SAN 127.0.0.1) is trusted through {@code ca_file}, refused without it, accepted with
 * {@code insecure_skip_verify}; a server requiring client certificates gets {@code cert_file}
 * and {@code key_file} (the PKCS#8 key is extracted with openssl when it is installed).
 */
class TlsScrapeTest {

    @TempDir
    static Path dir;

    private static HttpsServer server;
    private static HttpsServer mutualServer;
    private final MemoryStorage storage = new MemoryStorage();

    @BeforeAll
    static void start() throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "srv", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", dir.resolve("ks.p12").toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "srv", "-keystore", dir.resolve("ks.p12").toString(),
                "-storepass", "changeit", "-file", dir.resolve("ca.pem").toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("ks.p12"))) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        server = serve(context, false);
        mutualServer = serve(context, true);
    }

    private static HttpsServer serve(SSLContext context, boolean needClientAuth) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                params.setNeedClientAuth(needClientAuth);
            }
        });
        s.createContext("/metrics", exchange -> {
            byte[] body = "secure 1\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        s.start();
        return s;
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        mutualServer.stop(0);
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private ScrapeLoop loop(HttpsServer target, HttpClientConfig.TlsConfig tls) throws Exception {
        HttpClientConfig http = new HttpClientConfig(null, null, tls, true, true, "", Map.of());
        // A generous scrape timeout: a TLS handshake on a cold JVM of a loaded machine can take seconds.
        ScrapeConfig config = Configs.withHttp(Configs.withTiming(Configs.job("tls"), Duration.ofSeconds(30), Duration.ofSeconds(20)), http);
        Labels labels = Labels.of("__address__", "127.0.0.1:" + target.getAddress().getPort(), "__scheme__", "https");
        TargetBuilder.Result result = new TargetBuilder(config).build(labels, Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        ScrapeTarget st = new ScrapeTarget("tls", result.discovered(), result.labels(), TargetBuilder.publicLabels(result.labels()), url);
        PageFetcher fetcher = new HttpClientShards(http, dir).fetcher(0, url, config.scrapeTimeout(), 0,
                ExpositionFormats.acceptHeader(config.scrapeProtocols()), true);
        return new ScrapeLoop(st, new LoopSettings.Base(config, Relabeler.NONE, null).forTarget(config.scrapeInterval(),
                config.scrapeTimeout()), fetcher, () -> storage, new ScrapeMetrics(), null);
    }

    private static HttpClientConfig.TlsConfig tls(String ca, String cert, String key, boolean insecure) {
        return new HttpClientConfig.TlsConfig(ca, cert, key, "", insecure, "");
    }

    @Test
    void serverNameReplacesTheUrlHostInTheCertificateCheck() throws Exception {
        ScrapeLoop named = loop(server, new HttpClientConfig.TlsConfig("ca.pem", "", "", "localhost", false, ""));
        named.scrapeOnce(1000);
        assertThat(named.info().lastError()).isEmpty();

        ScrapeLoop wrong = loop(server, new HttpClientConfig.TlsConfig("ca.pem", "", "", "other.example", false, ""));
        wrong.scrapeOnce(2000);
        assertThat(wrong.info().lastError()).isNotEmpty();
    }

    @Test
    void trustsTheServerThroughCaFile() throws Exception {
        ScrapeLoop loop = loop(server, tls("ca.pem", "", "", false));
        loop.scrapeOnce(1000);
        assertThat(loop.info().lastError()).isEmpty();
        assertThat(loop.info().scrapeUrl()).startsWith("https://");
    }

    @Test
    void refusesAnUntrustedServer() throws Exception {
        ScrapeLoop loop = loop(server, null);
        loop.scrapeOnce(1000);
        assertThat(loop.info().lastError()).isNotEmpty();
    }

    @Test
    void insecureSkipVerifyAcceptsAnyServer() throws Exception {
        ScrapeLoop loop = loop(server, tls("", "", "", true));
        loop.scrapeOnce(1000);
        assertThat(loop.info().lastError()).isEmpty();
    }

    @Test
    void presentsTheClientCertificateFromCertAndKeyFiles() throws Exception {
        Path key = dir.resolve("client-key.pem");
        boolean extracted = Files.exists(key) || run(Peers.require("openssl").toString(), "pkcs12", "-in", dir.resolve("ks.p12").toString(), "-nocerts",
                "-nodes", "-passin", "pass:changeit", "-out", key.toString());
        assertThat(extracted && Files.readString(key).contains("BEGIN PRIVATE KEY")).as("openssl extracts a PKCS#8 key").isTrue();

        ScrapeLoop without = loop(mutualServer, tls("ca.pem", "", "", false));
        without.scrapeOnce(1000);
        assertThat(without.info().lastError()).as("no client certificate").isNotEmpty();

        ScrapeLoop with = loop(mutualServer, tls("ca.pem", "ca.pem", "client-key.pem", false));
        with.scrapeOnce(2000);
        assertThat(with.info().lastError()).isEmpty();
    }

    @Test
    void missingTlsFilesAreAConfigErrorNamingTheFile() {
        assertThatThrownBy(() -> new HttpClientShards(new HttpClientConfig(null, null, tls("nope.pem", "", "", false),
                true, true, "", Map.of()), dir)).isInstanceOf(ConfigException.class).hasMessageContaining("nope.pem");
    }
}
