package io.promethium.rules.internal.manager;

import static java.util.Objects.requireNonNull;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.rules.ActiveAlert;
import io.promethium.rules.RuleGroupStatus;
import io.promethium.rules.RuleManager;
import io.promethium.rules.internal.eval.AlertingRule;
import io.promethium.rules.internal.eval.BaseRule;
import io.promethium.rules.internal.eval.RecentQuantiles;
import io.promethium.rules.internal.eval.RuleEnvironment;
import io.promethium.rules.internal.eval.RuleGroup;
import io.promethium.rules.internal.file.GroupDef;
import io.promethium.rules.internal.file.RuleFileException;
import io.promethium.rules.internal.file.RuleFileParser;
import io.promethium.templates.TemplateException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Loads rule files on each config (re)load and runs one {@link RuleGroup} per group. All files
 * are validated before anything changes, so a bad file keeps the previous rules running. Groups
 * that survive a reload keep their alert state. The first load restores alert state from
 * storage.
 */
public final class DefaultRuleManager implements RuleManager {

    private static final Logger LOG = Logger.getLogger(DefaultRuleManager.class.getName());

    private final RuleEnvironment baseEnv;
    private final io.promethium.promql.parser.ParserOptions syntax;
    private final Object lock = new Object();
    private volatile List<RuleGroup> groups = List.of();
    private boolean restoreDone;
    private boolean closed;

    /** A manager whose rule files may use every experimental PromQL syntax (tests, embedding). */
    public DefaultRuleManager(RuleEnvironment env) {
        this(env, io.promethium.promql.parser.ParserOptions.ALL);
    }

    /**
     * A manager whose rule files may use only the experimental PromQL syntax {@code syntax} allows
     * (the server's {@code --enable-feature}): a file using more fails to load, as in Prometheus,
     * instead of its rule failing at every evaluation.
     */
    public DefaultRuleManager(RuleEnvironment env, io.promethium.promql.parser.ParserOptions syntax) {
        this.baseEnv = requireNonNull(env, "env is null");
        this.syntax = requireNonNull(syntax, "syntax is null");
    }

    public void applyConfig(PrometheusConfig config) throws ConfigException {
        Path base = config.file() == null ? null : config.file().toAbsolutePath().getParent();
        List<Path> files;
        try {
            files = RuleFileGlobs.expand(base, config.ruleFiles());
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot list rule files: " + e.getMessage(), e);
        }
        List<GroupDef> defs;
        try {
            defs = new RuleFileParser(config.global().metricNames().validation(), false, syntax).parseFiles(files);
        } catch (RuleFileException e) {
            throw new ConfigException("error loading rules, previous rule set restored:\n" + e.getMessage(), e);
        }
        update(defs, config.global().evaluationInterval(), config.global().ruleQueryOffset(),
                baseEnv.withExternalLabels(config.global().externalLabels()));
    }

    /** Replaces the running groups with {@code defs}, carrying over the state of unchanged groups. */
    public void update(List<GroupDef> defs, Duration interval, Duration queryOffset, RuleEnvironment env)
            throws ConfigException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            boolean restore = !restoreDone;
            List<RuleGroup> fresh = new ArrayList<>();
            try {
                for (GroupDef d : defs) {
                    fresh.add(new RuleGroup(d, interval, queryOffset, env, restore));
                }
            } catch (TemplateException e) {
                throw new ConfigException("error loading rules: " + e.getMessage(), e);
            }
            Map<String, RuleGroup> old = new LinkedHashMap<>();
            for (RuleGroup g : groups) {
                old.put(g.key(), g);
            }
            for (RuleGroup g : old.values()) {
                g.stop();
            }
            for (RuleGroup g : fresh) {
                RuleGroup was = old.remove(g.key());
                if (was != null) {
                    g.copyStateFrom(was);
                }
            }
            long now = env.clock().getAsLong();
            for (RuleGroup gone : old.values()) {
                gone.markAllStale(now);
            }
            groups = List.copyOf(fresh);
            restoreDone = true;
            for (RuleGroup g : fresh) {
                g.start();
            }
            LOG.fine(() -> "rule groups loaded: " + fresh.size());
        }
    }

    public List<RuleGroup> runningGroups() {
        return groups;
    }

    public void close() {
        synchronized (lock) {
            closed = true;
            for (RuleGroup g : groups) {
                g.stop();
            }
            groups = List.of();
        }
    }

    @Override
    public List<RuleGroupStatus> groups() {
        List<RuleGroupStatus> out = new ArrayList<>();
        for (RuleGroup g : groups) {
            out.add(g.status());
        }
        return out;
    }

    @Override
    public List<ActiveAlert> alerts() {
        List<ActiveAlert> out = new ArrayList<>();
        for (RuleGroup g : groups) {
            for (BaseRule r : g.rules()) {
                if (r instanceof AlertingRule a) {
                    out.addAll(a.activeAlerts());
                }
            }
        }
        return out;
    }

    /** Prometheus's rule self-metrics, labeled {@code rule_group="file;name"}. */
    public void collect(MetricWriter w) {
        List<RuleGroup> current = groups;
        w.family("prometheus_rule_evaluation_duration_seconds", MetricType.SUMMARY, "The duration for a rule to execute.", "");
        double sum = 0;
        long count = 0;
        for (RuleGroup g : current) {
            sum += g.metrics().ruleSecondsSum();
            count += g.metrics().ruleCount();
        }
        quantiles(w, "prometheus_rule_evaluation_duration_seconds",
                current.stream().map(g -> g.metrics().ruleSeconds()).toList());
        w.sample("prometheus_rule_evaluation_duration_seconds_sum", sum);
        w.sample("prometheus_rule_evaluation_duration_seconds_count", count);
        w.family("prometheus_rule_group_duration_seconds", MetricType.SUMMARY, "The duration of rule group evaluations.", "");
        sum = 0;
        count = 0;
        for (RuleGroup g : current) {
            sum += g.metrics().groupSecondsSum();
            count += g.metrics().groupCount();
        }
        quantiles(w, "prometheus_rule_group_duration_seconds",
                current.stream().map(g -> g.metrics().groupSeconds()).toList());
        w.sample("prometheus_rule_group_duration_seconds_sum", sum);
        w.sample("prometheus_rule_group_duration_seconds_count", count);
        perGroup(w, current, "prometheus_rule_evaluations_total", MetricType.COUNTER,
                "The total number of rule evaluations.", g -> g.metrics().evaluations());
        perGroup(w, current, "prometheus_rule_evaluation_failures_total", MetricType.COUNTER,
                "The total number of rule evaluation failures.", g -> g.metrics().failures());
        perGroup(w, current, "prometheus_rule_group_iterations_total", MetricType.COUNTER,
                "The total number of scheduled rule group evaluations, whether executed or missed.",
                g -> g.metrics().iterations() + g.metrics().missed());
        perGroup(w, current, "prometheus_rule_group_iterations_missed_total", MetricType.COUNTER,
                "The total number of rule group evaluations missed due to slow rule group evaluation.",
                g -> g.metrics().missed());
        perGroup(w, current, "prometheus_rule_group_interval_seconds", MetricType.GAUGE,
                "The interval of a rule group.", g -> g.interval().toMillis() / 1000.0);
        perGroup(w, current, "prometheus_rule_group_last_duration_seconds", MetricType.GAUGE,
                "The duration of the last rule group evaluation.", g -> g.metrics().lastDurationSeconds());
        perGroup(w, current, "prometheus_rule_group_last_evaluation_timestamp_seconds", MetricType.GAUGE,
                "The timestamp of the last rule group evaluation in seconds.", g -> g.metrics().lastEvaluationSeconds());
        perGroup(w, current, "prometheus_rule_group_last_evaluation_samples", MetricType.GAUGE,
                "The number of samples returned during the last rule group evaluation.", g -> g.metrics().lastSamples());
        perGroup(w, current, "prometheus_rule_group_rules", MetricType.GAUGE,
                "The number of rules.", g -> g.rules().size());
    }

    private static void quantiles(MetricWriter w, String name, List<RecentQuantiles> parts) {
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            w.sample(name, Labels.of("quantile", Double.toString(q)), RecentQuantiles.quantile(parts, q));
        }
    }

    private static void perGroup(MetricWriter w, List<RuleGroup> groups, String name, MetricType type, String help,
                                 java.util.function.ToDoubleFunction<RuleGroup> value) {
        w.family(name, type, help, "");
        for (RuleGroup g : groups) {
            w.sample(name, Labels.of("rule_group", g.key()), value.applyAsDouble(g));
        }
    }
}
