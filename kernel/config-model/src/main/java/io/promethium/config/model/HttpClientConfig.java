package io.promethium.config.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Prometheus's {@code http_client_config}: how to talk HTTP to a peer (auth, OAuth2, TLS, proxy,
 * redirects, HTTP/2, extra headers). {@code basicAuth}, {@code authorization}, {@code oauth2} and
 * {@code tls} may be null (not configured); at most one of the three credentials is set.
 *
 * @param headers {@code http_headers} values and secrets, joined per header as Prometheus sends them
 * @param headerFiles {@code http_headers} files per header, read on every request
 * @param noProxy {@code no_proxy}: comma-separated hosts, domains, IPs and CIDRs reached directly
 * @param proxyConnectHeaders {@code proxy_connect_header}: headers for the proxy's CONNECT
 */
public record HttpClientConfig(
        BasicAuth basicAuth,
        Authorization authorization,
        OAuth2 oauth2,
        TlsConfig tls,
        boolean followRedirects,
        boolean enableHttp2,
        String proxyUrl,
        String noProxy,
        boolean proxyFromEnvironment,
        Map<String, List<String>> proxyConnectHeaders,
        Map<String, String> headers,
        Map<String, List<String>> headerFiles) {

    public static final HttpClientConfig DEFAULT = new HttpClientConfig(null, null, null, true, true, "", Map.of());

    public HttpClientConfig {
        proxyUrl = proxyUrl == null ? "" : proxyUrl;
        noProxy = noProxy == null ? "" : noProxy;
        proxyConnectHeaders = Map.copyOf(proxyConnectHeaders);
        headers = Map.copyOf(headers);
        headerFiles = Map.copyOf(headerFiles);
    }

    /** The settings of older callers: no OAuth2, no proxy rules beyond {@code proxy_url}, no header files. */
    public HttpClientConfig(BasicAuth basicAuth, Authorization authorization, TlsConfig tls, boolean followRedirects,
                            boolean enableHttp2, String proxyUrl, Map<String, String> headers) {
        this(basicAuth, authorization, null, tls, followRedirects, enableHttp2, proxyUrl, "", false, Map.of(), headers, Map.of());
    }

    /** Whether requests go through a proxy ({@code proxy_url} or the environment's). */
    public boolean proxied() {
        return !proxyUrl.isEmpty() || proxyFromEnvironment;
    }

    /**
     * {@code basic_auth}; the user name comes from {@code username} or {@code username_file}, the
     * password from {@code password} or {@code password_file} (files re-read per request).
     */
    public record BasicAuth(String username, String password, String passwordFile, String usernameFile) {
        public BasicAuth {
            Objects.requireNonNull(username, "username is null");
            password = password == null ? "" : password;
            passwordFile = passwordFile == null ? "" : passwordFile;
            usernameFile = usernameFile == null ? "" : usernameFile;
        }

        public BasicAuth(String username, String password, String passwordFile) {
            this(username, password, passwordFile, "");
        }
    }

    /** {@code authorization}: a scheme ({@code Bearer} by default) and credentials. */
    public record Authorization(String type, String credentials, String credentialsFile) {
        public Authorization {
            type = type == null || type.isEmpty() ? "Bearer" : type;
            credentials = credentials == null ? "" : credentials;
            credentialsFile = credentialsFile == null ? "" : credentialsFile;
        }
    }

    /**
     * {@code oauth2}: the client credentials grant against {@code tokenUrl}. The token request has
     * its own TLS and proxy settings ({@code tls_config}, {@code proxy_url}, ... inside {@code oauth2}).
     */
    public record OAuth2(String clientId, String clientSecret, String clientSecretFile, List<String> scopes,
                         String tokenUrl, Map<String, String> endpointParams, HttpClientConfig transport) {
        public OAuth2 {
            Objects.requireNonNull(clientId, "clientId is null");
            clientSecret = clientSecret == null ? "" : clientSecret;
            clientSecretFile = clientSecretFile == null ? "" : clientSecretFile;
            scopes = List.copyOf(scopes);
            Objects.requireNonNull(tokenUrl, "tokenUrl is null");
            endpointParams = Map.copyOf(endpointParams);
            Objects.requireNonNull(transport, "transport is null");
        }
    }

    /**
     * {@code tls_config}. Paths are resolved against the config file's folder; {@code ca},
     * {@code cert} and {@code key} are the same PEM written inline (at most one of each pair).
     */
    public record TlsConfig(String caFile, String certFile, String keyFile, String serverName,
                            boolean insecureSkipVerify, String minVersion, String ca, String cert, String key,
                            String maxVersion) {
        public TlsConfig {
            caFile = caFile == null ? "" : caFile;
            certFile = certFile == null ? "" : certFile;
            keyFile = keyFile == null ? "" : keyFile;
            serverName = serverName == null ? "" : serverName;
            minVersion = minVersion == null ? "" : minVersion;
            ca = ca == null ? "" : ca;
            cert = cert == null ? "" : cert;
            key = key == null ? "" : key;
            maxVersion = maxVersion == null ? "" : maxVersion;
        }

        /** Files only, no inline PEM, no maximum version. */
        public TlsConfig(String caFile, String certFile, String keyFile, String serverName, boolean insecureSkipVerify,
                         String minVersion) {
            this(caFile, certFile, keyFile, serverName, insecureSkipVerify, minVersion, "", "", "", "");
        }

        /** Whether a client certificate is configured (file or inline). */
        public boolean hasClientCertificate() {
            return !certFile.isEmpty() || !cert.isEmpty();
        }
    }
}
