package io.promethium.web.internal.server;

import io.promethium.api.collect.Collector;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.config.ConfigService;
import io.promethium.launcher.spi.Lifecycle;
import io.promethium.launcher.spi.ServerInfo;
import io.promethium.web.internal.admin.AdminWrites;
import io.promethium.web.internal.api.CorsPolicy;
import io.promethium.web.internal.lifecycle.LifecycleResource;
import io.promethium.web.internal.metrics.MetricsResource;
import io.promethium.web.internal.metrics.ProcessCollector;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.status.StatusResource;
import io.promethium.web.internal.query.FormatResource;
import io.promethium.web.internal.query.QueryResource;
import io.promethium.web.internal.series.ExemplarsResource;
import io.promethium.web.internal.series.SeriesResource;
import io.promethium.web.internal.targets.TargetsResource;
import io.promethium.web.internal.rules.RulesResource;
import io.promethium.rules.RuleManager;
import io.promethium.alerting.AlertmanagerTargets;
import io.promethium.web.internal.alerting.AlertmanagersResource;
import io.promethium.web.internal.tsdb.TsdbAdminResource;
import io.promethium.web.internal.tsdb.TsdbStatusResource;
import io.promethium.api.storage.Storage;
import io.promethium.api.web.HttpRoutes;
import io.promethium.web.internal.routes.RouteTable;
import io.promethium.web.internal.routes.RoutesHandler;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import io.promethium.web.internal.api.FormValues;
import io.promethium.web.internal.ui.UiAssets;
import io.promethium.web.internal.ui.UiResource;
import io.promethium.api.storage.ExemplarQueryable;
import io.promethium.api.storage.MetadataQueryable;
import io.promethium.api.storage.StorageAdmin;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.scrape.ScrapeTargets;
import java.time.Clock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import io.promethium.api.model.Labels;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.web.internal.federate.FederateResource;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The web bundle: starts Jetty with the API resources, set up by the {@code --web.*} flags
 * ({@link WebConfig}), and stops it on deactivation. Collectors are tracked
 * dynamically, so a plugin's metrics appear on {@code /metrics} as soon as it starts.
 */
@Component(immediate = true)
public final class WebComponent {

    static {
        // Before any Jetty class of this bundle is used (see HttpServer.loadHttpFieldEncoders).
        HttpServer.loadHttpFieldEncoders();
    }

    private static final Logger LOG = Logger.getLogger(WebComponent.class.getName());

    static final long DEFAULT_LOOKBACK_MILLIS = 300_000L;

    private final io.promethium.web.internal.metrics.Collectors collectors;
    /** The storage view (primary and remote-read secondaries): the highest-ranked {@link Storage}. */
    private final ServiceSlot<Storage> storage = new ServiceSlot<>("storage");
    private volatile io.promethium.tracing.Tracer tracer = io.promethium.tracing.Tracer.NONE;
    /** The primary storage alone, for {@code /federate} (local only, as Prometheus's). */
    private final ServiceSlot<Storage> localStorage = new ServiceSlot<>("local storage");
    private final ServiceSlot<StorageAdmin> storageAdmin = new ServiceSlot<>("storage admin");
    private final ServiceSlot<io.promethium.api.storage.WalReplayProgress> walReplay = new ServiceSlot<>("WAL replay progress");
    private final ServiceSlot<ExemplarQueryable> exemplarStore = new ServiceSlot<>("exemplar storage");
    private final ServiceSlot<MetadataQueryable> metadataStore = new ServiceSlot<>("metadata storage");
    private final ServiceSlot<QueryEngine> engine = new ServiceSlot<>("query engine");
    private final ServiceSlot<ScrapeTargets> targets = new ServiceSlot<>("scrape manager");
    private final ServiceSlot<RuleManager> rules = new ServiceSlot<>("rule manager");
    private final ServiceSlot<AlertmanagerTargets> alertmanagers = new ServiceSlot<>("alert sender");
    private final HttpServer server;
    /**
     * Made before anything else, so a route bound at any point (DS binds dynamic references after
     * the constructor, but from any thread) goes straight into the one table, which is thread-safe.
     */
    private final RouteTable routes = new RouteTable();

    @Activate
    public WebComponent(BundleContext context, @Reference Lifecycle lifecycle,
                        @Reference ServerInfo serverInfo,
                        @Reference ConfigService configService) throws Exception {
        this.collectors = new io.promethium.web.internal.metrics.Collectors(new io.promethium.web.internal.metrics.NewVersionInstalled(context));
        WebConfig config = WebConfig.fromFlags(context::getProperty);
        WebConfigFile webConfig = WebConfigFile.NONE;
        if (!config.webConfigFile().isEmpty()) {
            try {
                webConfig = WebConfigFile.load(Path.of(config.webConfigFile()));
            } catch (ConfigException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        collectors.add(new ProcessCollector());
        HttpMetrics httpMetrics = new HttpMetrics();
        collectors.add(httpMetrics);
        long started = System.nanoTime();
        // Jetty's MimeTypes tables take about a quarter of the web start (profiled): loaded on
        // a second thread while the resources below are built, instead of after them.
        Thread.ofVirtual().name("web-warm-up").start(HttpServer::warmUp);
        boolean agent = Boolean.parseBoolean(context.getProperty("promethium.flag.agent"));
        List<Endpoints> endpoints = new ArrayList<>();
        endpoints.add(new LifecycleResource(lifecycle, Boolean.parseBoolean(config.enableLifecycle())));
        endpoints.add(new StatusResource(serverInfo, configService));
        endpoints.add(new io.promethium.web.internal.status.FeaturesResource(serverInfo::flags, () -> declaredFeatures(context)));
        endpoints.add(new MetricsResource(collectors::snapshot));
        Clock clock = Clock.systemUTC();
        endpoints.add(new FormatResource());
        endpoints.add(new ExemplarsResource(exemplarStore::orNull));
        endpoints.add(new TargetsResource(targets, () -> {
            PrometheusConfig current = configService.current();
            return current == null ? List.of() : current.scrapeConfigs().stream().map(c -> c.jobName()).toList();
        }, metadataStore::orNull));
        endpoints.add(new RulesResource(rules));
        endpoints.add(new AlertmanagersResource(alertmanagers));
        endpoints.add(new TsdbStatusResource(storageAdmin));
        endpoints.add(new io.promethium.web.internal.tsdb.WalReplayResource(walReplay::orNull));
        Supplier<java.nio.file.Path> snapshots = () -> java.nio.file.Path.of(
                serverInfo.flags().getOrDefault("storage.tsdb.path", "data")).resolve("snapshots");
        endpoints.add(new TsdbAdminResource(storageAdmin, snapshots, Boolean.parseBoolean(config.enableAdminApi()), clock));
        Supplier<Labels> externalLabels = () -> {
            PrometheusConfig current = configService.current();
            return current == null ? Labels.EMPTY : current.global().externalLabels();
        };
        LongSupplier lookback = () -> {
            QueryEngine e = engine.orNull();
            return e == null ? DEFAULT_LOOKBACK_MILLIS : e.options().lookbackDelta().toMillis();
        };
        endpoints.add(new FederateResource(localStorage, externalLabels, lookback, clock));
        endpoints.add(new io.promethium.web.internal.search.SearchResource(storage, targets::orNull,
                enabledFeature(flag(context, "enable-feature", ""), "search-api"),
                searchMaxLimit(flag(context, "web.search.max-limit", "10000")), clock));
        boolean adminApi = Boolean.parseBoolean(config.enableAdminApi());
        AdminWrites adminWrites = AdminWrites.decide(adminApi, !webConfig.users().isEmpty(),
                HttpServer.listenAddresses(config.listenAddress()).stream().map(HttpServer::parseAddress).toList());
        if (adminApi && !adminWrites.allowed()) {
            LOG.warning(adminWrites.refusal());
        }
        String routePrefix = HttpServer.routePrefix(flag(context, "web.route-prefix", ""), config.externalUrl());
        // Links carry the external URL's path; without an external URL, the route prefix.
        String linkBase = config.externalUrl().isBlank() ? (routePrefix.equals("/") ? "" : routePrefix)
                : UiResource.routePrefix(config.externalUrl());
        endpoints.add(new UiResource(UiAssets.load(), linkBase, adminApi, flag(context, "web.page-title", "Promethium"),
                adminWrites.refusal()));
        String userAssets = flag(context, "web.user-assets", "");
        if (!userAssets.isBlank()) {
            if (!java.nio.file.Files.isDirectory(Path.of(userAssets))) {
                throw new IllegalStateException("--web.user-assets \"" + userAssets + "\": not a directory");
            }
            endpoints.add(new io.promethium.web.internal.ui.UserAssetsResource(Path.of(userAssets)));
        }
        CorsPolicy cors;
        try {
            cors = new CorsPolicy(flag(context, "web.cors.origin", ".*"));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        for (Endpoints family : endpoints) {
            for (Router router : family.routers(FormValues.MAX_FORM_BYTES, agent)) {
                routes.addBuiltIn(router);
            }
        }
        for (HttpRoutes r : new QueryResource(engine, storage, clock, () -> tracer).routes(FormValues.MAX_FORM_BYTES, agent)) {
            routes.addBuiltIn(r);
        }
        for (HttpRoutes r : new SeriesResource(storage).routes(FormValues.MAX_FORM_BYTES, agent)) {
            routes.addBuiltIn(r);
        }
        for (HttpRoutes r : io.promethium.web.internal.lifecycle.HealthRoutes.of(lifecycle)) {
            routes.addBuiltIn(r);
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(WebComponent.class.getClassLoader());
        try {
            server = new HttpServer(config.listenAddress(), new RoutesHandler(routes, httpMetrics, cors, routePrefix, () -> tracer), webConfig, Durations.parse(config.readTimeout()).toMillis(), maxConnections(config.maxConnections()),
                    routePrefix);
            server.start();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        LOG.info("Listening on " + config.listenAddress() + (routePrefix.equals("/") ? "" : " under " + routePrefix)
                + (webConfig.tls() ? " (TLS)" : "")
                + (webConfig.users().isEmpty() ? "" : " with basic auth")
                + " (web started in " + (System.nanoTime() - started) / 1_000_000 + " ms)");
        lifecycle.listening(config.listenAddress());
        // The plugin admin API is promethium-admin's JAX-RS resource: it asks here who may use it.
        adminAccess = context.registerService(io.promethium.web.spi.AdminAccess.class, adminWrites.access(adminApi), null);
    }

    private final org.osgi.framework.ServiceRegistration<io.promethium.web.spi.AdminAccess> adminAccess;

    /** A flag a bundle header declares (the launcher sets every one; the default covers a bare framework). */
    private static String flag(BundleContext context, String name, String fallback) {
        String value = context.getProperty("promethium.flag." + name);
        return value == null ? fallback : value;
    }

    /**
     * The {@code --enable-feature} names the running bundles implement (their {@code
     * Promethium-Features} headers), read at each request: plugins come and go.
     */
    private static java.util.Set<String> declaredFeatures(BundleContext context) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            if ((b.getState() & (org.osgi.framework.Bundle.ACTIVE | org.osgi.framework.Bundle.STARTING)) == 0) {
                continue;
            }
            String header = b.getHeaders("").get("Promethium-Features");
            if (header != null) {
                for (String name : header.split(",")) {
                    if (!name.isBlank()) {
                        out.add(name.strip());
                    }
                }
            }
        }
        return out;
    }

    static boolean enabledFeature(String list, String name) {
        for (String f : list.split(",")) {
            if (f.strip().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** {@code --web.search.max-limit}: a non-negative integer, 0 for no cap (Prometheus refuses to start otherwise). */
    static long searchMaxLimit(String value) {
        long n;
        try {
            n = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("--web.search.max-limit: invalid value \"" + value + "\": not an integer");
        }
        if (n < 0) {
            throw new IllegalStateException("--web.search.max-limit must be non-negative; got " + n + " (use 0 to disable the cap)");
        }
        return n;
    }

    private static int maxConnections(String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException("--web.max-connections \"" + value + "\": not a number of connections (0 or more)");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindCollector(Collector collector) {
        collectors.add(collector);
    }

    void unbindCollector(Collector collector) {
        collectors.remove(collector);
    }

    /**
     * A bundle's routes. A replacement instance may be bound before the old one is unbound: the
     * table mounts the newest binding of a path at once and ignores the old one's unbind.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindHttpRoutes(HttpRoutes service) {
        routes.add(service);
    }

    /** Returns once the requests in flight on the instance are answered (bounded), before its plugin is deactivated. */
    void unbindHttpRoutes(HttpRoutes service) {
        try {
            routes.remove(service);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server's tracing (the tracing bundle): a span per request and per query when its config enables it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTracing(io.promethium.tracing.Tracing service) {
        tracer = service.tracer(io.promethium.tracing.Tracing.PROMETHEUS);
    }

    void unbindTracing(io.promethium.tracing.Tracing service) {
        tracer = io.promethium.tracing.Tracer.NONE;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStorage(Storage service) {
        storage.bind(service);
    }

    void unbindStorage(Storage service) {
        storage.unbind(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + io.promethium.api.storage.Queryable.ROLE_PROPERTY + "=" + io.promethium.api.storage.Queryable.ROLE_PRIMARY + ")")
    void bindLocalStorage(Storage service) {
        localStorage.bind(service);
    }

    void unbindLocalStorage(Storage service) {
        localStorage.unbind(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStorageAdmin(StorageAdmin service) {
        storageAdmin.bind(service);
    }

    void unbindStorageAdmin(StorageAdmin service) {
        storageAdmin.unbind(service);
    }

    /** The storage's WAL replay progress, registered apart from it so it is there while the storage replays. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindWalReplayProgress(io.promethium.api.storage.WalReplayProgress service) {
        walReplay.bind(service);
    }

    void unbindWalReplayProgress(io.promethium.api.storage.WalReplayProgress service) {
        walReplay.unbind(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindExemplarQueryable(ExemplarQueryable service) {
        exemplarStore.bind(service);
    }

    void unbindExemplarQueryable(ExemplarQueryable service) {
        exemplarStore.unbind(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindMetadataQueryable(MetadataQueryable service) {
        metadataStore.bind(service);
    }

    void unbindMetadataQueryable(MetadataQueryable service) {
        metadataStore.unbind(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindQueryEngine(QueryEngine service) {
        engine.bind(service);
    }

    void unbindQueryEngine(QueryEngine service) {
        engine.unbind(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindScrapeTargets(ScrapeTargets service) {
        targets.bind(service);
    }

    void unbindScrapeTargets(ScrapeTargets service) {
        targets.unbind(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRuleManager(RuleManager service) {
        rules.bind(service);
    }

    void unbindRuleManager(RuleManager service) {
        rules.unbind(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAlertmanagerTargets(AlertmanagerTargets service) {
        alertmanagers.bind(service);
    }

    void unbindAlertmanagerTargets(AlertmanagerTargets service) {
        alertmanagers.unbind(service);
    }

    @Deactivate
    void deactivate() throws Exception {
        try {
            adminAccess.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping: the framework unregistered it
        }
        server.stop();
    }
}
