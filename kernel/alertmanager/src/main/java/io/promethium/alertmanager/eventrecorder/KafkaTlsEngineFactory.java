package io.promethium.alertmanager.eventrecorder;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.http.HttpClientFactory;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.security.auth.SslEngineFactory;

/**
 * The TLS of a Kafka output's broker connections from its {@code tls_config}, through the
 * kernel's {@link HttpClientFactory#tls} (the same rules as every other {@code tls_config}: trust
 * from {@code ca}/{@code ca_file}, the client certificate, {@code server_name} or the broker's host
 * checked, {@code insecure_skip_verify}, {@code min_version}/{@code max_version}). Kafka
 * instantiates it by class ({@code ssl.engine.factory.class}) and hands it the producer's config,
 * where {@link #CONFIG} carries the settings. Client side only.
 */
public final class KafkaTlsEngineFactory implements SslEngineFactory {

    /** The producer config key of the {@link Settings}. */
    static final String CONFIG = "promethium.eventrecorder.tls";

    record Settings(HttpClientFactory httpClients, PluginConfig tlsConfig, Path configDirectory) {
    }

    private Settings settings;

    public KafkaTlsEngineFactory() {
        // instantiated by kafka-clients
    }

    @Override
    public void configure(Map<String, ?> configs) {
        if (!(configs.get(CONFIG) instanceof Settings s)) {
            throw new KafkaException(CONFIG + " is not set");
        }
        settings = s;
    }

    @Override
    public SSLEngine createClientSslEngine(String peerHost, int peerPort, String endpointIdentification) {
        ClientTls tls;
        try {
            // Files are read per connection, so rotated certificates apply to new connections.
            tls = settings.httpClients().tls(settings.tlsConfig(), peerHost, settings.configDirectory());
        } catch (ConfigException e) {
            throw new KafkaException("event_recorder kafka tls_config: " + e.getMessage(), e);
        }
        SSLEngine engine = tls.context().createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(true);
        engine.setSSLParameters(tls.parameters());
        return engine;
    }

    @Override
    public SSLEngine createServerSslEngine(String peerHost, int peerPort) {
        throw new UnsupportedOperationException("client side only");
    }

    @Override
    public boolean shouldBeRebuilt(Map<String, Object> nextConfigs) {
        return false;
    }

    @Override
    public Set<String> reconfigurableConfigs() {
        return Set.of();
    }

    @Override
    public KeyStore keystore() {
        return null;
    }

    @Override
    public KeyStore truststore() {
        return null;
    }

    @Override
    public void close() {
        // nothing held
    }
}
