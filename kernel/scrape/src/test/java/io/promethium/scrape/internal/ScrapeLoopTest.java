package io.promethium.scrape.internal;

import static io.promethium.scrape.internal.Configs.relabel;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.model.StaleMarker;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.ScrapeLimits;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.exposition.HistogramOptions;
import io.promethium.scrape.TargetInfo;
import io.promethium.config.relabel.Relabeler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScrapeLoopTest {

    private final TestServer server;
    private final MemoryStorage storage = new MemoryStorage();
    private final ScrapeMetrics metrics = new ScrapeMetrics();
    /** Where the loops built here find their storage. */
    private java.util.function.Supplier<io.promethium.api.storage.Storage> storages = () -> storage;

    ScrapeLoopTest() throws IOException {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ScrapeConfig job() {
        return Configs.withTiming(Configs.job("test"), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    private ScrapeLoop loop(ScrapeConfig config) throws Exception {
        return loop(config, null);
    }

    private ScrapeLoop loop(ScrapeConfig config, io.promethium.exposition.ExpositionFormat fallback) throws Exception {
        return loop(config, fallback, false);
    }

    private ScrapeLoop loop(ScrapeConfig config, io.promethium.exposition.ExpositionFormat fallback, boolean typeAndUnitLabels)
            throws Exception {
        return loop(config, fallback, typeAndUnitLabels, false);
    }

    private ScrapeLoop loop(ScrapeConfig config, io.promethium.exposition.ExpositionFormat fallback, boolean typeAndUnitLabels,
            boolean ingestCreated) throws Exception {
        return loop(config, fallback, typeAndUnitLabels, ingestCreated, false);
    }

    private ScrapeLoop loop(ScrapeConfig config, io.promethium.exposition.ExpositionFormat fallback, boolean typeAndUnitLabels,
            boolean ingestCreated, boolean extraMetricsFeature) throws Exception {
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", server.address()), Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        ScrapeTarget target = new ScrapeTarget(config.jobName(), result.discovered(), result.labels(),
                TargetBuilder.publicLabels(result.labels()), url);
        LoopSettings settings = new LoopSettings.Base(config, new Relabeler(config.metricRelabelConfigs()), fallback,
                HistogramOptions.CLASSIC, typeAndUnitLabels, TimestampAlignment.PROMETHEUS_DEFAULT, extraMetricsFeature, ingestCreated)
                .forTarget(config.scrapeInterval(), config.scrapeTimeout());
        PageFetcher scraper = new HttpClientShards(config.httpClient(), null).fetcher(0, url, config.scrapeTimeout(),
                config.limits().bodySizeLimit(), ExpositionFormats.acceptHeader(config.scrapeProtocols()), config.enableCompression());
        return new ScrapeLoop(target, settings, scraper, storages, metrics, null);
    }

    /** A loop of a pool whose targets' page metadata is kept in {@code shared}. */
    private ScrapeLoop sharingLoop(ScrapeConfig config, SharedMetadata shared) throws Exception {
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", server.address()), Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        ScrapeTarget target = new ScrapeTarget(config.jobName(), result.discovered(), result.labels(),
                TargetBuilder.publicLabels(result.labels()), url);
        LoopSettings settings = new LoopSettings.Base(config, new Relabeler(config.metricRelabelConfigs()), null)
                .forTarget(config.scrapeInterval(), config.scrapeTimeout());
        PageFetcher scraper = new HttpClientShards(config.httpClient(), null).fetcher(0, url, config.scrapeTimeout(),
                config.limits().bodySizeLimit(), ExpositionFormats.acceptHeader(config.scrapeProtocols()), config.enableCompression());
        return new ScrapeLoop(target, settings, scraper, storages, metrics, null, shared);
    }

    /** A loop whose fetcher shares its page arrays through {@code buffers}. */
    private ScrapeLoop pooledLoop(ScrapeConfig config, PageBufferPool buffers) throws Exception {
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", server.address()), Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        ScrapeTarget target = new ScrapeTarget(config.jobName(), result.discovered(), result.labels(),
                TargetBuilder.publicLabels(result.labels()), url);
        LoopSettings settings = new LoopSettings.Base(config, new Relabeler(config.metricRelabelConfigs()), null,
                HistogramOptions.CLASSIC, false, TimestampAlignment.PROMETHEUS_DEFAULT, false, false)
                .forTarget(config.scrapeInterval(), config.scrapeTimeout());
        PageFetcher scraper = new HttpClientShards(config.httpClient(), null).fetcher(0, url, config.scrapeTimeout(),
                config.limits().bodySizeLimit(), ExpositionFormats.acceptHeader(config.scrapeProtocols()), config.enableCompression(),
                buffers);
        return new ScrapeLoop(target, settings, scraper, storages, metrics, null);
    }

    private Labels series(String name, String... labels) {
        Labels.Builder b = Labels.of(labels).toBuilder();
        b.set("__name__", name).set("job", "test").set("instance", server.address());
        return b.build();
    }

    private double report(String name, long ts) {
        Double v = storage.valueAt(series(name), ts);
        assertThat(v).as(name + " at " + ts).isNotNull();
        return v;
    }

    /** The scrapes' storage slot, whose storage just went (a storage plugin being updated). */
    private StorageSlot storageBeingReplaced() {
        StorageSlot slot = new StorageSlot();
        slot.set(storage);
        slot.clear(storage);
        storages = slot;
        return slot;
    }

    /** A storage plugin being updated: the scrape waits for the replacement instead of being lost. */
    @Test
    void aScrapeWithoutStorageWaitsForTheNextOneAndStoresAtItsSlot() throws Exception {
        server.text("a_total 1\n");
        StorageSlot slot = storageBeingReplaced();
        ScrapeLoop loop = loop(job());
        Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            slot.set(storage);
        });

        loop.scrapeOnce(1000);

        assertThat(storage.valueAt(series("a_total"), 1000)).isEqualTo(1.0);
        assertThat(report("up", 1000)).isEqualTo(1.0);
        assertThat(loop.info().lastError()).isEmpty();
    }

    /**
     * The storage closed between the scrape's look and its appender (the old version of a storage
     * plugin being updated): the scrape is stored in the replacement, not lost.
     */
    @Test
    void aScrapeWhoseStorageClosesUnderItIsStoredInTheReplacement() throws Exception {
        server.text("a_total 1\n");
        StorageSlot slot = new StorageSlot();
        io.promethium.api.storage.Storage closing = new io.promethium.api.storage.Storage() {
            @Override
            public io.promethium.api.storage.Appender appender() {
                slot.clear(this);
                Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                    slot.set(storage);
                });
                throw new io.promethium.api.storage.StorageException(io.promethium.api.storage.StorageException.Reason.CLOSED, "closed");
            }

            @Override
            public io.promethium.api.storage.Querier querier(long minTime, long maxTime) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long startTime() {
                return Long.MAX_VALUE;
            }
        };
        slot.set(closing);
        storages = slot;
        ScrapeLoop loop = loop(job());

        loop.scrapeOnce(1000);

        assertThat(storage.valueAt(series("a_total"), 1000)).isEqualTo(1.0);
        assertThat(report("up", 1000)).isEqualTo(1.0);
        assertThat(loop.info().lastError()).isEmpty();
    }

    /**
     * The wait ends shortly before the next slot (a tenth of the interval before it, the last
     * scrape having taken no time): a storage that does not come back makes the target down.
     */
    @Test
    void aScrapeWithoutStorageGivesUpShortlyBeforeTheNextSlot() throws Exception {
        server.text("a_total 1\n");
        storageBeingReplaced();
        ScrapeLoop loop = loop(Configs.withTiming(Configs.job("test"), Duration.ofMillis(400), Duration.ofMillis(200)));

        long start = System.nanoTime();
        loop.scrapeOnce(1000);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
        assertThat(loop.info().lastError()).isEqualTo("no storage available");
        assertThat(loop.info().health()).isEqualTo(TargetInfo.DOWN);
    }

    /** A loop stopped (a config reload replacing it) while its scrape waits for a storage ends that wait at once. */
    @Test
    void aScrapeWaitingForStorageEndsWhenItsLoopIsStopped() throws Exception {
        server.text("a_total 1\n");
        storageBeingReplaced();
        ScrapeLoop loop = loop(Configs.withTiming(Configs.job("test"), Duration.ofSeconds(60), Duration.ofSeconds(10)));
        Thread scrape = Thread.ofPlatform().start(() -> loop.scrapeOnce(1000));
        Thread.sleep(200);

        loop.stop(false);

        scrape.join(Duration.ofSeconds(10));
        assertThat(scrape.isAlive()).as("the scrape still waiting for a storage 10 s after its loop stopped").isFalse();
        assertThat(loop.info().lastError()).isEqualTo("no storage available");
    }

    /** Without a storage that went (none ever bound), there is nothing to wait for. */
    @Test
    void aScrapeWithNoStorageEverBoundDoesNotWait() throws Exception {
        server.text("a_total 1\n");
        storages = new StorageSlot();
        ScrapeLoop loop = loop(job());

        long start = System.nanoTime();
        loop.scrapeOnce(1000);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(loop.info().lastError()).isEqualTo("no storage available");
    }

    @Test
    void storesEverySampleWithTargetLabelsAndReportsTheScrape() throws Exception {
        server.text("# TYPE a counter\n# HELP a Help of a.\na_total 1\nb{x=\"1\"} 2\nb{x=\"2\"} 3\n");
        ScrapeLoop loop = loop(job());

        loop.scrapeOnce(1000);

        assertThat(storage.valueAt(series("a_total"), 1000)).isEqualTo(1.0);
        assertThat(storage.valueAt(series("b", "x", "1"), 1000)).isEqualTo(2.0);
        assertThat(storage.valueAt(series("b", "x", "2"), 1000)).isEqualTo(3.0);
        assertThat(report("up", 1000)).isEqualTo(1.0);
        assertThat(report("scrape_samples_scraped", 1000)).isEqualTo(3.0);
        assertThat(report("scrape_samples_post_metric_relabeling", 1000)).isEqualTo(3.0);
        assertThat(report("scrape_series_added", 1000)).isEqualTo(3.0);
        assertThat(report("scrape_duration_seconds", 1000)).isPositive();
        assertThat(loop.info().health()).isEqualTo(TargetInfo.UP);
        assertThat(loop.metadata().get("a").type()).isEqualTo(MetricType.COUNTER);
        assertThat(loop.metadata().get("a").help()).isEqualTo("Help of a.");
        assertThat(server.lastAccept).startsWith("application/openmetrics-text;version=1.0.0");
    }

    @Test
    void loopsOfAPoolShareThePageArrayAndReadOnlyTheirOwnPage() throws Exception {
        PageBufferPool buffers = new PageBufferPool(4);
        ScrapeLoop first = pooledLoop(job(), buffers);
        ScrapeLoop second = pooledLoop(job(), buffers);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            big.append("long_series_name_number_").append(i).append("{label=\"value\"} ").append(i).append('\n');
        }
        server.text(big.toString());

        first.scrapeOnce(1000);
        // Between scrapes the loop holds no page array: it is back in the pool.
        assertThat(buffers.free()).isEqualTo(1);
        byte[] shared = buffers.take();
        assertThat(shared.length).isGreaterThan(big.length());
        buffers.give(shared);
        server.text("short_page 7\n");
        second.scrapeOnce(2000);

        assertThat(buffers.free()).isEqualTo(1);
        assertThat(buffers.take()).isSameAs(shared);
        assertThat(storage.valueAt(series("long_series_name_number_4999", "label", "value"), 1000)).isEqualTo(4999.0);
        assertThat(storage.valueAt(series("short_page"), 2000)).isEqualTo(7.0);
        // The shorter page parsed in the longer page's array saw none of the bytes left behind it.
        assertThat(report("scrape_samples_scraped", 2000)).isEqualTo(1.0);
        assertThat(storage.valueAt(series("long_series_name_number_4999", "label", "value"), 2000)).isNull();
    }

    @Test
    void aFullPoolDropsTheArraysGivenBack() {
        PageBufferPool buffers = new PageBufferPool(1);
        buffers.give(new byte[16]);
        buffers.give(new byte[32]);
        assertThat(buffers.free()).isEqualTo(1);
        assertThat(buffers.take()).hasSize(16);
        assertThat(buffers.take()).isNull();
    }

    @Test
    void extraScrapeMetricsReportTheTimeoutTheSampleLimitAndTheBodySize() throws Exception {
        String body = "a 1\nb 2\n";
        server.text(body);
        ScrapeConfig config = Configs.withExtraScrapeMetrics(Configs.withLimits(job(), new ScrapeLimits(0, 100, 0, 0, 0, 0, 0)), true);
        loop(config).scrapeOnce(1000);
        assertThat(report("scrape_timeout_seconds", 1000)).isEqualTo(2.0);
        assertThat(report("scrape_sample_limit", 1000)).isEqualTo(100.0);
        assertThat(report("scrape_body_size_bytes", 1000)).isEqualTo(body.length());
        assertThat(report("up", 1000)).isEqualTo(1.0);

        ScrapeConfig small = Configs.withExtraScrapeMetrics(Configs.withLimits(job(), new ScrapeLimits(4, 0, 0, 0, 0, 0, 0)), true);
        loop(small).scrapeOnce(2000);
        assertThat(report("up", 2000)).isZero();
        assertThat(report("scrape_body_size_bytes", 2000)).as("over body_size_limit: -1, as Prometheus").isEqualTo(-1.0);
        assertThat(report("scrape_sample_limit", 2000)).as("no limit").isZero();
    }

    @Test
    void extraScrapeMetricsAreOffUnlessConfiguredOrTheFeatureChangesTheDefault() throws Exception {
        server.text("a 1\n");
        loop(job()).scrapeOnce(1000);
        assertThat(storage.valueAt(series("scrape_timeout_seconds"), 1000)).isNull();
        loop(job(), null, false, false, true).scrapeOnce(2000);
        assertThat(report("scrape_timeout_seconds", 2000)).as("--enable-feature=extra-scrape-metrics").isEqualTo(2.0);
        loop(Configs.withExtraScrapeMetrics(job(), false), null, false, false, true).scrapeOnce(3000);
        assertThat(storage.valueAt(series("scrape_timeout_seconds"), 3000)).as("extra_scrape_metrics: false wins").isNull();
    }

    @Test
    void storedMetadataNamesTheFamilyAsTheExpositionDeclaredIt() throws Exception {
        server.page("application/openmetrics-text; version=1.0.0; charset=utf-8",
                "# TYPE om counter\n# HELP om An OpenMetrics counter.\nom_total 1\n# TYPE lat histogram\nlat_bucket{le=\"+Inf\"} 1\n"
                        + "lat_count 1\nlat_sum 2\n# EOF\n");
        loop(job()).scrapeOnce(1000);
        assertThat(storage.metadata.get(series("om_total")).family()).isEqualTo("om");
        assertThat(storage.metadata.get(series("lat_bucket", "le", "+Inf")).family()).isEqualTo("lat");
        server.text("# TYPE text_total counter\ntext_total 1\n");
        loop(job()).scrapeOnce(2000);
        assertThat(storage.metadata.get(series("text_total")).family()).isEqualTo("text_total");
    }

    @Test
    void seriesAddedOnALaterScrapeGetTheirFamilysMetadataAndHelpChangesShowWithinEightScrapes() throws Exception {
        server.text("# TYPE a counter\n# HELP a Help of a.\na_total 1\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);
        assertThat(storage.metadata.get(series("a_total")).type()).isEqualTo(MetricType.COUNTER);

        // A new family on a later scrape; its TYPE line may even come after the series.
        server.text("# TYPE a counter\n# HELP a Help of a.\na_total 2\nb 5\n# TYPE b gauge\n# HELP b Help of b.\n");
        loop.scrapeOnce(2000);
        assertThat(report("scrape_series_added", 2000)).isEqualTo(1.0);
        assertThat(storage.metadata.get(series("b"))).satisfies(m -> {
            assertThat(m.type()).isEqualTo(MetricType.GAUGE);
            assertThat(m.help()).isEqualTo("Help of b.");
        });
        assertThat(loop.metadata().get("b").type()).isEqualTo(MetricType.GAUGE);

        server.text("# TYPE a counter\n# HELP a New help.\na_total 3\nb 5\n# TYPE b gauge\n# HELP b Help of b.\n");
        for (int i = 3; i <= 10; i++) {
            loop.scrapeOnce(i * 1000L);
        }
        assertThat(loop.metadata().get("a").help()).isEqualTo("New help.");
        assertThat(report("up", 10_000)).isEqualTo(1.0);
    }

    @Test
    void targetsSendingTheSameCommentLinesShareOneMetadataMapThatChangingSamplesDoNotReplace() throws Exception {
        SharedMetadata shared = new SharedMetadata();
        server.text("# TYPE a counter\n# HELP a Help of a.\na_total 1\n# HELP b Help of b.\nb 2\n");
        ScrapeLoop first = sharingLoop(job(), shared);
        ScrapeLoop second = sharingLoop(job(), shared);
        first.scrapeOnce(1000);
        second.scrapeOnce(1000);
        Map<String, io.promethium.api.model.Metadata> kept = first.metadata();
        assertThat(kept.get("b").help()).isEqualTo("Help of b.");
        assertThat(second.metadata()).isSameAs(kept);

        for (int i = 2; i <= 9; i++) {
            server.text("# TYPE a counter\n# HELP a Help of a.\na_total " + i + "\n# HELP b Help of b.\nb{x=\"" + i + "\"} 2\n");
            first.scrapeOnce(i * 1000L);
        }
        assertThat(first.metadata()).as("new series and values, the same comment lines").isSameAs(kept);

        server.text("# TYPE a counter\n# HELP a Help of a.\na_total 1\n# HELP b Help of b, changed.\nb 2\n");
        for (int i = 10; i <= 17; i++) {
            first.scrapeOnce(i * 1000L);
        }
        assertThat(first.metadata().get("b").help()).isEqualTo("Help of b, changed.");
        assertThat(second.metadata().get("b").help()).as("the other target's page did not change").isEqualTo("Help of b.");
    }

    @Test
    void textPageMetadataIsReadFromItsCommentLinesWhereverTheyAreAndAMalformedOneNamesItsLineInThePage() throws Exception {
        server.text("a_total 1\n  \t# TYPE a counter\n# HELP a Help \\\\ of \\n a.\nc{x=\"# TYPE c gauge\"} 2\n# a plain comment\n"
                + "# HELP c Help of c.\nd 3\n# TYPE d gauge\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);
        assertThat(report("up", 1000)).isEqualTo(1.0);
        assertThat(loop.metadata().get("a")).satisfies(m -> {
            assertThat(m.type()).as("an indented comment line is a comment").isEqualTo(MetricType.COUNTER);
            assertThat(m.help()).isEqualTo("Help \\ of \n a.");
        });
        assertThat(loop.metadata().get("c").type()).as("a # inside a label value is no comment").isEqualTo(MetricType.UNKNOWN);
        assertThat(loop.metadata().get("c").help()).isEqualTo("Help of c.");
        assertThat(loop.metadata().get("d").type()).isEqualTo(MetricType.GAUGE);

        server.text("a_total 1\nb 2\n# TYPE b no_such_type\n");
        ScrapeLoop fresh = loop(job());
        fresh.scrapeOnce(2000);
        assertThat(fresh.info().lastError()).contains("line 3");
    }

    @Test
    void typeAndUnitLabelsComeFromTheFamilysMetadataWhenTheFeatureIsOn() throws Exception {
        server.page("application/openmetrics-text; version=1.0.0; charset=utf-8",
                "# TYPE req_seconds counter\n# UNIT req_seconds seconds\nreq_seconds_total{__type__=\"gauge\"} 1\n"
                        + "# TYPE temp gauge\ntemp 20\n# TYPE odd unknown\nodd 3\nnometa 4\n# EOF\n");
        ScrapeLoop loop = loop(job(), null, true);
        loop.scrapeOnce(1000);
        assertThat(report("up", 1000)).isEqualTo(1.0);
        assertThat(storage.valueAt(series("req_seconds_total", "__type__", "counter", "__unit__", "seconds"), 1000))
                .as("the family's type replaces an exposed __type__").isEqualTo(1.0);
        assertThat(storage.valueAt(series("temp", "__type__", "gauge"), 1000)).isEqualTo(20.0);
        assertThat(storage.valueAt(series("odd"), 1000)).as("unknown adds no __type__").isEqualTo(3.0);
        assertThat(storage.valueAt(series("nometa"), 1000)).isEqualTo(4.0);

        server.text("# TYPE temp gauge\ntemp 21\n");
        ScrapeLoop off = loop(job());
        off.scrapeOnce(2000);
        assertThat(storage.valueAt(series("temp"), 2000)).as("off by default").isEqualTo(21.0);
    }

    /** An OpenMetrics page with created timestamps: a counter (two label sets), a histogram and a summary. */
    private static final String CREATED_PAGE = "# TYPE req counter\n"
            + "req_total{code=\"200\"} 10\nreq_created{code=\"200\"} 500.5\n"
            + "req_total{code=\"500\"} 2\nreq_created{code=\"500\"} 700\n"
            + "# TYPE lat histogram\nlat_bucket{le=\"1.0\"} 3\nlat_bucket{le=\"+Inf\"} 4\nlat_count 4\nlat_sum 2.5\nlat_created 600\n"
            + "# TYPE rpc summary\nrpc_count 1\nrpc_sum 0.5\nrpc_created 650\n"
            + "# TYPE temp gauge\ntemp 20\n# EOF\n";

    @Test
    void createdTimestampsBecomeZeroSamplesAndStartTimestampsWhenTheFeatureIsOn() throws Exception {
        server.page("application/openmetrics-text; version=1.0.0; charset=utf-8", CREATED_PAGE);
        ScrapeLoop loop = loop(job(), null, false, true);
        loop.scrapeOnce(1_000_000);
        assertThat(report("up", 1_000_000)).isEqualTo(1.0);
        Labels ok = series("req_total", "code", "200");
        assertThat(storage.valueAt(ok, 500_500)).as("zero at the created timestamp").isEqualTo(0.0);
        assertThat(storage.valueAt(ok, 1_000_000)).isEqualTo(10.0);
        assertThat(storage.startAt(ok, 1_000_000)).isEqualTo(500_500L);
        assertThat(storage.startAt(series("req_total", "code", "500"), 1_000_000)).isEqualTo(700_000L);
        assertThat(storage.startAt(series("lat_bucket", "le", "1.0"), 1_000_000)).as("buckets match without le").isEqualTo(600_000L);
        assertThat(storage.startAt(series("lat_count"), 1_000_000)).isEqualTo(600_000L);
        assertThat(storage.startAt(series("rpc_sum"), 1_000_000)).isEqualTo(650_000L);
        assertThat(storage.startAt(series("temp"), 1_000_000)).as("gauges have none").isNull();
        assertThat(storage.samples(series("req_created", "code", "200"))).as("_created is not a series then").isEmpty();
        assertThat(storage.samples(series("lat_created"))).isEmpty();
        assertThat(report("scrape_samples_scraped", 1_000_000)).isEqualTo(9.0);

        // The next scrape: the zero is not repeated (the series has data after it), the start is kept.
        loop.scrapeOnce(1_015_000);
        assertThat(storage.samples(ok)).extracting(MemoryStorage.Sample::timestamp).containsExactly(500_500L, 1_000_000L, 1_015_000L);
        assertThat(storage.startAt(ok, 1_015_000)).isEqualTo(500_500L);
    }

    @Test
    void createdSeriesStayOrdinarySeriesWithTheFeatureOff() throws Exception {
        server.page("application/openmetrics-text; version=1.0.0; charset=utf-8", CREATED_PAGE);
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1_000_000);
        assertThat(storage.valueAt(series("req_created", "code", "200"), 1_000_000)).isEqualTo(500.5);
        assertThat(storage.valueAt(series("req_total", "code", "200"), 500_500)).isNull();
        assertThat(storage.starts).isEmpty();
    }

    @Test
    void aTargetThatChangesItsContentTypeIsParsedInTheNewFormat() throws Exception {
        server.text("a 1 1000\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);
        assertThat(storage.valueAt(series("a"), 1000)).isEqualTo(1.0);
        // OpenMetrics timestamps are seconds: read in the text format they would be milliseconds.
        server.page("application/openmetrics-text; version=1.0.0; charset=utf-8", "a 2 2\n# EOF\n");
        loop.scrapeOnce(3000);
        assertThat(storage.valueAt(series("a"), 2000)).isEqualTo(2.0);
        server.page("application/openmetrics-text; version=1.0.0; charset=utf-8", "a 3 4\n");
        loop.scrapeOnce(5000);
        assertThat(report("up", 5000)).as("missing # EOF fails the OpenMetrics page").isZero();
        server.text("a 4 6000\n");
        loop.scrapeOnce(7000);
        assertThat(storage.valueAt(series("a"), 6000)).isEqualTo(4.0);
    }

    @Test
    void aSteadyPageHitsTheSeriesCacheAndAddsNoSeries() throws Exception {
        server.text("a 1\nb 2\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);
        int lookups = storage.lookupsByLabels.get();

        loop.scrapeOnce(2000);

        assertThat(report("scrape_series_added", 2000)).isZero();
        assertThat(storage.lookupsByLabels.get()).as("no series looked up by labels again").isEqualTo(lookups);
        assertThat(storage.valueAt(series("a"), 2000)).isEqualTo(1.0);
    }

    @Test
    void aReorderedOrGrownPageStillFindsItsCachedSeries() throws Exception {
        server.text("a 1\nb 2\nc 3\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);
        server.text("c 30\nnew 5\na 10\nb 20\n");

        loop.scrapeOnce(2000);

        assertThat(report("scrape_series_added", 2000)).isEqualTo(1.0);
        assertThat(storage.valueAt(series("a"), 2000)).isEqualTo(10.0);
        assertThat(storage.valueAt(series("b"), 2000)).isEqualTo(20.0);
        assertThat(storage.valueAt(series("c"), 2000)).isEqualTo(30.0);
        assertThat(storage.valueAt(series("new"), 2000)).isEqualTo(5.0);
    }

    @Test
    void aSeriesThatLeavesThePageGetsAStaleMarker() throws Exception {
        server.text("a 1\nb 2\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);
        server.text("a 1\n");

        loop.scrapeOnce(2000);

        assertThat(StaleMarker.isStale(storage.valueAt(series("b"), 2000))).isTrue();
        assertThat(storage.valueAt(series("a"), 2000)).isEqualTo(1.0);
    }

    @Test
    void aFailedScrapeMarksEverythingStaleAndReportsDown() throws Exception {
        server.text("a 1\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);
        server.handler(exchange -> exchange.sendResponseHeaders(500, -1));

        loop.scrapeOnce(2000);

        assertThat(report("up", 2000)).isZero();
        assertThat(StaleMarker.isStale(storage.valueAt(series("a"), 2000))).isTrue();
        assertThat(loop.info().lastError()).contains("500");
        assertThat(loop.info().health()).isEqualTo(TargetInfo.DOWN);
    }

    @Test
    void aSyntaxErrorFailsThatScrapeOnlyAndKeepsTheLineInTheError() throws Exception {
        server.text("a 1\nb{ 2\n");
        ScrapeLoop loop = loop(job());

        loop.scrapeOnce(1000);

        assertThat(report("up", 1000)).isZero();
        assertThat(storage.valueAt(series("a"), 1000)).as("nothing of a broken page is stored").isNull();
        assertThat(loop.info().lastError()).contains("line 2");

        server.text("a 1\n");
        loop.scrapeOnce(2000);
        assertThat(report("up", 2000)).isEqualTo(1.0);
    }

    @Test
    void exposedLabelsClashingWithTargetLabelsMoveToExportedUnlessHonored() throws Exception {
        server.text("a{job=\"inner\",instance=\"i\"} 1\n");
        loop(job()).scrapeOnce(1000);
        assertThat(storage.valueAt(series("a", "exported_job", "inner", "exported_instance", "i"), 1000)).isEqualTo(1.0);

        loop(Configs.withHonor(job(), true, true)).scrapeOnce(2000);
        assertThat(storage.valueAt(Labels.of("__name__", "a", "job", "inner", "instance", "i"), 2000)).isEqualTo(1.0);
    }

    @Test
    void honorsExposedTimestampsOnlyWhenConfigured() throws Exception {
        server.text("a 1 500\n");
        loop(job()).scrapeOnce(1000);
        assertThat(storage.valueAt(series("a"), 500)).isEqualTo(1.0);

        MemoryStorage before = storage;
        server.text("b 1 500\n");
        loop(Configs.withHonor(job(), false, false)).scrapeOnce(3000);
        assertThat(before.valueAt(series("b"), 3000)).isEqualTo(1.0);
    }

    @Test
    void metricRelabelingDropsAndRenamesSeries() throws Exception {
        server.text("keep_me 1\ndrop_me 2\n");
        ScrapeConfig config = Configs.withRelabel(job(), List.of(), List.of(
                relabel(RelabelAction.DROP, List.of("__name__"), "drop_.*", "", "$1"),
                relabel(RelabelAction.REPLACE, List.of("__name__"), "keep_(.*)", "kind", "$1")));

        loop(config).scrapeOnce(1000);

        assertThat(storage.valueAt(series("keep_me", "kind", "me"), 1000)).isEqualTo(1.0);
        assertThat(storage.all().keySet()).noneMatch(l -> l.metricName().equals("drop_me"));
        assertThat(report("scrape_samples_scraped", 1000)).isEqualTo(2.0);
        assertThat(report("scrape_samples_post_metric_relabeling", 1000)).isEqualTo(1.0);
    }

    @Test
    void sampleLimitFailsTheWholeScrapeAndIsCounted() throws Exception {
        server.text("a 1\nb 2\nc 3\n");
        ScrapeLoop loop = loop(Configs.withLimits(job(), new ScrapeLimits(0, 2, 0, 0, 0, 0, 0)));

        loop.scrapeOnce(1000);

        assertThat(report("up", 1000)).isZero();
        assertThat(storage.valueAt(series("a"), 1000)).isNull();
        assertThat(loop.info().lastError()).contains("sample limit exceeded");
        assertThat(metrics.exceededSampleLimit()).isEqualTo(1);
    }

    @Test
    void labelLimitsFailTheScrapeNamingTheMetric() throws Exception {
        server.text("a{x=\"1\",y=\"2\"} 1\n");
        ScrapeLoop loop = loop(Configs.withLimits(job(), new ScrapeLimits(0, 0, 4, 0, 0, 0, 0)));
        loop.scrapeOnce(1000);
        assertThat(loop.info().lastError()).contains("label_limit exceeded").contains("metric: a");

        ScrapeLoop names = loop(Configs.withLimits(job(), new ScrapeLimits(0, 0, 0, 7, 0, 0, 0)));
        names.scrapeOnce(2000);
        assertThat(names.info().lastError()).contains("label_name_length_limit exceeded").contains("__name__");

        server.text("a{x=\"a long value\"} 1\n");
        ScrapeLoop values = loop(Configs.withLimits(job(), new ScrapeLimits(0, 0, 0, 0, 5, 0, 0)));
        values.scrapeOnce(3000);
        assertThat(values.info().lastError()).contains("label_value_length_limit exceeded");
    }

    @Test
    void outOfOrderSamplesAreCountedNotFatal() throws Exception {
        server.text("a 1 5000\nb 1\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(10_000);
        server.text("a 2 4000\nb 2\n");

        loop.scrapeOnce(20_000);

        assertThat(report("up", 20_000)).isEqualTo(1.0);
        assertThat(metrics.outOfOrderSamples()).isEqualTo(1);
        assertThat(storage.valueAt(series("b"), 20_000)).isEqualTo(2.0);
    }

    @Test
    void aSeriesWithItsOwnTimestampGetsNoStaleMarker() throws Exception {
        server.text("a 1 500\nb 1\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);
        server.text("");
        loop.scrapeOnce(2000);
        assertThat(storage.samples(series("a"))).noneMatch(MemoryStorage.Sample::isStale);
        assertThat(StaleMarker.isStale(storage.valueAt(series("b"), 2000))).isTrue();
    }

    @Test
    void endOfRunMarksTheLastSeriesAndReportSeriesStale() throws Exception {
        server.text("a 1\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);

        loop.endOfRun(1500);

        assertThat(StaleMarker.isStale(storage.valueAt(series("a"), 1500))).isTrue();
        assertThat(StaleMarker.isStale(storage.valueAt(series("up"), 1500))).isTrue();
    }

    @Test
    void decompressesGzipBodies() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("zipped 42\n".getBytes(StandardCharsets.UTF_8));
        }
        server.handler(exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, bytes.size());
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes.toByteArray());
            }
        });
        loop(job()).scrapeOnce(1000);
        assertThat(storage.valueAt(series("zipped"), 1000)).isEqualTo(42.0);
    }

    @Test
    void sendsBasicAuthAndBearerCredentials() throws Exception {
        server.text("a 1\n");
        HttpClientConfig basic = new HttpClientConfig(new HttpClientConfig.BasicAuth("user", "pass", ""), null, null,
                true, true, "", Map.of());
        loop(Configs.withHttp(job(), basic)).scrapeOnce(1000);
        assertThat(server.lastAuthorization).isEqualTo("Basic dXNlcjpwYXNz");

        HttpClientConfig bearer = new HttpClientConfig(null, new HttpClientConfig.Authorization(null, "tok", ""), null,
                true, true, "", Map.of("X-Extra", "1"));
        loop(Configs.withHttp(job(), bearer)).scrapeOnce(2000);
        assertThat(server.lastAuthorization).isEqualTo("Bearer tok");
    }

    @Test
    void sendsTheScrapeTimeoutAsPrometheusFormatsIt() {
        assertThat(RequestHeaders.seconds(Duration.ofSeconds(10))).isEqualTo("10");
        assertThat(RequestHeaders.seconds(Duration.ofMillis(2500))).isEqualTo("2.5");
    }

    @Test
    void anEmptyContentTypeUsesTheFallbackProtocolWhenConfigured() throws Exception {
        server.page("", "a 1\n");
        ScrapeLoop loop = loop(job(), io.promethium.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        loop.scrapeOnce(1000);
        assertThat(loop.info().lastError()).isEmpty();
        assertThat(storage.valueAt(series("a"), 1000)).isEqualTo(1.0);
    }

    @Test
    void keepsOpenMetricsExemplarsAndUnits() throws Exception {
        server.page("application/openmetrics-text; version=1.0.0; charset=utf-8",
                "# TYPE req_seconds counter\n# UNIT req_seconds seconds\nreq_seconds_total 5 # {trace_id=\"abc\"} 1.5 123.456\n# EOF\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);
        assertThat(loop.info().lastError()).isEmpty();
        assertThat(storage.valueAt(series("req_seconds_total"), 1000)).isEqualTo(5.0);
        assertThat(storage.exemplars).singleElement().satisfies(e -> {
            assertThat(e.labels()).isEqualTo(Labels.of("trace_id", "abc"));
            assertThat(e.value()).isEqualTo(1.5);
        });
        assertThat(loop.metadata().get("req_seconds").unit()).isEqualTo("seconds");
    }

    @Test
    void anEmptyContentTypeFailsWithoutFallbackProtocol() throws Exception {
        server.page("", "a 1\n");
        ScrapeLoop loop = loop(job());
        loop.scrapeOnce(1000);
        assertThat(loop.info().lastError()).contains("Content-Type");
    }

    @Test
    void utf8NamesAreStoredAsExposedUnderUtf8Validation() throws Exception {
        server.text("# TYPE \"a.b\" gauge\n{\"a.b\",\"c.d\"=\"x\"} 1\n");
        ScrapeLoop loop = loop(job());

        loop.scrapeOnce(1000);

        assertThat(storage.valueAt(series("a.b", "c.d", "x"), 1000)).isEqualTo(1.0);
        assertThat(loop.metadata().get("a.b").type()).isEqualTo(MetricType.GAUGE);
    }

    @Test
    void legacyValidationFailsAScrapeWithAUtf8NameUnlessRelabelingFixesIt() throws Exception {
        server.text("ok 1\n{\"a.b\",\"c.d\"=\"x\"} 1\n");
        var legacy = new io.promethium.config.model.MetricNameScheme(io.promethium.config.model.MetricNameScheme.Validation.LEGACY,
                io.promethium.config.model.MetricNameScheme.Escaping.UNDERSCORES);
        ScrapeLoop loop = loop(Configs.withMetricNames(job(), legacy));

        loop.scrapeOnce(1000);

        assertThat(report("up", 1000)).isZero();
        assertThat(storage.valueAt(series("ok"), 1000)).as("nothing of a refused page is stored").isNull();
        assertThat(loop.info().lastError()).startsWith("invalid metric name or label names: {__name__=\"a.b\", \"c.d\"=\"x\", instance=");

        ScrapeConfig fixed = Configs.withRelabel(job(), List.of(), List.of(
                relabel(RelabelAction.REPLACE, List.of("__name__"), "a\\.b", "__name__", "a_b"),
                relabel(RelabelAction.LABELMAP, List.of(), "c\\.(.*)", "", "c_$1"),
                relabel(RelabelAction.LABELDROP, List.of(), "c\\.d", "", "$1")));
        loop(Configs.withMetricNames(fixed, legacy)).scrapeOnce(2000);
        assertThat(report("up", 2000)).isEqualTo(1.0);
        assertThat(storage.valueAt(series("a_b", "c_d", "x"), 2000)).isEqualTo(1.0);
    }

    @Test
    void aSeriesWhoseNameRelabelingRemovedFailsTheScrape() throws Exception {
        server.text("a 1\n");
        ScrapeLoop loop = loop(Configs.withRelabel(job(), List.of(),
                List.of(relabel(RelabelAction.LABELDROP, List.of(), "__name__", "", "$1"))));

        loop.scrapeOnce(1000);

        assertThat(report("up", 1000)).isZero();
        assertThat(loop.info().lastError()).isEqualTo("missing metric name (__name__ label)");
    }

    @Test
    void theAcceptHeaderAsksForTheJobsEscapingScheme() {
        assertThat(ScrapePool.acceptHeader(job(), false)).isEqualTo("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
                + "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
                + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
        var dots = new io.promethium.config.model.MetricNameScheme(io.promethium.config.model.MetricNameScheme.Validation.LEGACY,
                io.promethium.config.model.MetricNameScheme.Escaping.DOTS);
        assertThat(ScrapePool.acceptHeader(Configs.withMetricNames(job(), dots), true))
                .startsWith("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.")
                .contains("application/openmetrics-text;version=1.0.0;escaping=dots;q=0.")
                .contains("text/plain;version=1.0.0;escaping=dots;q=0.")
                .doesNotContain("allow-utf-8");
    }
}
