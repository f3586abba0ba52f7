package io.promethium.rules.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.promql.engine.Sample;
import io.promethium.rules.RuleStatus;
import io.promethium.rules.RuleType;
import io.promethium.rules.internal.file.RuleDef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A recording rule: its query's result, renamed and relabeled, written back to storage. */
public final class RecordingRule extends BaseRule {

    private final Labels groupLabels;

    public RecordingRule(RuleDef def, Labels groupLabels) {
        super(def);
        this.groupLabels = groupLabels;
    }

    @Override
    public List<Sample> eval(long evalTime, long queryTime, int limit, RuleEnvironment env) throws Exception {
        List<Sample> result = env.queries().query(def.parsed(), queryTime);
        List<Sample> out = new ArrayList<>(result.size());
        Set<Labels> seen = new HashSet<>();
        for (Sample s : result) {
            Labels.Builder b = s.labels().toBuilder();
            b.set(Labels.METRIC_NAME, def.name());
            groupLabels.forEach(b::set);
            def.labels().forEach(b::set);
            Labels labels = b.build();
            if (!seen.add(labels)) {
                throw new IllegalStateException("vector contains metrics with the same labelset after applying rule labels");
            }
            out.add(new Sample(labels, queryTime, s.v(), s.h()));
        }
        if (limit > 0 && out.size() > limit) {
            throw new IllegalStateException("exceeded limit of " + limit + " with " + out.size() + " series");
        }
        return out;
    }

    @Override
    public RuleStatus status() {
        Labels labels = groupLabels.isEmpty() ? def.labels() : merge(groupLabels, def.labels());
        return new RuleStatus(RuleType.RECORDING, def.name(), query(), labels, Labels.EMPTY, Duration.ZERO,
                Duration.ZERO, health(), lastError(), evaluationTime(), lastEvaluation(), null, List.of());
    }

    static Labels merge(Labels base, Labels over) {
        Labels.Builder b = base.toBuilder();
        over.forEach(b::set);
        return b.build();
    }
}
