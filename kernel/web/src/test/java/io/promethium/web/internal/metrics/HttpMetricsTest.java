package io.promethium.web.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.exposition.TextFormatWriter;
import io.promethium.web.internal.query.QueryResource;
import io.promethium.web.internal.series.SeriesResource;
import io.promethium.web.internal.server.ApiServer;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpMetricsTest {

    private static final HttpMetrics METRICS = new HttpMetrics();
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(METRICS, w -> {
            new QueryResource(w.server().engine, w.server().storage, w.clock()).routes(1 << 20, false).forEach(w::register);
            new SeriesResource(w.server().storage).routes(1 << 20, false).forEach(w::register);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void requestsAreCountedByRouteAndCode() throws InterruptedException {
        server.get("/api/v1/query?query=1");
        server.get("/api/v1/query?query=sum(");
        server.get("/api/v1/label/job/values");
        server.get("/no/such/path");
        awaitCount("/api/v1/query", 200, 1);
        awaitCount("/api/v1/query", 400, 1);
        awaitCount("/api/v1/label/:name/values", 200, 1);
        awaitCount("other", 404, 1);
        assertThat(server.get("/api/v1/query?query=1").statusCode()).isEqualTo(200);
        awaitCount("/api/v1/query", 200, 2);

        StringWriter out = new StringWriter();
        TextFormatWriter writer = new TextFormatWriter(out);
        METRICS.collect(writer);
        writer.finish();
        assertThat(out.toString()).contains("prometheus_http_requests_total{code=\"400\",handler=\"/api/v1/query\"} 1")
                .contains("prometheus_http_request_duration_seconds_bucket{handler=\"/api/v1/query\",le=\"+Inf\"} 3")
                .contains("prometheus_http_request_duration_seconds_bucket{handler=\"/api/v1/query\",le=\"120\"} 3")
                .contains("prometheus_http_request_duration_seconds_count{handler=\"/api/v1/query\"} 3");
    }

    /** A request is counted once its handler returns, which may be after the client has read the whole answer. */
    private static void awaitCount(String handler, int code, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (METRICS.count(handler, code) < expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(METRICS.count(handler, code)).isEqualTo(expected);
    }
}
