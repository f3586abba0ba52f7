package io.promethium.rules.internal.osgi;

import io.promethium.alerting.AlertSender;
import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.storage.Storage;
import io.promethium.config.ConfigConsumer;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.rules.ActiveAlert;
import io.promethium.rules.RuleGroupStatus;
import io.promethium.rules.RuleManager;
import io.promethium.rules.internal.eval.EngineQueryRunner;
import io.promethium.rules.internal.eval.RuleConcurrency;
import io.promethium.rules.internal.eval.RuleEnvironment;
import io.promethium.rules.internal.manager.DefaultRuleManager;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The rule manager as a DS component: follows the config (rule files, evaluation interval,
 * external labels), the PromQL engine, the storage and the alert sender. All three references
 * are dynamic and greedy, so replacing one of those bundles pauses rule evaluation (rules report
 * the missing piece as their error) and resumes it on the replacement.
 *
 * <p>Flags read (launcher framework properties): {@code promethium.flag.rules.alert.for-outage-tolerance},
 * {@code promethium.flag.rules.alert.for-grace-period}, {@code promethium.flag.rules.alert.resend-delay},
 * {@code promethium.flag.enable-feature} (concurrent evaluation; the PromQL syntax rule files may
 * use), {@code promethium.external-url} (resolved by the launcher).
 */
@Component(immediate = true, service = {ConfigConsumer.class, RuleManager.class, Collector.class})
public final class RulesComponent implements ConfigConsumer, RuleManager, Collector {

    private volatile QueryEngine engine;
    private volatile Storage storage;
    /** The server's {@code prometheus} tracer while the tracing bundle runs. */
    private volatile io.promethium.tracing.Tracer tracer = io.promethium.tracing.Tracer.NONE;
    /** Every sender gets every alert: external Alertmanagers and the in-process one, side by side. */
    private final List<AlertSender> senders = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final DefaultRuleManager manager;

    /** For {@link java.util.ServiceLoader}: defaults, no engine, storage or sender until set. */
    public RulesComponent() {
        this(name -> null);
    }

    @Activate
    public RulesComponent(BundleContext context) {
        this(context::getProperty);
    }

    private RulesComponent(Function<String, String> flags) {
        RuleEnvironment env = new RuleEnvironment(
                new EngineQueryRunner(() -> engine, () -> storage),
                () -> storage,
                this::notify,
                System::currentTimeMillis,
                Labels.EMPTY,
                flags.apply("promethium.external-url"),
                duration(flags, "rules.alert.resend-delay", RuleEnvironment.DEFAULT_RESEND_DELAY),
                duration(flags, "rules.alert.for-outage-tolerance", RuleEnvironment.DEFAULT_OUTAGE_TOLERANCE),
                duration(flags, "rules.alert.for-grace-period", RuleEnvironment.DEFAULT_GRACE_PERIOD),
                concurrency(flags.apply("promethium.flag.enable-feature"), flags.apply("promethium.flag.rules.max-concurrent-evals")),
                () -> tracer);
        this.manager = new DefaultRuleManager(env, syntax(flags.apply("promethium.flag.enable-feature")));
    }

    /**
     * The experimental PromQL syntax rule files may use: what {@code --enable-feature} turns on for
     * the engine, so a rule the engine would refuse at every evaluation fails to load instead.
     */
    public static io.promethium.promql.parser.ParserOptions syntax(String features) {
        return io.promethium.promql.parser.ParserOptions.server(features == null ? java.util.Set.of()
                : java.util.Arrays.stream(features.split(",")).map(String::strip).collect(java.util.stream.Collectors.toSet()));
    }

    /** Concurrent rule evaluation when the feature is on, with {@code --rules.max-concurrent-evals} slots. */
    public static RuleConcurrency concurrency(String features, String maxConcurrentEvals) {
        boolean on = features != null && java.util.Arrays.stream(features.split(",")).map(String::strip)
                .anyMatch("concurrent-rule-eval"::equals);
        if (!on) {
            return RuleConcurrency.SEQUENTIAL;
        }
        int max = RuleConcurrency.DEFAULT_MAX;
        if (maxConcurrentEvals != null && !maxConcurrentEvals.isBlank()) {
            try {
                max = Integer.parseInt(maxConcurrentEvals.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--rules.max-concurrent-evals is not an integer: " + maxConcurrentEvals, e);
            }
            if (max < 1) {
                throw new IllegalArgumentException("--rules.max-concurrent-evals must be positive: " + maxConcurrentEvals);
            }
        }
        return new RuleConcurrency(max);
    }

    private static Duration duration(Function<String, String> flags, String name, Duration fallback) {
        String v = flags.apply("promethium.flag." + name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Durations.parse(v.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + ": not a valid duration: " + v, e);
        }
    }

    private void notify(List<Alert> alerts) {
        for (AlertSender s : senders) {
            s.send(alerts);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindQueryEngine(QueryEngine e) {
        engine = e;
    }

    public void unbindQueryEngine(QueryEngine e) {
        if (engine == e) {
            engine = null;
        }
    }

    /** A span per group evaluation and rule ("rule group", "rule"), as Prometheus's rule manager makes them. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindTracing(io.promethium.tracing.Tracing t) {
        tracer = t.tracer(io.promethium.tracing.Tracing.PROMETHEUS);
    }

    public void unbindTracing(io.promethium.tracing.Tracing t) {
        tracer = io.promethium.tracing.Tracer.NONE;
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

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindAlertSender(AlertSender s) {
        senders.add(s);
    }

    public void unbindAlertSender(AlertSender s) {
        senders.remove(s);
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
    public List<RuleGroupStatus> groups() {
        return manager.groups();
    }

    @Override
    public List<ActiveAlert> alerts() {
        return manager.alerts();
    }

    @Override
    public void collect(MetricWriter writer) {
        manager.collect(writer);
    }
}
