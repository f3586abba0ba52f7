package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code storage.tsdb.retention_rules} in the assembled server: {@code check config} points at a
 * bad rule with file:line:col, the rules reach the TSDB bundle through the config bundle, queries
 * hide what a rule no longer keeps, {@code /api/v1/status/tsdb} lists usage per rule, and
 * {@code /-/reload} changes the rules in the running server.
 */
class RetentionRulesIT {

    private static String rules(String retention) {
        return """
                storage:
                  tsdb:
                    retention_rules:
                      - selector: '{__name__=~"it_debug_.*"}'
                        retention: %s
                """.formatted(retention);
    }

    @Test
    void rulesAreCheckedAppliedShownAndReloaded() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            server.config("storage:\n  tsdb:\n    retention_rules:\n      - selector: '{__name__=~\"it_debug_.*\"'\n        retention: 1h\n");
            ServerProcess.Result check = server.runToCompletion("check", "config", "conf/prometheus.yml");
            assertThat(check.exitCode()).as(check.output()).isEqualTo(1);
            assertThat(check.output()).contains("prometheus.yml:4:").contains("storage.tsdb.retention_rules[0]: selector");

            // Three hours of one-minute samples for a series a rule covers and one it does not, as blocks.
            // Backfilled blocks end on a 2 h boundary; the last sample sits a minute before one, so
            // the newest time retention counts from (the newest block's end) is end + 60 s.
            long end = System.currentTimeMillis() / 7_200_000 * 7_200 - 60;
            StringBuilder om = new StringBuilder("# TYPE it_debug_queue gauge\n");
            for (int i = 179; i >= 0; i--) {
                om.append("it_debug_queue 1 ").append(end - i * 60L).append('\n');
            }
            om.append("# TYPE it_keep gauge\n");
            for (int i = 179; i >= 0; i--) {
                om.append("it_keep 1 ").append(end - i * 60L).append('\n');
            }
            om.append("# EOF\n");
            Files.writeString(server.home.resolve("samples.om"), om);
            ServerProcess.Result backfill = server.runToCompletion("tsdb", "create-blocks-from", "openmetrics", "samples.om", "data/");
            assertThat(backfill.exitCode()).as(backfill.output()).isZero();

            server.config(rules("1h"));
            assertThat(server.runToCompletion("check", "config", "conf/prometheus.yml").exitCode()).isZero();
            server.start("--web.enable-lifecycle").awaitReady();
            server.await(Duration.ofSeconds(30), () -> server.get("/api/v1/status/tsdb").body().contains("\"retentionRules\""),
                    "retention rules in the TSDB status");
            assertThat(server.get("/api/v1/status/tsdb").body())
                    .contains("{\"selector\":\"{__name__=~\\\"it_debug_.*\\\"}\",\"retention\":\"1h\",");
            // Kept: samples at or after end + 60 s - 1 h, the last 60.
            assertThat(count(server, "it_debug_queue", end)).isEqualTo("60");
            assertThat(count(server, "it_keep", end)).isEqualTo("180");

            server.config(rules("2h"));
            assertThat(server.post("/-/reload").statusCode()).isEqualTo(200);
            server.await(Duration.ofSeconds(30), () -> "120".equals(count(server, "it_debug_queue", end)), "the reloaded rule in force");
            assertThat(server.get("/api/v1/status/tsdb").body()).contains("\"retention\":\"2h\"");
        }
    }

    /** {@code count_over_time(name[3h])} at {@code time}, as the value string of the one result. */
    private static String count(ServerProcess server, String name, long time) {
        String body = server.get("/api/v1/query?time=" + time + "&query="
                + URLEncoder.encode("count_over_time(" + name + "[3h])", StandardCharsets.UTF_8)).body();
        int at = body.lastIndexOf("\"value\":[");
        if (at < 0) {
            return body;
        }
        int from = body.indexOf(",\"", at) + 2;
        return body.substring(from, body.indexOf('"', from));
    }
}
