package io.promethium.config.http;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.tls.TlsContexts;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The kernel's {@link HttpClientFactory}: {@link HttpClientConfigParser} for the fields,
 * {@link HttpTransports} and {@link Credentials} for the client. Stateless and thread-safe.
 */
public final class KernelHttpClientFactory implements HttpClientFactory {

    /** Go's default dialer gives up connecting after 30 s. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public void validate(PluginConfig block) throws ConfigException {
        HttpClientConfigParser.validate(block);
    }

    @Override
    public ConfiguredHttpClient create(PluginConfig block, Path configDirectory) throws ConfigException {
        return create(HttpClientConfigParser.parse(block), configDirectory);
    }

    /** A client for settings parsed already (the core sections' {@link HttpClientConfig}). */
    public ConfiguredHttpClient create(HttpClientConfig config, Path configDirectory) throws ConfigException {
        HttpClient transport = HttpTransports.build(config, configDirectory, CONNECT_TIMEOUT);
        try {
            return new ConfiguredClient(transport, new Credentials(config, configDirectory));
        } catch (ConfigException | RuntimeException e) {
            transport.shutdownNow();
            throw e;
        }
    }

    @Override
    public void validateTls(PluginConfig tlsConfig) throws ConfigException {
        HttpClientConfigParser.tls(tlsConfig);
    }

    @Override
    public ClientTls tls(PluginConfig tlsConfig, String host, Path configDirectory) throws ConfigException {
        HttpClientConfig.TlsConfig tls = HttpClientConfigParser.tls(tlsConfig);
        if (tls == null) {
            tls = HttpTransports.NO_TLS_CONFIG;
        }
        return new ClientTls(TlsContexts.client(tls, configDirectory, host), TlsContexts.clientParameters(tls, host));
    }
}
