package io.promethium.web.internal.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.scrape.ScrapeTargets;
import io.promethium.scrape.TargetInfo;
import io.promethium.scrape.TargetMetadata;
import io.promethium.web.internal.server.ApiServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The search API against the test TSDB holding Prometheus's {@code search_test.go} series, its
 * clock fixed at 7200 s as there (the default window, the last hour, holds the samples). Scores in
 * the expected answers were worked out with Go's formulas ({@code util/strutil}); the scrape
 * manager is a hand-written stand-in giving the metadata of Prometheus's test target.
 */
class SearchResourceTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(7200), ZoneOffset.UTC);
    private static final String OK_TYPE = "application/x-ndjson; charset=utf-8";
    private static final String TRAILER = "{\"status\":\"success\",\"has_more\":false}\n";
    private static ApiServer server;
    private static ApiServer disabled;
    private static ApiServer agent;

    /** A stand-in scrape manager: only the metadata its target exposed. */
    private static final class Targets implements ScrapeTargets {
        private static final Labels TARGET = Labels.of("instance", "localhost:9090", "job", "prometheus");

        @Override
        public List<TargetInfo> activeTargets() {
            return List.of();
        }

        @Override
        public List<TargetInfo> droppedTargets() {
            return List.of();
        }

        @Override
        public java.util.Optional<List<io.promethium.config.model.RelabelConfig>> relabelConfigs(String scrapePool) {
            return java.util.Optional.empty();
        }

        @Override
        public List<TargetMetadata> targetMetadata() {
            return List.of(new TargetMetadata(TARGET, "go_gc_duration_seconds", new Metadata(MetricType.GAUGE, "GC duration.", "seconds")),
                    new TargetMetadata(TARGET, "go_goroutines", new Metadata(MetricType.GAUGE, "Number of goroutines.", "")),
                    new TargetMetadata(TARGET, "up", new Metadata(MetricType.GAUGE, "Target is up.", "")));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> w.register(new SearchResource(w.server().storage, Targets::new, true, 10, CLOCK)));
        for (String name : List.of("go_gc_duration_seconds", "go_gc_heap_goal_bytes", "go_goroutines", "process_cpu_seconds_total")) {
            server.append(Labels.of("__name__", name, "instance", "localhost:9090", "job", "prometheus"), 6_000_000, 1);
        }
        server.append(Labels.of("__name__", "up", "instance", "localhost:9090", "job", "prometheus"), 6_000_000, 1);
        server.append(Labels.of("__name__", "up", "instance", "localhost:9091", "job", "node"), 6_000_000, 1);
        disabled = new ApiServer(w -> w.register(new SearchResource(w.server().storage, () -> null, false, 10_000, CLOCK)));
        agent = ApiServer.agent(w -> w.register(new SearchResource(w.server().storage, () -> null, true, 10_000, CLOCK)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        disabled.close();
        agent.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> ok(String pathAndQuery) {
        HttpResponse<String> r = server.get(pathAndQuery);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(OK_TYPE);
        return r;
    }

    private static void badData(String pathAndQuery, String error) {
        HttpResponse<String> r = server.get(pathAndQuery);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"" + error + "\"}");
    }

    @Test
    void withoutSearchTermsEveryMetricNameOfTheLastHourIsListedInOrder() {
        // Without limit: the default 100 shrinks to this server's cap of 10 rather than being refused.
        assertThat(ok("/api/v1/search/metric_names").body()).isEqualTo(
                "{\"results\":[{\"name\":\"go_gc_duration_seconds\"},{\"name\":\"go_gc_heap_goal_bytes\"},{\"name\":\"go_goroutines\"},"
                        + "{\"name\":\"process_cpu_seconds_total\"},{\"name\":\"up\"}]}\n" + TRAILER);
        // Samples at 6000 s: a window before them finds nothing, and still writes a first batch.
        assertThat(ok("/api/v1/search/metric_names?start=100&end=200").body()).isEqualTo("{\"results\":[]}\n" + TRAILER);
    }

    @Test
    void limitCutsTheResultsAndBatchSizeSplitsThemIntoLines() {
        assertThat(ok("/api/v1/search/metric_names?limit=2&batch_size=1").body()).isEqualTo(
                "{\"results\":[{\"name\":\"go_gc_duration_seconds\"}]}\n{\"results\":[{\"name\":\"go_gc_heap_goal_bytes\"}]}\n"
                        + "{\"status\":\"success\",\"has_more\":true}\n");
        // Exactly as many as the limit: nothing more.
        assertThat(ok("/api/v1/search/label_names?limit=3").body()).isEqualTo(
                "{\"results\":[{\"name\":\"__name__\"},{\"name\":\"instance\"},{\"name\":\"job\"}]}\n" + TRAILER);
    }

    @Test
    void subsequenceScoresRankBySortByScore() {
        // "gc": a run of two after a gap of 3 in both; the shorter trailing gap of the 21-character name loses
        // to the 22-character one ((4 - 11.5/22) / 4 * 0.999 against (4 - 11/21) / 4 * 0.999).
        assertThat(ok("/api/v1/search/metric_names?search[]=gc&sort_by=score&include_score=true").body()).isEqualTo(
                "{\"results\":[{\"name\":\"go_gc_duration_seconds\",\"score\":0.8684488636363636},"
                        + "{\"name\":\"go_gc_heap_goal_bytes\",\"score\":0.8681785714285715}]}\n" + TRAILER);
    }

    @Test
    void jaroWinklerAcceptsNearMissesAboveTheThresholdAndSubstringsByPosition() {
        assertThat(ok("/api/v1/search/metric_names?fuzz_alg=jarowinkler&fuzz_threshold=80&search[]=go_goroutins"
                + "&sort_by=score&include_score=1").body()).isEqualTo(
                "{\"results\":[{\"name\":\"go_goroutines\",\"score\":0.9846153846153847},"
                        + "{\"name\":\"go_gc_duration_seconds\",\"score\":0.8469696969696969}]}\n" + TRAILER);
        // Threshold 0: substrings only, 1 - 0.9 * position / last position.
        assertThat(ok("/api/v1/search/metric_names?fuzz_alg=jarowinkler&search[]=seconds&include_score=true").body()).isEqualTo(
                "{\"results\":[{\"name\":\"go_gc_duration_seconds\",\"score\":0.09999999999999998},"
                        + "{\"name\":\"process_cpu_seconds_total\",\"score\":0.3999999999999999}]}\n" + TRAILER);
    }

    @Test
    void caseInsensitiveSearchFoldsBothSides() {
        assertThat(ok("/api/v1/search/metric_names?search[]=GO_GOR").body()).isEqualTo("{\"results\":[]}\n" + TRAILER);
        assertThat(ok("/api/v1/search/metric_names?search[]=GO_GOR&case_sensitive=false&include_score=true").body())
                .isEqualTo("{\"results\":[{\"name\":\"go_goroutines\",\"score\":1}]}\n" + TRAILER);
    }

    @Test
    void severalSearchTermsAcceptAValueMatchingAny() {
        assertThat(ok("/api/v1/search/metric_names?search[]=up&search[]=process").body()).isEqualTo(
                "{\"results\":[{\"name\":\"process_cpu_seconds_total\"},{\"name\":\"up\"}]}\n" + TRAILER);
    }

    @Test
    void metadataComesFromTheTargetsWhenAsked() {
        assertThat(ok("/api/v1/search/metric_names?search[]=go_gc_duration&include_metadata=true").body()).isEqualTo(
                "{\"results\":[{\"name\":\"go_gc_duration_seconds\",\"type\":\"gauge\",\"help\":\"GC duration.\",\"unit\":\"seconds\"}]}\n"
                        + TRAILER);
        assertThat(ok("/api/v1/search/metric_names?search[]=go_gc&include_metadata=true").body()).isEqualTo(
                "{\"results\":[{\"name\":\"go_gc_duration_seconds\",\"type\":\"gauge\",\"help\":\"GC duration.\",\"unit\":\"seconds\"},"
                        + "{\"name\":\"go_gc_heap_goal_bytes\"}]}\n" + TRAILER);
    }

    @Test
    void labelValuesAreScopedByMatchAndSortedDescendingOnRequest() {
        assertThat(ok("/api/v1/search/label_values?label=instance&match[]=up&search[]=909&sort_by=score&include_score=true").body())
                .isEqualTo("{\"results\":[{\"value\":\"localhost:9090\",\"score\":0.91575},{\"value\":\"localhost:9091\",\"score\":0.91575}]}\n"
                        + TRAILER);
        assertThat(ok("/api/v1/search/label_values?label=job&match[]=" + enc("up{instance=\"localhost:9091\"}")).body())
                .isEqualTo("{\"results\":[{\"value\":\"node\"}]}\n" + TRAILER);
        assertThat(ok("/api/v1/search/label_names?sort_by=alpha&sort_dir=dsc").body()).isEqualTo(
                "{\"results\":[{\"name\":\"job\"},{\"name\":\"instance\"},{\"name\":\"__name__\"}]}\n" + TRAILER);
    }

    @Test
    void formPostsAreRead() {
        HttpResponse<String> r = server.postForm("/api/v1/search/label_names", "search[]=inst&include_score=true");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"results\":[{\"name\":\"instance\",\"score\":1}]}\n" + TRAILER);
    }

    @Test
    void parametersOutOfRangeAreBadDataNamingThem() {
        badData("/api/v1/search/metric_names?fuzz_threshold=200", "invalid fuzz_threshold \\\"200\\\": must be 0-100");
        badData("/api/v1/search/metric_names?fuzz_alg=levenshtein",
                "unsupported fuzz_alg \\\"levenshtein\\\": must be one of [subsequence jarowinkler]");
        badData("/api/v1/search/metric_names?case_sensitive=maybe", "invalid case_sensitive \\\"maybe\\\": must be boolean");
        badData("/api/v1/search/metric_names?include_score=x", "invalid include_score \\\"x\\\": must be boolean");
        badData("/api/v1/search/metric_names?include_metadata=x", "invalid include_metadata \\\"x\\\": must be boolean");
        badData("/api/v1/search/metric_names?sort_dir=asc", "sort_dir is only valid when sort_by is set");
        badData("/api/v1/search/metric_names?sort_by=score&sort_dir=asc&search[]=a", "sort_dir is not supported for sort_by=score");
        badData("/api/v1/search/metric_names?sort_by=alpha&sort_dir=up", "invalid sort_dir \\\"up\\\": must be \\\"asc\\\" or \\\"dsc\\\"");
        badData("/api/v1/search/metric_names?sort_by=score", "sort_by=score requires search[] to be set");
        badData("/api/v1/search/label_names?sort_by=name", "invalid sort_by \\\"name\\\" for label_names: must be \\\"alpha\\\" or \\\"score\\\"");
        badData("/api/v1/search/metric_names?limit=0", "invalid limit \\\"0\\\": must be a positive integer");
        badData("/api/v1/search/metric_names?limit=11", "limit 11 exceeds the configured maximum (10, see --web.search.max-limit)");
        badData("/api/v1/search/metric_names?batch_size=-1", "invalid batch_size \\\"-1\\\": must be a positive integer");
        badData("/api/v1/search/metric_names?start=20&end=10", "end timestamp must not be before start timestamp");
        badData("/api/v1/search/metric_names?start=x",
                "invalid time value for 'start': cannot parse \\\"x\\\" to a valid timestamp");
        badData("/api/v1/search/metric_names?match[]=" + enc("{job=~\".*\"}"), "match[] must contain at least one non-empty matcher");
        badData("/api/v1/search/label_values", "missing required parameter \\\"label\\\"");
        badData("/api/v1/search/metric_names?" + "search[]=a&".repeat(33), "too many search[] terms: got 33, maximum is 32");
    }

    @Test
    void theStreamIsNotCompressedAsPrometheusLeavesIt() throws Exception {
        try (ApiServer many = new ApiServer(w -> w.register(new SearchResource(w.server().storage, () -> null, true, 0, CLOCK)))) {
            for (int i = 0; i < 200; i++) {
                many.append(Labels.of("__name__", "metric_with_a_long_name_" + i), 6_000_000, 1);
            }
            HttpResponse<String> r = many.send(java.net.http.HttpRequest.newBuilder(many.uri("/api/v1/search/metric_names?limit=1000"))
                    .header("Accept-Encoding", "gzip"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
            // Over 1 KiB, two batches of the default 100 and the trailer.
            assertThat(r.body().length()).isGreaterThan(1024);
            assertThat(r.body().split("\n")).hasSize(3);
            assertThat(r.body()).endsWith(TRAILER);
        }
    }

    @Test
    void disabledWithoutTheFeatureAndRefusedInAgentMode() {
        HttpResponse<String> off = disabled.get("/api/v1/search/metric_names");
        assertThat(off.statusCode()).isEqualTo(500);
        assertThat(off.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"search API disabled\"}");
        HttpResponse<String> a = agent.get("/api/v1/search/label_names");
        assertThat(a.statusCode()).isEqualTo(422);
        assertThat(a.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"unavailable with Prometheus Agent\"}");
    }
}
