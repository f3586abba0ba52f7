package io.promethium.tsdb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.RetentionRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code retentionRules} property as the config bundle publishes {@code storage.tsdb.retention_rules}
 * (the same literal is checked on that side, in {@code StorageSettingsPublisherTest}), applied on
 * activation and on {@code modified} (a {@code /-/reload}).
 */
class RetentionRulesComponentTest {
    /** {@code {selector: '{__name__=~"debug_.*"}', retention: 1h}} as published. */
    static final String DEBUG_1H = "2:1h22:{__name__=~\"debug_.*\"}8:__name__2:=~8:debug_.*";

    @TempDir
    Path dir;

    @Test
    void decodesRulesInOrderWithTheirMatchers() throws ConfigException {
        List<RetentionRule> rules = ComponentConfig.retentionRules(Map.of("retentionRules",
                new String[] {DEBUG_1H, "5:12w6d2:up8:__name__1:=2:up3:job1:=5:a:b\"c"}));
        assertThat(rules).containsExactly(
                new RetentionRule("{__name__=~\"debug_.*\"}", List.of(Matcher.of(MatchType.REGEX, "__name__", "debug_.*")), Duration.ofHours(1)),
                new RetentionRule("up", List.of(Matcher.equal("__name__", "up"), Matcher.equal("job", "a:b\"c")), Duration.ofDays(90)));
        assertThat(ComponentConfig.retentionRules(Map.of())).isEmpty();
    }

    @Test
    void malformedRulesAreConfigErrorsNamingTheKey() {
        for (String bad : List.of("2:1h", "2:1h2:up8:__name__1:=", "2:1h2:up8:__name__2:=~9:debug_.*", "x:1h", "2:1h2:up8:__name__2:<>2:up",
                "5:1 day2:up8:__name__1:=2:up")) {
            assertThatThrownBy(() -> ComponentConfig.retentionRules(Map.of("retentionRules", new String[] {bad})))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageStartingWith("storage.tsdb.retention_rules[0]: ");
        }
    }

    @Test
    void rulesApplyOnActivationAndChangeOnModifiedWithoutReopening() throws Exception {
        TsdbComponent component = new TsdbComponent();
        component.activate(Map.of("path", dir.toString(), "retentionRules", new String[] {DEBUG_1H}));
        var db = component.tsdb();
        assertThat(db.retentionRules()).hasSize(1);
        Appender app = component.appender();
        for (long t = 0; t <= 3 * 3_600_000L; t += 60_000) {
            app.append(0, Labels.of("__name__", "debug_x"), t, 1);
        }
        app.commit();
        assertThat(samples(component)).isEqualTo(61);
        component.modified(Map.of("path", dir.toString(), "retentionRules", new String[0]));
        assertThat(component.tsdb()).isSameAs(db);
        assertThat(db.retentionRules()).isEmpty();
        assertThat(samples(component)).isEqualTo(181);
        component.deactivate();
    }

    private static long samples(TsdbComponent component) {
        try (Querier q = component.querier(0, Long.MAX_VALUE)) {
            SeriesSet set = q.select(false, null, List.of(Matcher.equal("__name__", "debug_x")));
            long n = 0;
            while (set.next()) {
                var it = set.at().iterator(null);
                while (it.next()) {
                    n++;
                }
            }
            return n;
        }
    }
}
