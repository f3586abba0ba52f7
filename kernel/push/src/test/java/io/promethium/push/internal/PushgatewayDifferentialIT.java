package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same sequence of pushes to the real Pushgateway (Debian {@code prometheus-pushgateway}, on a
 * loopback port with its own persistence file) and to the push endpoint: every status code agrees,
 * and after every step the pushed page agrees with the Pushgateway's {@code /metrics} (its own
 * {@code go_}/{@code process_}/{@code pushgateway_} families left out). Push times are compared
 * only as zero or not; where groups disagree on a family's help the Pushgateway picks one at
 * random, so those HELP lines are left out of the comparison. {@code /api/v1/metrics} agrees too.
 */
class PushgatewayDifferentialIT {

    @TempDir
    static Path dir;
    private static PushgatewayProcess pushgateway;
    private static String pushgatewayUrl;
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** One request of the sequence; {@code helpConflict} names a family whose HELP is left out from here on. */
    record Step(String method, String path, String contentType, byte[] body, String helpConflict) {
        static Step text(String method, String path, String body) {
            return new Step(method, path, null, body == null ? null : body.getBytes(StandardCharsets.UTF_8), null);
        }
    }

    @BeforeAll
    static void startPushgateway() throws Exception {
        pushgateway = new PushgatewayProcess(dir);
        pushgatewayUrl = pushgateway.url;
    }

    @AfterAll
    static void stopPushgateway() throws Exception {
        if (pushgateway != null) {
            pushgateway.close();
        }
    }

    private static HttpResponse<String> send(String base, Step step) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + step.path())).timeout(Duration.ofSeconds(10))
                .method(step.method(), step.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(step.body()));
        if (step.contentType() != null) {
            b.header("Content-Type", step.contentType());
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<Step> sequence() {
        List<Step> steps = new ArrayList<>();
        steps.add(Step.text("PUT", "/metrics/job/j1/instance/i1", """
                # HELP foo Foo help
                # TYPE foo counter
                foo{a="x"} 1
                foo{a="y"} 2e6
                foo{a="q\\"uote",b="back\\\\slash\\nline"} 3.25
                bar 3
                """));
        steps.add(Step.text("POST", "/metrics/job/j1/instance/i1", "bar 4\n"));
        // A conflicting type in another group: refused, that group gets a failure time.
        steps.add(Step.text("POST", "/metrics/job/j2", "# TYPE foo gauge\nfoo 1\n"));
        // Same type, another help text: accepted.
        steps.add(new Step("POST", "/metrics/job/j2/x@base64/YWJj", null,
                "# HELP foo other help\n# TYPE foo counter\nfoo{a=\"z\"} 1\nfoo{b=\"\"} 5\n".getBytes(StandardCharsets.UTF_8), "foo"));
        steps.add(Step.text("POST", "/metrics/job/j3", "foo{ 1\n"));
        steps.add(Step.text("POST", "/metrics/job/j3", "foo 1 123\n"));
        steps.add(Step.text("PUT", "/metrics/job/j4", "a 1\na 2\n"));
        steps.add(Step.text("PUT", "/metrics/job/j5", "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns{quantile=\"0.99\"} 7\ns_sum 1\ns_count 2\n"));
        steps.add(Step.text("PUT", "/metrics/job/j6", "s_count 1\n"));
        steps.add(Step.text("PUT", "/metrics/job/j7", """
                # HELP h A histogram.
                # TYPE h histogram
                h_bucket{le="0.1"} 1
                h_bucket{le="1e+06"} 2
                h_sum 3.5
                h_count 2
                """));
        steps.add(Step.text("PUT", "/metrics/job@base64/a2pvYg==/path@base64/L3Zhci90bXA", "x{path=\"other\"} 1\n"));
        steps.add(Step.text("PUT", "/metrics/job@base64/!!", "x 1\n"));
        steps.add(Step.text("PUT", "/metrics/job/k5/a", "x 1\n"));
        steps.add(Step.text("PUT", "/metrics/job/k5/__a/b", "x 1\n"));
        steps.add(Step.text("PUT", "/metrics/job/k5/a/", "x 1\n"));
        steps.add(Step.text("PUT", "/metrics/job/k8/instance@base64/=", "x 2\n"));
        steps.add(Step.text("PUT", "/metrics/job/empty", ""));
        steps.add(Step.text("GET", "/metrics/job/j1", null));
        steps.add(Step.text("PUT", "/metrics/job/j9", "# TYPE x gauge\nx 1\n"));
        steps.add(Step.text("PUT", "/metrics/job/j9", "# TYPE y counter\ny NaN\nz +Inf\nw -1.5e-07\n"));
        steps.add(new Step("PUT", "/metrics/job/proto/instance/p1", ProtoBytes.CONTENT_TYPE, ProtoBytes.delimited(
                new ProtoBytes().string(1, "proto_counter_total").string(2, "A counter.").uint(3, 0)
                        .message(4, new ProtoBytes().message(1, ProtoBytes.label("kind", "a")).message(3, new ProtoBytes().dbl(1, 42))),
                new ProtoBytes().string(1, "proto_summary").uint(3, 2)
                        .message(4, new ProtoBytes().message(4, new ProtoBytes().uint(1, 10).dbl(2, 2.5)
                                .message(3, new ProtoBytes().dbl(1, 0.5).dbl(2, 0.25)))),
                new ProtoBytes().string(1, "proto_histogram").string(2, "Buckets.").uint(3, 4)
                        .message(4, new ProtoBytes().message(7, new ProtoBytes().uint(1, 3).dbl(2, 1.5)
                                .message(3, new ProtoBytes().uint(1, 1).dbl(2, 0.5))
                                .message(3, new ProtoBytes().uint(1, 3).dbl(2, 1))))), null));
        // A protobuf metric whose value does not match its family's type.
        steps.add(new Step("PUT", "/metrics/job/proto2", ProtoBytes.CONTENT_TYPE, ProtoBytes.delimited(
                new ProtoBytes().string(1, "mismatch").uint(3, 0).message(4, new ProtoBytes().message(2, new ProtoBytes().dbl(1, 1)))), null));
        steps.add(new Step("PUT", "/metrics/job/proto3", ProtoBytes.CONTENT_TYPE, new byte[] {5, 10, 3}, null));
        steps.add(Step.text("DELETE", "/metrics/job/j5", null));
        steps.add(Step.text("DELETE", "/metrics/job/nothing/here/either", null));
        steps.add(Step.text("PUT", "/metrics/job/j6", "s_count 1\n"));
        steps.add(Step.text("POST", "/metrics/job/j2", "# TYPE foo counter\nfoo 1\n"));
        steps.add(Step.text("PUT", "/metrics/job/j1/instance/i1", "# TYPE foo counter\nfoo{a=\"x\"} 10\n"));
        steps.add(Step.text("PUT", "/api/v1/admin/wipe", null));
        steps.add(Step.text("PUT", "/metrics/job/after-wipe", "x 1\n"));
        return steps;
    }

    @Test
    void statusCodesAndPagesAgreeWithThePushgateway() throws Exception {
        try (PushServer ours = new PushServer()) {
            Set<String> helpConflicts = new TreeSet<>();
            int i = 0;
            for (Step step : sequence()) {
                i++;
                if (step.helpConflict() != null) {
                    helpConflicts.add(step.helpConflict());
                }
                HttpResponse<String> theirs = send(pushgatewayUrl, step);
                HttpResponse<String> mine = send(ours.url(), step);
                String what = ("step " + i + ": " + step.method() + " " + step.path() + " / Pushgateway said: " + theirs.body().strip()
                        + " / we said: " + mine.body().strip()).replace("%", "%%");
                assertThat(mine.statusCode()).as(what).isEqualTo(theirs.statusCode());
                String theirPage = PushgatewayProcess.normalize(pushgateway.page(), helpConflicts);
                String ourPage = PushgatewayProcess.normalize(ours.page(), helpConflicts);
                assertThat(ourPage).as(what).isEqualTo(theirPage);
                assertThat(normalizeApi(ours.send("GET", "/api/v1/metrics", null).body())).as(what + " (/api/v1/metrics)")
                        .isEqualTo(normalizeApi(pushgateway.get("/api/v1/metrics").body()));
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code /api/v1/metrics} with what legitimately differs taken out: groups and metrics sorted
     * (the Pushgateway lists them in map order), {@code time_stamp} dropped, push times as 0 or T.
     */
    static JsonNode normalizeApi(String body) throws IOException {
        JsonNode root = JSON.readTree(body);
        List<JsonNode> groups = new ArrayList<>();
        for (JsonNode g : root.path("data")) {
            ObjectNode group = (ObjectNode) g.deepCopy();
            for (var it = group.fields(); it.hasNext(); ) {
                var field = it.next();
                if (!(field.getValue() instanceof ObjectNode family) || field.getKey().equals("labels")) {
                    continue;
                }
                family.remove("time_stamp");
                List<JsonNode> metrics = new ArrayList<>();
                family.path("metrics").forEach(metrics::add);
                for (JsonNode m : metrics) {
                    if (field.getKey().equals("push_time_seconds") || field.getKey().equals("push_failure_time_seconds")) {
                        ((ObjectNode) m).put("value", m.path("value").asText().equals("0") ? "0" : "T");
                    }
                }
                metrics.sort(java.util.Comparator.comparing(m -> m.path("labels").toString()));
                ArrayNode sorted = family.putArray("metrics");
                metrics.forEach(sorted::add);
            }
            groups.add(group);
        }
        groups.sort(java.util.Comparator.comparing(g -> g.path("labels").toString()));
        ObjectNode result = JSON.createObjectNode();
        result.put("status", root.path("status").asText());
        groups.forEach(result.putArray("data")::add);
        return result;
    }
}
