package io.promethium.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.promethium.api.config.ConfigException;
import io.promethium.api.http.ClientTls;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.tracing.Tracer;
import io.promethium.tracing.Tracing;
import io.promethium.tracing.TracingSettings;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.security.KeyStore;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * One OpenTelemetry SDK tracer provider per service, built from its {@code tracing:} settings and
 * replaced when they change, as Prometheus's and Alertmanager's tracing managers do: the new
 * provider is installed before the old one flushes and shuts down, so spans keep flowing through
 * a reload. Tracers handed out earlier follow the swap.
 */
public final class TracingManager implements Tracing, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TracingManager.class.getName());
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");

    private final String version;
    private final Duration exportDelay;
    private final Map<String, Service> services = new ConcurrentHashMap<>();

    /** @param version the server's version, sent as {@code service.version} */
    public TracingManager(String version) {
        this(version, Duration.ofSeconds(5));
    }

    /**
     * @param exportDelay how long ended spans wait to be batched: the SDK's 5 s (as the Go SDK's
     *                    batcher) in the server, shorter in tests
     */
    public TracingManager(String version, Duration exportDelay) {
        this.version = Objects.requireNonNull(version, "version is null");
        this.exportDelay = Objects.requireNonNull(exportDelay, "exportDelay is null");
    }

    @Override
    public Tracer tracer(String service) {
        return service(service).tracer;
    }

    private Service service(String name) {
        return services.computeIfAbsent(name, n -> new Service());
    }

    @Override
    public void apply(String serviceName, TracingSettings settings, HttpClientFactory tls, Path configDirectory)
            throws ConfigException {
        Service service = service(serviceName);
        synchronized (service) {
            if (Objects.equals(service.settings, settings) && (settings == null || settings.tlsConfig() == null)) {
                return;
            }
            SdkTracerProvider old = service.provider;
            if (settings == null) {
                service.tracer.install(null);
                service.provider = null;
                service.settings = null;
                shutdown(serviceName, old);
                LOG.info("Tracing provider uninstalled for " + serviceName);
                return;
            }
            SdkTracerProvider provider = SdkTracerProvider.builder()
                    .setResource(Resource.getDefault().merge(Resource.create(
                            Attributes.of(SERVICE_NAME, serviceName, SERVICE_VERSION, version))))
                    .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(clamp(settings.samplingFraction()))))
                    .addSpanProcessor(BatchSpanProcessor.builder(exporter(settings, tls, configDirectory))
                            .setScheduleDelay(exportDelay).build())
                    .build();
            service.tracer.install(provider.get("io.promethium." + serviceName));
            service.provider = provider;
            service.settings = settings;
            shutdown(serviceName, old);
            LOG.info("Tracing provider installed for " + serviceName + ": " + settings.clientType() + " " + settings.url()
                    + ", sampling fraction " + settings.samplingFraction());
        }
    }

    /** The Go SDK clamps the ratio to [0, 1] (below 0 samples nothing, above 1 everything); Java's sampler refuses it. */
    private static double clamp(double fraction) {
        return Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
    }

    static SpanExporter exporter(TracingSettings s, HttpClientFactory tls, Path dir) throws ConfigException {
        ClassLoader loader = TracingManager.class.getClassLoader();
        ClientTls clientTls = !s.insecure() && s.tlsConfig() != null ? tls.tls(s.tlsConfig(), s.host(), dir) : null;
        if (s.grpc()) {
            OtlpGrpcSpanExporterBuilder b = OtlpGrpcSpanExporter.builder().setServiceClassLoader(loader).setEndpoint(s.url());
            s.headers().forEach(b::addHeader);
            if (!s.compression().isEmpty()) {
                b.setCompression(s.compression());
            }
            if (s.timeout() != null && !s.timeout().isZero()) {
                b.setTimeout(s.timeout());
            }
            if (clientTls != null) {
                b.setSslContext(clientTls.context(), platformTrustManager());
            }
            return b.build();
        }
        OtlpHttpSpanExporterBuilder b = OtlpHttpSpanExporter.builder().setServiceClassLoader(loader).setEndpoint(s.url());
        s.headers().forEach(b::addHeader);
        if (!s.compression().isEmpty()) {
            b.setCompression(s.compression());
        }
        if (s.timeout() != null && !s.timeout().isZero()) {
            b.setTimeout(s.timeout());
        }
        if (clientTls != null) {
            b.setSslContext(clientTls.context(), platformTrustManager());
        }
        return b.build();
    }

    /**
     * The OkHttp sender asks for a trust manager beside the context but trusts through the
     * context's own (which holds {@code ca}/{@code ca_file}); it uses this one only to clean
     * certificate chains for pinning, which is not configured.
     */
    private static X509TrustManager platformTrustManager() throws ConfigException {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new ConfigException("tracing: no platform X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new ConfigException("tracing: " + e.getMessage());
        }
    }

    private static void shutdown(String service, SdkTracerProvider provider) {
        if (provider == null) {
            return;
        }
        // Flushes what is queued, waiting at most as long as the Go managers do.
        if (!provider.shutdown().join(5, TimeUnit.SECONDS).isSuccess()) {
            LOG.log(Level.WARNING, "Failed to shut down the previous tracer provider of " + service);
        }
    }

    /** Stops every provider, flushing queued spans. */
    @Override
    public void close() {
        for (Map.Entry<String, Service> e : services.entrySet()) {
            Service service = e.getValue();
            synchronized (service) {
                service.tracer.install(null);
                shutdown(e.getKey(), service.provider);
                service.provider = null;
                service.settings = null;
            }
        }
    }

    private static final class Service {
        final OtelTracer tracer = new OtelTracer();
        TracingSettings settings;
        SdkTracerProvider provider;
    }
}
