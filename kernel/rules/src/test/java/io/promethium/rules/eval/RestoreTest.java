package io.promethium.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.rules.ActiveAlert;
import io.promethium.rules.AlertState;
import io.promethium.rules.internal.eval.EngineQueryRunner;
import io.promethium.rules.internal.eval.RuleEnvironment;
import io.promethium.rules.internal.eval.RuleGroup;
import io.promethium.rules.internal.file.RuleFileParser;
import io.promethium.rules.internal.storage.MemoryStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Alert state restored from ALERTS_FOR_STATE after a restart, as Prometheus's RestoreForState. */
class RestoreTest {

    private static final QueryEngine ENGINE = QueryEngine.create(EngineOptions.DEFAULTS);
    private static final long MIN = 60_000;
    private static final String RULES = """
            groups:
              - name: g
                rules:
                  - alert: Slow
                    expr: up == 0
                    for: 30m
            """;

    private final MemoryStorage storage = new MemoryStorage();
    private long now;

    private RuleGroup group(boolean restore) throws Exception {
        return group(restore, RULES);
    }

    private RuleGroup group(boolean restore, String rules) throws Exception {
        RuleEnvironment env = new RuleEnvironment(new EngineQueryRunner(() -> ENGINE, () -> storage), () -> storage,
                alerts -> { }, () -> now, Labels.EMPTY, "", Duration.ofMinutes(1), Duration.ofHours(1),
                Duration.ofMinutes(10));
        return new RuleGroup(new RuleFileParser().parse("r.yml", rules).get(0), Duration.ofMinutes(1), Duration.ZERO,
                env, restore);
    }

    private void up(long t) {
        Appender app = storage.appender();
        app.append(0, Labels.of("__name__", "up", "job", "x"), t, 0);
        app.commit();
    }

    private void eval(RuleGroup g, long t) {
        up(t);
        now = t;
        g.evaluate(t);
    }

    private static ActiveAlert alert(RuleGroup g) {
        List<ActiveAlert> alerts = g.status().rules().get(0).alerts();
        assertThat(alerts).hasSize(1);
        return alerts.get(0);
    }

    @Test
    void pendingProgressIsKeptAcrossAShortRestartShiftedByTheDowntime() throws Exception {
        RuleGroup before = group(false);
        for (long m = 0; m <= 10; m++) {
            eval(before, m * MIN);
        }
        assertThat(alert(before).state()).isEqualTo(AlertState.PENDING);
        // Down from 10m to 15m; 10 of 30 minutes were spent pending.
        RuleGroup after = group(true);
        eval(after, 15 * MIN);
        // activeAt shifted by the 5 minutes of downtime: 20 more minutes pending from now.
        assertThat(alert(after).activeAt()).isEqualTo(Instant.ofEpochMilli(5 * MIN));
        eval(after, 34 * MIN);
        assertThat(alert(after).state()).isEqualTo(AlertState.PENDING);
        eval(after, 35 * MIN);
        assertThat(alert(after).state()).isEqualTo(AlertState.FIRING);
    }

    @Test
    void aFiringAlertKeepsItsActiveAtAndFiresAgainAtTheNextEvaluation() throws Exception {
        RuleGroup before = group(false);
        for (long m = 0; m <= 40; m++) {
            eval(before, m * MIN);
        }
        assertThat(alert(before).state()).isEqualTo(AlertState.FIRING);
        RuleGroup after = group(true);
        eval(after, 42 * MIN);
        assertThat(alert(after).activeAt()).isEqualTo(Instant.ofEpochMilli(0));
        eval(after, 43 * MIN);
        assertThat(alert(after).state()).isEqualTo(AlertState.FIRING);
        assertThat(alert(after).activeAt()).isEqualTo(Instant.ofEpochMilli(0));
    }

    @Test
    void anAlertCloseToFiringWaitsAtLeastTheGracePeriod() throws Exception {
        RuleGroup before = group(false);
        for (long m = 0; m <= 25; m++) {
            eval(before, m * MIN);
        }
        RuleGroup after = group(true);
        eval(after, 27 * MIN);
        // 5 minutes remained, less than the 10 minute grace period: fires 10 minutes after restart.
        assertThat(alert(after).activeAt()).isEqualTo(Instant.ofEpochMilli(27 * MIN + 10 * MIN - 30 * MIN));
        eval(after, 36 * MIN);
        assertThat(alert(after).state()).isEqualTo(AlertState.PENDING);
        eval(after, 37 * MIN);
        assertThat(alert(after).state()).isEqualTo(AlertState.FIRING);
    }

    @Test
    void withoutRestoreTheAlertStartsPendingAgain() throws Exception {
        RuleGroup before = group(false);
        for (long m = 0; m <= 10; m++) {
            eval(before, m * MIN);
        }
        RuleGroup after = group(false);
        eval(after, 15 * MIN);
        assertThat(alert(after).activeAt()).isEqualTo(Instant.ofEpochMilli(15 * MIN));
    }

    @Test
    void aForShorterThanTheGracePeriodIsNotRestored() throws Exception {
        String shortFor = RULES.replace("for: 30m", "for: 5m");
        RuleGroup before = group(false, shortFor);
        for (long m = 0; m <= 3; m++) {
            eval(before, m * MIN);
        }
        RuleGroup after = group(true, shortFor);
        eval(after, 6 * MIN);
        assertThat(alert(after).activeAt()).isEqualTo(Instant.ofEpochMilli(6 * MIN));
    }

    @Test
    void anAlertLastSeenBeyondTheOutageToleranceStartsOver() throws Exception {
        RuleGroup before = group(false);
        for (long m = 0; m <= 10; m++) {
            eval(before, m * MIN);
        }
        RuleGroup after = group(true);
        eval(after, 10 * MIN + 2 * 60 * MIN);
        assertThat(alert(after).activeAt()).isEqualTo(Instant.ofEpochMilli(10 * MIN + 2 * 60 * MIN));
    }

    @Test
    void alertsSeriesAreNotWrittenUntilRestored() throws Exception {
        RuleGroup after = group(true);
        eval(after, 0);
        assertThat(storage.seriesCounts().keySet()).noneSatisfy(l -> assertThat(l.metricName()).isEqualTo("ALERTS"));
        eval(after, MIN);
        assertThat(storage.seriesCounts().keySet()).anySatisfy(l -> assertThat(l.metricName()).isEqualTo("ALERTS"));
    }
}
