package io.promethium.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.Sample;
import io.promethium.rules.RuleHealth;
import io.promethium.rules.RuleStatus;
import io.promethium.rules.internal.eval.EngineQueryRunner;
import io.promethium.rules.internal.eval.QueryRunner;
import io.promethium.rules.internal.eval.RuleConcurrency;
import io.promethium.rules.internal.eval.RuleEnvironment;
import io.promethium.rules.internal.eval.RuleGroup;
import io.promethium.rules.internal.file.GroupDef;
import io.promethium.rules.internal.file.RuleFileParser;
import io.promethium.rules.internal.osgi.RulesComponent;
import io.promethium.rules.internal.storage.MemoryStorage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code --enable-feature=concurrent-rule-eval} with {@code --rules.max-concurrent-evals}, as Prometheus. */
class ConcurrentRuleEvalTest {

    private static final QueryEngine ENGINE = QueryEngine.create(EngineOptions.DEFAULTS);

    private final MemoryStorage storage = new MemoryStorage();

    private RuleGroup group(String yaml, QueryRunner runner, RuleConcurrency concurrency) throws Exception {
        List<GroupDef> defs = new RuleFileParser().parse("rules.yml", yaml);
        RuleEnvironment env = new RuleEnvironment(runner, () -> storage, alerts -> { }, () -> 0L, Labels.EMPTY, "",
                Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(10), concurrency);
        return new RuleGroup(defs.get(0), Duration.ofMinutes(1), Duration.ZERO, env, false);
    }

    /** A runner whose queries each wait until {@code parties} queries are running at once (or fail after 10 s). */
    private static QueryRunner meetingOf(int parties) {
        return meetingOf(parties, 10);
    }

    private static QueryRunner meetingOf(int parties, int timeoutSeconds) {
        CyclicBarrier barrier = new CyclicBarrier(parties);
        return new QueryRunner() {
            @Override
            public List<Sample> query(Expr expr, long timeMillis) throws Exception {
                barrier.await(timeoutSeconds, TimeUnit.SECONDS);
                return List.of(new Sample(Labels.EMPTY, timeMillis, 1));
            }

            @Override
            public List<Sample> query(String expr, long timeMillis) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static final String THREE_INDEPENDENT = """
            groups:
              - name: g
                rules:
                  - record: a
                    expr: x
                  - record: b
                    expr: y
                  - record: c
                    expr: z
            """;

    @Test
    void independentRulesRunAtTheSameTimeWhenTheFeatureIsOn() throws Exception {
        RuleGroup g = group(THREE_INDEPENDENT, meetingOf(3), new RuleConcurrency(4));
        g.evaluate(60_000);
        assertThat(g.status().rules()).extracting(RuleStatus::health).containsOnly(RuleHealth.OK);
    }

    @Test
    void withoutTheFeatureRulesRunOneAfterTheOther() throws Exception {
        RuleGroup g = group(THREE_INDEPENDENT, meetingOf(2, 1), RuleConcurrency.SEQUENTIAL);
        g.evaluate(60_000);
        assertThat(g.status().rules()).extracting(RuleStatus::health).as("a query alone never meets a second one")
                .containsOnly(RuleHealth.ERR);
    }

    @Test
    void theGlobalLimitCapsConcurrentEvaluationsBeyondTheGroupsOwnThread() throws Exception {
        // One slot: one rule on a thread of its own plus one on the group's thread, never three.
        RuleGroup two = group(THREE_INDEPENDENT, meetingOf(2, 1), new RuleConcurrency(1));
        two.evaluate(60_000);
        List<RuleStatus> rules = two.status().rules();
        assertThat(rules.get(0).health()).isEqualTo(RuleHealth.OK);
        assertThat(rules.get(1).health()).isEqualTo(RuleHealth.OK);
        RuleGroup three = group(THREE_INDEPENDENT, meetingOf(3, 1), new RuleConcurrency(1));
        three.evaluate(60_000);
        assertThat(three.status().rules()).extracting(RuleStatus::health).as("three never run at once")
                .containsOnly(RuleHealth.ERR);
    }

    @Test
    void rulesThatUseAnotherRulesOutputOrFeedOneAreNotIndependent() throws Exception {
        String yaml = """
                groups:
                  - name: g
                    rules:
                      - record: a
                        expr: x
                      - record: b
                        expr: y
                      - record: c
                        expr: a * 2
                      - alert: High
                        expr: z > 1
                      - record: d
                        expr: count(ALERTS)
                """;
        RuleGroup g = group(yaml, new EngineQueryRunner(() -> ENGINE, () -> storage), new RuleConcurrency(4));
        assertThat(RuleConcurrency.independent(g.rules())).containsExactly(false, true, false, false, false);
        String anyName = """
                groups:
                  - name: g
                    rules:
                      - record: a
                        expr: x
                      - record: b
                        expr: '{job="j"}'
                """;
        RuleGroup indeterminate = group(anyName, new EngineQueryRunner(() -> ENGINE, () -> storage), new RuleConcurrency(4));
        assertThat(RuleConcurrency.independent(indeterminate.rules())).containsExactly(false, false);
    }

    @Test
    void aDependentRuleStillSeesTheResultOfTheRuleBeforeItInTheSameEvaluation() throws Exception {
        String yaml = """
                groups:
                  - name: g
                    rules:
                      - record: a
                        expr: vector(21)
                      - record: b
                        expr: vector(5)
                      - record: c
                        expr: a * 2
                """;
        RuleGroup g = group(yaml, new EngineQueryRunner(() -> ENGINE, () -> storage), new RuleConcurrency(4));
        g.evaluate(60_000);
        List<Sample> c = new EngineQueryRunner(() -> ENGINE, () -> storage).query("c", 60_000);
        assertThat(c).extracting(Sample::v).containsExactly(42.0);
    }

    @Test
    void theFlagsTurnItOnOnlyWithTheFeatureAndRefuseABadLimit() {
        assertThat(RulesComponent.concurrency(null, "4")).isSameAs(RuleConcurrency.SEQUENTIAL);
        assertThat(RulesComponent.concurrency("promql-experimental-functions", "4")).isSameAs(RuleConcurrency.SEQUENTIAL);
        assertThat(RulesComponent.concurrency("x, concurrent-rule-eval", "4")).isNotSameAs(RuleConcurrency.SEQUENTIAL);
        assertThatThrownBy(() -> RulesComponent.concurrency("concurrent-rule-eval", "0"))
                .hasMessageContaining("--rules.max-concurrent-evals must be positive");
        assertThatThrownBy(() -> RulesComponent.concurrency("concurrent-rule-eval", "many"))
                .hasMessageContaining("--rules.max-concurrent-evals is not an integer");
    }
}
