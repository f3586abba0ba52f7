package io.promethium.web.internal.series;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.web.internal.server.ApiServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SeriesResourceTest {

    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> {
            new SeriesResource(w.server().storage).routes(1 << 20, false).forEach(w::register);
            w.register(new ExemplarsResource());
        });
        server.append(Labels.of("__name__", "up", "job", "a"), 1000, 1);
        server.append(Labels.of("__name__", "up", "job", "b"), 1000, 1);
        server.append(Labels.of("__name__", "go_info", "version", "1.21"), 1000, 1);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void seriesUnionsMatchSetsSorted() {
        HttpResponse<String> r = server.get("/api/v1/series?match[]=" + enc("go_info") + "&match[]=" + enc("up{job=\"b\"}"));
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":[{\"__name__\":\"go_info\",\"version\":\"1.21\"},"
                + "{\"__name__\":\"up\",\"job\":\"b\"}]}");
    }

    @Test
    void seriesWithFormPostAndLimit() {
        HttpResponse<String> r = server.postForm("/api/v1/series", "match[]=up&limit=1");
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"job\":\"a\"}],"
                + "\"warnings\":[\"results truncated due to limit\"]}");
    }

    @Test
    void seriesNeedsMatch() {
        HttpResponse<String> r = server.get("/api/v1/series");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"no match[] parameter provided\"}");
    }

    @Test
    void emptyMatchersAndBadSelectorsAreBadData() {
        HttpResponse<String> empty = server.get("/api/v1/series?match[]=" + enc("{job=~\".*\"}"));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("invalid parameter \\\"match[]\\\": match[] must contain at least one non-empty matcher");
        HttpResponse<String> bad = server.get("/api/v1/series?match[]=" + enc("up{"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("invalid parameter \\\"match[]\\\": 1:");
    }

    @Test
    void seriesOutsideTheTimeRangeAreNotListed() {
        assertThat(server.get("/api/v1/series?match[]=up&start=5&end=10").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void labelNamesAndValues() {
        assertThat(server.get("/api/v1/labels").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"job\",\"version\"]}");
        assertThat(server.get("/api/v1/labels?match[]=up").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"job\"]}");
        assertThat(server.get("/api/v1/label/job/values").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"a\",\"b\"]}");
        assertThat(server.get("/api/v1/label/__name__/values?match[]=" + enc("{job=\"a\"}")).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"up\"]}");
        assertThat(server.get("/api/v1/label/nope/values").body()).isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void labelNamesAndValuesOfSeveralMatchSetsAreOneSortedUnion() {
        assertThat(server.get("/api/v1/label/job/values?match[]=" + enc("up{job=\"b\"}") + "&match[]=up&match[]=go_info").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"a\",\"b\"]}");
        assertThat(server.get("/api/v1/labels?match[]=go_info&match[]=up&match[]=" + enc("up{job=\"a\"}")).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"job\",\"version\"]}");
        assertThat(server.get("/api/v1/label/job/values?match[]=go_info&limit=1").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(server.get("/api/v1/label/job/values?limit=1").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"a\"],\"warnings\":[\"results truncated due to limit\"]}");
    }

    @Test
    void labelValuesPathIsMatchedAsJerseyMatchedTheTemplate() {
        // The name segment is percent-decoded ('+' stays a literal); a trailing slash is accepted.
        assertThat(server.get("/api/v1/label/%6Aob/values/").body()).isEqualTo("{\"status\":\"success\",\"data\":[\"a\",\"b\"]}");
        assertThat(server.get("/api/v1/label/a+b/values").body()).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(server.get("/api/v1/label/job").statusCode()).isEqualTo(404);
        assertThat(server.get("/api/v1/label/a/b/values").statusCode()).isEqualTo(404);
        assertThat(server.postForm("/api/v1/label/job/values", "match[]=up").statusCode()).isEqualTo(405);
    }

    @Test
    void labelsWithFormPost() {
        assertThat(server.postForm("/api/v1/labels", "match[]=go_info").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"version\"]}");
    }

    @Test
    void labelsGiveBareMatcherErrors() {
        HttpResponse<String> r = server.get("/api/v1/labels?match[]=" + enc("{"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"error\":\"1:2: parse error:");
    }

    @Test
    void badStartIsNamed() {
        HttpResponse<String> r = server.get("/api/v1/labels?start=soon");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid parameter \\\"start\\\": Invalid time value for 'start': cannot parse \\\"soon\\\" to a valid timestamp");
    }

    @Test
    void exemplarsAreEmptyAndQueryChecked() {
        assertThat(server.get("/api/v1/query_exemplars?query=up").body()).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(server.get("/api/v1/query_exemplars?query=1").statusCode()).isEqualTo(204);
        HttpResponse<String> bad = server.get("/api/v1/query_exemplars?query=" + enc("up{"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"errorType\":\"bad_data\"");
    }
}
