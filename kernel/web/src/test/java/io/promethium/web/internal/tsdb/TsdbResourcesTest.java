package io.promethium.web.internal.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.StorageAdmin;
import io.promethium.api.storage.StorageStats;
import io.promethium.api.storage.StoredBlock;
import io.promethium.api.storage.WalReplayProgress;
import io.promethium.web.internal.server.ApiServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TsdbResourcesTest {

    private static ApiServer server;
    private static ApiServer disabled;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> {
            w.register(new TsdbStatusResource(() -> w.server().tsdb));
            w.register(new TsdbAdminResource(() -> w.server().tsdb, () -> w.server().dir.resolve("data/snapshots"), true,
                    Clock.systemUTC()));
        });
        disabled = new ApiServer(w -> w.register(new TsdbAdminResource(() -> w.server().tsdb, () -> w.server().dir.resolve("data/snapshots"), false,
                Clock.systemUTC())));
        server.append(Labels.of("__name__", "up", "job", "a"), 1000, 1, 2000, 1);
        server.append(Labels.of("__name__", "up", "job", "b"), 1000, 1);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        disabled.close();
    }

    @Test
    void statusShowsHeadCardinality() {
        String body = server.get("/api/v1/status/tsdb").body();
        assertThat(body).startsWith("{\"status\":\"success\",\"data\":{\"headStats\":{\"numSeries\":2,");
        assertThat(body).contains("\"seriesCountByMetricName\":[{\"name\":\"up\",\"value\":2}]");
        // Promethium's addition inside headStats: the head's estimated heap by part.
        assertThat(body).containsPattern("\"memoryInBytes\":\\{\"series\":[1-9][0-9]*,\"chunks\":[0-9]+,\"postings\":[1-9][0-9]*,\"symbols\":[0-9]+,\"exemplars\":[0-9]+,\"append_buffers\":[0-9]+}");
        assertThat(server.get("/api/v1/status/tsdb?limit=0").statusCode()).isEqualTo(400);
    }

    @Test
    void statusListsTheBlocksNotServedBecauseCorruptOnlyWhenThereAreSome() throws Exception {
        assertThat(server.get("/api/v1/status/tsdb").body()).doesNotContain("corruptBlocks");
        StorageStats withCorrupt = new StorageStats(0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE, List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(new StorageStats.CorruptBlock("01JBLOCK", "missing file /data/01JBLOCK/meta.json",
                        "/data/01JBLOCK.corrupted")), List.of());
        StorageAdmin admin = standIn(withCorrupt, List.of());
        try (ApiServer corrupt = new ApiServer(w -> w.register(new TsdbStatusResource(() -> admin)))) {
            assertThat(corrupt.get("/api/v1/status/tsdb").body()).contains("\"corruptBlocks\":[{\"block\":\"01JBLOCK\","
                    + "\"reason\":\"missing file /data/01JBLOCK/meta.json\",\"path\":\"/data/01JBLOCK.corrupted\"}]");
        }
    }

    /**
     * A storage admin answering with fixed stats and blocks: the blocks' JSON is checked field by
     * field against values the TSDB's own test cannot choose (tombstones, several sources, a
     * downsampled block); {@code StatusEndpointsDataTest} checks the TSDB reports its real blocks.
     */
    private static StorageAdmin standIn(StorageStats stats, List<StoredBlock> blocks) {
        return new StorageAdmin() {
            @Override
            public void delete(List<Matcher> matchers, long minTime, long maxTime) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void cleanTombstones() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void snapshot(java.nio.file.Path dir, boolean withHead) {
                throw new UnsupportedOperationException();
            }

            @Override
            public StorageStats stats() {
                return stats;
            }

            @Override
            public List<StoredBlock> blockMetas() {
                return blocks;
            }
        };
    }

    @Test
    void blocksListsTheLoadedBlocksMetaAsPrometheusEncodesIt() throws Exception {
        assertThat(server.get("/api/v1/status/tsdb/blocks").body()).isEqualTo("{\"status\":\"success\",\"data\":{\"blocks\":[]}}");
        StorageAdmin admin = standIn(new StorageStats(0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE, List.of(), List.of(), List.of(), List.of()),
                List.of(new StoredBlock("01JRAW", 0, 7_200_000, 1440, 3, 12, 0, 2, List.of("01JA", "01JB"), 1, 0),
                        new StoredBlock("01JDOWN", 0, 7_200_000, 96, 3, 3, 2, 1, List.of(), 1, 300_000)));
        try (ApiServer withBlocks = new ApiServer(w -> w.register(new TsdbStatusResource(() -> admin)))) {
            HttpResponse<String> r = withBlocks.get("/api/v1/status/tsdb/blocks");
            assertThat(r.statusCode()).isEqualTo(200);
            // Go's encoding of tsdb.BlockMeta: zero stats and empty sources left out (omitempty).
            assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"blocks\":["
                    + "{\"ulid\":\"01JRAW\",\"minTime\":0,\"maxTime\":7200000,"
                    + "\"stats\":{\"numSamples\":1440,\"numSeries\":3,\"numChunks\":12},"
                    + "\"compaction\":{\"level\":2,\"sources\":[\"01JA\",\"01JB\"]},\"version\":1},"
                    // Promethium's addition: a downsampled block says its resolution.
                    + "{\"ulid\":\"01JDOWN\",\"minTime\":0,\"maxTime\":7200000,"
                    + "\"stats\":{\"numSamples\":96,\"numSeries\":3,\"numChunks\":3,\"numTombstones\":2},"
                    + "\"compaction\":{\"level\":1},\"version\":1,\"downsample\":{\"resolution\":300000}}]}}");
        }
    }

    @Test
    void blocksAreUnavailableWithoutAStorageAndRefusedInAgentMode() throws Exception {
        try (ApiServer none = new ApiServer(w -> w.register(new TsdbStatusResource(
                new io.promethium.web.internal.server.ServiceSlot<StorageAdmin>("storage admin"))))) {
            assertThat(none.get("/api/v1/status/tsdb/blocks").statusCode()).isEqualTo(503);
        }
        try (ApiServer agent = ApiServer.agent(w -> {
            w.register(new TsdbStatusResource(() -> w.server().tsdb));
            w.register(new WalReplayResource(() -> null));
        })) {
            HttpResponse<String> r = agent.get("/api/v1/status/tsdb/blocks");
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"unavailable with Prometheus Agent\"}");
            // Prometheus serves the WAL replay's status in agent mode too (its agent reports 0s).
            assertThat(agent.get("/api/v1/status/walreplay").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void walReplayAnswersTheStoragesSegmentsAndZerosWithoutOne() throws Exception {
        WalReplayProgress midway = () -> new WalReplayProgress.Segments(3, 7, 5);
        java.util.concurrent.atomic.AtomicReference<WalReplayProgress> slot = new java.util.concurrent.atomic.AtomicReference<>();
        try (ApiServer s = new ApiServer(w -> w.register(new WalReplayResource(slot::get)))) {
            HttpResponse<String> before = s.get("/api/v1/status/walreplay");
            assertThat(before.statusCode()).isEqualTo(200);
            assertThat(before.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"min\":0,\"max\":0,\"current\":0}}");
            slot.set(midway);
            assertThat(s.get("/api/v1/status/walreplay").body())
                    .isEqualTo("{\"status\":\"success\",\"data\":{\"min\":3,\"max\":7,\"current\":5}}");
        }
    }

    @Test
    void statusListsUsagePerRetentionRuleWhenThereAreRules() {
        assertThat(server.get("/api/v1/status/tsdb").body()).doesNotContain("retentionRules");
        server.tsdb.setRetentionRules(List.of(new io.promethium.tsdb.RetentionRule("{job=\"a\"}", List.of(Matcher.equal("job", "a")),
                java.time.Duration.ofDays(1))));
        try {
            String body = server.get("/api/v1/status/tsdb").body();
            assertThat(body).containsPattern("\"retentionRules\":\\[\\{\"selector\":\"\\{job=\\\\\"a\\\\\"}\",\"retention\":\"1d\","
                    + "\"headSeries\":1,\"blockSeries\":0,\"bytes\":[1-9][0-9]*},"
                    + "\\{\"selector\":\"\",\"retention\":\"2w1d\",\"headSeries\":1,\"blockSeries\":0,\"bytes\":[1-9][0-9]*}]");
        } finally {
            server.tsdb.setRetentionRules(List.of());
        }
    }

    @Test
    void statusListsBlocksPerResolutionWhenDownsampling() {
        assertThat(server.get("/api/v1/status/tsdb").body()).doesNotContain("resolutions");
        server.tsdb.setDownsampling(List.of(new io.promethium.tsdb.DownsamplingLevel(java.time.Duration.ofMinutes(5),
                java.time.Duration.ofHours(40), java.time.Duration.ofDays(90))));
        try {
            assertThat(server.get("/api/v1/status/tsdb").body()).contains("\"resolutions\":[{\"resolution\":\"raw\",\"blocks\":0,"
                    + "\"bytes\":0,\"retention\":\"2w1d\",\"nativeHistograms\":true},{\"resolution\":\"5m\",\"blocks\":0,"
                    + "\"bytes\":0,\"retention\":\"12w6d\",\"nativeHistograms\":true}]");
        } finally {
            server.tsdb.setDownsampling(List.of());
        }
    }

    @Test
    void adminEndpointsAreUnavailableUnlessEnabled() {
        HttpResponse<String> r = disabled.send(HttpRequest.newBuilder(disabled.uri("/api/v1/admin/tsdb/snapshot"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}");
    }

    @Test
    void deleteSeriesRemovesSamplesAndAnswersNoContent() {
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/tsdb/delete_series?match[]=up%7Bjob%3D%22b%22%7D"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(204);
        try (Querier q = server.tsdb.querier(0, 10_000)) {
            var set = q.select(true, null, List.of(Matcher.equal("job", "b")));
            boolean any = false;
            while (set.next()) {
                var it = set.at().iterator(null);
                any |= it.next();
            }
            assertThat(any).isFalse();
        }
        assertThat(server.postForm("/api/v1/admin/tsdb/delete_series", "").statusCode()).isEqualTo(400);
        assertThat(server.postForm("/api/v1/admin/tsdb/clean_tombstones", "").statusCode()).isEqualTo(204);
    }

    @Test
    void snapshotNamesItsFolder() throws Exception {
        HttpResponse<String> r = server.postForm("/api/v1/admin/tsdb/snapshot", "skip_head=false");
        assertThat(r.statusCode()).isEqualTo(200);
        String name = r.body().replaceAll(".*\"name\":\"([^\"]+)\".*", "$1");
        assertThat(name).matches("\\d{8}T\\d{6}Z-[0-9a-f]{16}");
        assertThat(Files.isDirectory(server.dir.resolve("data/snapshots").resolve(name))).isTrue();
        assertThat(server.postForm("/api/v1/admin/tsdb/snapshot", "skip_head=maybe").statusCode()).isEqualTo(400);
    }
}
