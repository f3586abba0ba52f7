package io.promethium.promql.engine.internal.osgi;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.Durations;
import io.promethium.api.storage.Queryable;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.internal.eval.PromQLEngine;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import java.time.Duration;
import java.util.Map;

/**
 * The engine as an OSGi service and as a {@link Collector} of its self-metrics. Its settings are
 * the {@code --query.*} flags this bundle declares ({@code Promethium-Flags} in its bnd.bnd), read
 * from the framework properties {@code promethium.flag.query.*}: {@code lookback-delta} and
 * {@code timeout} as Prometheus durations ({@code 5m}), {@code max-concurrency} and
 * {@code max-samples} as integers. The PromQL features of {@code --enable-feature} (framework
 * property {@code promethium.flag.enable-feature}) are passed on as {@link EngineOptions#features()}.
 *
 * <p>The public no-argument constructor is for {@link java.util.ServiceLoader} (defaults).
 */
@Component(service = {QueryEngine.class, Collector.class})
public final class QueryEngineComponent implements QueryEngine, Collector {

    private final PromQLEngine engine;
    /** The server's {@code prometheus} tracer while the tracing bundle runs: spans of each query's stages. */
    private volatile io.promethium.tracing.Tracer tracer = io.promethium.tracing.Tracer.NONE;

    public QueryEngineComponent() {
        this(EngineOptions.DEFAULTS);
    }

    @Activate
    public QueryEngineComponent(org.osgi.framework.BundleContext context) {
        this(options(flags(context::getProperty)).withFeatures(features(context.getProperty(FEATURE_FLAG))));
    }

    private static final String[][] FLAGS = {{"query.lookback-delta", "lookbackDelta"}, {"query.timeout", "timeout"},
            {"query.max-concurrency", "maxConcurrency"}, {"query.max-samples", "maxSamples"}};

    /** The command-line flag of a property, for messages. */
    private static String flagOf(String key) {
        for (String[] flag : FLAGS) {
            if (flag[1].equals(key)) {
                return "--" + flag[0];
            }
        }
        return key;
    }

    /** The {@code --query.*} flags as the properties {@link #options(Map)} reads; unset ones are left out (defaults). */
    static Map<String, Object> flags(java.util.function.UnaryOperator<String> frameworkProperties) {
        Map<String, Object> properties = new java.util.HashMap<>();
        for (String[] flag : FLAGS) {
            String value = frameworkProperties.apply("promethium.flag." + flag[0]);
            if (value != null) {
                properties.put(flag[1], value);
            }
        }
        return properties;
    }

    QueryEngineComponent(Map<String, Object> properties) {
        this(options(properties));
    }

    /** The framework property the launcher sets from {@code --enable-feature}. */
    static final String FEATURE_FLAG = "promethium.flag.enable-feature";

    /**
     * The engine's features among {@code --enable-feature}'s comma-separated list; the others
     * belong to other bundles (the launcher refuses names nobody implements).
     */
    static java.util.Set<String> features(String list) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        if (list != null) {
            for (String f : list.split(",")) {
                String name = f.strip();
                if (EngineOptions.SUPPORTED_FEATURES.contains(name)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    QueryEngineComponent(EngineOptions options) {
        this.engine = new PromQLEngine(options, () -> tracer);
    }

    @org.osgi.service.component.annotations.Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY, unbind = "unbindTracing")
    void bindTracing(io.promethium.tracing.Tracing service) {
        tracer = service.tracer(io.promethium.tracing.Tracing.PROMETHEUS);
    }

    void unbindTracing(io.promethium.tracing.Tracing service) {
        tracer = io.promethium.tracing.Tracer.NONE;
    }

    /** Options from configuration properties; a bad value fails activation with a message naming it. */
    static EngineOptions options(Map<String, Object> properties) {
        EngineOptions o = EngineOptions.DEFAULTS;
        String lookback = string(properties, "lookbackDelta");
        if (lookback != null) {
            o = o.withLookbackDelta(duration("lookbackDelta", lookback));
        }
        String timeout = string(properties, "timeout");
        if (timeout != null) {
            o = o.withTimeout(duration("timeout", timeout));
        }
        String concurrency = string(properties, "maxConcurrency");
        if (concurrency != null) {
            o = o.withMaxConcurrent((int) number("maxConcurrency", concurrency));
        }
        String samples = string(properties, "maxSamples");
        if (samples != null) {
            o = o.withMaxSamples(number("maxSamples", samples));
        }
        return o;
    }

    private static String string(Map<String, Object> properties, String key) {
        Object v = properties == null ? null : properties.get(key);
        if (v == null) {
            return null;
        }
        String s = v.toString().strip();
        return s.isEmpty() ? null : s;
    }

    private static Duration duration(String key, String value) {
        try {
            return Durations.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid " + flagOf(key) + " " + value + ": " + e.getMessage(), e);
        }
    }

    private static long number(String key, String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 1 || (key.equals("maxConcurrency") && n > Integer.MAX_VALUE)) {
                throw new NumberFormatException("out of range");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + flagOf(key) + " " + value + ": expected a positive integer", e);
        }
    }

    @Override
    public QueryResult instantQuery(Queryable storage, String query, long timeMillis) {
        return engine.instantQuery(storage, query, timeMillis);
    }

    @Override
    public QueryResult rangeQuery(Queryable storage, String query, long startMillis, long endMillis, long stepMillis) {
        return engine.rangeQuery(storage, query, startMillis, endMillis, stepMillis);
    }

    @Override
    public QueryResult instantQuery(Queryable storage, Expr expr, long timeMillis) {
        return engine.instantQuery(storage, expr, timeMillis);
    }

    @Override
    public QueryResult rangeQuery(Queryable storage, Expr expr, long startMillis, long endMillis, long stepMillis) {
        return engine.rangeQuery(storage, expr, startMillis, endMillis, stepMillis);
    }

    @Override
    public QueryEngine withTimeout(Duration timeout) {
        return engine.withTimeout(timeout);
    }

    @Override
    public QueryEngine withMaxSourceResolution(long millis) {
        return engine.withMaxSourceResolution(millis);
    }

    @Override
    public EngineOptions options() {
        return engine.options();
    }

    @Override
    public void collect(MetricWriter writer) {
        engine.metrics().collect(writer);
    }
}
