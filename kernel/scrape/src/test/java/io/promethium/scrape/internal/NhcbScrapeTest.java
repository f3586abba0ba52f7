package io.promethium.scrape.internal;

import static io.promethium.testsupport.ProtoWriter.label;
import static io.promethium.testsupport.ProtoWriter.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.config.model.HistogramScrapeSettings;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.exposition.HistogramOptions;
import io.promethium.testsupport.ProtoWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code convert_classic_histograms_to_nhcb}: classic histograms stored as native histograms with custom buckets. */
class NhcbScrapeTest {
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static final String PAGE = """
            # HELP rpc_seconds RPC latency.
            # TYPE rpc_seconds histogram
            rpc_seconds_bucket{method="get",le="0.1"} 3
            rpc_seconds_bucket{method="get",le="1"} 5
            rpc_seconds_bucket{method="get",le="+Inf"} 6
            rpc_seconds_sum{method="get"} 4.5
            rpc_seconds_count{method="get"} 6
            rpc_seconds_bucket{method="put",le="0.1"} 0
            rpc_seconds_bucket{method="put",le="1"} 1
            rpc_seconds_bucket{method="put",le="+Inf"} 1
            rpc_seconds_sum{method="put"} 0.5
            rpc_seconds_count{method="put"} 1
            # TYPE queue_length summary
            queue_length{quantile="0.5"} 2
            queue_length_sum 3
            queue_length_count 3
            # TYPE up_time gauge
            up_time 7
            """;

    private final TestServer server;
    private final MemoryStorage storage = new MemoryStorage();

    NhcbScrapeTest() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ScrapeLoop loop(boolean nativeHistograms, boolean alwaysClassic) throws Exception {
        return loop(nativeHistograms, alwaysClassic, storage);
    }

    private ScrapeLoop loop(boolean nativeHistograms, boolean alwaysClassic, io.promethium.api.storage.Storage into) throws Exception {
        ScrapeConfig config = Configs.withHistograms(Configs.withTiming(Configs.job("api"), Duration.ofSeconds(10), Duration.ofSeconds(2)),
                new HistogramScrapeSettings(nativeHistograms, alwaysClassic, 0, 0, true));
        HistogramOptions options = new HistogramOptions(nativeHistograms, !nativeHistograms || alwaysClassic, 0, 0);
        return NativeHistogramScrapeTest.loop(server, config, options, into);
    }

    private Labels series(String name, String... labels) {
        Labels.Builder b = Labels.builder().set("__name__", name).set("job", "api").set("instance", server.address());
        for (int i = 0; i < labels.length; i += 2) {
            b.set(labels[i], labels[i + 1]);
        }
        return b.build();
    }

    private MemoryStorage.HistogramSample histogram(Labels labels) {
        return storage.histograms.stream().filter(h -> h.labels().equals(labels)).reduce((a, b) -> b).orElse(null);
    }

    private static FloatHistogram asFloat(Object h) {
        return h instanceof Histogram i ? i.toFloat() : (FloatHistogram) h;
    }

    @Test
    void classicHistogramsOfATextPageBecomeNativeHistogramsWithCustomBuckets() throws Exception {
        server.page(TEXT, PAGE);
        ScrapeLoop loop = loop(false, false);
        loop.scrapeOnce(1000);
        assertThat(loop.info().lastError()).isEmpty();
        MemoryStorage.HistogramSample get = histogram(series("rpc_seconds", "method", "get"));
        assertThat(get).isNotNull();
        assertThat(get.timestamp()).isEqualTo(1000);
        Histogram h = (Histogram) get.histogram();
        assertThat(h.schema()).isEqualTo(Histogram.CUSTOM_BUCKETS_SCHEMA);
        assertThat(h.customValues()).containsExactly(0.1, 1.0);
        assertThat(h.count()).isEqualTo(6);
        assertThat(h.sum()).isEqualTo(4.5);
        assertThat(h.toFloat().positiveBuckets()).containsExactly(3.0, 2.0, 1.0);
        assertThat(asFloat(histogram(series("rpc_seconds", "method", "put")).histogram()).positiveBuckets()).containsExactly(0.0, 1.0, 0.0);
        // The classic series are gone (always_scrape_classic_histograms off); the rest of the page is untouched.
        assertThat(storage.valueAt(series("rpc_seconds_bucket", "method", "get", "le", "0.1"), 1000)).isNull();
        assertThat(storage.valueAt(series("rpc_seconds_count", "method", "get"), 1000)).isNull();
        assertThat(storage.valueAt(series("queue_length_count"), 1000)).as("summaries stay as they are").isEqualTo(3.0);
        assertThat(storage.valueAt(series("up_time"), 1000)).isEqualTo(7.0);
        assertThat(storage.histograms).hasSize(2);
        assertThat(storage.metadata.get(get.labels()).type()).isEqualTo(MetricType.HISTOGRAM);
        // The next scrape hits the series cache with the same identity and stores the next histogram.
        server.page(TEXT, PAGE.replace("rpc_seconds_count{method=\"get\"} 6", "rpc_seconds_count{method=\"get\"} 6"));
        loop.scrapeOnce(2000);
        assertThat(histogram(series("rpc_seconds", "method", "get")).timestamp()).isEqualTo(2000);
        assertThat(storage.histograms).hasSize(4);
    }

    @Test
    void alwaysScrapeClassicHistogramsKeepsTheClassicSeriesToo() throws Exception {
        server.page(TEXT, PAGE);
        loop(false, true).scrapeOnce(1000);
        assertThat(histogram(series("rpc_seconds", "method", "get"))).isNotNull();
        assertThat(histogram(series("rpc_seconds", "method", "put"))).isNotNull();
        assertThat(storage.valueAt(series("rpc_seconds_bucket", "method", "get", "le", "0.1"), 1000)).isEqualTo(3.0);
        assertThat(storage.valueAt(series("rpc_seconds_count", "method", "put"), 1000)).isEqualTo(1.0);
        assertThat(storage.valueAt(series("rpc_seconds_sum", "method", "get"), 1000)).isEqualTo(4.5);
    }

    @Test
    void openMetricsExemplarsAndFloatCountsAreCarried() throws Exception {
        server.page(OPENMETRICS, """
                # TYPE lat histogram
                lat_bucket{le="0.5"} 1.5 # {trace_id="abc"} 0.3 123.0
                lat_bucket{le="+Inf"} 2.5
                lat_count 2.5
                lat_sum 1.25
                lat_created 100.0
                # TYPE queue gaugehistogram
                queue_bucket{le="10"} 2
                queue_bucket{le="+Inf"} 3
                queue_gcount 3
                queue_gsum 12
                # EOF
                """);
        loop(false, false).scrapeOnce(1000);
        MemoryStorage.HistogramSample s = histogram(series("lat"));
        assertThat(s.histogram()).isInstanceOf(FloatHistogram.class);
        FloatHistogram f = (FloatHistogram) s.histogram();
        assertThat(f.positiveBuckets()).containsExactly(1.5, 1.0);
        assertThat(f.count()).isEqualTo(2.5);
        assertThat(storage.exemplars).hasSize(1);
        assertThat(storage.exemplars.get(0).labels()).isEqualTo(Labels.of("trace_id", "abc"));
        assertThat(storage.histograms).as("gauge histograms stay classic").hasSize(1);
        assertThat(storage.valueAt(series("queue_bucket", "le", "10"), 1000)).isEqualTo(2.0);
    }

    private static byte[] protoPage(boolean withNativeBuckets) {
        ProtoWriter h = new ProtoWriter().varint(1, 4).dbl(2, 6)
                .message(3, new ProtoWriter().varint(1, 3).dbl(2, 0.1))
                .message(3, new ProtoWriter().varint(1, 4).dbl(2, 1));
        if (withNativeBuckets) {
            h.sint(5, 0).dbl(6, 0.001).varint(7, 0).message(12, span(0, 1)).packedSint(13, 4);
        }
        return new ProtoWriter().string(1, "pb_seconds").string(2, "Protobuf latency.").varint(3, 4)
                .message(4, new ProtoWriter().message(1, label("method", "get")).message(7, h))
                .delimited();
    }

    @Test
    void classicProtobufHistogramsAreConverted() throws Exception {
        server.page(NativeHistogramScrapeTest.PROTO, protoPage(false));
        ScrapeLoop loop = loop(true, false);
        loop.scrapeOnce(1000);
        assertThat(loop.info().lastError()).isEmpty();
        FloatHistogram f = asFloat(histogram(series("pb_seconds", "method", "get")).histogram());
        assertThat(f.customValues()).containsExactly(0.1, 1.0);
        assertThat(f.positiveBuckets()).containsExactly(3.0, 1.0, 0.0);
        assertThat(f.count()).isEqualTo(4);
        assertThat(f.sum()).isEqualTo(6);
        assertThat(storage.valueAt(series("pb_seconds_count", "method", "get"), 1000)).isNull();
    }

    @Test
    void aFamilyExposedAsANativeHistogramIsNotConvertedAgain() throws Exception {
        server.page(NativeHistogramScrapeTest.PROTO, protoPage(true));
        loop(true, true).scrapeOnce(1000);
        List<MemoryStorage.HistogramSample> all = storage.histograms;
        assertThat(all).hasSize(1);
        assertThat(((Histogram) all.get(0).histogram()).schema()).isZero();
        assertThat(storage.valueAt(series("pb_seconds_bucket", "method", "get", "le", "0.1"), 1000)).isEqualTo(3.0);
    }

    /**
     * Scraped into the real TSDB every 15 s for 5 minutes, with the classic series kept too:
     * {@code histogram_quantile} over the converted histograms answers what it answers over the
     * classic buckets (linear interpolation within custom buckets, as Prometheus).
     */
    @Test
    void histogramQuantileOverConvertedHistogramsMatchesTheClassicBuckets(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (io.promethium.tsdb.Tsdb tsdb = io.promethium.tsdb.Tsdb.open(io.promethium.tsdb.TsdbOptions.defaults(dir))) {
            ScrapeLoop loop = loop(false, true, tsdb);
            for (int i = 0; i <= 20; i++) {
                server.page(TEXT, """
                        # TYPE rpc_seconds histogram
                        rpc_seconds_bucket{method="get",le="0.1"} %d
                        rpc_seconds_bucket{method="get",le="1"} %d
                        rpc_seconds_bucket{method="get",le="+Inf"} %d
                        rpc_seconds_sum{method="get"} %d
                        rpc_seconds_count{method="get"} %d
                        """.formatted(3 * i, 5 * i, 6 * i, 2 * i, 6 * i));
                loop.scrapeOnce(i * 15_000L);
                assertThat(loop.info().lastError()).isEmpty();
            }
            io.promethium.promql.engine.QueryEngine engine = io.promethium.promql.engine.QueryEngine.create(
                    io.promethium.promql.engine.EngineOptions.DEFAULTS);
            double nhcb = only(engine.instantQuery(tsdb, "histogram_quantile(0.6, rate(rpc_seconds[5m]))", 300_000));
            double classic = only(engine.instantQuery(tsdb, "histogram_quantile(0.6, rate(rpc_seconds_bucket[5m]))", 300_000));
            // Rank 0.6 x 6 = 3.6 falls 0.3 of the way into (0.1, 1]: 0.1 + 0.9 x 0.3.
            assertThat(nhcb).isCloseTo(0.37, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(classic).isCloseTo(nhcb, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(only(engine.instantQuery(tsdb, "histogram_count(rate(rpc_seconds[5m]))", 300_000)))
                    .isCloseTo(6.0 / 15, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    private static double only(io.promethium.promql.engine.QueryResult result) {
        List<io.promethium.promql.engine.Sample> samples = ((io.promethium.promql.engine.InstantVector) result.value()).samples();
        assertThat(samples).hasSize(1);
        assertThat(samples.get(0).labels().get("method")).isEqualTo("get");
        return samples.get(0).v();
    }
}
