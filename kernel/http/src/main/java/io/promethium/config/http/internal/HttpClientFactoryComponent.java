package io.promethium.config.http.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.config.http.KernelHttpClientFactory;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;

/** The kernel's {@link HttpClientFactory} as a service, for plugins and the kernel bundles. */
@Component(service = HttpClientFactory.class)
public final class HttpClientFactoryComponent implements HttpClientFactory {

    private final KernelHttpClientFactory factory = new KernelHttpClientFactory();

    @Override
    public void validate(PluginConfig block) throws ConfigException {
        factory.validate(block);
    }

    @Override
    public ConfiguredHttpClient create(PluginConfig block, Path configDirectory) throws ConfigException {
        return factory.create(block, configDirectory);
    }

    @Override
    public void validateTls(PluginConfig tlsConfig) throws ConfigException {
        factory.validateTls(tlsConfig);
    }

    @Override
    public ClientTls tls(PluginConfig tlsConfig, String host, Path configDirectory) throws ConfigException {
        return factory.tls(tlsConfig, host, configDirectory);
    }
}
