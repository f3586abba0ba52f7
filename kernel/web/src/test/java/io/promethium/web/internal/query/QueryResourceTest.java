package io.promethium.web.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.model.Labels;
import io.promethium.web.internal.server.ApiServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class QueryResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> {
            new QueryResource(w.server().engine, w.server().storage, w.clock()).routes(1 << 16, false).forEach(w::register);
            w.register(new FormatResource());
        });
        for (int i = 0; i <= 10; i++) {
            server.append(Labels.of("__name__", "up", "job", "a", "instance", "x"), i * 15_000L, 1);
            server.append(Labels.of("__name__", "up", "job", "b", "instance", "y"), i * 15_000L, 0);
        }
        server.appendValue(Labels.of("__name__", "frac"), 0, 0.1);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void instantQueryReturnsVectorWithSecondsTimestampsAndStringValues() throws Exception {
        HttpResponse<String> r = server.get("/api/v1/query?query=" + enc("up{job=\"a\"}") + "&time=150");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"__name__\":\"up\",\"instance\":\"x\",\"job\":\"a\"},\"value\":[150,\"1\"]}]}}");
    }

    @Test
    void formPostIsTheSameAsGet() throws Exception {
        HttpResponse<String> r = server.postForm("/api/v1/query", "query=" + enc("sum(up)") + "&time=150.5");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"value\":[150.500,\"1\"]");
    }

    @Test
    void postWithANonFormBodyUsesTheUrlParameters() throws Exception {
        HttpResponse<String> r = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/query?query=sum(up)&time=150"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"x\":1}")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"value\":[150,\"1\"]");
        HttpResponse<String> empty = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/query?query=sum(up)&time=150"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(empty.statusCode()).isEqualTo(200);
        HttpResponse<String> both = server.postForm("/api/v1/query?query=nonexistent&time=150", "query=sum(up)");
        assertThat(both.body()).as("the body's value comes first, as Go's r.Form").contains("\"value\":[150,\"1\"]");
    }

    @Test
    void timeAcceptsRfc3339() throws Exception {
        HttpResponse<String> r = server.get("/api/v1/query?query=" + enc("frac") + "&time=1970-01-01T00:01:00.001Z");
        assertThat(r.body()).contains("\"value\":[60.001,\"0.1\"]");
    }

    @Test
    void scalarAndStringResults() throws Exception {
        assertThat(server.get("/api/v1/query?query=1%2F0&time=5").body())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[5,\"+Inf\"]}}");
        assertThat(server.get("/api/v1/query?query=" + enc("\"hi\"") + "&time=5").body())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[5,\"hi\"]}}");
    }

    @Test
    void rangeQueryReturnsMatrix() throws Exception {
        HttpResponse<String> r = server.get("/api/v1/query_range?query=" + enc("up{job=\"b\"}") + "&start=0&end=30&step=15s");
        JsonNode body = json(r);
        assertThat(body.at("/data/resultType").asText()).isEqualTo("matrix");
        assertThat(body.at("/data/result/0/values").toString()).isEqualTo("[[0,\"0\"],[15,\"0\"],[30,\"0\"]]");
    }

    @Test
    void limitTruncatesWithWarning() throws Exception {
        JsonNode body = json(server.get("/api/v1/query?query=up&time=150&limit=1"));
        assertThat(body.at("/data/result").size()).isEqualTo(1);
        assertThat(body.at("/warnings/0").asText()).isEqualTo("results truncated due to limit");
    }

    @Test
    void statsAreIncludedOnRequest() throws Exception {
        JsonNode body = json(server.get("/api/v1/query?query=up&time=150&stats=all"));
        assertThat(body.at("/data/stats/samples/totalQueryableSamples").asLong()).isPositive();
    }

    @Test
    void badTimeIsBadData() throws Exception {
        HttpResponse<String> r = server.get("/api/v1/query?query=up&time=abc");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = json(r);
        assertThat(body.at("/errorType").asText()).isEqualTo("bad_data");
        assertThat(body.at("/error").asText())
                .isEqualTo("invalid parameter \"time\": Invalid time value for 'time': cannot parse \"abc\" to a valid timestamp");
    }

    @Test
    void parseErrorNamesTheQueryParameter() throws Exception {
        HttpResponse<String> r = server.get("/api/v1/query?query=" + enc("sum(") + "&time=1");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).at("/error").asText()).startsWith("invalid parameter \"query\": 1:5: parse error");
    }

    @Test
    void rangeParametersAreCheckedInPrometheusOrder() throws Exception {
        assertThat(json(server.get("/api/v1/query_range?query=up&start=x&end=1&step=1")).at("/error").asText())
                .isEqualTo("invalid parameter \"start\": cannot parse \"x\" to a valid timestamp");
        assertThat(json(server.get("/api/v1/query_range?query=up&start=10&end=1&step=1")).at("/error").asText())
                .isEqualTo("invalid parameter \"end\": end timestamp must not be before start time");
        assertThat(json(server.get("/api/v1/query_range?query=up&start=0&end=1&step=zz")).at("/error").asText())
                .isEqualTo("invalid parameter \"step\": cannot parse \"zz\" to a valid duration");
        assertThat(json(server.get("/api/v1/query_range?query=up&start=0&end=1&step=0")).at("/error").asText())
                .startsWith("invalid parameter \"step\": zero or negative query resolution step widths are not accepted");
        assertThat(json(server.get("/api/v1/query_range?query=up&start=0&end=100000&step=1")).at("/error").asText())
                .startsWith("exceeded maximum resolution of 11,000 points per timeseries");
    }

    @Test
    void rangeVectorInRangeQueryIsBadData() throws Exception {
        HttpResponse<String> r = server.get("/api/v1/query_range?query=" + enc("up[5m]") + "&start=0&end=60&step=15");
        assertThat(r.statusCode()).isEqualTo(400);
        // Unlike instant queries, Prometheus does not name the parameter here.
        assertThat(json(r).at("/error").asText()).startsWith("invalid expression type \"range vector\"");
    }

    @Test
    void executionErrorIs422() throws Exception {
        HttpResponse<String> r = server.get("/api/v1/query?query=" + enc("label_replace(label_replace(up, \"job\", \"x\", \"\", \"\"), \"instance\", \"x\", \"\", \"\")") + "&time=150");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r).at("/errorType").asText()).isEqualTo("execution");
    }

    @Test
    void badTimeoutIsBadDataAndTinyTimeoutTimesOut() throws Exception {
        assertThat(json(server.get("/api/v1/query?query=up&timeout=never")).at("/error").asText())
                .isEqualTo("invalid parameter \"timeout\": cannot parse \"never\" to a valid duration");
        // One step of 3.6M subquery points: long enough to pass a 1 ms deadline, yet under the
        // sample limit, so the timeout is the only error it can meet (a range query could also
        // hit max-samples first on a machine that starves the request thread). vector(1) has a
        // point at every step, so no series lookup can cut the work short on a fast machine.
        HttpResponse<String> r = server.get("/api/v1/query?query=" + enc("count_over_time(vector(1)[1h:1ms])")
                + "&time=10000&timeout=0.001");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).at("/errorType").asText()).isEqualTo("timeout");
    }

    @Test
    void missingEngineIsUnavailable() throws Exception {
        var engine = server.engine.orNull();
        server.engine.unbind(engine);
        try {
            HttpResponse<String> r = server.get("/api/v1/query?query=up");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(json(r).at("/errorType").asText()).isEqualTo("unavailable");
        } finally {
            server.engine.bind(engine);
        }
    }

    @Test
    void queryPastTheSampleLimitIs422AndTheServerKeepsServing() throws Exception {
        var engine = server.engine.orNull();
        server.engine.bind(io.promethium.promql.engine.QueryEngine.create(
                io.promethium.promql.engine.EngineOptions.DEFAULTS.withMaxSamples(5)));
        try {
            HttpResponse<String> r = server.get("/api/v1/query?query=" + enc("up[10m]") + "&time=150");
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(json(r).at("/errorType").asText()).isEqualTo("execution");
            assertThat(json(r).at("/error").asText()).contains("too many samples");
        } finally {
            server.engine.bind(engine);
        }
        assertThat(server.get("/api/v1/query?query=up&time=150").statusCode()).isEqualTo(200);
    }

    @Test
    void aTrailingSlashIsTheSamePathAndPathsBelowAreNotFound() throws Exception {
        assertThat(server.get("/api/v1/query/?query=up&time=150").body()).contains("\"value\":[150,\"1\"]");
        HttpResponse<String> below = server.get("/api/v1/query/x?query=up");
        assertThat(below.statusCode()).isEqualTo(404);
        assertThat(below.body()).isEqualTo("404 page not found\n");
    }

    @Test
    void otherMethodsAreRefusedWith405AsJerseyDid() throws Exception {
        HttpResponse<String> r = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/query_range?query=up"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.body()).isEqualTo("Method Not Allowed\n");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    }

    @Test
    void agentModeRefusesQueriesAsPrometheusAgentDoes() throws Exception {
        try (ApiServer agent = new ApiServer(w -> new QueryResource(w.server().engine, w.server().storage, w.clock())
                .routes(1 << 16, true).forEach(w::register))) {
            HttpResponse<String> r = agent.get("/api/v1/query?query=up");
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"unavailable with Prometheus Agent\"}");
            assertThat(agent.postForm("/api/v1/query_range", "query=up").statusCode()).isEqualTo(422);
        }
    }

    @Test
    void formBodyOverTheLimitIsBadDataAndChunkedBodiesAreCheckedToo() throws Exception {
        String big = "query=up&pad=" + "x".repeat(1 << 16);
        HttpResponse<String> r = server.postForm("/api/v1/query", big);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).at("/error").asText()).isEqualTo("error parsing form values: http: POST too large");
        byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))));
        assertThat(chunked.statusCode()).isEqualTo(400);
        assertThat(server.postForm("/api/v1/query", "query=up&time=150").statusCode()).isEqualTo(200);
    }

    @Test
    void largeResponsesAreGzippedWhenAccepted() throws Exception {
        HttpResponse<byte[]> r = server.sendBytes(java.net.http.HttpRequest.newBuilder(
                server.uri("/api/v1/query_range?query=up&start=0&end=150&step=1")).header("Accept-Encoding", "gzip").GET());
        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        byte[] plain = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body())).readAllBytes();
        assertThat(JSON.readTree(plain).at("/data/result/0/values").size()).isEqualTo(151);
    }

    @Test
    void unknownEndpointIsPlain404() {
        HttpResponse<String> r = server.get("/api/v1/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("404 page not found\n");
    }

    @Test
    void formatQueryPrettifies() throws Exception {
        JsonNode body = json(server.get("/api/v1/format_query?query=" + enc("sum  by(job)(rate(up[5m]))")));
        assertThat(body.at("/data").asText()).isEqualTo("sum by (job) (rate(up[5m]))");
        assertThat(server.get("/api/v1/format_query?query=" + enc("sum(")).statusCode()).isEqualTo(400);
    }

    @Test
    void parseQueryShowsTheTree() throws Exception {
        JsonNode body = json(server.get("/api/v1/parse_query?query=" + enc("-up{job=\"a\"} offset 5m + 1")));
        assertThat(body.at("/data/type").asText()).isEqualTo("binaryExpr");
        assertThat(body.at("/data/op").asText()).isEqualTo("+");
        assertThat(body.at("/data/lhs/type").asText()).isEqualTo("unaryExpr");
        assertThat(body.at("/data/lhs/expr/offset").asLong()).isEqualTo(300_000);
        assertThat(body.at("/data/lhs/expr/matchers").toString()).contains("{\"name\":\"job\",\"type\":\"=\",\"value\":\"a\"}");
        assertThat(body.at("/data/rhs").toString()).isEqualTo("{\"type\":\"numberLiteral\",\"val\":\"1\"}");
    }

    private static String number(String val, boolean duration) {
        return "{\"duration\":" + duration + ",\"type\":\"numberLiteral\",\"val\":\"" + val + "\"}";
    }

    private static String op(String op, String lhs, String rhs, boolean wrapped) {
        return "{\"lhs\":" + lhs + ",\"op\":\"" + op + "\",\"rhs\":" + rhs + ",\"type\":\"durationExpr\",\"wrapped\":" + wrapped + "}";
    }

    @Test
    void parseQueryShowsDurationExpressionsAsPrometheusTranslatesThem() throws Exception {
        // Written as arithmetic: the milliseconds are 0 and the *Expr field holds the tree (numbers in seconds).
        JsonNode m = json(server.get("/api/v1/parse_query?query=" + enc("foo[5m+1m] offset (10m/2)"))).at("/data");
        assertThat(m.get("type").asText()).isEqualTo("matrixSelector");
        assertThat(m.get("range").asLong()).isZero();
        assertThat(m.get("rangeExpr").toString()).isEqualTo(op("+", number("300", true), number("60", true), false));
        assertThat(m.get("offset").asLong()).isZero();
        assertThat(m.get("offsetExpr").toString()).isEqualTo(op("/", number("600", true), number("2", false), true));

        JsonNode sq = json(server.get("/api/v1/parse_query?query=" + enc("foo[4s+4s:1s*2] offset (5s-8)"))).at("/data");
        assertThat(sq.get("type").asText()).isEqualTo("subquery");
        assertThat(sq.get("range").asLong()).isZero();
        assertThat(sq.get("step").asLong()).isZero();
        assertThat(sq.get("rangeExpr").toString()).isEqualTo(op("+", number("4", true), number("4", true), false));
        assertThat(sq.get("stepExpr").toString()).isEqualTo(op("*", number("1", true), number("2", false), false));
        assertThat(sq.get("offsetExpr").toString()).isEqualTo(op("-", number("5", true), number("8", false), true));

        JsonNode vs = json(server.get("/api/v1/parse_query?query=" + enc("foo offset -min_of(5s, step()+8s)"))).at("/data");
        assertThat(vs.get("offset").asLong()).isZero();
        assertThat(vs.get("offsetExpr").toString()).isEqualTo(op("-", "null",
                op("min_of", number("5", true), op("+", op("step", "null", "null", false), number("8", true), false), false), false));
        JsonNode range = json(server.get("/api/v1/parse_query?query=" + enc("foo[range()]"))).at("/data");
        assertThat(range.get("rangeExpr").toString()).isEqualTo(op("range", "null", "null", false));

        // Plain durations keep their milliseconds and null trees; the keys stay in Go's sorted order.
        assertThat(json(server.get("/api/v1/parse_query?query=" + enc("foo[5m:1m] offset 1m"))).at("/data").toString())
                .isEqualTo("{\"expr\":{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"foo\"}],\"name\":\"foo\","
                        + "\"offset\":0,\"offsetExpr\":null,\"startOrEnd\":null,\"timestamp\":null,\"type\":\"vectorSelector\"},"
                        + "\"offset\":60000,\"offsetExpr\":null,\"range\":300000,\"rangeExpr\":null,\"startOrEnd\":null,\"step\":60000,"
                        + "\"stepExpr\":null,\"timestamp\":null,\"type\":\"subquery\"}");
        JsonNode plain = json(server.get("/api/v1/parse_query?query=" + enc("foo[5m] offset 1m"))).at("/data");
        assertThat(plain.get("range").asLong()).isEqualTo(300_000);
        assertThat(plain.get("offset").asLong()).isEqualTo(60_000);
        assertThat(plain.get("rangeExpr").isNull()).isTrue();
    }
}
