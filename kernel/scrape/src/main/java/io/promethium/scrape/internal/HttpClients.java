package io.promethium.scrape.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.tls.TlsContexts;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;

/**
 * Builds the {@link HttpClient} of a scrape pool from its {@code http_client} settings: keep-alive
 * connections, redirects, TLS ({@code ca_file}, {@code cert_file}/{@code key_file} in PEM,
 * {@code server_name}, {@code insecure_skip_verify}). One client per pool; its connections are
 * shared by the pool's loops.
 */
final class HttpClients {

    private HttpClients() {
    }

    static HttpClient create(HttpClientConfig config, Path configDirectory) throws ConfigException {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(config.followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                // Plain-HTTP targets speak HTTP/1.1; an h2c upgrade attempt only costs a round trip.
                // The default executor (a cached pool) reuses threads; a virtual thread per
                // task allocated a continuation for each of the client's many small tasks.
                .version(HttpClient.Version.HTTP_1_1);
        HttpClientConfig.TlsConfig tls = config.tls();
        if (tls != null) {
            builder.sslContext(TlsContexts.client(tls, configDirectory));
            SSLParameters parameters = new SSLParameters();
            if (!tls.serverName().isEmpty()) {
                parameters.setServerNames(List.of(new SNIHostName(tls.serverName())));
            }
            if (!tls.minVersion().isEmpty()) {
                parameters.setProtocols(protocolsFrom(tls.minVersion()));
            }
            builder.sslParameters(parameters);
            if (config.enableHttp2()) {
                builder.version(HttpClient.Version.HTTP_2);
            }
        }
        return builder.build();
    }

    private static String[] protocolsFrom(String minVersion) throws ConfigException {
        return switch (minVersion) {
            case "TLS10" -> new String[] {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
            case "TLS11" -> new String[] {"TLSv1.1", "TLSv1.2", "TLSv1.3"};
            case "TLS12" -> new String[] {"TLSv1.2", "TLSv1.3"};
            case "TLS13" -> new String[] {"TLSv1.3"};
            default -> throw new ConfigException("tls_config: unknown min_version \"" + minVersion + "\"");
        };
    }

}
