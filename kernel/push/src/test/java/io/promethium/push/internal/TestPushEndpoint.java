package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TestPushEndpoint {

    /** Drops the push_time lines, whose values are clocks. */
    static String withoutPushTimes(String page) {
        StringBuilder sb = new StringBuilder();
        for (String line : page.split("\n")) {
            if (line.startsWith("#") || !line.startsWith("push_time_seconds") && !line.startsWith("push_failure_time_seconds")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void putPostAndDeleteBehaveAsThePushgateway() throws Exception {
        try (PushServer s = new PushServer()) {
            assertThat(s.send("PUT", "/metrics/job/j1/instance/i1",
                    "# HELP foo Foo help\n# TYPE foo counter\nfoo{a=\"x\"} 1\nfoo{a=\"y\"} 2e6\nbar 3\n").status()).isEqualTo(200);
            PushServer.Response conflict = s.send("POST", "/metrics/job/j2", "# TYPE foo gauge\nfoo 1\n");
            assertThat(conflict.status()).isEqualTo(400);
            assertThat(conflict.body()).startsWith("pushed metrics are invalid or inconsistent with existing metrics: ");
            assertThat(s.send("POST", "/metrics/job/j2/x@base64/YWJj",
                    "# HELP foo other help\n# TYPE foo counter\nfoo{a=\"z\"} 1\nfoo{b=\"\"} 5\n").status()).isEqualTo(200);
            PushServer.Response parse = s.send("POST", "/metrics/job/j3", "foo{ 1\n");
            assertThat(parse.status()).isEqualTo(400);
            assertThat(parse.body()).startsWith("text format parsing error in line 1");
            PushServer.Response ts = s.send("POST", "/metrics/job/j3", "foo 1 123\n");
            assertThat(ts.body()).contains("pushed metrics must not have timestamps");

            assertThat(withoutPushTimes(s.page())).isEqualTo("""
                    # TYPE bar untyped
                    bar{instance="i1",job="j1"} 3
                    # HELP foo other help
                    # TYPE foo counter
                    foo{a="x",instance="i1",job="j1"} 1
                    foo{a="y",instance="i1",job="j1"} 2e+06
                    foo{b="",instance="",job="j2",x="abc"} 5
                    foo{a="z",instance="",job="j2",x="abc"} 1
                    # HELP push_failure_time_seconds Last Unix time when changing this group in the Pushgateway failed.
                    # TYPE push_failure_time_seconds gauge
                    # HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.
                    # TYPE push_time_seconds gauge
                    """);
            // Failed pushes created their groups with a failure time and no push time.
            assertThat(s.page()).contains("push_time_seconds{instance=\"\",job=\"j2\"} 0\n")
                    .contains("push_time_seconds{instance=\"\",job=\"j3\"} 0\n")
                    .doesNotContain("push_failure_time_seconds{instance=\"\",job=\"j2\"} 0\n");

            // PUT replaces the group, POST only the families it carries.
            s.send("POST", "/metrics/job/j1/instance/i1", "bar 4\n");
            assertThat(s.page()).contains("bar{instance=\"i1\",job=\"j1\"} 4").contains("foo{a=\"x\",instance=\"i1\",job=\"j1\"} 1");
            s.send("PUT", "/metrics/job/j1/instance/i1", "baz 1\n");
            assertThat(s.page()).doesNotContain("bar{").doesNotContain("job=\"j1\"} 1\nfoo").contains("baz{instance=\"i1\",job=\"j1\"} 1");
            assertThat(s.send("DELETE", "/metrics/job/j1/instance/i1", null).status()).isEqualTo(202);
            assertThat(s.page()).doesNotContain("job=\"j1\"");
            assertThat(s.send("DELETE", "/metrics/job/nothing", null).status()).isEqualTo(202);
            assertThat(s.send("GET", "/metrics/job/j2", null).status()).isEqualTo(405);
        }
    }

    /**
     * The Pushgateway's {@code --push.enable-utf8-names}, as its README describes it: without it a
     * UTF-8 name is refused and a {@code U__} name in the path is an ordinary label name; with it,
     * quoted names are stored and a path name is unescaped ({@code U__label_2e_name} is
     * {@code label.name}); the page quotes them for a reader accepting {@code escaping=allow-utf-8}
     * and escapes them with underscores for any other.
     */
    @Test
    void utf8NamesArePushedWithTheFlagAndRefusedWithout() throws Exception {
        String body = "# TYPE \"my.metric\" gauge\n{\"my.metric\",\"my.label\"=\"x\"} 1\n";
        try (PushServer off = new PushServer()) {
            PushServer.Response refused = off.send("PUT", "/metrics/job/u", body);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("\"my.metric\" is not a valid metric name");
            assertThat(off.send("PUT", "/metrics/job/u/U__label_2e_name/v", "x 1\n").status()).isEqualTo(200);
            assertThat(off.page()).contains("x{U__label_2e_name=\"v\",instance=\"\",job=\"u\"} 1");
        }
        try (PushServer on = new PushServer(Map.of("push.enable-utf8-names", "true"))) {
            assertThat(on.send("PUT", "/metrics/job/u/U__label_2e_name/v", body).status()).isEqualTo(200);
            assertThat(on.send("PUT", "/metrics/job/w/U__bad_zz_/v", "x 1\n").status()).as("a malformed escape stays a legacy name")
                    .isEqualTo(200);
            assertThat(on.page("text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,*/*;q=0.1")).startsWith(
                    "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8\n")
                    .contains("# TYPE \"my.metric\" gauge\n")
                    .contains("{\"my.metric\",instance=\"\",job=\"u\",\"label.name\"=\"v\",\"my.label\"=\"x\"} 1\n")
                    .contains("x{U__bad_zz_=\"v\",instance=\"\",job=\"w\"} 1\n");
            assertThat(on.page("text/plain;version=0.0.4")).startsWith("text/plain; version=0.0.4; charset=utf-8\n")
                    .contains("# TYPE my_metric gauge\n")
                    .contains("my_metric{instance=\"\",job=\"u\",label_name=\"v\",my_label=\"x\"} 1\n");
        }
    }

    @Test
    void groupingKeysAreCheckedAndDecoded() throws Exception {
        try (PushServer s = new PushServer()) {
            assertThat(s.send("PUT", "/metrics/job@base64/a2pvYg==", "x 1\n").status()).isEqualTo(200);
            assertThat(s.page()).contains("x{instance=\"\",job=\"kjob\"} 1");
            assertThat(s.send("PUT", "/metrics/job@base64/!!", "x 1\n").body()).startsWith("invalid base64 encoding in job name");
            assertThat(s.send("PUT", "/metrics/job/k5/a", "x 1\n").body()).startsWith("odd number of components in label string \"/a\"");
            assertThat(s.send("PUT", "/metrics/job/k5/__a/b", "x 1\n").body()).startsWith("improper label name \"__a\"");
            assertThat(s.send("PUT", "/metrics/job/k5/a/", "x 1\n").status()).isEqualTo(200);
            assertThat(s.page()).contains("x{a=\"\",instance=\"\",job=\"k5\"} 1");
            // A slash inside a value travels base64-encoded (the grouping label wins over the pushed one).
            assertThat(s.send("PUT", "/metrics/job/k6/path@base64/L3Zhci90bXA", "x{path=\"other\"} 1\n").status()).isEqualTo(200);
            assertThat(s.page()).contains("x{instance=\"\",job=\"k6\",path=\"/var/tmp\"} 1");
            assertThat(s.send("PUT", "/metrics/job/k7/instance@base64/=", "x 2\n").status()).isEqualTo(200);
            assertThat(s.page()).contains("x{instance=\"\",job=\"k7\"} 2");
        }
    }

    @Test
    void summariesHistogramsAndSuffixCollisions() throws Exception {
        try (PushServer s = new PushServer()) {
            assertThat(s.send("PUT", "/metrics/job/k7", """
                    # TYPE h histogram
                    h_bucket{le="1"} 1
                    h_bucket{le="+Inf"} 2
                    h_sum 3
                    h_count 2
                    # TYPE q summary
                    q{quantile="0.5"} 1
                    q_sum 2
                    q_count 3
                    """).status()).isEqualTo(200);
            assertThat(s.send("PUT", "/metrics/job/k8", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 3\nh_count 2\n").status()).isEqualTo(200);
            assertThat(s.send("PUT", "/metrics/job/k3", "# TYPE s summary\ns_sum 1\ns_count 2\n").status()).isEqualTo(200);
            PushServer.Response collision = s.send("PUT", "/metrics/job/k4", "s_count 1\n");
            assertThat(collision.status()).isEqualTo(400);
            assertThat(collision.body()).contains("collides with previously collected summary named \"s\"");
            PushServer.Response duplicate = s.send("PUT", "/metrics/job/k2", "a 1\na 2\n");
            assertThat(duplicate.body()).contains("was collected before with the same name and label values");
            // Across groups: {job=k9} pushes x="1" itself, equal to a series of the group {job=k9,x=1}.
            assertThat(s.send("PUT", "/metrics/job/k9/x/1", "dup 1\n").status()).isEqualTo(200);
            PushServer.Response across = s.send("PUT", "/metrics/job/k9", "dup{x=\"1\"} 2\n");
            assertThat(across.status()).isEqualTo(400);
            assertThat(across.body()).contains("was collected before with the same name and label values");
            assertThat(withoutPushTimes(s.page())).contains("""
                    # TYPE h histogram
                    h_bucket{instance="",job="k7",le="1"} 1
                    h_bucket{instance="",job="k7",le="+Inf"} 2
                    h_sum{instance="",job="k7"} 3
                    h_count{instance="",job="k7"} 2
                    h_bucket{instance="",job="k8",le="1"} 1
                    h_bucket{instance="",job="k8",le="+Inf"} 2
                    h_sum{instance="",job="k8"} 3
                    h_count{instance="",job="k8"} 2
                    """).contains("""
                    # TYPE q summary
                    q{instance="",job="k7",quantile="0.5"} 1
                    q_sum{instance="",job="k7"} 2
                    q_count{instance="",job="k7"} 3
                    """);
        }
    }

    @Test
    void apiListsGroupsAndWipeEmptiesThem() throws Exception {
        try (PushServer s = new PushServer()) {
            s.send("PUT", "/metrics/job/j1/instance/i1", "# HELP foo Foo help\n# TYPE foo counter\nfoo{a=\"x\"} 1\n");
            String json = s.send("GET", "/api/v1/metrics", null).body();
            assertThat(json).startsWith("{\"status\":\"success\",\"data\":[{\"labels\":{\"instance\":\"i1\",\"job\":\"j1\"},\"last_push_successful\":true,\"foo\":{\"time_stamp\":\"")
                    .contains("\"type\":\"COUNTER\",\"help\":\"Foo help\",\"metrics\":[{\"labels\":{\"a\":\"x\",\"instance\":\"i1\",\"job\":\"j1\"},\"value\":\"1\"}]}")
                    .contains("\"push_time_seconds\":{").contains("\"push_failure_time_seconds\":{");
            assertThat(s.send("GET", "/api/v1/status", null).body()).contains("\"flags\":{\"push.enabled\":\"true\"}");
            assertThat(s.send("POST", "/api/v1/admin/wipe", null).status()).isEqualTo(405);
            assertThat(s.send("PUT", "/api/v1/admin/wipe", null).status()).isEqualTo(202);
            assertThat(s.send("GET", "/api/v1/metrics", null).body()).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        }
    }

    @Test
    void wipeIsOnlyMountedWithTheAdminApi() throws Exception {
        try (PushServer s = new PushServer(Map.of("web.enable-admin-api", "false"))) {
            assertThat(s.endpoint.routes()).extracting(Route::pathPrefix).doesNotContain("/api/v1/admin/wipe");
        }
    }

    @Test
    void limitsRefuseOnePushAndTheRestKeepsWorking() throws Exception {
        try (PushServer s = new PushServer(Map.of("push.max-body-size", "1KiB", "push.max-groups", "2",
                "push.max-series-per-group", "3"))) {
            PushServer.Response big = s.send("PUT", "/metrics/job/big", "x 1\n".repeat(1000));
            assertThat(big.status()).isEqualTo(413);
            assertThat(big.body()).contains("--push.max-body-size");
            PushServer.Response many = s.send("PUT", "/metrics/job/many", "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns{quantile=\"0.9\"} 1\ns_sum 1\ns_count 1\n");
            assertThat(many.status()).isEqualTo(400);
            assertThat(many.body()).contains("4 series, more than the limit of 3");
            // The refused push above created its group (failure time), so one more group fits.
            assertThat(s.send("PUT", "/metrics/job/a", "x 1\n").status()).isEqualTo(200);
            PushServer.Response third = s.send("PUT", "/metrics/job/b", "x 1\n");
            assertThat(third.status()).isEqualTo(503);
            assertThat(third.body()).contains("--push.max-groups");
            // Existing groups still take pushes; the page still serves.
            assertThat(s.send("PUT", "/metrics/job/a", "x 2\n").status()).isEqualTo(200);
            assertThat(s.page()).contains("x{instance=\"\",job=\"a\"} 2");
            // Each refusal reported to the server (counted and logged there) by its limit; a malformed push is no refusal.
            assertThat(s.send("PUT", "/metrics/job/a", "x{ 1\n").status()).isEqualTo(400);
            assertThat(s.server.refusals()).containsExactly("push_body_size", "push_group_series", "push_groups");
        }
    }

    @Test
    void aGroupIsDroppedWhenItsTimeToLivePasses() throws Exception {
        try (PushServer s = new PushServer(Map.of("push.group-ttl", "1s"))) {
            assertThat(s.send("PUT", "/metrics/job/long?ttl=1h", "x 1\n").status()).isEqualTo(200);
            assertThat(s.send("PUT", "/metrics/job/bad?ttl=soon", "x 1\n").status()).isEqualTo(400);
            long before = System.nanoTime();
            assertThat(s.send("PUT", "/metrics/job/short", "x 1\n").status()).isEqualTo(200);
            long deadline = before + 5_000_000_000L;
            while (s.page().contains("job=\"short\"") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long elapsedMillis = (System.nanoTime() - before) / 1_000_000;
            assertThat(s.page()).doesNotContain("job=\"short\"").contains("x{instance=\"\",job=\"long\"} 1");
            assertThat(elapsedMillis).isBetween(1_000L, 2_500L);
        }
    }

    @Test
    void itsOwnMetricsCountGroupsPushesAndExpiries() throws Exception {
        try (PushServer s = new PushServer(Map.of("push.group-ttl", "1ms"))) {
            s.send("PUT", "/metrics/job/a?ttl=1h", "x 1\ny 2\n");
            s.send("PUT", "/metrics/job/b", "x 1\n");
            s.send("PUT", "/metrics/job/c?ttl=1h", "x{ 1\n");
            s.send("DELETE", "/metrics/job/c", null);
            Thread.sleep(5);
            StringBuilder out = new StringBuilder();
            s.metrics.collect(new io.promethium.api.collect.MetricWriter() {
                @Override
                public void family(String name, io.promethium.api.model.MetricType type, String help, String unit) {
                }

                @Override
                public void sample(String name, io.promethium.api.model.Labels labels, double value) {
                    out.append(name).append(labels.isEmpty() ? "" : labels.toString()).append(' ').append(value).append('\n');
                }
            }, s.store);
            assertThat(out.toString()).contains("promethium_push_groups 1.0\n")
                    .contains("promethium_push_samples 2.0\n")
                    .contains("promethium_push_requests_total{result=\"accepted\"} 2.0")
                    .contains("promethium_push_requests_total{result=\"refused\"} 1.0")
                    .contains("promethium_push_requests_total{result=\"deleted\"} 1.0")
                    .contains("promethium_push_expired_groups_total 1.0");
        }
    }
}
