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
import org.osgi.service.component.annotations.ConfigurationPolicy;

import java.time.Duration;
import java.util.Map;

/**
 * The engine as an OSGi service (configuration PID {@code io.promethium.promql}, optional) and as
 * a {@link Collector} of its self-metrics. Properties, all strings: {@code lookbackDelta} and
 * {@code timeout} as Prometheus durations ({@code 5m}), {@code maxConcurrency} and
 * {@code maxSamples} as integers. A changed configuration re-creates the component. The PromQL
 * features of {@code --enable-feature} (framework property {@code promethium.flag.enable-feature})
 * are passed on as {@link EngineOptions#features()}.
 *
 * <p>The public no-argument constructor is for {@link java.util.ServiceLoader} (defaults).
 */
@Component(
        service = {QueryEngine.class, Collector.class},
        configurationPid = "io.promethium.promql",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class QueryEngineComponent implements QueryEngine, Collector {

    private final PromQLEngine engine;

    public QueryEngineComponent() {
        this(EngineOptions.DEFAULTS);
    }

    @Activate
    public QueryEngineComponent(org.osgi.framework.BundleContext context, Map<String, Object> properties) {
        this(options(properties).withFeatures(features(context.getProperty(FEATURE_FLAG))));
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
        this.engine = new PromQLEngine(options);
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
            throw new IllegalArgumentException("io.promethium.promql: invalid " + key + " " + value + ": " + e.getMessage(), e);
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
            throw new IllegalArgumentException("io.promethium.promql: invalid " + key + " " + value + ": expected a positive integer", e);
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
    public EngineOptions options() {
        return engine.options();
    }

    @Override
    public void collect(MetricWriter writer) {
        engine.metrics().collect(writer);
    }
}
