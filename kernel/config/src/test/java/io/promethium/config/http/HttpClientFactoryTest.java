package io.promethium.config.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.config.model.HttpClientConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's http_client_config: what reaches the peer, OAuth2 tokens, proxies, and the validation rules. */
class HttpClientFactoryTest {

    @TempDir
    Path dir;
    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> customHeaders = new CopyOnWriteArrayList<>();
    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenCount = new AtomicInteger();
    private volatile boolean refuseBasicClientAuth;
    private final KernelHttpClientFactory factory = new KernelHttpClientFactory();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/data", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            customHeaders.add(String.valueOf(exchange.getRequestHeaders().get("X-Team")));
            respond(exchange, 200, "ok");
        });
        server.createContext("/token", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            tokenRequests.add(auth + " " + body);
            if (refuseBasicClientAuth && auth.startsWith("Basic")) {
                respond(exchange, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            respond(exchange, 200, "{\"access_token\":\"tok-" + tokenCount.incrementAndGet()
                    + "\",\"token_type\":\"bearer\",\"expires_in\":3600}");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private HttpResponse<String> get(ConfiguredHttpClient client) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url("/data"))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static PluginConfig block(Map<String, Object> values) {
        return new PluginConfig("x_sd_configs", values, "prometheus.yml:2:3");
    }

    @Test
    void basicAuthWithAPasswordFileIsSentAndTheFileIsReReadOnEveryRequest() throws Exception {
        Files.writeString(dir.resolve("pw"), "first\n");
        try (ConfiguredHttpClient client = factory.create(block(Map.of("basic_auth", Map.of("username", "u", "password_file", "pw"))), dir)) {
            get(client);
            Files.writeString(dir.resolve("pw"), "second");
            get(client);
        }
        assertThat(authorizations).containsExactly("Basic dTpmaXJzdA==", "Basic dTpzZWNvbmQ=");
    }

    @Test
    void authorizationBearerTokenAndHttpHeadersAreSent() throws Exception {
        Files.writeString(dir.resolve("team"), "from-file");
        try (ConfiguredHttpClient client = factory.create(block(Map.of("authorization", Map.of("type", "Token", "credentials", "abc"),
                "http_headers", Map.of("X-Team", Map.of("values", List.of("a"), "secrets", List.of("b"), "files", List.of("team"))))), dir)) {
            get(client);
            // What send adds besides Authorization, for clients with their own transport; files read anew.
            assertThat(client.headers()).containsExactly("X-Team", "a, b", "X-Team", "from-file");
            Files.writeString(dir.resolve("team"), "rotated");
            assertThat(client.headers()).containsExactly("X-Team", "a, b", "X-Team", "rotated");
        }
        try (ConfiguredHttpClient client = factory.create(block(Map.of("bearer_token", "xyz")), dir)) {
            get(client);
        }
        assertThat(authorizations).containsExactly("Token abc", "Bearer xyz");
        assertThat(customHeaders.get(0)).contains("a, b").contains("from-file");
    }

    @Test
    void oauth2ClientCredentialsFetchOneTokenUntilTheSecretChanges() throws Exception {
        Files.writeString(dir.resolve("secret"), "s1");
        PluginConfig config = block(Map.of("oauth2", Map.of("client_id", "id", "client_secret_file", "secret",
                "scopes", List.of("read", "write"), "token_url", url("/token"), "endpoint_params", Map.of("audience", "prom"))));
        try (ConfiguredHttpClient client = factory.create(config, dir)) {
            get(client);
            get(client);
            assertThat(tokenCount).hasValue(1);
            Files.writeString(dir.resolve("secret"), "s2");
            get(client);
        }
        assertThat(authorizations).containsExactly("Bearer tok-1", "Bearer tok-1", "Bearer tok-2");
        assertThat(tokenRequests.get(0)).startsWith("Basic aWQ6czE=").contains("grant_type=client_credentials")
                .contains("scope=read+write").contains("audience=prom");
    }

    @Test
    void oauth2FallsBackToCredentialsInTheFormWhenTheServerRefusesBasicAuth() throws Exception {
        refuseBasicClientAuth = true;
        try (ConfiguredHttpClient client = factory.create(block(Map.of("oauth2", Map.of("client_id", "id", "client_secret", "s",
                "token_url", url("/token")))), dir)) {
            get(client);
        }
        assertThat(authorizations).containsExactly("Bearer tok-1");
        assertThat(tokenRequests.get(1)).contains("client_id=id").contains("client_secret=s");
    }

    @Test
    void aProxyUrlCarriesTheRequestsAndNoProxyBypassesIt() throws Exception {
        List<String> proxied = new CopyOnWriteArrayList<>();
        HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        proxy.createContext("/", exchange -> {
            proxied.add(exchange.getRequestURI().toString() + " " + exchange.getRequestHeaders().getFirst("Proxy-Authorization"));
            respond(exchange, 200, "via proxy");
        });
        proxy.start();
        try {
            String proxyUrl = "http://user:pw@127.0.0.1:" + proxy.getAddress().getPort();
            try (ConfiguredHttpClient client = factory.create(block(Map.of("proxy_url", proxyUrl)), dir)) {
                assertThat(get(client).body()).isEqualTo("via proxy");
            }
            assertThat(proxied).singleElement().asString().contains(url("/data")).contains("Basic dXNlcjpwdw==");
            try (ConfiguredHttpClient client = factory.create(block(Map.of("proxy_url", proxyUrl, "no_proxy", "example.org,127.0.0.0/8")), dir)) {
                assertThat(get(client).body()).isEqualTo("ok");
            }
            assertThat(proxied).hasSize(1);
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void aProxyUrlWithoutSchemeIsAnHttpProxyAsInGo() throws Exception {
        List<String> proxied = new CopyOnWriteArrayList<>();
        HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        proxy.createContext("/", exchange -> {
            proxied.add(exchange.getRequestURI().toString());
            respond(exchange, 200, "via proxy");
        });
        proxy.start();
        try {
            // Alertmanager and Prometheus accept `proxy_url: foo`.
            factory.validate(block(Map.of("proxy_url", "foo")));
            assertThat(HttpClientConfigParser.withProxyScheme("foo")).isEqualTo("http://foo");
            assertThat(HttpClientConfigParser.withProxyScheme("socks5://p:1")).isEqualTo("socks5://p:1");
            try (ConfiguredHttpClient client = factory.create(block(Map.of("proxy_url", "localhost:" + proxy.getAddress().getPort())), dir)) {
                assertThat(get(client).body()).isEqualTo("via proxy");
            }
            assertThat(proxied).singleElement().asString().contains(url("/data"));
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void noProxyAndTheEnvironmentFollowGosRules() {
        ProxyRules rules = ProxyRules.of(HttpClientConfigParserRules.proxy("http://proxy:3128", "example.org,.internal,10.0.0.0/8,host:8080"),
                Map.of());
        assertThat(rules.bypass(URI.create("http://example.org/"))).isTrue();
        assertThat(rules.bypass(URI.create("http://a.example.org/"))).isTrue();
        assertThat(rules.bypass(URI.create("http://notexample.org/"))).isFalse();
        assertThat(rules.bypass(URI.create("http://x.internal/"))).isTrue();
        assertThat(rules.bypass(URI.create("http://internal/"))).isFalse();
        assertThat(rules.bypass(URI.create("http://10.1.2.3/"))).isTrue();
        assertThat(rules.bypass(URI.create("http://11.1.2.3/"))).isFalse();
        assertThat(rules.bypass(URI.create("http://host:8080/"))).isTrue();
        assertThat(rules.bypass(URI.create("http://host:9090/"))).isFalse();
        assertThat(rules.bypass(URI.create("http://localhost:9090/"))).as("Go never proxies localhost").isTrue();
        HttpClientConfig fromEnvironment = new HttpClientConfig(null, null, null, null, true, true, "", "", true, Map.of(), Map.of(), Map.of());
        ProxyRules environment = ProxyRules.of(fromEnvironment, Map.of("HTTPS_PROXY", "secure:443", "http_proxy", "http://plain:80",
                "NO_PROXY", "skip.example"));
        assertThat(environment.select(URI.create("https://a.example/")).get(0).address().toString()).contains("secure");
        assertThat(environment.select(URI.create("http://a.example/")).get(0).address().toString()).contains("plain");
        assertThat(environment.select(URI.create("http://skip.example/")).get(0)).isEqualTo(java.net.Proxy.NO_PROXY);
    }

    @Test
    void invalidSettingsAreRefusedWithPrometheusMessagesAtTheirLocation() {
        PluginConfig located = new PluginConfig("x_sd_configs", Map.of("proxy_url", "http://p:1", "proxy_from_environment", true),
                "prometheus.yml:2:3", Map.of("proxy_from_environment", "prometheus.yml:4:5"));
        assertThatThrownBy(() -> factory.validate(located))
                .hasMessage("prometheus.yml:4:5: if proxy_from_environment is configured, proxy_url must not be configured");
        assertThatThrownBy(() -> factory.validate(block(Map.of("no_proxy", "x"))))
                .hasMessageContaining("if no_proxy is configured, proxy_url must also be configured");
        assertThatThrownBy(() -> factory.validate(block(Map.of("proxy_url", "socks5://p:1"))))
                .hasMessageContaining("unsupported proxy scheme");
        assertThatThrownBy(() -> factory.validate(block(Map.of("proxy_url", "http://p:1", "proxy_connect_header", Map.of("X-A", List.of("b"))))))
                .hasMessageContaining("X-A").hasMessageContaining("only Proxy-Authorization");
        assertThatThrownBy(() -> factory.validate(block(Map.of("oauth2", Map.of("client_id", "i")))))
                .hasMessageContaining("oauth2 token_url must be configured");
        assertThatThrownBy(() -> factory.validate(block(Map.of("oauth2", Map.of("client_id", "i", "token_url", "http://t/"),
                "basic_auth", Map.of("username", "u")))))
                .hasMessageContaining("at most one of basic_auth, oauth2 & authorization must be configured");
        assertThatThrownBy(() -> factory.validate(block(Map.of("tls_config", Map.of("min_version", "TLS14")))))
                .hasMessageContaining("unknown TLS version: TLS14");
        assertThatThrownBy(() -> factory.validate(block(Map.of("tls_config", Map.of("cert_file", "c")))))
                .hasMessageContaining("exactly one of key or key_file must be configured when a client certificate is configured");
        assertThatThrownBy(() -> factory.validate(block(Map.of("http_headers", Map.of("Authorization", Map.of("values", List.of("x")))))))
                .hasMessageContaining("setting header \"Authorization\" is not allowed");
        assertThatThrownBy(() -> factory.validate(block(Map.of("tls_config", Map.of("ca_fiel", "x")))))
                .hasMessageContaining("field ca_fiel not found in x_sd_configs.tls_config");
    }
}
