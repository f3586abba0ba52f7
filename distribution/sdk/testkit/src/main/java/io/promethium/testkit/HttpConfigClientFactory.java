package io.promethium.testkit;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.config.http.KernelHttpClientFactory;
import java.nio.file.Path;

/**
 * The server's own {@link HttpClientFactory} for a plugin's tests: it sends, and applies every
 * {@code http_config} / {@code http_client_config} setting as the server does (TLS, basic auth,
 * authorization, OAuth 2, proxies, redirects, headers). It wraps the server's implementation so
 * that a test imports no kernel package.
 */
public final class HttpConfigClientFactory implements HttpClientFactory {

    private final HttpClientFactory delegate = new KernelHttpClientFactory();

    @Override
    public void validate(PluginConfig block) throws ConfigException {
        delegate.validate(block);
    }

    @Override
    public ConfiguredHttpClient create(PluginConfig block, Path configDirectory) throws ConfigException {
        return delegate.create(block, configDirectory);
    }

    @Override
    public void validateTls(PluginConfig tlsConfig) throws ConfigException {
        delegate.validateTls(tlsConfig);
    }

    @Override
    public ClientTls tls(PluginConfig tlsConfig, String host, Path configDirectory) throws ConfigException {
        return delegate.tls(tlsConfig, host, configDirectory);
    }
}
