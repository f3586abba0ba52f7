package io.promethium.remote.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.LabelRewriter;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.testing.TestCertificates;
import io.promethium.remote.read.RemoteReadComponent;
import io.promethium.remote.wire.ProtoWriter;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.WriteRequestDecoder;
import io.promethium.remote.write.RemoteWriteComponent;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote write and remote read reach their peers through the kernel's HTTP client factory: over
 * TLS trusting a private CA given as {@code tls_config.ca_file} (and refusing the server without
 * it), with {@code basic_auth}, with an {@code oauth2} token fetched from a token endpoint, with
 * {@code http_headers}; a missing CA file fails the config naming it. The receiver is an HTTPS
 * server on loopback decoding with the shared codec; the token endpoint plain HTTP.
 */
class RemoteHttpTest {

    @TempDir
    static Path certs;
    @TempDir
    Path dir;

    private static TestCertificates tls;
    private static HttpsServer server;
    private static HttpServer tokenServer;
    private static final ConcurrentLinkedQueue<String> writeAuthorizations = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<String> readAuthorizations = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<String> writeHeaders = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<String> tokenRequests = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger samples = new AtomicInteger();

    private Tsdb db;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        tls = TestCertificates.create(certs);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.createContext("/api/v1/write", RemoteHttpTest::write);
        server.createContext("/api/v1/read", RemoteHttpTest::read);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        tokenServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tokenServer.createContext("/token", exchange -> {
            tokenRequests.add(exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            reply(exchange, 200, "application/json",
                    ("{\"access_token\":\"tok-" + tokenRequests.size() + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")
                            .getBytes(StandardCharsets.UTF_8));
        });
        tokenServer.start();
    }

    @AfterAll
    static void stopServers() {
        server.stop(0);
        tokenServer.stop(0);
    }

    @BeforeEach
    void open() throws Exception {
        db = Tsdb.open(TsdbOptions.defaults(dir.resolve("data")).withCompactionInterval(Duration.ZERO).withWal(true, false));
        writeAuthorizations.clear();
        readAuthorizations.clear();
        writeHeaders.clear();
        samples.set(0);
        Files.copy(tls.caPem(), dir.resolve("ca.pem"));
        Files.writeString(dir.resolve("password"), "s3cret\n");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        db.close();
    }

    private static void write(HttpExchange exchange) throws IOException {
        writeAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        writeHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Tenant")));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        try {
            byte[] raw = Snappy.decode(body, body.length, 1 << 24);
            new WriteRequestDecoder().decode(raw, raw.length, (labels, ts, vs, n, ex, exN) -> samples.addAndGet(n));
            reply(exchange, 204, "text/plain", new byte[0]);
        } catch (Exception e) {
            reply(exchange, 400, "text/plain", String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Answers every read with one sampled series of three samples. */
    private static void read(HttpExchange exchange) throws IOException {
        readAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        exchange.getRequestBody().readAllBytes();
        ProtoWriter w = new ProtoWriter();
        int result = w.beginMessage(1);
        int series = w.beginMessage(1);
        int label = w.beginMessage(1);
        w.stringField(1, "__name__");
        w.stringField(2, "remote_metric");
        w.endMessage(label);
        for (int i = 1; i <= 3; i++) {
            int sample = w.beginMessage(2);
            w.doubleField(1, i);
            w.int64Field(2, i * 1000L);
            w.endMessage(sample);
        }
        w.endMessage(series);
        w.endMessage(result);
        reply(exchange, 200, "application/x-protobuf", Snappy.encode(w.buffer(), w.size()));
    }

    private static void reply(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private SectionContext context() {
        HttpClientFactory factory = new HttpConfigClientFactory();
        return new SectionContext() {
            @Override
            public Labels externalLabels() {
                return Labels.EMPTY;
            }

            @Override
            public Path configDirectory() {
                return dir;
            }

            @Override
            public LabelRewriter relabeling(PluginConfig entry, String field) {
                return LabelRewriter.IDENTITY;
            }

            @Override
            public HttpClientFactory httpClients() {
                return factory;
            }
        };
    }

    private static String url(String path) {
        return "https://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private RemoteWriteComponent writer(Map<String, Object> fields) throws ConfigException {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("url", url("/api/v1/write"));
        values.put("queue_config", Map.of("batch_send_deadline", "50ms", "min_backoff", "20ms", "max_backoff", "200ms"));
        values.putAll(fields);
        RemoteWriteComponent c = new RemoteWriteComponent(Duration.ofMillis(200));
        closing.add(c::deactivate);
        c.bindWalWatchable(db.walWatchable());
        c.apply(List.of(new PluginConfig("remote_write", values, "prometheus.yml:4:5")), context());
        return c;
    }

    private void append(int series) {
        Appender app = db.appender();
        for (int s = 0; s < series; s++) {
            app.append(0, Labels.of("__name__", "m", "s", Integer.toString(s)), System.currentTimeMillis(), s);
        }
        app.commit();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void remoteWriteTrustsTheReceiverThroughTheCustomCaAndSendsBasicAuthAndHttpHeaders() throws Exception {
        writer(Map.of("tls_config", Map.of("ca_file", "ca.pem"),
                "basic_auth", Map.of("username", "promethium", "password_file", "password"),
                "http_headers", Map.of("X-Tenant", Map.of("values", List.of("team-a")))));
        append(10);
        await(() -> samples.get() == 10);
        String expected = "Basic " + Base64.getEncoder().encodeToString("promethium:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(writeAuthorizations).isNotEmpty().allMatch(expected::equals);
        assertThat(writeHeaders).isNotEmpty().allMatch("team-a"::equals);
    }

    @Test
    void remoteWriteRefusesAReceiverWhoseCertificateNoTrustedCaSigned() throws Exception {
        writer(Map.of("name", "untrusted"));
        append(10);
        Thread.sleep(1500);
        assertThat(writeAuthorizations).as("no request got through the TLS handshake").isEmpty();
        assertThat(samples.get()).isZero();
    }

    @Test
    void remoteWriteSendsTheOauth2TokenFromTheTokenEndpoint() throws Exception {
        writer(Map.of("tls_config", Map.of("ca_file", "ca.pem"),
                "oauth2", Map.of("client_id", "agent", "client_secret", "shh",
                        "token_url", "http://127.0.0.1:" + tokenServer.getAddress().getPort() + "/token")));
        append(5);
        await(() -> samples.get() == 5);
        assertThat(writeAuthorizations).isNotEmpty().allMatch(a -> a.startsWith("Bearer tok-"));
        assertThat(tokenRequests).anyMatch(r -> r.contains("grant_type=client_credentials")
                && r.startsWith("Basic " + Base64.getEncoder().encodeToString("agent:shh".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void remoteReadTrustsTheCustomCaAndSendsBasicAuth() throws Exception {
        RemoteReadComponent c = new RemoteReadComponent();
        closing.add(c::deactivate);
        c.apply(List.of(new PluginConfig("remote_read", Map.of("url", url("/api/v1/read"), "read_recent", true,
                "tls_config", Map.of("ca_file", "ca.pem"),
                "basic_auth", Map.of("username", "reader", "password", "pw")), "prometheus.yml:9:5")), context());
        SeriesSet set = c.querier(0, 10_000).select(true, null, List.of(Matcher.equal("__name__", "remote_metric")));
        assertThat(set.next()).as("one series: %s", set.error()).isTrue();
        assertThat(set.at().labels()).isEqualTo(Labels.of("__name__", "remote_metric"));
        assertThat(set.next()).isFalse();
        assertThat(readAuthorizations).containsExactly(
                "Basic " + Base64.getEncoder().encodeToString("reader:pw".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMissingCaFileFailsTheConfigNamingTheFileAndOtherQueuesRun() throws Exception {
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("url", url("/api/v1/write"));
        bad.put("name", "bad");
        bad.put("tls_config", Map.of("ca_file", "missing-ca.pem"));
        Map<String, Object> good = new LinkedHashMap<>();
        good.put("url", url("/api/v1/write"));
        good.put("name", "good");
        good.put("tls_config", Map.of("ca_file", "ca.pem"));
        good.put("queue_config", Map.of("batch_send_deadline", "50ms"));
        RemoteWriteComponent c = new RemoteWriteComponent(Duration.ofMillis(200));
        closing.add(c::deactivate);
        c.bindWalWatchable(db.walWatchable());
        assertThatThrownBy(() -> c.apply(List.of(new PluginConfig("remote_write", bad, "prometheus.yml:4:5"),
                new PluginConfig("remote_write", good, "prometheus.yml:9:5")), context()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing-ca.pem").hasMessageContaining("bad");
        append(3);
        await(() -> samples.get() == 3);
    }

    @Test
    void authenticationPrometheusHasForCloudReceiversIsRefusedNamingTheField() {
        for (String field : List.of("sigv4", "azuread", "google_iam")) {
            Map<String, Object> values = Map.of("url", url("/api/v1/write"), field, Map.of("region", "x"));
            assertThatThrownBy(() -> new RemoteWriteComponent().validate(
                    List.of(new PluginConfig("remote_write", values, "prometheus.yml:4:5")), context()))
                    .hasMessageStartingWith("prometheus.yml:4:5: " + field + ": not supported");
        }
        assertThatThrownBy(() -> new RemoteWriteComponent().validate(List.of(new PluginConfig("remote_write",
                Map.of("url", url("/api/v1/write"), "basic_auth", Map.of("username", "u"), "oauth2",
                        Map.of("client_id", "i", "token_url", "http://t/")), "prometheus.yml:4:5")), context()))
                .hasMessageContaining("at most one of basic_auth, oauth2");
    }

    @Test
    void remoteWriteDefaultsToHttp11AsPrometheusAndRemoteReadToHttp2() throws Exception {
        PluginConfig entry = new PluginConfig("remote_write", Map.of("url", url("/w")), "p.yml:1:1");
        assertThat(RemoteHttp.parse(entry, new HttpConfigClientFactory(), dir, false).block().values())
                .containsEntry("enable_http2", false);
        assertThat(RemoteHttp.parse(entry, new HttpConfigClientFactory(), dir, true).block().values())
                .containsEntry("enable_http2", true);
        PluginConfig explicit = new PluginConfig("remote_write", Map.of("url", url("/w"), "enable_http2", true), "p.yml:1:1");
        assertThat(RemoteHttp.parse(explicit, new HttpConfigClientFactory(), dir, false).block().values())
                .containsEntry("enable_http2", true);
    }
}
