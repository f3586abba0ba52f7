package io.promethium.remote.http;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * The part of Prometheus's {@code http_client_config} that remote write and remote read honour
 * until the plugin context's HTTP client factory exists (the narrow seam to switch): basic auth,
 * authorization, a proxy, redirects, HTTP/2. The other fields are refused by name.
 */
public record HttpClientSettings(String basicAuthUser, String basicAuthPassword, String authorizationType,
                                 String authorizationCredentials, boolean followRedirects, boolean enableHttp2, URI proxy) {

    /** Fields this parser reads. */
    public static final Set<String> FIELDS = Set.of("basic_auth", "authorization", "proxy_url", "follow_redirects", "enable_http2");
    /** Fields of http_client_config refused for now. */
    public static final Set<String> REFUSED = Set.of("tls_config", "oauth2", "no_proxy", "proxy_from_environment",
            "proxy_connect_header", "http_headers");

    public static HttpClientSettings parse(PluginConfig c) throws ConfigException {
        for (String refused : REFUSED) {
            if (c.values().get(refused) != null) {
                throw c.error(refused + ": not supported by Promethium's " + c.key() + " yet"
                        + (refused.equals("tls_config") ? " (use a TLS-terminating proxy, or plain HTTP on a trusted network)" : ""));
            }
        }
        String user = "";
        String password = "";
        Map<String, Object> basic = mapping(c, "basic_auth");
        if (!basic.isEmpty()) {
            PluginConfig b = new PluginConfig("basic_auth", basic, c.location());
            b.requireOnly(Set.of("username", "password", "password_file", "username_file"));
            user = b.string("username", "");
            if (b.values().get("username_file") != null) {
                user = readFile(c, b.string("username_file", ""));
            }
            password = secret(c, b, "password", "password_file");
        }
        String authType = "";
        String credentials = "";
        Map<String, Object> auth = mapping(c, "authorization");
        if (!auth.isEmpty()) {
            if (!basic.isEmpty()) {
                throw c.error("at most one of basic_auth, authorization may be configured");
            }
            PluginConfig a = new PluginConfig("authorization", auth, c.location());
            a.requireOnly(Set.of("type", "credentials", "credentials_file"));
            authType = a.string("type", "Bearer");
            if (authType.equalsIgnoreCase("basic")) {
                throw c.error("authorization: type Basic is not allowed, use basic_auth instead");
            }
            credentials = secret(c, a, "credentials", "credentials_file");
        }
        String proxyText = c.string("proxy_url", "");
        URI proxy = null;
        if (!proxyText.isEmpty()) {
            try {
                proxy = URI.create(proxyText);
            } catch (IllegalArgumentException e) {
                throw c.error("proxy_url: invalid URL \"" + proxyText + "\"");
            }
            if (proxy.getHost() == null || proxy.getPort() < 0) {
                throw c.error("proxy_url: \"" + proxyText + "\" needs a host and a port");
            }
        }
        return new HttpClientSettings(user, password, authType, credentials, c.bool("follow_redirects", true),
                c.bool("enable_http2", true), proxy);
    }

    /** The entry's required {@code url}: an http or https URL with a host. */
    public static URI url(PluginConfig c) throws ConfigException {
        String urlText = c.requiredString("url");
        URI url;
        try {
            url = URI.create(urlText);
        } catch (IllegalArgumentException e) {
            throw c.error("url: invalid URL \"" + urlText + "\": " + e.getMessage());
        }
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https")) || url.getHost() == null) {
            throw c.error("url: \"" + urlText + "\" is not an http or https URL with a host");
        }
        return url;
    }

    /** A JDK client for {@code url}; plain HTTP stays 1.1 as Go's client (no h2c upgrade a peer may not expect). */
    public HttpClient newClient(URI url, Duration connectTimeout) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(followRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                .version(enableHttp2 && "https".equals(url.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
        if (proxy != null) {
            b.proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), proxy.getPort())));
        }
        return b.build();
    }

    /** Adds the configured credentials to a request. */
    public void authorize(HttpRequest.Builder request) {
        if (!basicAuthUser.isEmpty() || !basicAuthPassword.isEmpty()) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (basicAuthUser + ":" + basicAuthPassword).getBytes(StandardCharsets.UTF_8)));
        } else if (!authorizationType.isEmpty()) {
            request.header("Authorization", authorizationType + " " + authorizationCredentials);
        }
    }

    private static String secret(PluginConfig parent, PluginConfig block, String inline, String file) throws ConfigException {
        String value = block.string(inline, "");
        String path = block.string(file, "");
        if (!value.isEmpty() && !path.isEmpty()) {
            throw parent.error(block.key() + ": at most one of " + inline + " and " + file + " may be configured");
        }
        return path.isEmpty() ? value : readFile(parent, path);
    }

    private static String readFile(PluginConfig parent, String path) throws ConfigException {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(path), StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException | RuntimeException e) {
            throw parent.error("cannot read " + path + ": " + e.getMessage());
        }
    }

    /** A nested mapping field, empty when absent. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> mapping(PluginConfig c, String name) throws ConfigException {
        Object value = c.values().get(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw c.error(name + ": expected a mapping");
        }
        return (Map<String, Object>) map;
    }
}
