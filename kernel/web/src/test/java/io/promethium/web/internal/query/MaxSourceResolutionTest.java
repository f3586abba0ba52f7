package io.promethium.web.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.ArraySampleIterator;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.web.internal.server.ApiServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code max_source_resolution} reaches the storage in every select's hints and the resolution the
 * storage reports comes back in the stats. The storage is a stand-in that records the hints and
 * answers one counter, reporting a 5 m resolution when the hints allow at least that (as the TSDB's
 * {@code SeriesSet.resolution()} does).
 */
class MaxSourceResolutionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<SelectHints> SEEN = new CopyOnWriteArrayList<>();
    private static ApiServer server;

    private static final Storage STAND_IN = new Storage() {
        @Override
        public Appender appender() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long startTime() {
            return 0;
        }

        @Override
        public Querier querier(long minTime, long maxTime) {
            return new Querier() {
                @Override
                public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
                    SEEN.add(hints);
                    long[] ts = new long[20];
                    double[] vs = new double[20];
                    for (int i = 0; i < ts.length; i++) {
                        ts[i] = i * 300_000L;
                        vs[i] = i * 10;
                    }
                    Series s = new Series() {
                        @Override
                        public Labels labels() {
                            return Labels.of("__name__", "c");
                        }

                        @Override
                        public SampleIterator iterator(SampleIterator reuse) {
                            return new ArraySampleIterator(ts, vs);
                        }
                    };
                    SeriesSet set = SeriesSet.ofList(List.of(s));
                    long allowed = hints.maxSourceResolution() == SelectHints.AUTO ? hints.step() / 5 : hints.maxSourceResolution();
                    long res = hints.function().equals("rate") && allowed >= 300_000 ? 300_000 : 0;
                    return SeriesSet.withResolution(set, res);
                }

                @Override
                public List<String> labelValues(String name, List<Matcher> matchers) {
                    return List.of();
                }

                @Override
                public List<String> labelNames(List<Matcher> matchers) {
                    return List.of();
                }

                @Override
                public void close() {
                }
            };
        }
    };

    @BeforeAll
    static void start() throws Exception {
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);
        server = new ApiServer(w -> new QueryResource(() -> engine, () -> STAND_IN, w.clock()).routes(1 << 16, false).forEach(w::register));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static JsonNode get(String path) throws Exception {
        SEEN.clear();
        return JSON.readTree(server.get(path).body());
    }

    private static String rangeQuery(String extra) {
        return "/api/v1/query_range?query=" + URLEncoder.encode("rate(c[30m])", StandardCharsets.UTF_8)
                + "&start=1800&end=5400&step=1800&stats=all" + extra;
    }

    @Test
    void theParameterReachesTheStorageInTheHints() throws Exception {
        for (String[] c : new String[][] {{"", "-1"}, {"&max_source_resolution=auto", "-1"}, {"&max_source_resolution=raw", "0"},
                {"&max_source_resolution=0s", "0"}, {"&max_source_resolution=5m", "300000"}, {"&max_source_resolution=1h", "3600000"}}) {
            JsonNode body = get(rangeQuery(c[0]));
            assertThat(body.at("/status").asText()).isEqualTo("success");
            assertThat(SEEN).as(c[0]).isNotEmpty().allMatch(h -> h.maxSourceResolution() == Long.parseLong(c[1]));
            assertThat(SEEN.get(0).function()).isEqualTo("rate");
            assertThat(SEEN.get(0).step()).isEqualTo(1_800_000);
            assertThat(SEEN.get(0).range()).isEqualTo(1_800_000);
        }
        get("/api/v1/query?query=" + URLEncoder.encode("rate(c[30m])", StandardCharsets.UTF_8) + "&time=3600&max_source_resolution=1h");
        assertThat(SEEN).isNotEmpty().allMatch(h -> h.maxSourceResolution() == 3_600_000);
    }

    @Test
    void theResolutionUsedIsInTheStats() throws Exception {
        assertThat(get(rangeQuery("")).at("/data/stats/resolution").asText()).as("auto, 30m step: 5m allowed").isEqualTo("5m");
        assertThat(get(rangeQuery("&max_source_resolution=raw")).at("/data/stats/resolution").asText()).isEqualTo("raw");
        assertThat(get(rangeQuery("&max_source_resolution=1m")).at("/data/stats/resolution").asText()).isEqualTo("raw");
    }

    @Test
    void aBadValueIsBadDataNamingTheParameter() throws Exception {
        for (String bad : new String[] {"fast", "-5m", "5"}) {
            JsonNode body = get(rangeQuery("&max_source_resolution=" + bad));
            if (bad.equals("5")) {
                // A bare number is seconds, as every Prometheus duration parameter.
                assertThat(body.at("/status").asText()).isEqualTo("success");
                continue;
            }
            assertThat(body.at("/errorType").asText()).as(bad).isEqualTo("bad_data");
            assertThat(body.at("/error").asText()).as(bad).contains("invalid parameter \"max_source_resolution\"");
        }
    }
}
