package io.promethium.scrape.internal;

import static io.promethium.testsupport.ProtoWriter.exemplar;
import static io.promethium.testsupport.ProtoWriter.label;
import static io.promethium.testsupport.ProtoWriter.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.config.model.HistogramScrapeSettings;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.relabel.Relabeler;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.exposition.HistogramOptions;
import io.promethium.testsupport.ProtoWriter;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NativeHistogramScrapeTest {
    static final String PROTO = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    private final TestServer server;
    private final MemoryStorage storage = new MemoryStorage();

    NativeHistogramScrapeTest() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ScrapeLoop loop(ScrapeConfig config, HistogramOptions options) throws Exception {
        return loop(server, config, options, storage);
    }

    /** A loop scraping {@code server} with the histogram options into {@code storage} (shared with the NHCB tests). */
    static ScrapeLoop loop(TestServer server, ScrapeConfig config, HistogramOptions options, io.promethium.api.storage.Storage storage)
            throws Exception {
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", server.address()), Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        ScrapeTarget target = new ScrapeTarget(config.jobName(), result.discovered(), result.labels(),
                TargetBuilder.publicLabels(result.labels()), url);
        LoopSettings settings = new LoopSettings.Base(config, Relabeler.NONE, null, options)
                .forTarget(config.scrapeInterval(), config.scrapeTimeout());
        PageFetcher scraper = new HttpClientShards(config.httpClient(), null).fetcher(0, url, config.scrapeTimeout(),
                config.limits().bodySizeLimit(), ExpositionFormats.acceptHeader(ScrapePool.protocols(config, options.nativeHistograms())),
                config.enableCompression());
        return new ScrapeLoop(target, settings, scraper, () -> storage, new ScrapeMetrics(), null);
    }

    private static byte[] page(long count) {
        return new ProtoWriter().string(1, "rpc_latency_seconds").string(2, "RPC latency.").varint(3, 4)
                .message(4, new ProtoWriter().message(1, label("method", "get"))
                        .message(7, new ProtoWriter().varint(1, count).dbl(2, 1.5 * count)
                                .message(3, new ProtoWriter().varint(1, count).dbl(2, 1))
                                .sint(5, 1).dbl(6, 0.001).varint(7, 0)
                                .message(12, span(0, 1)).packedSint(13, count)
                                .message(16, exemplar("abc", 0.9, 1_700_000_000, 0))))
                .delimited();
    }

    @Test
    void nativeHistogramsAreScrapedAsProtobufAndStoredWithExemplarsAndMetadata() throws Exception {
        ScrapeConfig config = Configs.withHistograms(Configs.withTiming(Configs.job("api"), Duration.ofSeconds(10), Duration.ofSeconds(2)),
                new HistogramScrapeSettings(true, false, 0, 0));
        server.page(PROTO, page(3));
        ScrapeLoop loop = loop(config, new HistogramOptions(true, false, 0, 0));
        loop.scrapeOnce(1000);
        assertThat(server.lastAccept).startsWith("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.");
        assertThat(storage.histograms).hasSize(1);
        MemoryStorage.HistogramSample h = storage.histograms.get(0);
        assertThat(h.labels().get("__name__")).isEqualTo("rpc_latency_seconds");
        assertThat(h.labels().get("method")).isEqualTo("get");
        assertThat(h.timestamp()).isEqualTo(1000);
        assertThat(((Histogram) h.histogram()).count()).isEqualTo(3);
        assertThat(storage.exemplars).hasSize(1);
        assertThat(storage.exemplars.get(0).timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(storage.metadata.get(h.labels()).type()).isEqualTo(MetricType.HISTOGRAM);
        assertThat(storage.valueAt(Labels.of("__name__", "rpc_latency_seconds_count", "instance", server.address(), "job", "api"), 1000))
                .as("no classic series without always_scrape_classic_histograms").isNull();
        assertThat(loop.info().lastError()).isEmpty();
    }

    @Test
    void withoutNativeHistogramsTheClassicSeriesAreStored() throws Exception {
        ScrapeConfig config = Configs.withTiming(Configs.job("api"), Duration.ofSeconds(10), Duration.ofSeconds(2));
        server.page(PROTO, page(5));
        ScrapeLoop loop = loop(config, HistogramOptions.CLASSIC);
        loop.scrapeOnce(1000);
        assertThat(server.lastAccept).doesNotContain("protobuf");
        assertThat(storage.histograms).isEmpty();
        Labels bucket = Labels.of("__name__", "rpc_latency_seconds_bucket", "instance", server.address(), "job", "api", "le", "1.0",
                "method", "get");
        assertThat(storage.valueAt(bucket, 1000)).isEqualTo(5.0);
    }
}
