package io.promethium.config.model;

import java.util.Map;
import java.util.Objects;

/**
 * How to talk HTTP to a peer: auth, TLS, redirects, extra headers. {@code basicAuth},
 * {@code authorization} and {@code tls} may be null (not configured).
 */
public record HttpClientConfig(
        BasicAuth basicAuth,
        Authorization authorization,
        TlsConfig tls,
        boolean followRedirects,
        boolean enableHttp2,
        String proxyUrl,
        Map<String, String> headers) {

    public static final HttpClientConfig DEFAULT = new HttpClientConfig(null, null, null, true, true, "", Map.of());

    public HttpClientConfig {
        proxyUrl = proxyUrl == null ? "" : proxyUrl;
        headers = Map.copyOf(headers);
    }

    /** {@code basic_auth}; the password comes from {@code password} or {@code password_file}. */
    public record BasicAuth(String username, String password, String passwordFile) {
        public BasicAuth {
            Objects.requireNonNull(username, "username is null");
            password = password == null ? "" : password;
            passwordFile = passwordFile == null ? "" : passwordFile;
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

    /** {@code tls_config}. Paths are resolved against the config file's folder. */
    public record TlsConfig(String caFile, String certFile, String keyFile, String serverName,
                            boolean insecureSkipVerify, String minVersion) {
        public TlsConfig {
            caFile = caFile == null ? "" : caFile;
            certFile = certFile == null ? "" : certFile;
            keyFile = keyFile == null ? "" : keyFile;
            serverName = serverName == null ? "" : serverName;
            minVersion = minVersion == null ? "" : minVersion;
        }
    }
}
