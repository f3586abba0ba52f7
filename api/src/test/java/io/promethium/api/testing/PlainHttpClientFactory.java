package io.promethium.api.testing;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import java.nio.file.Path;

/**
 * An HTTP client factory that sends, for a plugin's tests without the server: a
 * {@link PlainHttpClient} (the JDK's client, no credentials, no TLS settings) for a block without
 * {@code http_config} / {@code http_client_config} settings; any such setting is refused naming
 * it, as {@link UnsupportedHttpClientFactory} does, rather than ignored. The server's factory
 * applies them all; test those settings in the server (or in this repository with the kernel's
 * {@code KernelHttpClientFactory}).
 */
public final class PlainHttpClientFactory implements HttpClientFactory {

    private final UnsupportedHttpClientFactory refusing = new UnsupportedHttpClientFactory();

    @Override
    public void validate(PluginConfig block) throws ConfigException {
        refusing.validate(block);
    }

    @Override
    public ConfiguredHttpClient create(PluginConfig block, Path configDirectory) throws ConfigException {
        validate(block);
        return new PlainHttpClient();
    }

    @Override
    public void validateTls(PluginConfig tlsConfig) throws ConfigException {
        refusing.validateTls(tlsConfig);
    }

    @Override
    public ClientTls tls(PluginConfig tlsConfig, String host, Path configDirectory) throws ConfigException {
        return refusing.tls(tlsConfig, host, configDirectory);
    }
}
