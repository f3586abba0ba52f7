package io.promethium.rules.internal.eval;

import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Labels;
import io.promethium.promql.ast.Exprs;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.rules.RuleType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Prometheus's {@code --enable-feature=concurrent-rule-eval}: rules of a group that neither use
 * another rule's output nor feed one run side by side, at most {@code --rules.max-concurrent-evals}
 * at once across all groups; every other rule runs in order on the group's own thread. Off (the
 * default, {@link #SEQUENTIAL}), every rule runs in order.
 */
public final class RuleConcurrency {

    /** Every rule in order, as without the feature. */
    public static final RuleConcurrency SEQUENTIAL = new RuleConcurrency(0);

    /** Prometheus's default {@code --rules.max-concurrent-evals}. */
    public static final int DEFAULT_MAX = 4;

    private final Semaphore slots;

    /** @param maxConcurrentEvals rules evaluated at once beyond the groups' own threads; 0 for none */
    public RuleConcurrency(int maxConcurrentEvals) {
        if (maxConcurrentEvals < 0) {
            throw new IllegalArgumentException("--rules.max-concurrent-evals must not be negative: " + maxConcurrentEvals);
        }
        this.slots = maxConcurrentEvals == 0 ? null : new Semaphore(maxConcurrentEvals);
    }

    boolean enabled() {
        return slots != null;
    }

    /** A slot for one concurrent evaluation, if one is free now (never waits: the rule then runs in order). */
    boolean tryAcquire() {
        return slots != null && slots.tryAcquire();
    }

    void release() {
        slots.release();
    }

    /**
     * Per rule, whether it may run concurrently: it selects only series named by equality, none
     * of them a recording rule's output of this group (nor {@code ALERTS}/{@code ALERTS_FOR_STATE}
     * while the group has alerting rules), and no rule of the group selects its output. A selector
     * without a metric name could read anything, so then no rule of the group is independent.
     */
    public static boolean[] independent(List<BaseRule> rules) {
        boolean[] result = new boolean[rules.size()];
        Set<String> recorded = new HashSet<>();
        boolean anyAlerting = false;
        for (BaseRule r : rules) {
            if (r.def().type() == RuleType.RECORDING) {
                recorded.add(r.def().name());
            } else {
                anyAlerting = true;
            }
        }
        List<Set<String>> selected = new ArrayList<>(rules.size());
        for (BaseRule r : rules) {
            Set<String> names = new HashSet<>();
            boolean[] indeterminate = {false};
            Exprs.walk(r.def().parsed(), e -> {
                if (e instanceof VectorSelector vs) {
                    String name = metricName(vs);
                    if (name == null) {
                        indeterminate[0] = true;
                    } else {
                        names.add(name);
                    }
                }
            });
            if (indeterminate[0]) {
                return result;
            }
            selected.add(names);
        }
        Set<String> used = new HashSet<>();
        selected.forEach(used::addAll);
        for (int i = 0; i < rules.size(); i++) {
            BaseRule r = rules.get(i);
            Set<String> names = selected.get(i);
            boolean dependsOnAlerts = anyAlerting && (names.contains("ALERTS") || names.contains("ALERTS_FOR_STATE"));
            boolean dependsOnRecording = names.stream().anyMatch(recorded::contains);
            boolean feedsOthers = r.def().type() == RuleType.RECORDING ? used.contains(r.def().name())
                    : used.contains("ALERTS") || used.contains("ALERTS_FOR_STATE");
            result[i] = !dependsOnAlerts && !dependsOnRecording && !feedsOthers;
        }
        return result;
    }

    private static String metricName(VectorSelector vs) {
        for (Matcher m : vs.matchers()) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                return m.type() == MatchType.EQUAL ? m.value() : null;
            }
        }
        return null;
    }
}
