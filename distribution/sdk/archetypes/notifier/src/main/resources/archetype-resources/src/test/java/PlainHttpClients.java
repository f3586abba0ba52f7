package ${package};

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.testing.UnsupportedHttpClientFactory;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/**
 * A stand-in for the server's HTTP client factory in this plugin's tests: plain JDK clients for
 * blocks without {@code http_config} settings; any setting is refused, as
 * {@link UnsupportedHttpClientFactory} does, rather than ignored.
 */
final class PlainHttpClients implements HttpClientFactory {

    private final UnsupportedHttpClientFactory refusing = new UnsupportedHttpClientFactory();

    @Override
    public void validate(PluginConfig block) throws ConfigException {
        refusing.validate(block);
    }

    @Override
    public ConfiguredHttpClient create(PluginConfig block, Path configDirectory) throws ConfigException {
        validate(block);
        HttpClient transport = HttpClient.newHttpClient();
        return new ConfiguredHttpClient() {
            @Override
            public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
                return transport.send(request, handler);
            }

            @Override
            public String authorization() {
                return null;
            }

            @Override
            public List<String> headers() {
                return List.of();
            }

            @Override
            public HttpClient transport() {
                return transport;
            }

            @Override
            public void close() {
                transport.close();
            }
        };
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
