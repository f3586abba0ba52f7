package io.promethium.config.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code HttpClientFactory#tls}: TLS from a {@code tls_config} for a raw socket (SMTP), against a
 * loopback TLS server whose certificate names {@code 127.0.0.1} and {@code localhost}.
 */
class ClientTlsTest {

    @TempDir
    static Path dir;
    private static TestCertificates certs;

    private final KernelHttpClientFactory factory = new KernelHttpClientFactory();
    private SSLServerSocket server;
    private CompletableFuture<List<String>> sni;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir);
    }

    @BeforeEach
    void start() throws Exception {
        server = (SSLServerSocket) certs.serverContext().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sni = CompletableFuture.supplyAsync(() -> {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.startHandshake();
                return ((ExtendedSSLSession) s.getSession()).getRequestedServerNames().stream()
                        .map(n -> ((SNIHostName) n).getAsciiName()).toList();
            } catch (IOException e) {
                return List.of("failed: " + e.getMessage());
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private static PluginConfig tlsConfig(Map<String, Object> values) {
        return new PluginConfig("email_configs.tls_config", values, "am.yml:3:5");
    }

    /** Connects to the server with the factory's socket factory and completes the handshake. */
    private void handshake(ClientTls tls, String host) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
            // Layered over a connected socket, as STARTTLS does.
            try (SSLSocket ssl = (SSLSocket) tls.socketFactory().createSocket(plain, host, server.getLocalPort(), false)) {
                ssl.setSoTimeout(5000);
                ssl.startHandshake();
            }
        }
    }

    private List<String> sniSeen() throws Exception {
        return sni.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theHostIsCheckedAgainstTheCertificateAndSentAsSni() throws Exception {
        ClientTls tls = factory.tls(tlsConfig(Map.of("ca_file", "ca.pem")), "localhost", dir);
        handshake(tls, "localhost");
        assertThat(sniSeen()).containsExactly("localhost");
    }

    @Test
    void anIpHostIsMatchedAsAnAddressAndNotSentAsSni() throws Exception {
        handshake(factory.tls(tlsConfig(Map.of("ca_file", certs.caPem().toString())), "127.0.0.1", dir), "127.0.0.1");
        assertThat(sniSeen()).isEmpty();
    }

    @Test
    void serverNameReplacesTheHostInTheCheckAndInSni() throws Exception {
        ClientTls tls = factory.tls(tlsConfig(Map.of("ca_file", "ca.pem", "server_name", "localhost")), "mail.example.org", dir);
        handshake(tls, "mail.example.org");
        assertThat(sniSeen()).containsExactly("localhost");
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefused() {
        assertThatThrownBy(() -> handshake(factory.tls(tlsConfig(Map.of("ca_file", "ca.pem")), "mail.example.org", dir),
                "mail.example.org")).isInstanceOf(IOException.class).hasStackTraceContaining("not valid for mail.example.org");
    }

    @Test
    void withoutTheCaTheCertificateIsUntrustedUnlessInsecureSkipVerify() throws Exception {
        assertThatThrownBy(() -> handshake(factory.tls(null, "localhost", dir), "localhost")).isInstanceOf(IOException.class);
        stop();
        start();
        handshake(factory.tls(tlsConfig(Map.of("insecure_skip_verify", true, "server_name", "other.example")), "localhost", dir),
                "localhost");
        assertThat(sniSeen()).containsExactly("other.example");
    }

    @Test
    void protocolsRunFromMinVersionToMaxVersionDefaultingToTls12And13() throws Exception {
        assertThat(factory.tls(null, "localhost", dir).protocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(factory.tls(tlsConfig(Map.of("min_version", "TLS13")), "localhost", dir).protocols()).containsExactly("TLSv1.3");
        assertThat(factory.tls(tlsConfig(Map.of("min_version", "TLS10", "max_version", "TLS11")), "localhost", dir).protocols())
                .containsExactly("TLSv1", "TLSv1.1");
    }

    @Test
    void invalidBlocksAndUnreadableFilesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> factory.validateTls(tlsConfig(Map.of("ca_ref", "vault"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("am.yml").hasMessageContaining("ca_ref");
        assertThatThrownBy(() -> factory.validateTls(tlsConfig(Map.of("cert_file", "c.pem"))))
                .hasMessageContaining("exactly one of key or key_file");
        assertThatThrownBy(() -> factory.validateTls(tlsConfig(Map.of("min_version", "TLS13", "max_version", "TLS12"))))
                .hasMessageContaining("max_version must be greater than or equal to min_version");
        assertThatThrownBy(() -> factory.tls(tlsConfig(Map.of("ca_file", "missing.pem")), "localhost", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.pem");
    }
}
