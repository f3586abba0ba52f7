package io.promethium.web.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Collector;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.web.internal.server.ApiServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetricsResourceTest {

    /** A plugin's collector with a UTF-8 metric and label name. */
    private static final Collector UTF8 = writer -> {
        writer.family("queue.depth", MetricType.GAUGE, "Depth.", "");
        writer.sample("queue.depth", Labels.of("queue.name", "a"), 3);
    };

    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> w.register(new MetricsResource(() -> List.of(UTF8))));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void utf8NamesAreQuotedWhenTheScraperAllowsThemAndEscapedAsItAsksOtherwise() {
        HttpResponse<String> quoted = server.send(HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Accept", "text/plain;version=1.0.0;escaping=allow-utf-8").GET());
        assertThat(quoted.headers().firstValue("Content-Type")).hasValue("text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8");
        assertThat(quoted.body()).contains("{\"queue.depth\",\"queue.name\"=\"a\"} 3");
        HttpResponse<String> dots = server.send(HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Accept", "text/plain;version=1.0.0;escaping=dots").GET());
        assertThat(dots.body()).contains("queue_dot_depth{queue_dot_name=\"a\"} 3");
        HttpResponse<String> plain = server.get("/metrics");
        assertThat(plain.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(plain.body()).contains("queue_depth{queue_name=\"a\"} 3");
    }
}
