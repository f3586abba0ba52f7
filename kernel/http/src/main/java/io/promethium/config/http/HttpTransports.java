package io.promethium.config.http;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.tls.PlatformTlsContext;
import io.promethium.config.tls.TlsContexts;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Builds the JDK transport of an {@code http_client_config}: TLS ({@code tls_config}), proxy
 * rules ({@code proxy_url}, {@code no_proxy}, {@code proxy_from_environment}), redirects
 * ({@code follow_redirects}) and the HTTP version ({@code enable_http2}: HTTP/2 negotiated over
 * TLS; plain HTTP stays HTTP/1.1, as Go does without h2c). Credentials are not part of the
 * transport: see {@link Credentials}.
 */
public final class HttpTransports {

    /**
     * The JDK strips a {@code Proxy-Authorization: Basic} header from the CONNECT of an https
     * request unless this property is set (empty) before its HTTP client first loads; Go sends
     * it, so {@code proxy_connect_header} and user info in {@code proxy_url} would be dropped for
     * https peers. The launcher sets it on the command line; this covers embedders that did not.
     */
    static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    static {
        if (System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
            System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
        }
    }

    /** An absent {@code tls_config}: the platform's trust, TLS 1.2 and 1.3. */
    static final HttpClientConfig.TlsConfig NO_TLS_CONFIG = new HttpClientConfig.TlsConfig("", "", "", "", false, "", "", "", "", "");

    private HttpTransports() {
    }

    /** A transport with the process environment for {@code proxy_from_environment}. */
    public static HttpClient build(HttpClientConfig config, Path configDirectory, Duration connectTimeout) throws ConfigException {
        return build(config, configDirectory, connectTimeout, System.getenv());
    }

    static HttpClient build(HttpClientConfig config, Path configDirectory, Duration connectTimeout,
                            Map<String, String> environment) throws ConfigException {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(config.followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        HttpClientConfig.TlsConfig tls = config.tls();
        if (tls != null) {
            builder.sslContext(TlsContexts.client(tls, configDirectory));
            builder.sslParameters(TlsContexts.clientParameters(tls));
        } else if (System.getProperty("jdk.tls.client.protocols") == null) {
            // The platform's context, made at the first https request instead of now (its trust
            // store costs ~6% of the server's start-up), with the parameters the platform would
            // give (TLS 1.2 and 1.3, its cipher suites); with the protocols set by the system
            // property, the JDK's own defaults are left as they are.
            builder.sslContext(PlatformTlsContext.INSTANCE);
            builder.sslParameters(TlsContexts.clientParameters(NO_TLS_CONFIG));
        }
        if (config.enableHttp2()) {
            // The JDK negotiates HTTP/2 by ALPN over TLS; for http:// it would try an h2c upgrade,
            // which Go never does, so plain requests are sent as HTTP/1.1 (see ConfiguredClient).
            builder.version(HttpClient.Version.HTTP_2);
        }
        ProxyRules proxy = ProxyRules.of(config, environment);
        if (proxy != null) {
            builder.proxy(proxy);
        }
        return builder.build();
    }
}
