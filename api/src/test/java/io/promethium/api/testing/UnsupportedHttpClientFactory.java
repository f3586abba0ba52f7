package io.promethium.api.testing;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import java.nio.file.Path;

/**
 * The HTTP client factory of a test without the test kit on its class path: any
 * {@code http_client_config} field is refused (never silently ignored), and no client is built;
 * the errors say what to add.
 */
public final class UnsupportedHttpClientFactory implements HttpClientFactory {

    /** What a test that needs HTTP adds. */
    static final String ADD_THE_KIT = "add the test dependency io.promethium:promethium-plugin-testkit (its HttpConfigClientFactory "
            + "applies http_client_config as the server does) or pass an HttpClientFactory to the test context";

    @Override
    public void validate(PluginConfig block) throws ConfigException {
        for (String field : FIELDS) {
            if (block.has(field)) {
                throw block.error(field, field + ": HTTP client settings need an HTTP client factory in this test: " + ADD_THE_KIT);
            }
        }
    }

    @Override
    public ConfiguredHttpClient create(PluginConfig block, Path configDirectory) throws ConfigException {
        throw block.error("no HTTP client factory in this test context: " + ADD_THE_KIT);
    }

    @Override
    public void validateTls(PluginConfig tlsConfig) throws ConfigException {
        if (tlsConfig != null) {
            throw tlsConfig.error("tls_config: TLS settings need an HTTP client factory in this test: " + ADD_THE_KIT);
        }
    }

    @Override
    public ClientTls tls(PluginConfig tlsConfig, String host, Path configDirectory) throws ConfigException {
        throw new ConfigException("tls_config: TLS needs an HTTP client factory in this test: " + ADD_THE_KIT);
    }
}
