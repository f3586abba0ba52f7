package io.promethium.scrape.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.Exporter;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.storage.MetadataSource;
import io.promethium.api.storage.Storage;
import io.promethium.api.trace.Tracer;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.config.ConfigConsumer;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.discovery.DiscoveryService;
import io.promethium.goformat.GoDurations;
import io.promethium.scrape.ScrapeTargets;
import io.promethium.scrape.TargetInfo;
import io.promethium.scrape.TargetMetadata;
import java.io.IOException;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The scrape manager as a DS component: follows the config, the storage (greedy and dynamic, so a
 * storage bundle update pauses scrapes and resumes them on the replacement) and the discovery
 * manager. Also the targets view for the web layer, the collector of the scrape self metrics, and
 * the exporter whiteboard: every {@link Exporter} service is served at
 * {@code /exporters/<name>/metrics} and scraped in-process by targets pointing there.
 */
@Component(immediate = true, service = {ConfigConsumer.class, ScrapeTargets.class, Collector.class, HttpRoutes.class, MetadataSource.class})
public final class ScrapeComponent implements ConfigConsumer, ScrapeTargets, Collector, HttpRoutes, MetadataSource {

    /** The launcher's {@code --web.listen-address}, to tell targets on this server from others. */
    static final String LISTEN_ADDRESS_PROPERTY = "promethium.flag.web.listen-address";

    private final ScrapeManager manager;
    private final ExporterRoutes exporterRoutes;

    /** For ServiceLoader on a flat class path: discovery plugins get a private registry. */
    public ScrapeComponent() {
        this.manager = new ScrapeManager();
        this.exporterRoutes = new ExporterRoutes(manager.exporters());
    }

    @Activate
    public ScrapeComponent(BundleContext context, @Reference DiscoveryService discovery, @Reference MetricsRegistrar registrar) {
        this.manager = new ScrapeManager(discovery, registrar);
        this.exporterRoutes = new ExporterRoutes(manager.exporters());
        manager.exporters().setListenAddress(context.getProperty(LISTEN_ADDRESS_PROPERTY));
        String features = context.getProperty("promethium.flag.enable-feature");
        java.util.Set<String> enabled = features == null ? java.util.Set.of()
                : java.util.Arrays.stream(features.split(",")).map(String::trim).collect(java.util.stream.Collectors.toSet());
        manager.setNativeHistogramsFeature(enabled.contains("native-histograms"));
        manager.setTypeAndUnitLabels(enabled.contains("type-and-unit-labels"));
        manager.setCreatedTimestampZeroIngestion(enabled.contains("created-timestamp-zero-ingestion"));
        manager.setExtraScrapeMetricsFeature(enabled.contains("extra-scrape-metrics"));
        if (enabled.contains("metadata-wal-records")) {
            java.util.logging.Logger.getLogger(ScrapeComponent.class.getName()).info("--enable-feature=metadata-wal-records:"
                    + " always on in Promethium (scraped metadata is appended to storage and logged in its WAL)");
        }
        if (enabled.contains("extra-scrape-metrics")) {
            java.util.logging.Logger.getLogger(ScrapeComponent.class.getName()).warning("--enable-feature=extra-scrape-metrics is being phased out"
                    + " (as in Prometheus): it makes extra_scrape_metrics default to true; set extra_scrape_metrics in the config instead");
        }
        manager.setTimestampAlignment(!"false".equals(context.getProperty("promethium.flag.scrape.adjust-timestamps")),
                timestampTolerance(context.getProperty("promethium.flag.scrape.timestamp-tolerance")));
        manager.setDiscoveryReloadInterval(durationFlag(context, "scrape.discovery-reload-interval", ScrapeManager.DEFAULT_DISCOVERY_RELOAD_INTERVAL));
    }

    /** {@code --scrape.timestamp-tolerance}, a Go duration as in Prometheus ({@code 2ms}, {@code 500us}). */
    static java.time.Duration timestampTolerance(String value) {
        if (value == null || value.isBlank()) {
            return TimestampAlignment.PROMETHEUS_DEFAULT.tolerance();
        }
        java.time.Duration tolerance;
        try {
            tolerance = GoDurations.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--scrape.timestamp-tolerance: " + e.getMessage(), e);
        }
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("--scrape.timestamp-tolerance: negative: " + value);
        }
        return tolerance;
    }

    /** A duration flag of this bundle's header, in Prometheus's syntax; a bad value stops the component naming the flag. */
    static java.time.Duration durationFlag(BundleContext context, String name, java.time.Duration fallback) {
        String value = context.getProperty("promethium.flag." + name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return io.promethium.api.config.Durations.parse(value.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + ": not a valid duration: " + value, e);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindStorage(Storage storage) {
        manager.setStorage(storage);
    }

    public void unbindStorage(Storage storage) {
        manager.unsetStorage(storage);
    }

    /**
     * The server's tracer for Prometheus's spans, when the tracing bundle runs (through the api,
     * not that bundle's packages: see kernel/tracing/README.md); loops read it at each scrape.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + Tracer.SERVICE_PROPERTY + "=" + Tracer.PROMETHEUS + ")")
    public void bindTracer(Tracer tracer) {
        manager.setTracer(tracer);
    }

    public void unbindTracer(Tracer tracer) {
        manager.unsetTracer(tracer);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindExporter(Exporter exporter) {
        manager.exporters().add(exporter);
    }

    public void unbindExporter(Exporter exporter) {
        manager.exporters().remove(exporter);
    }

    @Override
    public String pathPrefix() {
        return Exporters.PATH_PREFIX;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        exporterRoutes.handle(exchange);
    }

    @Deactivate
    public void deactivate() {
        manager.close();
    }

    @Override
    public void applyConfig(PrometheusConfig config) throws ConfigException {
        manager.applyConfig(config);
    }

    @Override
    public List<TargetInfo> activeTargets() {
        return manager.activeTargets();
    }

    /** The scraped families' metadata for senders such as remote write's metadata_config. */
    @Override
    public List<FamilyMetadata> metadata() {
        List<TargetMetadata> all = targetMetadata();
        List<FamilyMetadata> result = new java.util.ArrayList<>(all.size());
        for (TargetMetadata m : all) {
            result.add(new FamilyMetadata(m.metric(), m.metadata()));
        }
        return result;
    }

    @Override
    public List<TargetInfo> droppedTargets() {
        return manager.droppedTargets();
    }

    @Override
    public java.util.Map<String, java.util.Set<String>> waitingPools() {
        return manager.waitingPools();
    }

    @Override
    public List<TargetMetadata> targetMetadata() {
        return manager.targetMetadata();
    }

    @Override
    public java.util.Optional<List<io.promethium.config.model.RelabelConfig>> relabelConfigs(String scrapePool) {
        return manager.relabelConfigs(scrapePool);
    }

    @Override
    public void collect(MetricWriter writer) {
        manager.collect(writer);
    }
}
