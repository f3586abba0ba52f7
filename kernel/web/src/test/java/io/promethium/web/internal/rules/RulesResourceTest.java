package io.promethium.web.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.rules.ActiveAlert;
import io.promethium.rules.AlertState;
import io.promethium.rules.RuleGroupStatus;
import io.promethium.rules.RuleHealth;
import io.promethium.rules.RuleManager;
import io.promethium.rules.RuleStatus;
import io.promethium.rules.RuleType;
import io.promethium.web.internal.server.ApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RulesResourceTest {

    private static final ActiveAlert FIRING = new ActiveAlert(Labels.of("alertname", "Down", "job", "a"), Labels.of("summary", "down"),
            AlertState.FIRING, Instant.parse("2024-01-01T00:00:00Z"), 0, null, Instant.parse("2024-01-01T00:05:00Z"));
    private static ApiServer server;

    /** A rule manager with one group: an alerting rule with a firing alert and a recording rule. */
    private static final class FakeRules implements RuleManager {
        @Override
        public List<RuleGroupStatus> groups() {
            RuleStatus alerting = new RuleStatus(RuleType.ALERTING, "Down", "up == 0", Labels.of("severity", "page"),
                    Labels.of("summary", "down"), Duration.ofMinutes(5), Duration.ZERO, RuleHealth.OK, "", Duration.ofMillis(2),
                    Instant.parse("2024-01-01T00:10:00.5Z"), AlertState.FIRING, List.of(FIRING));
            RuleStatus recording = new RuleStatus(RuleType.RECORDING, "job:up:sum", "sum by (job) (up)", Labels.EMPTY, Labels.EMPTY,
                    Duration.ZERO, Duration.ZERO, RuleHealth.ERR, "boom", Duration.ZERO, null, null, List.of());
            return List.of(new RuleGroupStatus("g", "/rules.yml", Duration.ofSeconds(30), 0, Duration.ZERO, Labels.EMPTY,
                    Duration.ofMillis(3), Instant.parse("2024-01-01T00:10:00Z"), List.of(alerting, recording)));
        }

        @Override
        public List<ActiveAlert> alerts() {
            return List.of(FIRING);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> w.register(new RulesResource(w.server().rules)));
        server.rules.bind(new FakeRules());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void alertsAreListedWithGoExponentValues() {
        assertThat(server.get("/api/v1/alerts").body()).isEqualTo("{\"status\":\"success\",\"data\":{\"alerts\":[{"
                + "\"labels\":{\"alertname\":\"Down\",\"job\":\"a\"},\"annotations\":{\"summary\":\"down\"},\"state\":\"firing\","
                + "\"activeAt\":\"2024-01-01T00:00:00Z\",\"value\":\"0e+00\"}]}}");
    }

    @Test
    void rulesShowGroupsAndBothRuleKinds() {
        String body = server.get("/api/v1/rules").body();
        assertThat(body).startsWith("{\"status\":\"success\",\"data\":{\"groups\":[{\"name\":\"g\",\"file\":\"/rules.yml\",\"rules\":[")
                .contains("{\"state\":\"firing\",\"name\":\"Down\",\"query\":\"up == 0\",\"duration\":300.0,\"keepFiringFor\":0.0,")
                .contains("\"lastEvaluation\":\"2024-01-01T00:10:00.5Z\",\"type\":\"alerting\"}")
                .contains("{\"name\":\"job:up:sum\",\"query\":\"sum by (job) (up)\",\"labels\":{},\"health\":\"err\",\"lastError\":\"boom\",")
                .contains("\"lastEvaluation\":\"0001-01-01T00:00:00Z\",\"type\":\"recording\"}")
                .endsWith("\"interval\":30.0,\"limit\":0,\"evaluationTime\":0.003,\"lastEvaluation\":\"2024-01-01T00:10:00Z\"}]}}");
    }

    @Test
    void filtersByTypeAndExcludesAlerts() {
        assertThat(server.get("/api/v1/rules?type=record").body()).doesNotContain("\"Down\"").contains("job:up:sum");
        assertThat(server.get("/api/v1/rules?exclude_alerts=true").body()).doesNotContain("\"alerts\"");
        assertThat(server.get("/api/v1/rules?type=nope").statusCode()).isEqualTo(400);
    }

    @Test
    void missingRuleManagerIsUnavailable() {
        RuleManager r = server.rules.orNull();
        server.rules.unbind(r);
        try {
            assertThat(server.get("/api/v1/alerts").statusCode()).isEqualTo(503);
        } finally {
            server.rules.bind(r);
        }
    }
}
