package io.promethium.api.testing;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import java.nio.file.Path;

/**
 * The HTTP client factory of a test that has no kernel at hand: any {@code http_client_config}
 * field is refused (never silently ignored), and no client is built.
 */
public final class UnsupportedHttpClientFactory implements HttpClientFactory {

    @Override
    public void validate(PluginConfig block) throws ConfigException {
        for (String field : FIELDS) {
            if (block.has(field)) {
                throw block.error(field, field + ": HTTP client settings need the kernel's HttpClientFactory in this test");
            }
        }
    }

    @Override
    public ConfiguredHttpClient create(PluginConfig block, Path configDirectory) throws ConfigException {
        throw block.error("no HTTP client factory in this test context");
    }

    @Override
    public void validateTls(PluginConfig tlsConfig) throws ConfigException {
        if (tlsConfig != null) {
            throw tlsConfig.error("tls_config: TLS settings need the kernel's HttpClientFactory in this test");
        }
    }

    @Override
    public ClientTls tls(PluginConfig tlsConfig, String host, Path configDirectory) throws ConfigException {
        throw new ConfigException("tls_config: TLS needs the kernel's HttpClientFactory in this test");
    }
}
