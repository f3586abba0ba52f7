package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.testing.TestCertificates;
import io.promethium.config.ConfigLoader;
import io.promethium.config.PluginKeys;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.relabel.Relabeler;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.testsupport.AlpnRecordingServer;
import io.promethium.testsupport.HttpClientConfigPeers;
import io.promethium.testsupport.LoopbackProxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes apply the whole {@code http_client_config} through the kernel's one implementation,
 * parsed from YAML as in {@code prometheus.yml}: proxies (plain and CONNECT for https,
 * {@code no_proxy}, {@code proxy_connect_header}), OAuth2 client credentials against a loopback
 * token endpoint, {@code follow_redirects}, {@code enable_http2} and {@code http_headers}.
 * Everything on loopback.
 */
class ScrapeHttpClientConfigTest {

    @TempDir
    static Path dir;
    private static TestCertificates tls;

    private HttpClientConfigPeers peers;
    private LoopbackProxy proxy;
    private final List<HttpClientShards> shards = new ArrayList<>();
    private final MemoryStorage storage = new MemoryStorage();

    @BeforeAll
    static void certificate() throws Exception {
        tls = TestCertificates.create(dir);
    }

    @BeforeEach
    void start() throws Exception {
        peers = new HttpClientConfigPeers(tls, "/metrics", "text/plain; version=0.0.4", "scraped 1\n", "/moved", 302);
        proxy = peers.proxy();
    }

    @AfterEach
    void stop() {
        shards.forEach(HttpClientShards::shutdown);
        peers.close();
    }

    private int port() {
        return peers.port();
    }

    /** The job's config as the config loader reads it from prometheus.yml. */
    private static PrometheusConfig load(String jobYaml) throws Exception {
        String text = "scrape_configs:\n  - job_name: j\n    scrape_interval: 30s\n    scrape_timeout: 20s\n    "
                + jobYaml.strip().replace("\n", "\n    ") + "\n";
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, text);
        return new ConfigLoader(PluginKeys.NONE).parse(file, text);
    }

    private HttpClientShards clients(ScrapeConfig config) throws Exception {
        HttpClientShards clients = new HttpClientShards(config.httpClient(), dir);
        shards.add(clients);
        return clients;
    }

    private ScrapeLoop loop(ScrapeConfig config, HttpClientShards clients, String scheme, String address) {
        Labels labels = Labels.of("__address__", address, "__scheme__", scheme);
        TargetBuilder.Result result = new TargetBuilder(config).build(labels, Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        ScrapeTarget target = new ScrapeTarget("j", result.discovered(), result.labels(), TargetBuilder.publicLabels(result.labels()), url);
        PageFetcher fetcher = clients.fetcher(clients.acquire(), url, config.scrapeTimeout(), 0,
                ExpositionFormats.acceptHeader(config.scrapeProtocols()), true);
        return new ScrapeLoop(target, new LoopSettings.Base(config, Relabeler.NONE, null).forTarget(config.scrapeInterval(),
                config.scrapeTimeout()), fetcher, () -> storage, new ScrapeMetrics(), null);
    }

    private ScrapeLoop loop(String jobYaml, String scheme, String address) throws Exception {
        ScrapeConfig config = load(jobYaml).scrapeConfigs().get(0);
        return loop(config, clients(config), scheme, address);
    }

    private static String scrape(ScrapeLoop loop, long ts) {
        loop.scrapeOnce(ts);
        return loop.info().lastError();
    }

    @Test
    void aPlainHttpTargetIsScrapedThroughProxyUrlWithTheProxyCredentialsFromItsUserInfo() throws Exception {
        ScrapeLoop loop = loop("proxy_url: http://user:pw@" + proxy.url().substring("http://".length()), "http", "127.0.0.1:" + port());
        assertThat(scrape(loop, 1000)).isEmpty();
        assertThat(proxy.requests()).containsExactly(new LoopbackProxy.Request("GET http://127.0.0.1:" + port() + "/metrics",
                "Basic dXNlcjpwdw=="));
        assertThat(peers.seen()).singleElement().asString().contains("proxy-auth=null");
    }

    @Test
    void anHttpsTargetIsScrapedThroughAConnectTunnelWithProxyConnectHeader() throws Exception {
        int port = peers.httpsPort();
        ScrapeLoop loop = loop("proxy_url: " + proxy.url() + "\nproxy_connect_header:\n  Proxy-Authorization: [Basic cHJveHk6c2VjcmV0]\n"
                + "tls_config:\n  ca_file: " + tls.caPem(), "https", "127.0.0.1:" + port);
        assertThat(scrape(loop, 1000)).isEmpty();
        assertThat(proxy.requests()).containsExactly(new LoopbackProxy.Request("CONNECT 127.0.0.1:" + port, "Basic cHJveHk6c2VjcmV0"));
        assertThat(peers.seen()).singleElement().asString().contains("proxy-auth=null");
    }

    @Test
    void noProxyHostsAndLoopbackAreReachedDirectlyAndOthersThroughTheProxy() throws Exception {
        proxy.alias("metrics.example", new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
        ScrapeConfig config = load("proxy_url: " + proxy.url() + "\nno_proxy: direct.example,10.0.0.0/8").scrapeConfigs().get(0);
        HttpClientShards clients = clients(config);
        // Names only the proxy resolves: reaching one means the request went through it.
        assertThat(scrape(loop(config, clients, "http", "metrics.example:" + port()), 1000)).isEmpty();
        assertThat(proxy.requests()).extracting(LoopbackProxy.Request::line)
                .containsExactly("GET http://metrics.example:" + port() + "/metrics");
        // With no_proxy set, Go's rules apply: loopback is never proxied.
        assertThat(scrape(loop(config, clients, "http", "127.0.0.1:" + port()), 2000)).isEmpty();
        assertThat(proxy.requests()).hasSize(1);
        // A no_proxy entry is not proxied either (decided without a lookup, so no DNS query leaves the machine).
        assertThat(Fetchers.proxied(clients.client(0), URI.create("http://direct.example:80/metrics"))).isFalse();
        assertThat(Fetchers.proxied(clients.client(0), URI.create("http://a.direct.example:80/metrics"))).isFalse();
        assertThat(Fetchers.proxied(clients.client(0), URI.create("http://10.1.2.3:80/metrics"))).isFalse();
        assertThat(Fetchers.proxied(clients.client(0), URI.create("http://other.example:80/metrics"))).isTrue();
    }

    @Test
    void oauth2TokensAreFetchedOncePerPoolCachedAndRefreshedBeforeExpiry() throws Exception {
        ScrapeConfig config = load("oauth2:\n  client_id: prom\n  client_secret: s3cret\n  scopes: [metrics]\n"
                + "  token_url: http://127.0.0.1:" + port() + "/token").scrapeConfigs().get(0);
        HttpClientShards clients = clients(config);
        ScrapeLoop first = loop(config, clients, "http", "127.0.0.1:" + port());
        ScrapeLoop second = loop(config, clients, "http", "localhost:" + port());
        assertThat(scrape(first, 1000)).isEmpty();
        assertThat(scrape(second, 1000)).isEmpty();
        assertThat(scrape(first, 2000)).isEmpty();
        assertThat(peers.tokens()).as("one token for the pool, reused").isEqualTo(1);
        assertThat(peers.tokenRequests().get(0)).startsWith("Basic cHJvbTpzM2NyZXQ=").contains("grant_type=client_credentials")
                .contains("scope=metrics");
        Thread.sleep(1500);
        assertThat(scrape(first, 3000)).isEmpty();
        assertThat(peers.tokens()).as("refreshed once it is within 10 s of expiry").isEqualTo(2);
        assertThat(peers.seen()).extracting(s -> s.substring(0, s.indexOf(" proxy")))
                .containsExactly("auth=Bearer tok-1", "auth=Bearer tok-1", "auth=Bearer tok-1", "auth=Bearer tok-2");
    }

    @Test
    void aTokenEndpointThatRefusesFailsTheScrapeWithItsAnswer() throws Exception {
        ScrapeLoop loop = loop("oauth2:\n  client_id: prom\n  client_secret: s\n  token_url: http://127.0.0.1:" + port() + "/nowhere",
                "http", "127.0.0.1:" + port());
        assertThat(scrape(loop, 1000)).contains("oauth2: cannot fetch token").contains("404");
        assertThat(peers.seen()).isEmpty();
    }

    @Test
    void redirectsAreFollowedUnlessFollowRedirectsIsFalse() throws Exception {
        ScrapeLoop follows = loop("metrics_path: /moved", "http", "127.0.0.1:" + port());
        assertThat(scrape(follows, 1000)).isEmpty();
        assertThat(peers.seen()).hasSize(1);
        ScrapeLoop stays = loop("metrics_path: /moved\nfollow_redirects: false", "http", "127.0.0.1:" + port());
        assertThat(scrape(stays, 2000)).contains("302");
        assertThat(peers.seen()).hasSize(1);
    }

    @Test
    void enableHttp2FalseNeverOffersHttp2() throws Exception {
        try (AlpnRecordingServer alpn = new AlpnRecordingServer(tls.serverContext(), "text/plain; version=0.0.4", "scraped 1\n")) {
            String address = "127.0.0.1:" + alpn.port();
            assertThat(scrape(loop("tls_config:\n  ca_file: " + tls.caPem(), "https", address), 1000)).isEmpty();
            assertThat(alpn.offered()).singleElement().asList().contains("h2");
            assertThat(scrape(loop("enable_http2: false\ntls_config:\n  ca_file: " + tls.caPem(), "https", address), 2000)).isEmpty();
            assertThat(alpn.offered()).hasSize(2);
            assertThat(alpn.offered().get(1)).doesNotContain("h2");
        }
    }

    @Test
    void httpHeadersAreSentFromValuesSecretsAndFilesAndSecretsAreMaskedInTheShownConfig() throws Exception {
        Files.writeString(dir.resolve("team.txt"), "from-file\n");
        String yaml = "http_headers:\n  X-Team:\n    values: [visible]\n    secrets: [hidden-value]\n    files: [team.txt]";
        ScrapeLoop loop = loop(yaml, "http", "127.0.0.1:" + port());
        assertThat(scrape(loop, 1000)).isEmpty();
        assertThat(peers.seen()).singleElement().asString().contains("visible, hidden-value").contains("from-file");
        String shown = load(yaml).redactedYaml();
        assertThat(shown).contains("visible").contains("<secret>").doesNotContain("hidden-value");
    }
}
