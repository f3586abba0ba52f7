package io.promethium.tracing;

import io.promethium.api.config.ConfigException;
import io.promethium.api.http.HttpClientFactory;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The tracing of the server's services. Each service ({@link #PROMETHEUS}, {@link #ALERTMANAGER})
 * has its own OpenTelemetry tracer provider, resource ({@code service.name}) and OTLP exporter,
 * as the two programs have in Prometheus's deployment. Thread-safe.
 */
@ProviderType
public interface Tracing {

    /** Spans of the HTTP API and the PromQL engine; configured by {@code prometheus.yml}. */
    String PROMETHEUS = "prometheus";

    /** Spans of the notification pipeline and the Alertmanager API; configured by {@code alertmanager.yml}. */
    String ALERTMANAGER = "alertmanager";

    /** The tracer of a service; it follows the service's config (off until one is applied). */
    Tracer tracer(String service);

    /**
     * Applies a service's {@code tracing:} settings: a changed config replaces the provider (the
     * old one flushes and stops), {@code null} stops sending. Unchanged settings without TLS keep
     * the running provider; with TLS it is rebuilt so renewed certificates are read.
     *
     * @param tls builds the TLS context of {@code tls_config}
     * @param configDirectory relative TLS file names resolve against it
     * @throws ConfigException when a TLS file cannot be read; the previous provider stays
     */
    void apply(String service, TracingSettings settings, HttpClientFactory tls, Path configDirectory) throws ConfigException;

    /** No tracing: every tracer is {@link Tracer#NONE}. */
    Tracing NONE = new Tracing() {
        @Override
        public Tracer tracer(String service) {
            return Tracer.NONE;
        }

        @Override
        public void apply(String service, TracingSettings settings, HttpClientFactory tls, Path configDirectory) {
        }
    };
}
