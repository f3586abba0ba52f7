package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API while the storage bundle is stopped and started again in the running server: queries
 * and remote writes answer {@code unavailable} (503) instead of failing, everything else keeps
 * serving, and once the bundle is back the acknowledged samples are there (WAL replay).
 */
class StorageHotSwapIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void apiAnswersUnavailableWhileTheStorageIsAwayAndResumes() throws Exception {
        try (ServerProcess server = ServerProcess.prepare().config("global:\n  scrape_interval: 1h\n")
                .start("--web.enable-admin-api", "--web.enable-remote-write-receiver").awaitReady()) {
            long t = System.currentTimeMillis() - 5_000;
            var series = List.of(new RemoteWriteClient.TimeSeries(Map.of("__name__", "swap_test", "job", "x"),
                    new long[] {t}, new double[] {42}));
            assertThat(RemoteWriteClient.send(server.uri("/api/v1/write"), series).statusCode()).isEqualTo(204);
            String query = "/api/v1/query?query=swap_test&time=" + t / 1000.0;
            assertThat(server.get(query).body()).contains("\"42\"");

            long tsdb = -1;
            for (JsonNode bundle : JSON.readTree(server.get("/api/v1/admin/plugins").body()).path("data")) {
                if (bundle.path("symbolicName").asText().contains("tsdb")) {
                    tsdb = bundle.path("id").asLong();
                }
            }
            assertThat(tsdb).isPositive();
            assertThat(server.post("/api/v1/admin/plugins/" + tsdb + "/stop").statusCode()).isEqualTo(200);

            HttpResponse<String> away = server.get(query);
            assertThat(away.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(away.body()).path("errorType").asText()).isEqualTo("unavailable");
            HttpResponse<String> write = RemoteWriteClient.send(server.uri("/api/v1/write"), series);
            assertThat(write.statusCode()).as(write.body()).isEqualTo(503);
            assertThat(server.get("/api/v1/series?match[]=swap_test").statusCode()).isEqualTo(503);
            assertThat(server.get("/api/v1/status/buildinfo").statusCode()).isEqualTo(200);
            assertThat(server.get("/-/healthy").statusCode()).isEqualTo(200);

            assertThat(server.post("/api/v1/admin/plugins/" + tsdb + "/start").statusCode()).isEqualTo(200);
            server.await(Duration.ofSeconds(30), () -> server.get(query).body().contains("\"42\""), "the sample back after restart");
        }
    }
}
