package io.promethium.otlp;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.config.Durations;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Storage;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The OTLP receiver bundle: owns the {@code otlp:} section of {@code prometheus.yml} and serves
 * {@code POST /api/v1/otlp/v1/metrics} (answering 404 unless {@code --web.enable-otlp-receiver}),
 * appending to whichever {@link Storage} is registered: the TSDB, or the agent's WAL, which remote
 * write then forwards as anything else appended.
 */
@Component(immediate = true, service = {ConfigSection.class, HttpRoutes.class, Collector.class})
public final class OtlpComponent implements ConfigSection, HttpRoutes, Collector {

    private static final Logger LOG = Logger.getLogger(OtlpComponent.class.getName());
    static final String FLAG = "promethium.flag.";
    static final String ENABLE_FLAG = "web.enable-otlp-receiver";
    static final String NATIVE_DELTA = "otlp-native-delta-ingestion";
    static final String CREATED_TIMESTAMPS = "created-timestamp-zero-ingestion";
    static final String DELTA_TO_CUMULATIVE = "otlp-deltatocumulative";

    private final OtlpReceiver receiver;
    private final Set<String> features;
    private final long lookbackDeltaMillis;
    private volatile Storage storage;
    private volatile OtlpConfig config = OtlpConfig.DEFAULT;
    private volatile Labels externalLabels = Labels.EMPTY;

    @Activate
    public OtlpComponent(BundleContext context) {
        this(context::getProperty);
    }

    /** On a flat class path (ServiceLoader: {@code check config}, embedders): flags from the {@code promethium.flag.*} system properties. */
    public OtlpComponent() {
        this(System::getProperty);
    }

    /** On a flat class path (embedders, tests): {@code flags} gives a flag's value by its property name. */
    public OtlpComponent(UnaryOperator<String> flags) {
        boolean enabled = Boolean.parseBoolean(flags.apply(FLAG + ENABLE_FLAG));
        String list = flags.apply(FLAG + "enable-feature");
        features = list == null ? Set.of() : Arrays.stream(list.split(",")).map(String::strip).collect(Collectors.toUnmodifiableSet());
        String lookback = flags.apply(FLAG + "query.lookback-delta");
        lookbackDeltaMillis = lookback == null || lookback.isBlank() ? 300_000 : Durations.parse(lookback).toMillis();
        if (features.contains(DELTA_TO_CUMULATIVE) && features.contains(NATIVE_DELTA)) {
            // Prometheus refuses to start with both.
            throw new IllegalArgumentException("cannot enable " + DELTA_TO_CUMULATIVE + " and " + NATIVE_DELTA + " features at the same time");
        }
        DeltaToCumulative deltas = null;
        if (features.contains(DELTA_TO_CUMULATIVE)) {
            deltas = new DeltaToCumulative(System::currentTimeMillis);
            LOG.info("Converting delta OTLP metrics to cumulative");
        }
        receiver = new OtlpReceiver(enabled, () -> storage, () -> config, this::options, System::currentTimeMillis, deltas);
        if (enabled) {
            LOG.info("OTLP receiver on " + OtlpReceiver.PATH);
        }
    }

    /** Forgets the delta-to-cumulative state, as a Prometheus restart does. */
    @Deactivate
    public void deactivate() {
        receiver.close();
    }

    @Override
    public String pathPrefix() {
        return receiver.pathPrefix();
    }

    @Override
    public boolean exactPath() {
        return true;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        receiver.handle(exchange);
    }

    Translator.Options options() {
        return new Translator.Options(features.contains(NATIVE_DELTA), features.contains(CREATED_TIMESTAMPS), lookbackDeltaMillis,
                externalLabels, features.contains("type-and-unit-labels"));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindStorage(Storage s) {
        storage = s;
    }

    public void unbindStorage(Storage s) {
        if (storage == s) {
            storage = null;
        }
    }

    /** The storage the receiver appends to (flat class path). */
    public void storage(Storage s) {
        storage = s;
    }

    /** Prometheus's {@code prometheus_api_otlp_*} counters. */
    @Override
    public void collect(MetricWriter writer) {
        receiver.metrics().collect(writer);
    }

    @Override
    public String key() {
        return "otlp";
    }

    @Override
    public void validate(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        OtlpConfig.parse(entries.isEmpty() ? null : entries.get(0));
    }

    @Override
    public void apply(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        config = OtlpConfig.parse(entries.isEmpty() ? null : entries.get(0));
        externalLabels = context.externalLabels();
    }
}
