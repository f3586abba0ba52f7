package io.promethium.web.internal.federate;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.web.internal.server.ApiServer;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FederateResourceTest {

    private static final long NOW = 1_000_000;
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        server = new ApiServer(w -> w.register(new FederateResource(w.server().storage,
                () -> Labels.of("region", "eu", "job", "ignored"), () -> 300_000, clock)));
        server.append(Labels.of("__name__", "up", "job", "a", "instance", "x"), NOW - 30_000, 1, NOW - 15_000, 1);
        server.append(Labels.of("__name__", "up", "job", "b", "instance", "y"), NOW - 20_000, 0);
        server.append(Labels.of("__name__", "old", "job", "a"), NOW - 400_000, 5);
        server.append(Labels.of("__name__", "future", "job", "a"), NOW + 10_000, 5);
        server.appendValue(Labels.of("__name__", "gone", "job", "a"), NOW - 60_000, 2);
        server.appendValue(Labels.of("__name__", "gone", "job", "a"), NOW - 30_000, StaleMarker.STALE_NAN);
        server.append(Labels.of("__name__", "aaa", "job", "z"), NOW - 1000, 7);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String match(String selector) {
        return "match[]=" + URLEncoder.encode(selector, StandardCharsets.UTF_8);
    }

    @Test
    void newestSampleInLookbackWithTimestampsAndExternalLabels() {
        HttpResponse<String> r = server.get("/federate?" + match("{job=~\"a|b|z\"}"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(r.body()).isEqualTo("""
                # TYPE aaa untyped
                aaa{job="z",region="eu"} 7 999000
                # TYPE up untyped
                up{instance="x",job="a",region="eu"} 1 985000
                up{instance="y",job="b",region="eu"} 0 980000
                """);
    }

    @Test
    void openMetricsOnRequest() {
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/federate?" + match("aaa")))
                .header("Accept", "application/openmetrics-text;version=1.0.0").GET());
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
        assertThat(r.body()).contains("aaa{job=\"z\",region=\"eu\"} 7.0 999").endsWith("# EOF\n");
    }

    @Test
    void badSelectorIs400AndNoMatchIsEmpty() {
        HttpResponse<String> bad = server.get("/federate?" + match("up{"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("parse error");
        HttpResponse<String> none = server.get("/federate");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(none.body()).isEmpty();
    }
}
