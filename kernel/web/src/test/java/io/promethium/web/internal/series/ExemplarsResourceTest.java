package io.promethium.web.internal.series;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.ExemplarQueryable;
import io.promethium.api.storage.ExemplarQueryable.SeriesExemplars;
import io.promethium.web.internal.server.ApiServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExemplarsResourceTest {

    private static final List<String> asked = new CopyOnWriteArrayList<>();
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        Labels series = Labels.of("__name__", "rpc_latency_seconds", "job", "api");
        ExemplarQueryable store = (start, end, matcherSets) -> {
            asked.add(start + ".." + end + " " + matcherSets.stream().map(set -> set.stream().map(Matcher::toString).sorted().toList()).toList());
            return List.of(new SeriesExemplars(series, List.of(new Exemplar(Labels.of("trace_id", "abc"), 0.25, 1_600_000_000_123L, true))));
        };
        server = new ApiServer(w -> w.register(new ExemplarsResource(() -> store)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void exemplarsOfEverySelectorComeBackAsPrometheusWritesThem() {
        String query = URLEncoder.encode("rate(rpc_latency_seconds{job=\"api\"}[5m]) / on() other", StandardCharsets.UTF_8);
        String body = server.get("/api/v1/query_exemplars?query=" + query + "&start=1600000000&end=1600000100").body();
        assertThat(body).isEqualTo("{\"status\":\"success\",\"data\":[{\"seriesLabels\":{\"__name__\":\"rpc_latency_seconds\",\"job\":\"api\"},"
                + "\"exemplars\":[{\"labels\":{\"trace_id\":\"abc\"},\"value\":\"0.25\",\"timestamp\":1600000000.123}]}]}");
        assertThat(asked.getLast()).startsWith("1600000000000..1600000100000 [[").contains("job").contains("other");
    }
}
