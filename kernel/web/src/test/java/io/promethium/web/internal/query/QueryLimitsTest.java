package io.promethium.web.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.testsupport.LogCapture;
import io.promethium.web.internal.metrics.Refusals;
import io.promethium.web.internal.series.SeriesResource;
import io.promethium.web.internal.server.ApiServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The query API's refusals by the server's protective limits, run into with the real engine over
 * a real TSDB: each answered with its error, counted by its limit in
 * {@code promethium_http_requests_refused_total} and logged as a warning naming the limit, the
 * client and the path; other errors are not refusals.
 */
class QueryLimitsTest {

    private static final HttpMetrics METRICS = new HttpMetrics();
    private static final int FORM_LIMIT = 1 << 14;
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(METRICS, w -> {
            new QueryResource(w.server().engine, w.server().storage, w.clock()).routes(FORM_LIMIT, false).forEach(w::register);
            new SeriesResource(w.server().storage).routes(FORM_LIMIT, false).forEach(w::register);
        });
        // A sample limit a test reaches with 100 samples.
        server.engine.bind(QueryEngine.create(EngineOptions.DEFAULTS.withMaxSamples(50)));
        server.append(Labels.of("__name__", "hostile_path", "path", "x".repeat(5_000)), 1_000, 1);
        long[] samples = new long[200];
        for (int i = 0; i < 100; i++) {
            samples[2 * i] = i * 1_000L;
            samples[2 * i + 1] = i;
        }
        server.append(Labels.of("__name__", "many"), samples);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static HttpResponse<String> query(String promql) {
        return server.postForm("/api/v1/query", "time=100&query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    @Test
    void eachLimitCountsItsRefusalsAndLogsOneWarningNamingTheLimitTheClientAndThePath() {
        try (LogCapture log = new LogCapture(Refusals.class.getName(), Level.WARNING)) {
            long nesting = METRICS.refusals().count(Refusals.QUERY_NESTING);
            long regex = METRICS.refusals().count(Refusals.REGEX_COST);
            long samples = METRICS.refusals().count(Refusals.QUERY_SAMPLES);
            long form = METRICS.refusals().count(Refusals.FORM_BODY_SIZE);

            HttpResponse<String> deep = query("(".repeat(300) + "1" + ")".repeat(300));
            assertThat(deep.statusCode()).isEqualTo(400);
            assertThat(deep.body()).contains("nested too deeply");
            HttpResponse<String> signs = query("-".repeat(1_000) + "1");
            assertThat(signs.statusCode()).isEqualTo(400);

            HttpResponse<String> expensive = query("hostile_path{path=~\".*.*.*a\"}");
            assertThat(expensive.statusCode()).isEqualTo(422);
            assertThat(expensive.body()).contains("too expensive");
            HttpResponse<String> relabel = query("label_replace(hostile_path, \"x\", \"$1\", \"path\", \".*.*.*a\")");
            assertThat(relabel.statusCode()).as(relabel.body()).isEqualTo(422);
            HttpResponse<String> series = server.get("/api/v1/series?match[]=" + URLEncoder.encode("hostile_path{path=~\".*.*.*a\"}", StandardCharsets.UTF_8));
            assertThat(series.statusCode()).as(series.body()).isEqualTo(422);

            // 100 points of one series at 100 steps, past the limit of 50.
            HttpResponse<String> tooMany = server.postForm("/api/v1/query_range", "query=many&start=0&end=99&step=1");
            assertThat(tooMany.statusCode()).isEqualTo(422);
            assertThat(tooMany.body()).contains(QueryLimits.TOO_MANY_SAMPLES);

            HttpResponse<String> bigForm = server.postForm("/api/v1/query", "query=" + "1".repeat(FORM_LIMIT));
            assertThat(bigForm.statusCode()).isEqualTo(400);
            assertThat(bigForm.body()).contains("POST too large");

            assertThat(METRICS.refusals().count(Refusals.QUERY_NESTING) - nesting).isEqualTo(2);
            assertThat(METRICS.refusals().count(Refusals.REGEX_COST) - regex).isEqualTo(3);
            assertThat(METRICS.refusals().count(Refusals.QUERY_SAMPLES) - samples).isEqualTo(1);
            assertThat(METRICS.refusals().count(Refusals.FORM_BODY_SIZE) - form).isEqualTo(1);
            // One line per limit: the second refusal of a limit within 10 s is only counted.
            assertThat(log.lines()).hasSize(4);
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("refused a request from 127.0.0.1:")
                    .contains(" to /api/v1/query by the limit query_nesting: ").contains("nested too deeply"));
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains(" to /api/v1/query by the limit regex_cost: "));
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains(" to /api/v1/query_range by the limit query_samples: "));
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains(" to /api/v1/query by the limit form_body_size: "));
        }
    }

    @Test
    void errorsOfTheQueryItselfAreNoRefusals() {
        long before = total();
        assertThat(query("sum(").statusCode()).isEqualTo(400);
        assertThat(query("rate(many)").statusCode()).isEqualTo(400);
        assertThat(query("many{path=~\"(\"}").statusCode()).isEqualTo(400);
        assertThat(query("count_over_time(many[10s])").statusCode()).isEqualTo(200);
        assertThat(total()).isEqualTo(before);
    }

    private static long total() {
        return METRICS.refusals().count(Refusals.QUERY_NESTING) + METRICS.refusals().count(Refusals.REGEX_COST)
                + METRICS.refusals().count(Refusals.QUERY_SAMPLES) + METRICS.refusals().count(Refusals.FORM_BODY_SIZE);
    }
}
