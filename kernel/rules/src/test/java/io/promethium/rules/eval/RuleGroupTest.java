package io.promethium.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.notify.Alert;
import io.promethium.api.storage.Appender;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.Sample;
import io.promethium.rules.ActiveAlert;
import io.promethium.rules.AlertState;
import io.promethium.rules.RuleHealth;
import io.promethium.rules.RuleStatus;
import io.promethium.rules.internal.eval.EngineQueryRunner;
import io.promethium.rules.internal.eval.RuleEnvironment;
import io.promethium.rules.internal.eval.RuleGroup;
import io.promethium.rules.internal.file.GroupDef;
import io.promethium.rules.internal.file.RuleFileParser;
import io.promethium.rules.internal.storage.MemoryStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleGroupTest {

    private static final QueryEngine ENGINE = QueryEngine.create(EngineOptions.DEFAULTS);
    private static final long MIN = 60_000;

    private final MemoryStorage storage = new MemoryStorage();
    private final List<Alert> sent = new ArrayList<>();
    private long now;

    private RuleEnvironment env() {
        return new RuleEnvironment(new EngineQueryRunner(() -> ENGINE, () -> storage), () -> storage,
                alerts -> sent.addAll(alerts), () -> now, Labels.of("cluster", "eu1"), "http://prom:9090",
                Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(10));
    }

    private RuleGroup group(String yaml, boolean restore) throws Exception {
        List<GroupDef> defs = new RuleFileParser().parse("rules.yml", yaml);
        return new RuleGroup(defs.get(0), Duration.ofMinutes(1), Duration.ZERO, env(), restore);
    }

    private void write(String metric, String instance, long t, double v) {
        Appender app = storage.appender();
        app.append(0, Labels.of("__name__", metric, "instance", instance, "job", "node"), t, v);
        app.commit();
    }

    private List<Sample> query(String q, long t) throws Exception {
        return new EngineQueryRunner(() -> ENGINE, () -> storage).query(q, t);
    }

    private void evalAt(RuleGroup g, long t) {
        now = t;
        g.evaluate(t);
    }

    private static final String ALERT = """
            groups:
              - name: g
                rules:
                  - alert: InstanceDown
                    expr: up == 0
                    for: 2m
                    labels:
                      severity: page
                      instance_copy: "{{ $labels.instance }}"
                    annotations:
                      summary: "{{ $labels.instance }} of {{ $externalLabels.cluster }} down, value {{ $value }}"
            """;

    @Test
    void alertGoesPendingThenFiringAfterForAndResolves() throws Exception {
        RuleGroup g = group(ALERT, false);
        for (int i = 0; i <= 3; i++) {
            write("up", "a", i * MIN, 0);
        }
        evalAt(g, 0);
        ActiveAlert pending = alerts(g).get(0);
        assertThat(pending.state()).isEqualTo(AlertState.PENDING);
        assertThat(pending.labels()).isEqualTo(Labels.of("alertname", "InstanceDown", "instance", "a", "job", "node",
                "severity", "page", "instance_copy", "a"));
        assertThat(pending.annotations().get("summary")).isEqualTo("a of eu1 down, value 0");
        assertThat(sent).as("pending alerts are not sent").isEmpty();

        evalAt(g, MIN);
        assertThat(alerts(g).get(0).state()).isEqualTo(AlertState.PENDING);
        evalAt(g, 2 * MIN);
        assertThat(alerts(g).get(0).state()).isEqualTo(AlertState.FIRING);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).endsAt()).isEqualTo(java.time.Instant.ofEpochMilli(2 * MIN + 4 * MIN));
        assertThat(sent.get(0).startsAt()).isEqualTo(java.time.Instant.ofEpochMilli(2 * MIN));
        assertThat(sent.get(0).generatorUrl()).startsWith("http://prom:9090/graph?g0.expr=");

        // The condition ends: the alert resolves and the resolution is sent.
        write("up", "a", 4 * MIN, 1);
        evalAt(g, 4 * MIN);
        assertThat(alerts(g)).isEmpty();
        Alert resolved = sent.get(sent.size() - 1);
        assertThat(resolved.endsAt()).isEqualTo(java.time.Instant.ofEpochMilli(4 * MIN));
        assertThat(g.status().rules().get(0).state()).isEqualTo(AlertState.INACTIVE);
        assertThat(g.status().rules().get(0).health()).isEqualTo(RuleHealth.OK);
    }

    /**
     * Prometheus's rules API shows {@code rule.Query().String()} and the generator URL is
     * {@code strutil.TableLinkForExpression} of it: the parsed expression printed on one line (a
     * quoted metric name as a {@code __name__} matcher, matchers sorted as strings), escaped by Go's
     * {@code url.QueryEscape} (a space as {@code +}).
     */
    @Test
    void statusAndGeneratorUrlShowTheExpressionAsPrometheusPrintsIt() throws Exception {
        RuleGroup g = group("""
                groups:
                  - name: g
                    rules:
                      - record: "a.b:sum"
                        expr: sum  by(job,"c.d")({"a.b"})
                      - alert: Dotted
                        expr: |
                          {"a.b",   "c.d"="x"}
                            >   0
                """, false);
        Appender app = storage.appender();
        app.append(0, Labels.of("__name__", "a.b", "c.d", "x", "job", "node"), 0, 1);
        app.commit();
        evalAt(g, 0);
        List<RuleStatus> rules = g.status().rules();
        assertThat(rules.get(0).query()).isEqualTo("sum by (job, \"c.d\") ({__name__=\"a.b\"})");
        assertThat(rules.get(1).query()).isEqualTo("{\"c.d\"=\"x\",__name__=\"a.b\"} > 0");
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).generatorUrl())
                .isEqualTo("http://prom:9090/graph?g0.expr=%7B%22c.d%22%3D%22x%22%2C__name__%3D%22a.b%22%7D+%3E+0&g0.tab=1");
    }

    @Test
    void firingAlertsAreResentEveryResendDelayNotEveryEvaluation() throws Exception {
        RuleGroup g = group(ALERT.replace("for: 2m", "for: 0s"), false);
        for (int i = 0; i <= 6; i++) {
            write("up", "a", i * 30_000L, 0);
        }
        for (int i = 0; i <= 6; i++) {
            evalAt(g, i * 30_000L);
        }
        // Sent at 0s, then when more than 1m has passed since the last send: 90s, 180s.
        assertThat(sent).hasSize(3);
    }

    @Test
    void keepFiringForHoldsTheAlertAfterTheConditionEnds() throws Exception {
        RuleGroup g = group(ALERT.replace("for: 2m", "for: 0s\n        keep_firing_for: 2m"), false);
        write("up", "a", 0, 0);
        evalAt(g, 0);
        assertThat(alerts(g).get(0).state()).isEqualTo(AlertState.FIRING);
        write("up", "a", MIN, 1);
        evalAt(g, MIN);
        ActiveAlert kept = alerts(g).get(0);
        assertThat(kept.state()).isEqualTo(AlertState.FIRING);
        assertThat(kept.keepFiringSince()).isEqualTo(java.time.Instant.ofEpochMilli(MIN));
        write("up", "a", 2 * MIN, 1);
        evalAt(g, 2 * MIN);
        assertThat(alerts(g)).hasSize(1);
        write("up", "a", 3 * MIN, 1);
        evalAt(g, 3 * MIN);
        assertThat(alerts(g)).isEmpty();
    }

    @Test
    void conditionReturningResetsKeepFiringSince() throws Exception {
        RuleGroup g = group(ALERT.replace("for: 2m", "for: 0s\n        keep_firing_for: 5m"), false);
        write("up", "a", 0, 0);
        evalAt(g, 0);
        write("up", "a", MIN, 1);
        evalAt(g, MIN);
        assertThat(alerts(g).get(0).keepFiringSince()).isNotNull();
        write("up", "a", 2 * MIN, 0);
        evalAt(g, 2 * MIN);
        assertThat(alerts(g).get(0).keepFiringSince()).isNull();
    }

    @Test
    void pendingAlertThatStopsIsDroppedWithoutNotification() throws Exception {
        RuleGroup g = group(ALERT, false);
        write("up", "a", 0, 0);
        evalAt(g, 0);
        write("up", "a", MIN, 1);
        evalAt(g, MIN);
        assertThat(alerts(g)).isEmpty();
        assertThat(sent).isEmpty();
    }

    @Test
    void alertsAndForStateSeriesAreWritten() throws Exception {
        RuleGroup g = group(ALERT, false);
        write("up", "a", 0, 0);
        write("up", "a", 2 * MIN, 0);
        evalAt(g, 0);
        evalAt(g, 2 * MIN);
        List<Sample> alerts = query("ALERTS", 2 * MIN);
        assertThat(alerts).singleElement().satisfies(s -> {
            assertThat(s.labels().get("alertstate")).isEqualTo("firing");
            assertThat(s.labels().get("alertname")).isEqualTo("InstanceDown");
            assertThat(s.v()).isEqualTo(1);
        });
        assertThat(query("ALERTS_FOR_STATE", 2 * MIN)).singleElement().satisfies(s -> assertThat(s.v()).isEqualTo(0));
        // Pending at 0: ALERTS{alertstate="pending"} went stale when it became firing.
        assertThat(query("ALERTS{alertstate=\"pending\"}", 2 * MIN)).isEmpty();
    }

    @Test
    void recordingRuleWritesRenamedSeriesAndStaleMarkersWhenTheyVanish() throws Exception {
        RuleGroup g = group("""
                groups:
                  - name: rec
                    labels:
                      team: infra
                    rules:
                      - record: instance:up:copy
                        expr: up
                        labels:
                          source: rule
                """, false);
        write("up", "a", 0, 1);
        write("up", "b", 0, 1);
        evalAt(g, 0);
        List<Sample> recorded = query("instance:up:copy", 0);
        assertThat(recorded).hasSize(2);
        assertThat(recorded.get(0).labels().get("team")).isEqualTo("infra");
        assertThat(recorded.get(0).labels().get("source")).isEqualTo("rule");
        // b vanishes (its last sample is older than the lookback window by 6m).
        write("up", "a", 6 * MIN, 1);
        evalAt(g, 6 * MIN);
        Labels b = Labels.of("__name__", "instance:up:copy", "instance", "b", "job", "node", "source", "rule", "team", "infra");
        assertThat(storage.seriesCounts()).containsEntry(b, 2);
        try (var q = storage.querier(0, 10 * MIN)) {
            var set = q.select(false, null, List.of(io.promethium.api.model.Matcher.equal("instance", "b"),
                    io.promethium.api.model.Matcher.equal("__name__", "instance:up:copy")));
            assertThat(set.next()).isTrue();
            var it = set.at().iterator(null);
            it.next();
            it.next();
            assertThat(StaleMarker.isStale(it.value())).isTrue();
            assertThat(it.timestamp()).isEqualTo(6 * MIN);
        }
    }

    @Test
    void aFailingRuleIsUnhealthyAndTheNextRuleStillRuns() throws Exception {
        RuleGroup g = group("""
                groups:
                  - name: g
                    rules:
                      - record: bad
                        expr: label_replace(up, "x", "$1", "instance", "(")
                      - record: good
                        expr: vector(1)
                """, false);
        evalAt(g, 0);
        List<RuleStatus> rules = g.status().rules();
        assertThat(rules.get(0).health()).isEqualTo(RuleHealth.ERR);
        assertThat(rules.get(0).lastError()).isNotEmpty();
        assertThat(rules.get(1).health()).isEqualTo(RuleHealth.OK);
        assertThat(query("good", 0)).hasSize(1);
        assertThat(g.metrics().failures()).isEqualTo(1);
        assertThat(g.metrics().evaluations()).isEqualTo(2);
    }

    @Test
    void templateErrorMarksTheRuleUnhealthyButTheAlertStillFires() throws Exception {
        RuleGroup g = group("""
                groups:
                  - name: g
                    rules:
                      - alert: BadTemplate
                        expr: vector(1)
                        annotations:
                          summary: "{{ humanize \\"not a number\\" }}"
                      - record: after
                        expr: vector(2)
                """, false);
        evalAt(g, 0);
        RuleStatus rule = g.status().rules().get(0);
        assertThat(rule.health()).isEqualTo(RuleHealth.ERR);
        assertThat(rule.lastError()).contains("strconv.ParseFloat");
        assertThat(rule.alerts()).singleElement().satisfies(a ->
                assertThat(a.annotations().get("summary")).startsWith("<error expanding template:"));
        assertThat(g.status().rules().get(1).health()).isEqualTo(RuleHealth.OK);
    }

    @Test
    void limitExceededFailsTheRule() throws Exception {
        RuleGroup g = group("""
                groups:
                  - name: g
                    limit: 1
                    rules:
                      - alert: Many
                        expr: up
                """, false);
        write("up", "a", 0, 1);
        write("up", "b", 0, 1);
        evalAt(g, 0);
        assertThat(g.status().rules().get(0).lastError()).isEqualTo("exceeded limit of 1 with 2 alerts");
        assertThat(alerts(g)).isEmpty();
    }

    @Test
    void queryOffsetEvaluatesInThePast() throws Exception {
        RuleGroup g = group("""
                groups:
                  - name: g
                    query_offset: 1m
                    rules:
                      - record: shifted
                        expr: up
                """, false);
        write("up", "a", 0, 5);
        write("up", "a", MIN, 7);
        evalAt(g, 2 * MIN);
        assertThat(query("shifted", MIN)).singleElement().satisfies(s -> assertThat(s.v()).isEqualTo(7));
        assertThat(storage.seriesCounts().keySet()).anySatisfy(l -> assertThat(l.metricName()).isEqualTo("shifted"));
    }

    /**
     * Prometheus gives an alert's templates the evaluation timestamp ({@code now}, in seconds)
     * and runs their queries at it, not at the rule query's time minus {@code query_offset}
     * (rules/alerting.go).
     */
    @Test
    void alertTemplatesSeeTheEvaluationTimeAsNowAndQueryAtItDespiteAQueryOffset() throws Exception {
        RuleGroup g = group("""
                groups:
                  - name: g
                    query_offset: 1m
                    rules:
                      - alert: Up
                        expr: up > 0
                        annotations:
                          now: "{{ now }} {{ now | humanizeTimestamp }}"
                          latest: '{{ query "up" | first | value }}'
                """, false);
        write("up", "a", 0, 5);
        write("up", "a", 3 * MIN, 7);
        evalAt(g, 3 * MIN + 500);
        ActiveAlert a = alerts(g).get(0);
        assertThat(a.annotations().get("now")).isEqualTo("180.5 1970-01-01 00:03:00.5 +0000 UTC");
        assertThat(a.annotations().get("latest")).isEqualTo("7");
        assertThat(a.value()).isEqualTo(5);
    }

    @Test
    void evaluationTimesAreAlignedToTheIntervalWithAStableGroupPhase() throws Exception {
        RuleGroup g = group(ALERT, false);
        long t1 = g.evalTimestamp(1_000_000_000L);
        long t2 = g.evalTimestamp(1_000_000_000L + 17_000);
        assertThat(t1).isLessThanOrEqualTo(1_000_000_000L);
        assertThat(1_000_000_000L - t1).isLessThan(MIN);
        assertThat(Math.floorMod(t1 - t2, MIN)).isZero();
    }

    /**
     * An alert on a series with UTF-8 label names renders {@code index $labels "service.name"} and
     * {@code $labels} as Prometheus 3 does: {@code $labels} is the sample's label map (with its
     * {@code __name__}, the comparison keeps it) printed as Go prints a map, keys in Go's string order,
     * which is UTF-8 byte order: U+FF21 before U+1F600, which UTF-16 order puts the other way round.
     */
    @Test
    void templatesRenderUtf8LabelNamesAsPrometheus() throws Exception {
        RuleGroup g = group("""
                groups:
                  - name: g
                    rules:
                      - alert: Utf8
                        expr: '{"my.metric"} == 0'
                        labels:
                          "service.copy": '{{ index $labels "service.name" }}'
                        annotations:
                          service: '{{ index $labels "service.name" }} on {{ $labels.instance }}'
                          all: '{{ $labels }}'
                          each: '{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}'
                """, false);
        Appender app = storage.appender();
        app.append(0, Labels.of("__name__", "my.metric", "service.name", "x", "instance", "a", "\uFF21", "1", "\uD83D\uDE00", "2"), 0, 0);
        app.commit();
        evalAt(g, 0);
        ActiveAlert alert = alerts(g).get(0);
        assertThat(alert.labels()).isEqualTo(Labels.of("alertname", "Utf8", "service.name", "x", "instance", "a", "\uFF21", "1",
                "\uD83D\uDE00", "2", "service.copy", "x"));
        assertThat(alert.annotations().get("service")).isEqualTo("x on a");
        assertThat(alert.annotations().get("all")).isEqualTo("map[__name__:my.metric instance:a service.name:x \uFF21:1 \uD83D\uDE00:2]");
        assertThat(alert.annotations().get("each")).isEqualTo("__name__=my.metric;instance=a;service.name=x;\uFF21=1;\uD83D\uDE00=2;");
    }

    private static List<ActiveAlert> alerts(RuleGroup g) {
        return g.status().rules().get(0).alerts();
    }
}
