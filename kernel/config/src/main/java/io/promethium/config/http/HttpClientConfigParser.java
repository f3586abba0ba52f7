package io.promethium.config.http;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.tls.TlsContexts;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code http_client_config} fields of a block with Prometheus's validation rules
 * (the messages are Prometheus's). Other fields of the block are left alone. Stateless.
 */
public final class HttpClientConfigParser {

    /** Headers Prometheus does not let {@code http_headers} set (they are the client's own). */
    static final Set<String> RESERVED_HEADERS = Set.of("authorization", "host", "content-encoding", "content-length",
            "content-type", "user-agent", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "www-authenticate", "accept-encoding", "x-prometheus-remote-write-version", "x-prometheus-remote-read-version",
            "x-prometheus-scrape-timeout-seconds", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256");

    private static final Set<String> BASIC_AUTH = Set.of("username", "username_file", "password", "password_file");
    private static final Set<String> AUTHORIZATION = Set.of("type", "credentials", "credentials_file");
    private static final Set<String> TLS = Set.of("ca", "ca_file", "cert", "cert_file", "key", "key_file", "server_name",
            "insecure_skip_verify", "min_version", "max_version");
    private static final Set<String> PROXY = Set.of("proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header");
    private static final Set<String> OAUTH2;

    static {
        Set<String> oauth = new TreeSet<>(Set.of("client_id", "client_secret", "client_secret_file", "scopes", "token_url",
                "endpoint_params", "tls_config"));
        oauth.addAll(PROXY);
        OAUTH2 = Set.copyOf(oauth);
    }

    private HttpClientConfigParser() {
    }

    /** The settings in {@code block}; every error names the field and its location. */
    public static HttpClientConfig parse(PluginConfig block) throws ConfigException {
        // Prometheus's HTTPClientConfig.Validate, in its order and with its messages; each error
        // points at the key that conflicts.
        String bearer = block.string("bearer_token", "");
        String bearerFile = block.string("bearer_token_file", "");
        boolean hasBearer = !bearer.isEmpty() || !bearerFile.isEmpty();
        PluginConfig basicBlock = block.block("basic_auth");
        PluginConfig oauth2Block = block.block("oauth2");
        PluginConfig authorizationBlock = block.block("authorization");
        if (!bearer.isEmpty() && !bearerFile.isEmpty()) {
            throw block.error("bearer_token_file", "at most one of bearer_token & bearer_token_file must be configured");
        }
        if ((basicBlock != null || oauth2Block != null) && hasBearer) {
            throw block.error(bearer.isEmpty() ? "bearer_token_file" : "bearer_token",
                    "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
        }
        HttpClientConfig.BasicAuth basic = basicAuth(basicBlock);
        HttpClientConfig.Authorization authorization = null;
        if (authorizationBlock != null) {
            if (hasBearer) {
                throw block.error("authorization", "authorization is not compatible with bearer_token & bearer_token_file");
            }
            authorization = authorization(authorizationBlock);
            if (basicBlock != null || oauth2Block != null) {
                throw block.error("authorization", "at most one of basic_auth, oauth2 & authorization must be configured");
            }
        } else if (hasBearer) {
            authorization = new HttpClientConfig.Authorization("Bearer", bearer, bearerFile);
        }
        if (oauth2Block != null && basicBlock != null) {
            throw block.error("oauth2", "at most one of basic_auth, oauth2 & authorization must be configured");
        }
        HttpClientConfig.OAuth2 oauth2 = oauth2(oauth2Block);
        HttpClientConfig.TlsConfig tls = tls(block.block("tls_config"));
        Proxy proxy = proxy(block);
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, List<String>> headerFiles = new LinkedHashMap<>();
        PluginConfig headerBlock = block.block("http_headers");
        if (headerBlock != null) {
            for (String name : headerBlock.values().keySet()) {
                if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    throw headerBlock.error(name, "setting header \"" + canonical(name) + "\" is not allowed");
                }
                PluginConfig header = headerBlock.block(name);
                if (header == null) {
                    continue;
                }
                header.requireOnly(Set.of("values", "secrets", "files"));
                List<String> values = new ArrayList<>(header.strings("values"));
                values.addAll(header.strings("secrets"));
                if (!values.isEmpty()) {
                    headers.put(name, String.join(", ", values));
                }
                if (!header.strings("files").isEmpty()) {
                    headerFiles.put(name, header.strings("files"));
                }
            }
        }
        return new HttpClientConfig(basic, authorization, oauth2, tls, block.bool("follow_redirects", true),
                block.bool("enable_http2", true), proxy.url(), proxy.noProxy(), proxy.fromEnvironment(), proxy.connectHeaders(),
                headers, headerFiles);
    }

    /** Checks the fields without keeping the result. */
    public static void validate(PluginConfig block) throws ConfigException {
        parse(block);
    }

    /** The block's keys that are not {@code http_client_config} fields. */
    public static Set<String> otherFields(PluginConfig block) {
        Set<String> others = new TreeSet<>(block.values().keySet());
        others.removeAll(HttpClientFactory.FIELDS);
        return others;
    }

    private static HttpClientConfig.BasicAuth basicAuth(PluginConfig b) throws ConfigException {
        if (b == null) {
            return null;
        }
        b.requireOnly(BASIC_AUTH);
        HttpClientConfig.BasicAuth basic = new HttpClientConfig.BasicAuth(b.string("username", ""), b.string("password", ""),
                b.string("password_file", ""), b.string("username_file", ""));
        if (!basic.username().isEmpty() && !basic.usernameFile().isEmpty()) {
            throw b.error("username_file", "at most one of basic_auth username, username_file & username_ref must be configured");
        }
        if (!basic.password().isEmpty() && !basic.passwordFile().isEmpty()) {
            throw b.error("password_file", "at most one of basic_auth password, password_file & password_ref must be configured");
        }
        return basic;
    }

    private static HttpClientConfig.Authorization authorization(PluginConfig a) throws ConfigException {
        if (a == null) {
            return null;
        }
        a.requireOnly(AUTHORIZATION);
        HttpClientConfig.Authorization authorization = new HttpClientConfig.Authorization(a.string("type", "Bearer"),
                a.string("credentials", ""), a.string("credentials_file", ""));
        if (!authorization.credentials().isEmpty() && !authorization.credentialsFile().isEmpty()) {
            throw a.error("credentials_file", "at most one of authorization credentials & credentials_file must be configured");
        }
        if (authorization.type().strip().equalsIgnoreCase("basic")) {
            throw a.error("type", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
        }
        return authorization;
    }

    private static HttpClientConfig.OAuth2 oauth2(PluginConfig o) throws ConfigException {
        if (o == null) {
            return null;
        }
        o.requireOnly(OAUTH2);
        String secret = o.string("client_secret", "");
        String secretFile = o.string("client_secret_file", "");
        if (!secret.isEmpty() && !secretFile.isEmpty()) {
            throw o.error("client_secret_file", "at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured");
        }
        String tokenUrl = o.string("token_url", "");
        if (tokenUrl.isEmpty()) {
            throw o.error("oauth2 token_url must be configured");
        }
        url(o, "token_url", tokenUrl);
        Proxy proxy = proxy(o);
        HttpClientConfig transport = new HttpClientConfig(null, null, null, tls(o.block("tls_config")), true, true,
                proxy.url(), proxy.noProxy(), proxy.fromEnvironment(), proxy.connectHeaders(), Map.of(), Map.of());
        return new HttpClientConfig.OAuth2(o.string("client_id", ""), secret, secretFile, o.strings("scopes"), tokenUrl,
                o.stringMap("endpoint_params"), transport);
    }

    /** A {@code tls_config} block (or null), with Prometheus's TLSConfig.Validate rules; for every section that has one. */
    public static HttpClientConfig.TlsConfig tls(PluginConfig t) throws ConfigException {
        if (t == null) {
            return null;
        }
        t.requireOnly(TLS);
        HttpClientConfig.TlsConfig tls = new HttpClientConfig.TlsConfig(t.string("ca_file", ""), t.string("cert_file", ""),
                t.string("key_file", ""), t.string("server_name", ""), t.bool("insecure_skip_verify", false),
                t.string("min_version", ""), t.string("ca", ""), t.string("cert", ""), t.string("key", ""),
                t.string("max_version", ""));
        for (String name : List.of("ca", "cert", "key")) {
            if (!t.string(name, "").isEmpty() && !t.string(name + "_file", "").isEmpty()) {
                throw t.error(name + "_file", "at most one of " + name + " and " + name + "_file must be configured");
            }
        }
        boolean hasKey = !tls.key().isEmpty() || !tls.keyFile().isEmpty();
        if (tls.hasClientCertificate() && !hasKey) {
            throw t.error(tls.cert().isEmpty() ? "cert_file" : "cert",
                    "exactly one of key or key_file must be configured when a client certificate is configured");
        }
        if (hasKey && !tls.hasClientCertificate()) {
            throw t.error(tls.key().isEmpty() ? "key_file" : "key",
                    "exactly one of cert or cert_file must be configured when a client key is configured");
        }
        int min = 2;
        if (!tls.minVersion().isEmpty()) {
            try {
                min = TlsContexts.version(tls.minVersion(), "min_version");
            } catch (ConfigException e) {
                throw t.error("min_version", "unknown TLS version: " + tls.minVersion());
            }
        }
        if (!tls.maxVersion().isEmpty()) {
            int max;
            try {
                max = TlsContexts.version(tls.maxVersion(), "max_version");
            } catch (ConfigException e) {
                throw t.error("max_version", "unknown TLS version: " + tls.maxVersion());
            }
            if (max < min) {
                throw t.error("max_version", "max_version must be greater than or equal to min_version");
            }
        }
        return tls;
    }

    /** The proxy fields of a block (the top level, or {@code oauth2}). */
    private record Proxy(String url, String noProxy, boolean fromEnvironment, Map<String, List<String>> connectHeaders) {
    }

    private static Proxy proxy(PluginConfig b) throws ConfigException {
        String url = withProxyScheme(b.string("proxy_url", ""));
        if (!url.isEmpty()) {
            URI uri = url(b, "proxy_url", url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http")) {
                throw b.error("proxy_url", "proxy_url: unsupported proxy scheme \"" + scheme
                        + "\" in \"" + url + "\" (only http:// proxies are supported; they also tunnel https)");
            }
            if (uri.getHost() == null) {
                throw b.error("proxy_url", "proxy_url: no host in \"" + url + "\"");
            }
        }
        String noProxy = b.string("no_proxy", "");
        boolean fromEnvironment = b.bool("proxy_from_environment", false);
        if (fromEnvironment && !url.isEmpty()) {
            throw b.error("proxy_from_environment", "if proxy_from_environment is configured, proxy_url must not be configured");
        }
        if (fromEnvironment && !noProxy.isEmpty()) {
            throw b.error("proxy_from_environment", "if proxy_from_environment is configured, no_proxy must not be configured");
        }
        if (!noProxy.isEmpty() && url.isEmpty()) {
            throw b.error("no_proxy", "if no_proxy is configured, proxy_url must also be configured");
        }
        Map<String, List<String>> connectHeaders = new LinkedHashMap<>();
        PluginConfig headers = b.block("proxy_connect_header");
        if (headers != null) {
            if (url.isEmpty() && !fromEnvironment) {
                throw b.error("proxy_connect_header",
                        "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured");
            }
            for (String name : headers.values().keySet()) {
                if (!name.equalsIgnoreCase("Proxy-Authorization")) {
                    // The JDK's client sends only Proxy-Authorization with a CONNECT; refuse rather than drop the others.
                    throw headers.error(name, "proxy_connect_header: header \"" + name
                            + "\" is not supported (only Proxy-Authorization is sent to the proxy)");
                }
                connectHeaders.put(name, headers.strings(name));
            }
        }
        return new Proxy(url, noProxy, fromEnvironment, connectHeaders);
    }

    /**
     * Go's rule for a proxy given without a scheme ({@code proxy_url: proxy:3128}, which
     * Prometheus and Alertmanager accept): when the value does not parse as a URL with the
     * scheme {@code http}, {@code https} or {@code socks5}, it is taken as {@code http://} and
     * the value, if that parses with a host.
     */
    static String withProxyScheme(String url) {
        if (url.isEmpty()) {
            return url;
        }
        try {
            String scheme = new URI(url).getScheme();
            if (scheme != null && Set.of("http", "https", "socks5").contains(scheme.toLowerCase(Locale.ROOT))) {
                return url;
            }
        } catch (URISyntaxException e) {
            // try it as a host below
        }
        try {
            return new URI("http://" + url).getHost() != null ? "http://" + url : url;
        } catch (URISyntaxException e) {
            return url;
        }
    }

    /** Go's {@code http.CanonicalHeaderKey}: each dash-separated word capitalised. */
    static String canonical(String header) {
        StringBuilder sb = new StringBuilder(header.length());
        boolean upper = true;
        for (char c : header.toCharArray()) {
            sb.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return sb.toString();
    }

    private static URI url(PluginConfig b, String field, String text) throws ConfigException {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null) {
                throw b.error(field, field + ": \"" + text + "\" is not an absolute URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw b.error(field, field + ": invalid URL \"" + text + "\": " + e.getReason());
        }
    }
}
