package io.promethium.web.internal.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.scrape.ScrapeTargets;
import io.promethium.scrape.TargetInfo;
import io.promethium.scrape.TargetMetadata;
import io.promethium.web.internal.server.ApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TargetsResourceTest {

    private static final Labels TARGET = Labels.of("job", "node", "instance", "h:9100");
    private static ApiServer server;

    /** A hand-written scrape manager with one active and one dropped target. */
    private static final class FakeTargets implements ScrapeTargets {
        @Override
        public List<TargetInfo> activeTargets() {
            return List.of(new TargetInfo(Labels.of("__address__", "h:9100", "job", "node"), TARGET, "node", "http://h:9100/metrics",
                    "http://h:9100/metrics", "", Instant.parse("2024-01-02T03:04:05.120Z"), Duration.ofMillis(1500), TargetInfo.UP,
                    Duration.ofSeconds(15), Duration.ofSeconds(10)));
        }

        @Override
        public List<TargetInfo> droppedTargets() {
            return List.of(new TargetInfo(Labels.of("__address__", "gone:1"), Labels.EMPTY, "node", "", "", "", null, null,
                    TargetInfo.UNKNOWN, Duration.ofMinutes(1), Duration.ofSeconds(10)));
        }

        @Override
        public List<TargetMetadata> targetMetadata() {
            return List.of(new TargetMetadata(TARGET, "node_cpu_seconds_total", new Metadata(MetricType.COUNTER, "CPU time.", "")),
                    new TargetMetadata(TARGET, "node_load1", new Metadata(MetricType.GAUGE, "Load.", "")));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> w.register(new TargetsResource(w.server().targets, () -> List.of("node", "api"))));
        server.targets.bind(new FakeTargets());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void targetsListsActiveAndDroppedAsPrometheus() {
        assertThat(server.get("/api/v1/targets").body()).isEqualTo("{\"status\":\"success\",\"data\":{\"activeTargets\":[{"
                + "\"discoveredLabels\":{\"__address__\":\"h:9100\",\"job\":\"node\"},\"labels\":{\"instance\":\"h:9100\",\"job\":\"node\"},"
                + "\"scrapePool\":\"node\",\"scrapeUrl\":\"http://h:9100/metrics\",\"globalUrl\":\"http://h:9100/metrics\",\"lastError\":\"\","
                + "\"lastScrape\":\"2024-01-02T03:04:05.12Z\",\"lastScrapeDuration\":1.5,\"health\":\"up\",\"scrapeInterval\":\"15s\","
                + "\"scrapeTimeout\":\"10s\"}],\"droppedTargets\":[{\"discoveredLabels\":{\"__address__\":\"gone:1\"},\"scrapePool\":\"node\"}],"
                + "\"droppedTargetCounts\":{\"node\":1}}}");
    }

    @Test
    void stateFiltersTargets() {
        assertThat(server.get("/api/v1/targets?state=active").body()).contains("\"droppedTargets\":[]").contains("h:9100");
        assertThat(server.get("/api/v1/targets?state=Dropped").body()).contains("\"activeTargets\":[]").contains("gone:1");
    }

    @Test
    void scrapePoolsAreListedAndFilterTargets() {
        assertThat(server.get("/api/v1/scrape_pools").body())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"scrapePools\":[\"api\",\"node\"]}}");
        assertThat(server.get("/api/v1/targets?scrapePool=api").body()).contains("\"activeTargets\":[]").contains("\"droppedTargets\":[]");
        assertThat(server.get("/api/v1/targets?scrapePool=node").body()).contains("h:9100").contains("gone:1");
    }

    @Test
    void targetMetadataFiltersByTargetAndMetric() {
        assertThat(server.get("/api/v1/targets/metadata?match_target=%7Bjob%3D%22node%22%7D&metric=node_load1").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[{\"target\":{\"instance\":\"h:9100\",\"job\":\"node\"},"
                        + "\"type\":\"gauge\",\"help\":\"Load.\",\"unit\":\"\"}]}");
        assertThat(server.get("/api/v1/targets/metadata?match_target=%7Bjob%3D%22x%22%7D").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(server.get("/api/v1/targets/metadata?limit=x").statusCode()).isEqualTo(400);
        assertThat(server.get("/api/v1/targets/metadata?match_target=%7B").statusCode()).isEqualTo(400);
    }

    @Test
    void metadataGroupsByMetric() {
        assertThat(server.get("/api/v1/metadata?metric=node_load1").body())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"node_load1\":[{\"type\":\"gauge\",\"help\":\"Load.\",\"unit\":\"\"}]}}");
        assertThat(server.get("/api/v1/metadata?limit=1").body()).contains("node_cpu_seconds_total").doesNotContain("node_load1");
        assertThat(server.get("/api/v1/metadata?limit=abc").body()).contains("limit must be a number");
    }

    @Test
    void missingScrapeManagerIsUnavailable() {
        ScrapeTargets t = server.targets.orNull();
        server.targets.unbind(t);
        try {
            assertThat(server.get("/api/v1/targets").statusCode()).isEqualTo(503);
        } finally {
            server.targets.bind(t);
        }
    }
}
