package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.testing.RecordingTracer;
import io.promethium.api.testing.RecordingTracer.Recorded;
import io.promethium.api.trace.Span;
import io.promethium.api.trace.Tracer;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.relabel.Relabeler;
import io.promethium.exposition.ExpositionFormats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A scrape's spans as Prometheus's scrape loop opens them ({@code scrapeAndReport}): names,
 * nesting, attributes, error status, and the {@code traceparent} the target receives; recorded
 * with the api's test tracer, which nests spans per thread as the server's does.
 */
class ScrapeTracingTest {

    private final TestServer server;
    private final MemoryStorage storage = new MemoryStorage();
    private final RecordingTracer tracer = new RecordingTracer();

    ScrapeTracingTest() throws IOException {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ScrapeLoop loop(String path, Supplier<Tracer> tracer) throws Exception {
        ScrapeConfig config = Configs.withTiming(Configs.job("test"), Duration.ofSeconds(10), Duration.ofSeconds(2));
        URI url = URI.create("http://" + server.address() + path);
        Labels labels = Labels.of("__address__", server.address(), "job", "test", "instance", server.address());
        ScrapeTarget target = new ScrapeTarget("test", labels, labels, TargetBuilder.publicLabels(labels), url);
        LoopSettings settings = new LoopSettings.Base(config, Relabeler.NONE, null)
                .forTarget(config.scrapeInterval(), config.scrapeTimeout());
        PageFetcher fetcher = new HttpClientShards(config.httpClient(), null).fetcher(0, url, config.scrapeTimeout(),
                config.limits().bodySizeLimit(), ExpositionFormats.acceptHeader(config.scrapeProtocols()), config.enableCompression());
        return new ScrapeLoop(target, settings, fetcher, () -> storage, new ScrapeMetrics(), null, new SharedMetadata(), null, tracer);
    }

    private Recorded one(String name) {
        List<Recorded> named = tracer.named(name);
        assertThat(named).as(name).hasSize(1);
        return named.get(0);
    }

    @Test
    void aScrapeIsOneTraceOfPrometheusSpansAndItsRequestCarriesTheHttpSpansContext() throws Exception {
        server.text("a 1\nb 2\n");
        ScrapeLoop loop = loop("/metrics", () -> tracer);

        loop.scrapeOnce(1000);

        assertThat(tracer.ended).extracting(Recorded::name).containsExactly(
                "newAppender", "HTTP GET", "scrapeRequest", "scrapeRead", "scrapeAppend", "scrapeReport", "scrapeCommit", "scrape");
        Recorded scrape = one("scrape");
        assertThat(scrape.parentId()).as("a trace of its own").isNull();
        assertThat(scrape.error()).isNull();
        // The page's 2 samples; bytes: the page's size.
        assertThat(scrape.attributes()).containsEntry("samples_scraped", 2L).containsEntry("samples_added", 2L)
                .containsEntry("series_added", 2L).containsEntry("bytes", 8L);
        for (String child : List.of("newAppender", "scrapeRequest", "scrapeRead", "scrapeAppend", "scrapeReport", "scrapeCommit")) {
            assertThat(one(child).parentId()).as(child).isEqualTo(scrape.spanId());
            assertThat(one(child).error()).as(child).isNull();
        }
        Recorded request = one("scrapeRequest");
        assertThat(request.client()).isTrue();
        assertThat(request.attributes()).containsExactly(java.util.Map.entry("url", "http://" + server.address() + "/metrics"));
        Recorded http = one("HTTP GET");
        assertThat(http.client()).isTrue();
        assertThat(http.parentId()).isEqualTo(request.spanId());
        assertThat(http.attributes()).containsEntry("http.request.method", "GET")
                .containsEntry("url.full", "http://" + server.address() + "/metrics")
                .containsEntry("server.address", "127.0.0.1").containsEntry("server.port", (long) server.url().getPort())
                .containsEntry("network.protocol.version", "1.1").containsEntry("http.response.status_code", 200L);
        assertThat(server.lastTraceparent).isNotNull().isEqualTo(http.traceparent())
                .startsWith("00-" + scrape.traceId() + "-" + http.spanId() + "-");

        loop.scrapeOnce(2000);
        assertThat(tracer.named("scrape")).hasSize(2);
        assertThat(tracer.named("scrape").get(1).traceId()).as("each scrape a trace").isNotEqualTo(scrape.traceId());
        assertThat(server.lastTraceparent).isEqualTo(tracer.named("HTTP GET").get(1).traceparent());
    }

    @Test
    void anHttpErrorFailsTheHttpSpanScrapeReadAndTheScrape() throws Exception {
        server.handler(exchange -> {
            exchange.sendResponseHeaders(503, -1);
        });
        ScrapeLoop loop = loop("/metrics", () -> tracer);

        loop.scrapeOnce(1000);

        Recorded http = one("HTTP GET");
        assertThat(http.attributes()).containsEntry("http.response.status_code", 503L).containsEntry("error.type", "503");
        assertThat(http.error()).isNotNull();
        assertThat(one("scrapeRequest").error()).as("as Prometheus's, never failed itself").isNull();
        assertThat(one("scrapeRead").error()).contains("server returned HTTP status 503");
        Recorded scrape = one("scrape");
        assertThat(scrape.error()).contains("server returned HTTP status 503");
        assertThat(scrape.attributes()).containsEntry("samples_scraped", 0L).containsEntry("bytes", 0L);
        // The failed scrape's staleness markers and report still go through their spans.
        assertThat(one("scrapeAppend").error()).isNull();
        assertThat(tracer.ended).extracting(Recorded::name).containsSubsequence("scrapeAppend", "scrapeReport", "scrapeCommit", "scrape");
    }

    @Test
    void aTargetThatRefusesTheConnectionFailsTheHttpSpanAndNoBodyIsRead() throws Exception {
        URI refused;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            refused = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/metrics");
        }
        ScrapeConfig config = Configs.withTiming(Configs.job("test"), Duration.ofSeconds(10), Duration.ofSeconds(2));
        Labels labels = Labels.of("__address__", refused.getAuthority(), "job", "test", "instance", refused.getAuthority());
        ScrapeLoop loop = new ScrapeLoop(new ScrapeTarget("test", labels, labels, labels, refused),
                new LoopSettings.Base(config, Relabeler.NONE, null).forTarget(config.scrapeInterval(), config.scrapeTimeout()),
                new HttpClientShards(config.httpClient(), null).fetcher(0, refused, config.scrapeTimeout(), 0, "text/plain", false),
                () -> storage, new ScrapeMetrics(), null, new SharedMetadata(), null, () -> tracer);

        loop.scrapeOnce(1000);

        assertThat(one("HTTP GET").error()).contains("Connect");
        assertThat(tracer.named("scrapeRead")).isEmpty();
        assertThat(one("scrape").error()).contains("Connect");
    }

    @Test
    void aFailedCommitFailsScrapeCommit() throws Exception {
        server.text("a 1\n");
        storage.failCommits = "disk full";
        ScrapeLoop loop = loop("/metrics", () -> tracer);

        loop.scrapeOnce(1000);

        assertThat(one("scrapeCommit").error()).contains("disk full");
        assertThat(one("scrape").error()).as("the scrape itself went through, as Prometheus's says").isNull();
        assertThat(loop.info().lastError()).contains("disk full");
    }

    @Test
    void aFollowedRedirectIsASecondHttpSpanUnderTheSameRequestAndCarriesItsContext() throws Exception {
        server.handler(exchange -> {
            if (exchange.getRequestURI().getPath().equals("/metrics")) {
                exchange.getResponseHeaders().set("Location", "/moved");
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            byte[] body = "a 1\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        });
        ScrapeLoop loop = loop("/metrics", () -> tracer);

        loop.scrapeOnce(1000);

        List<Recorded> hops = tracer.named("HTTP GET");
        assertThat(hops).extracting(h -> h.attributes().get("http.response.status_code")).containsExactly(302L, 200L);
        assertThat(hops).extracting(Recorded::parentId).containsOnly(one("scrapeRequest").spanId());
        assertThat(hops).extracting(Recorded::error).containsOnlyNulls();
        // The JDK client's request (the one that reached /moved last) carries the second span's context.
        assertThat(server.lastTraceparent).isEqualTo(hops.get(1).traceparent());
        assertThat(one("scrape").error()).isNull();
        assertThat(one("scrape").attributes()).containsEntry("samples_scraped", 1L);
    }

    @Test
    void anInProcessExporterScrapeHasTheSameSpansWithoutHttp() throws Exception {
        Exporters exporters = new Exporters();
        ScrapeConfig config = Configs.withTiming(Configs.job("test"), Duration.ofSeconds(10), Duration.ofSeconds(2));
        URI url = URI.create("http://localhost:9090/exporters/absent/metrics");
        Labels labels = Labels.of("__address__", "localhost:9090", "job", "test", "instance", "localhost:9090");
        ScrapeLoop loop = new ScrapeLoop(new ScrapeTarget("test", labels, labels, labels, url),
                new LoopSettings.Base(config, Relabeler.NONE, null).forTarget(config.scrapeInterval(), config.scrapeTimeout()),
                new InProcessFetcher(exporters, "absent", 0, null, Duration.ofMillis(20)),
                () -> storage, new ScrapeMetrics(), null, new SharedMetadata(), null, () -> tracer);

        loop.scrapeOnce(1000);

        assertThat(tracer.named("HTTP GET")).isEmpty();
        assertThat(one("scrapeRequest").attributes()).containsEntry("url", url.toString());
        assertThat(one("scrapeRead").error()).contains("no exporter \"absent\"");
        assertThat(one("scrape").error()).contains("no exporter \"absent\"");
    }

    @Test
    void theUrlAttributeHidesThePasswordAndUrlFullTheUserInfo() {
        FetchSpans spans = new FetchSpans(URI.create("http://user:secret@example.org:9100/metrics?module=x"));
        spans.begin(tracer);
        Span http = spans.send();
        assertThat(http).isNotSameAs(Span.NONE);
        spans.status(200);
        spans.read();
        spans.end(null);
        assertThat(one("scrapeRequest").attributes()).containsEntry("url", "http://user:xxxxx@example.org:9100/metrics?module=x");
        assertThat(one("HTTP GET").attributes()).containsEntry("url.full", "http://example.org:9100/metrics?module=x")
                .containsEntry("server.address", "example.org").containsEntry("server.port", 9100L);

        RecordingTracer https = new RecordingTracer();
        FetchSpans defaultPort = new FetchSpans(URI.create("https://example.org/metrics")).begin(https);
        defaultPort.send();
        defaultPort.end(null);
        assertThat(https.named("HTTP GET").get(0).attributes()).as("the scheme's port is left out, as otelhttp does")
                .doesNotContainKey("server.port");
    }

    @Test
    void withTracingOffNoSpanIsStartedAndNoTraceparentSent() throws Exception {
        server.text("a 1\n");
        Tracer off = new Tracer() {
            @Override
            public boolean enabled() {
                return false;
            }

            @Override
            public Span start(String name) {
                throw new AssertionError("span " + name + " started with tracing off");
            }

            @Override
            public Span startClient(String name) {
                throw new AssertionError("span " + name + " started with tracing off");
            }
        };
        ScrapeLoop loop = loop("/metrics", () -> off);

        loop.scrapeOnce(1000);

        assertThat(loop.info().lastError()).isEmpty();
        assertThat(server.lastTraceparent).isNull();
    }

    /**
     * The hot path's cost of a bound tracer that is off: none. A steady scrape of a page served from
     * memory into a storage that keeps nothing allocates the same bytes with the tracer as without.
     */
    @Test
    void aBoundTracerThatIsOffAllocatesNothingPerScrape() throws Exception {
        byte[] page = ScrapeLoopBenchmark.page();
        RecordingTracer off = new RecordingTracer();
        Tracer disabled = new Tracer() {
            @Override
            public boolean enabled() {
                return false;
            }

            @Override
            public Span start(String name) {
                return off.start(name);
            }

            @Override
            public Span startClient(String name) {
                return off.startClient(name);
            }
        };
        ScrapeLoop untraced = ScrapeLoopBenchmark.loop(1, page, new ScrapeLoopBenchmark.RefsOnly());
        ScrapeLoop traced = ScrapeLoopBenchmark.loop(2, page, new ScrapeLoopBenchmark.RefsOnly(), () -> disabled);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long ts = 1000;
        for (int i = 0; i < 300; i++) {
            untraced.scrapeOnce(ts);
            traced.scrapeOnce(ts);
            ts += 1000;
        }
        long self = Thread.currentThread().threadId();
        long untracedBytes = 0;
        long tracedBytes = 0;
        int scrapes = 200;
        for (int i = 0; i < scrapes; i++) {
            long before = threads.getThreadAllocatedBytes(self);
            untraced.scrapeOnce(ts);
            long between = threads.getThreadAllocatedBytes(self);
            traced.scrapeOnce(ts);
            long after = threads.getThreadAllocatedBytes(self);
            untracedBytes += between - before;
            tracedBytes += after - between;
            ts += 1000;
        }
        System.out.printf("bytes allocated per scrape: untraced %d, tracer bound and off %d%n",
                untracedBytes / scrapes, tracedBytes / scrapes);
        assertThat(off.ended).isEmpty();
        assertThat(tracedBytes / scrapes).isLessThanOrEqualTo(untracedBytes / scrapes + 8);
    }
}
