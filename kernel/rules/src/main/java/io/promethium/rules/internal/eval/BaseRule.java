package io.promethium.rules.internal.eval;

import io.promethium.promql.engine.Sample;
import io.promethium.promql.printer.PromQLPrinter;
import io.promethium.rules.RuleHealth;
import io.promethium.rules.RuleStatus;
import io.promethium.rules.internal.file.RuleDef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What recording and alerting rules share: their definition and the health of the last evaluation. */
public abstract sealed class BaseRule permits RecordingRule, AlertingRule {

    protected final RuleDef def;
    private final String query;
    private volatile RuleHealth health = RuleHealth.UNKNOWN;
    private volatile String lastError = "";
    private volatile Instant lastEvaluation;
    private volatile Duration evaluationTime = Duration.ZERO;

    protected BaseRule(RuleDef def) {
        this.def = Objects.requireNonNull(def, "def is null");
        this.query = PromQLPrinter.toString(def.parsed());
    }

    public RuleDef def() {
        return def;
    }

    /**
     * The expression as Prometheus's {@code Expr.String()} prints it (one line, matchers sorted,
     * quoted names where the legacy character set does not suffice): the rules API's {@code query}
     * and the alerts' generator URL show this, not the text as written.
     */
    public String query() {
        return query;
    }

    /**
     * Evaluates the rule with its query at {@code queryTime} (evaluation time minus the query
     * offset) and returns the samples to store, stamped {@code queryTime}.
     *
     * @param evalTime the group's evaluation time (ms), which drives alert state
     * @param limit the group's limit (0 for none)
     * @throws Exception when the query fails or a limit is exceeded; the message is the rule's last error
     */
    public abstract List<Sample> eval(long evalTime, long queryTime, int limit, RuleEnvironment env) throws Exception;

    public abstract RuleStatus status();

    void recordEvaluation(long startMillis, long durationNanos, String error) {
        lastEvaluation = Instant.ofEpochMilli(startMillis);
        evaluationTime = Duration.ofNanos(durationNanos);
        setHealth(error);
    }

    /** Marks the rule healthy ({@code null}) or failed with {@code error}. */
    void setHealth(String error) {
        if (error == null) {
            health = RuleHealth.OK;
            lastError = "";
        } else {
            health = RuleHealth.ERR;
            lastError = error;
        }
    }

    public RuleHealth health() {
        return health;
    }

    public String lastError() {
        return lastError;
    }

    protected Instant lastEvaluation() {
        return lastEvaluation;
    }

    protected Duration evaluationTime() {
        return evaluationTime;
    }

    /** Takes over health and timing of the rule this one replaces on reload. */
    void copyHealthFrom(BaseRule old) {
        health = old.health;
        lastError = old.lastError;
        lastEvaluation = old.lastEvaluation;
        evaluationTime = old.evaluationTime;
    }
}
