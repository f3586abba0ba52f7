package io.promethium.web.internal.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.RelabelConfig;
import io.promethium.scrape.ScrapeTargets;
import io.promethium.scrape.TargetInfo;
import io.promethium.api.storage.Appender;
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
    private static final FakeTargets TARGETS = new FakeTargets();

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

        /** Pools waiting for a discovery plugin. */
        volatile java.util.Map<String, java.util.Set<String>> waiting = java.util.Map.of();

        @Override
        public java.util.Map<String, java.util.Set<String>> waitingPools() {
            return waiting;
        }

        /** The counter's family as the target's page named it: text format by default. */
        volatile String counterFamily = "node_cpu_seconds_total";

        /** Prometheus's documented example: an env label set, then localhost targets dropped. */
        @Override
        public java.util.Optional<List<RelabelConfig>> relabelConfigs(String pool) {
            if (!pool.equals("node")) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(List.of(
                    new RelabelConfig(List.of(), ";", "(.*)", RelabelConfig.compile("(.*)"), 0, "env", "development", RelabelAction.REPLACE),
                    new RelabelConfig(List.of("__address__"), ";", "localhost:.*", RelabelConfig.compile("localhost:.*"), 0, "", "$1",
                            RelabelAction.DROP)));
        }

        @Override
        public List<TargetMetadata> targetMetadata() {
            return List.of(new TargetMetadata(TARGET, counterFamily, new Metadata(MetricType.COUNTER, "CPU time.", "")),
                    new TargetMetadata(TARGET, "node_load1", new Metadata(MetricType.GAUGE, "Load.", "")));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> w.register(new TargetsResource(w.server().targets, () -> List.of("node", "api"), () -> w.server().tsdb)));
        server.targets.bind(TARGETS);
        // What the scrape of the target stored: metadata per series, the histogram's on each of its series.
        Appender a = server.tsdb.appender();
        Metadata cpu = new Metadata(MetricType.COUNTER, "CPU time.", "");
        Metadata load = new Metadata(MetricType.GAUGE, "Load.", "");
        Metadata latency = new Metadata(MetricType.HISTOGRAM, "Latency.", "seconds");
        for (String[] s : new String[][] {{"node_cpu_seconds_total", "cpu", "0"}, {"node_cpu_seconds_total", "cpu", "1"}}) {
            Labels l = TARGET.toBuilder().set("__name__", s[0]).set(s[1], s[2]).build();
            a.updateMetadata(a.append(0, l, 1000, 1), l, cpu);
        }
        Labels l1 = TARGET.toBuilder().set("__name__", "node_load1").build();
        a.updateMetadata(a.append(0, l1, 1000, 1), l1, load);
        for (String name : new String[] {"api_latency_seconds_bucket", "api_latency_seconds_sum", "api_latency_seconds_count"}) {
            Labels l = Labels.of("__name__", name, "job", "api", "instance", "a:80");
            a.updateMetadata(a.append(0, l, 1000, 1), l, latency);
        }
        // Another target of the same family with a different help: both are listed under the family.
        Labels other = Labels.of("__name__", "node_load1", "job", "node", "instance", "other:9100");
        a.updateMetadata(a.append(0, other, 1000, 1), other, new Metadata(MetricType.GAUGE, "1m load average.", ""));
        a.commit();
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
    void aPoolWaitingForADiscoveryPluginIsListedWithWhatItWaitsFor() {
        TARGETS.waiting = java.util.Map.of("cmdb-hosts", java.util.Set.of("cmdb"));
        try {
            assertThat(server.get("/api/v1/targets").body()).contains("\"waitingScrapePools\":[{\"scrapePool\":\"cmdb-hosts\","
                    + "\"plugin\":\"cmdb\",\"key\":\"cmdb_sd_configs\",\"message\":\"waiting for plugin `cmdb`\"}]");
            assertThat(server.get("/api/v1/targets?scrapePool=node").body()).doesNotContain("waitingScrapePools");
        } finally {
            TARGETS.waiting = java.util.Map.of();
        }
    }

    /** The example of Prometheus 3's API documentation, in Go's field order. */
    @Test
    void relabelStepsReplayThePoolsRulesOneByOne() {
        String labels = java.net.URLEncoder.encode("{\"__address__\":\"localhost:9090\",\"job\":\"prometheus\"}",
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(server.get("/api/v1/targets/relabel_steps?scrapePool=node&labels=" + labels).body()).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"steps\":["
                + "{\"rule\":{\"separator\":\";\",\"regex\":\"(.*)\",\"target_label\":\"env\",\"replacement\":\"development\","
                + "\"action\":\"replace\"},\"output\":{\"__address__\":\"localhost:9090\",\"env\":\"development\",\"job\":\"prometheus\"},"
                + "\"keep\":true},"
                + "{\"rule\":{\"source_labels\":[\"__address__\"],\"separator\":\";\",\"regex\":\"localhost:.*\",\"replacement\":\"$1\","
                + "\"action\":\"drop\"},\"output\":{},\"keep\":false}]}}");
    }

    @Test
    void relabelStepsNameAMissingParameterABadLabelSetOrAnUnknownPool() {
        assertThat(server.get("/api/v1/targets/relabel_steps?labels=%7B%7D").body()).contains("\"errorType\":\"bad_data\"")
                .contains("no scrapePool parameter provided");
        assertThat(server.get("/api/v1/targets/relabel_steps?scrapePool=node").body()).contains("no labels parameter provided");
        assertThat(server.get("/api/v1/targets/relabel_steps?scrapePool=node&labels=%7Bx").body()).contains("error parsing labels: ");
        assertThat(server.get("/api/v1/targets/relabel_steps?scrapePool=nope&labels=%7B%7D").body())
                .contains("error retrieving scrape config: scrape pool \\\"nope\\\" not found");
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
    void targetMetadataListsTheStoredFamiliesOfEachActiveTarget() {
        assertThat(server.get("/api/v1/targets/metadata").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[{\"target\":{\"instance\":\"h:9100\",\"job\":\"node\"},"
                        + "\"metric\":\"node_cpu_seconds_total\",\"type\":\"counter\",\"help\":\"CPU time.\",\"unit\":\"\"},"
                        + "{\"target\":{\"instance\":\"h:9100\",\"job\":\"node\"},"
                        + "\"metric\":\"node_load1\",\"type\":\"gauge\",\"help\":\"Load.\",\"unit\":\"\"}]}");
    }

    @Test
    void targetMetadataFiltersByTargetAndMetric() {
        assertThat(server.get("/api/v1/targets/metadata?match_target=%7Bjob%3D%22node%22%7D&metric=node_load1").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[{\"target\":{\"instance\":\"h:9100\",\"job\":\"node\"},"
                        + "\"type\":\"gauge\",\"help\":\"Load.\",\"unit\":\"\"}]}");
        assertThat(server.get("/api/v1/targets/metadata?metric=node_cpu_seconds").body()).contains("CPU time.");
        assertThat(server.get("/api/v1/targets/metadata?match_target=%7Bjob%3D%22x%22%7D").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(server.get("/api/v1/targets/metadata?limit=0").body()).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(server.get("/api/v1/targets/metadata?limit=x").statusCode()).isEqualTo(400);
        assertThat(server.get("/api/v1/targets/metadata?match_target=%7B").statusCode()).isEqualTo(400);
    }

    @Test
    void metadataGroupsStoredSeriesByFamily() {
        assertThat(server.get("/api/v1/metadata").body()).isEqualTo("{\"status\":\"success\",\"data\":{"
                + "\"api_latency_seconds\":[{\"type\":\"histogram\",\"help\":\"Latency.\",\"unit\":\"seconds\"}],"
                + "\"node_cpu_seconds_total\":[{\"type\":\"counter\",\"help\":\"CPU time.\",\"unit\":\"\"}],"
                + "\"node_load1\":[{\"type\":\"gauge\",\"help\":\"Load.\",\"unit\":\"\"},"
                + "{\"type\":\"gauge\",\"help\":\"1m load average.\",\"unit\":\"\"}]}}");
    }

    @Test
    void afterARestartBeforeAnyScrapeAnOpenMetricsCounterIsListedUnderItsStoredFamilyName() throws Exception {
        // No target active (none bound), as right after a restart: only the stored metadata knows the family.
        try (ApiServer restarted = new ApiServer(w -> w.register(new TargetsResource(w.server().targets, List::of, () -> w.server().tsdb)))) {
            Appender a = restarted.tsdb.appender();
            Labels om = Labels.of("__name__", "jobs_done_total", "job", "batch", "instance", "b:80");
            a.updateMetadata(a.append(0, om, 1000, 1), om, new Metadata(MetricType.COUNTER, "Jobs done.", "", "jobs_done"));
            Labels text = Labels.of("__name__", "requests_total", "job", "batch", "instance", "b:80");
            a.updateMetadata(a.append(0, text, 1000, 1), text, new Metadata(MetricType.COUNTER, "Requests.", "", "requests_total"));
            a.commit();
            assertThat(restarted.get("/api/v1/metadata").body()).isEqualTo("{\"status\":\"success\",\"data\":{"
                    + "\"jobs_done\":[{\"type\":\"counter\",\"help\":\"Jobs done.\",\"unit\":\"\"}],"
                    + "\"requests_total\":[{\"type\":\"counter\",\"help\":\"Requests.\",\"unit\":\"\"}]}}");
        }
    }

    @Test
    void metadataParametersAsPrometheus() {
        assertThat(server.get("/api/v1/metadata?metric=node_load1").body()).isEqualTo("{\"status\":\"success\",\"data\":{\"node_load1\":["
                + "{\"type\":\"gauge\",\"help\":\"Load.\",\"unit\":\"\"},{\"type\":\"gauge\",\"help\":\"1m load average.\",\"unit\":\"\"}]}}");
        assertThat(server.get("/api/v1/metadata?metric=node_load1&limit_per_metric=1").body())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"node_load1\":[{\"type\":\"gauge\",\"help\":\"Load.\",\"unit\":\"\"}]}}");
        // A counter is found by its OpenMetrics family name too, answered under the name asked for.
        assertThat(server.get("/api/v1/metadata?metric=node_cpu_seconds").body()).contains("{\"node_cpu_seconds\":[{\"type\":\"counter\"");
        assertThat(server.get("/api/v1/metadata?metric=nope").body()).isEqualTo("{\"status\":\"success\",\"data\":{}}");
        assertThat(server.get("/api/v1/metadata?limit=1").body()).contains("api_latency_seconds").doesNotContain("node_load1");
        assertThat(server.get("/api/v1/metadata?limit=0").body()).isEqualTo("{\"status\":\"success\",\"data\":{}}");
        assertThat(server.get("/api/v1/metadata?limit=abc").body()).contains("limit must be a number");
        assertThat(server.get("/api/v1/metadata?limit_per_metric=abc").body()).contains("limit_per_metric must be a number");
    }

    @Test
    void anOpenMetricsCounterIsListedByItsFamilyNameAsTheTargetExposedIt() {
        FakeTargets t = (FakeTargets) server.targets.orNull();
        t.counterFamily = "node_cpu_seconds"; // # TYPE node_cpu_seconds counter, samples node_cpu_seconds_total
        try {
            assertThat(server.get("/api/v1/metadata").body()).contains("\"node_cpu_seconds\":[{\"type\":\"counter\"")
                    .doesNotContain("node_cpu_seconds_total");
            assertThat(server.get("/api/v1/targets/metadata").body()).contains("\"metric\":\"node_cpu_seconds\",\"type\":\"counter\"")
                    .doesNotContain("node_cpu_seconds_total");
            assertThat(server.get("/api/v1/targets/metadata?metric=node_cpu_seconds").body()).contains("CPU time.");
            assertThat(server.get("/api/v1/metadata?metric=node_cpu_seconds_total").body())
                    .contains("{\"node_cpu_seconds_total\":[{\"type\":\"counter\"");
            // Without a scrape manager the stored series' name stands.
            server.targets.unbind(t);
            assertThat(server.get("/api/v1/metadata").body()).contains("\"node_cpu_seconds_total\":[{\"type\":\"counter\"");
        } finally {
            if (server.targets.orNull() == null) {
                server.targets.bind(t);
            }
            t.counterFamily = "node_cpu_seconds_total";
        }
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
