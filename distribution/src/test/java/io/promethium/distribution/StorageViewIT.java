package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The storage view against the real Prometheus as the {@code remote_read} peer: Promethium scrapes
 * itself (job {@code self}), Prometheus scrapes itself (job {@code prom}) and serves remote read.
 * The series and label endpoints of Promethium answer through the view (Prometheus's series with
 * them; labels with {@code match[]} from the remote series, without it Prometheus's own warning),
 * while {@code /federate} stays local, as Prometheus's does.
 */
class StorageViewIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PrometheusProcess prometheus;
    private static ServerProcess promethium;

    @BeforeAll
    static void start() throws Exception {
        prometheus = PrometheusProcess.start("""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: prom
                    static_configs: [{targets: ['127.0.0.1:PROMETHEUS_PORT']}]
                """);
        promethium = ServerProcess.prepare();
        promethium.config("""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: self
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                remote_read:
                  - url: http://127.0.0.1:%d/api/v1/read
                    read_recent: true
                """.formatted(promethium.port, prometheus.port)).start().awaitReady();
        promethium.await(Duration.ofSeconds(60), () -> !jobs("/api/v1/series?match[]=" + enc("up{job=\"self\"}")).isEmpty(),
                "Promethium's own scrape");
        promethium.await(Duration.ofSeconds(60), () -> !jobs("/api/v1/series?match[]=" + enc("up{job=\"prom\"}")).isEmpty(),
                "Prometheus's series through remote read");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {promethium, prometheus}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode json(String path) {
        try {
            return JSON.readTree(promethium.get(path).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code job} labels of a series answer, in order. */
    private static List<String> jobs(String path) {
        List<String> out = new ArrayList<>();
        json(path).at("/data").forEach(s -> out.add(s.path("job").asText()));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void seriesOnlyTheRemoteHasAreInTheSeriesAnswerBesideLocalOnes() {
        JsonNode r = json("/api/v1/series?match[]=up");
        assertThat(r.at("/status").asText()).isEqualTo("success");
        assertThat(jobs("/api/v1/series?match[]=up")).containsExactlyInAnyOrder("prom", "self");
        assertThat(r.has("warnings")).isFalse();
    }

    @Test
    void labelsAndLabelValuesWithMatchIncludeTheRemoteSeries() {
        // Only Prometheus has this metric: its labels reach us through the remote series alone.
        JsonNode names = json("/api/v1/labels?match[]=" + enc("prometheus_build_info{job=\"prom\"}"));
        assertThat(strings(names.at("/data"))).contains("__name__", "goversion", "instance", "job", "version");
        assertThat(names.has("warnings")).isFalse();
        JsonNode jobs = json("/api/v1/label/job/values?match[]=up");
        assertThat(strings(jobs.at("/data"))).containsExactly("prom", "self");
    }

    @Test
    void labelsWithoutMatchAnswerLocallyWithPrometheussWarningThatTheRemoteCannot() {
        JsonNode names = json("/api/v1/labels");
        assertThat(strings(names.at("/data"))).contains("__name__", "job").doesNotContain("goversion");
        assertThat(strings(names.at("/warnings"))).containsExactly("not implemented");
        JsonNode jobs = json("/api/v1/label/job/values");
        assertThat(strings(jobs.at("/data"))).containsExactly("self");
        assertThat(strings(jobs.at("/warnings"))).containsExactly("not implemented");
    }

    @Test
    void federateStaysLocal() {
        String page = promethium.get("/federate?match[]=" + enc("{__name__=\"up\"}")).body();
        assertThat(page).contains("job=\"self\"").doesNotContain("job=\"prom\"");
        // Yet a query sees both, through the same view as the series endpoint.
        JsonNode q = json("/api/v1/query?query=" + enc("count by (job) (up)"));
        List<String> queried = new ArrayList<>();
        q.at("/data/result").forEach(s -> queried.add(s.at("/metric/job").asText()));
        assertThat(queried).containsExactlyInAnyOrder("prom", "self");
    }
}
