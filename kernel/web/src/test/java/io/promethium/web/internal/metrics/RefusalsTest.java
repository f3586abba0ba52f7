package io.promethium.web.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.exposition.TextFormatWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalsTest {

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private final Refusals refusals = new Refusals(new ThrottledLog(lines::add, Duration.ofSeconds(10), now::get), "query_samples");

    private String exposition() {
        StringWriter out = new StringWriter();
        TextFormatWriter writer = new TextFormatWriter(out);
        refusals.collect(writer);
        writer.finish();
        return out.toString();
    }

    @Test
    void everyRefusalIsCountedByItsLimitAndInitialLimitsStartAtZero() {
        assertThat(exposition()).contains("promethium_http_requests_refused_total{limit=\"query_samples\"} 0\n")
                .doesNotContain("push_body_size");
        for (int i = 0; i < 5; i++) {
            refusals.refused("push_body_size", "10.0.0.1:4000", "/metrics/job/a", "push body exceeds the limit");
        }
        refusals.refused("query_samples", "10.0.0.2:4001", "/api/v1/query", "too many samples");
        assertThat(refusals.count("push_body_size")).isEqualTo(5);
        assertThat(exposition()).contains("# TYPE promethium_http_requests_refused_total counter\n")
                .contains("promethium_http_requests_refused_total{limit=\"push_body_size\"} 5\n")
                .contains("promethium_http_requests_refused_total{limit=\"query_samples\"} 1\n");
    }

    @Test
    void aFloodOfRefusalsLogsOneWarningPerLimitEveryTenSecondsNamingTheLimitTheClientAndThePath() {
        for (int i = 0; i < 1000; i++) {
            refusals.refused("push_body_size", "10.0.0.1:" + (4000 + i), "/metrics/job/a", "push body exceeds the limit of 1024 bytes");
        }
        refusals.refused("query_samples", "10.0.0.2:5000", "/api/v1/query", "too many samples");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        refusals.refused("push_body_size", "10.0.0.3:6000", "/metrics/job/b", "push body exceeds the limit of 1024 bytes");
        assertThat(lines).containsExactly(
                "refused a request from 10.0.0.1:4000 to /metrics/job/a by the limit push_body_size: push body exceeds the limit of 1024 bytes",
                "refused a request from 10.0.0.2:5000 to /api/v1/query by the limit query_samples: too many samples",
                "refused a request from 10.0.0.3:6000 to /metrics/job/b by the limit push_body_size: push body exceeds the limit of 1024 bytes"
                        + " (999 more since the previous such line, not logged: at most one every 10s)");
        assertThat(refusals.count("push_body_size")).isEqualTo(1001);
    }

    @Test
    void whatAClientSentIsLoggedEscapedAndCut() {
        refusals.refused("regex_cost", "10.0.0.1:1", "/api/v1/query\n", "regex \"" + "a".repeat(1000) + "\" is too expensive");
        assertThat(lines.get(0)).contains("/api/v1/query\\u000a by the limit").contains("... (1025 characters)").hasSizeLessThan(500);
    }

    @Test
    void aLimitNameIsALabelStyleNameNotFreeText() {
        assertThatThrownBy(() -> refusals.refused("Body Size", "10.0.0.1:1", "/", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> refusals.refused(null, "10.0.0.1:1", "/", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
