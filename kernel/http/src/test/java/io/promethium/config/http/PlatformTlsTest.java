package io.promethium.config.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.testing.TestCertificates;
import io.promethium.config.tls.PlatformTlsContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client without {@code tls_config} gets the platform's default TLS context made at its first
 * https request (not when the client is built): the same trust and protocols as the platform's.
 */
class PlatformTlsTest {

    @TempDir
    Path dir;

    @Test
    void aClientWithoutTlsConfigTrustsWhatThePlatformTrustsAndNothingElse() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certs.serverContext()));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try (ConfiguredHttpClient client = new KernelHttpClientFactory().create(
                new PluginConfig("x_sd_configs", Map.of(), "prometheus.yml:2:3"), dir)) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + server.getAddress().getPort() + "/")).build();
            // The test CA is not in the platform's trust store: refused, as with the JDK's default context.
            assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasStackTraceContaining("PKIX path building failed");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theDeferredContextGivesThePlatformsEnginesAndTheClientTls12And13() throws Exception {
        HttpClient client = HttpTransports.build(HttpClientConfigParser.parse(new PluginConfig("x_sd_configs", Map.of(), "f:1:1")),
                dir, KernelHttpClientFactory.CONNECT_TIMEOUT, Map.of());
        assertThat(client.sslContext()).isSameAs(PlatformTlsContext.INSTANCE);
        assertThat(client.sslParameters().getProtocols()).containsExactly("TLSv1.2", "TLSv1.3");
        SSLContext platform = SSLContext.getDefault();
        assertThat(client.sslContext().createSSLEngine("localhost", 443).getEnabledCipherSuites())
                .containsExactly(platform.createSSLEngine("localhost", 443).getEnabledCipherSuites());
        assertThat(client.sslContext().getClientSessionContext()).isSameAs(platform.getClientSessionContext());
        assertThatThrownBy(() -> client.sslContext().init(null, null, null)).hasMessageContaining("initialises itself");
        client.shutdownNow();
    }
}
