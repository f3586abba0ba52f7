package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.promethium.api.model.Labels;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.config.relabel.Relabeler;
import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scrapes the real {@code prometheus-node-exporter} (Debian package) on loopback through a scrape
 * loop and checks that every sample of each page it served is stored. A recording proxy sits in
 * between so the page the loop parsed is exactly the page counted here, independently of the
 * parser under test. A missing exporter fails the test under CI and skips it otherwise ({@link Peers}).
 */
class NodeExporterIT {

    private static Process exporter;
    private static HttpServer proxy;
    private static final AtomicReference<byte[]> lastPage = new AtomicReference<>();

    @BeforeAll
    static void startNodeExporter() throws Exception {
        Path binary = Peers.require("prometheus-node-exporter");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        exporter = new ProcessBuilder(binary.toString(), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        URI upstream = URI.create("http://127.0.0.1:" + port + "/metrics");
        HttpClient client = HttpClient.newHttpClient();
        waitUntilServing(client, upstream);

        proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        proxy.createContext("/metrics", exchange -> {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(upstream).header("Accept-Encoding", "identity");
                String accept = exchange.getRequestHeaders().getFirst("Accept");
                if (accept != null) {
                    request.header("Accept", accept);
                }
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                byte[] body = response.body();
                lastPage.set(body);
                exchange.getResponseHeaders().set("Content-Type", response.headers().firstValue("Content-Type").orElse(""));
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(500, -1);
            } finally {
                exchange.close();
            }
        });
        proxy.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (proxy != null) {
            proxy.stop(0);
        }
        if (exporter != null) {
            exporter.destroy();
            exporter.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void waitUntilServing(HttpClient client, URI url) throws Exception {
        for (int i = 0; i < 100; i++) {
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            if (!exporter.isAlive()) {
                throw new IllegalStateException("prometheus-node-exporter exited with " + exporter.exitValue());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("prometheus-node-exporter did not serve " + url + " within 10 s");
    }

    /** Samples on a page, counted without the parser under test: every non-blank line not starting with #. */
    private static int countSamples(byte[] page) {
        int count = 0;
        for (String line : new String(page, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                count++;
            }
        }
        return count;
    }

    @Test
    void storesEverySampleOfEveryPageTheNodeExporterServes() throws Exception {
        ScrapeConfig config = Configs.withTiming(Configs.job("node"), Duration.ofSeconds(15), Duration.ofSeconds(10));
        String address = "127.0.0.1:" + proxy.getAddress().getPort();
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", address), Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        ScrapeTarget target = new ScrapeTarget("node", result.discovered(), result.labels(),
                TargetBuilder.publicLabels(result.labels()), url);
        MemoryStorage storage = new MemoryStorage();
        ScrapeLoop loop = new ScrapeLoop(target,
                new LoopSettings.Base(config, Relabeler.NONE, null).forTarget(config.scrapeInterval(), config.scrapeTimeout()),
                new HttpClientShards(config.httpClient(), null).fetcher(0, url, config.scrapeTimeout(), 0,
                        ExpositionFormats.acceptHeader(config.scrapeProtocols()), true),
                () -> storage, new ScrapeMetrics(), null);
        Labels scraped = target.publicLabels().toBuilder().set("__name__", "scrape_samples_scraped").build();

        for (int i = 1; i <= 3; i++) {
            long ts = i * 15_000L;
            loop.scrapeOnce(ts);
            assertThat(loop.info().lastError()).as("scrape %d error", i).isEmpty();
            int onPage = countSamples(lastPage.get());
            int reportSeries = ScrapeLoop.BASIC_REPORTS;

            assertThat(onPage).as("node exporter serves samples").isGreaterThan(100);
            assertThat(storage.seriesWithSampleAt(ts) - reportSeries).as("samples stored by scrape %d", i).isEqualTo(onPage);
            assertThat(storage.valueAt(scraped, ts)).isEqualTo((double) onPage);
        }
    }

    /**
     * The same exporter read as protobuf (delimited MetricFamily messages, what client_golang
     * serves when asked) and as text: the protobuf page yields the same series, the classic
     * histograms' and summaries' series included.
     */
    @Test
    void protobufPageYieldsTheSameSeriesAsTheTextPage() throws Exception {
        Map<String, Labels> text = seriesNames(scrapeWith(List.of("PrometheusText0.0.4")));
        Map<String, Labels> proto = seriesNames(scrapeWith(List.of("PrometheusProto")));
        assertThat(proto).hasSizeGreaterThan(100);
        // A few series come and go between two scrapes (per-collector timings are stable, process figures too):
        // compare the families, which do not.
        assertThat(proto.keySet()).isEqualTo(text.keySet());
    }

    private MemoryStorage scrapeWith(List<String> protocols) throws Exception {
        ScrapeConfig base = Configs.withTiming(Configs.job("node"), Duration.ofSeconds(15), Duration.ofSeconds(10));
        ScrapeConfig config = new ScrapeConfig(base.jobName(), base.scrapeInterval(), base.scrapeTimeout(), protocols, "",
                base.metricsPath(), base.scheme(), base.params(), base.honorLabels(), base.honorTimestamps(),
                base.trackTimestampsStaleness(), base.enableCompression(), base.httpClient(), base.limits(), List.of(), List.of(),
                List.of(), List.of());
        String address = "127.0.0.1:" + proxy.getAddress().getPort();
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", address), Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        ScrapeTarget target = new ScrapeTarget("node", result.discovered(), result.labels(),
                TargetBuilder.publicLabels(result.labels()), url);
        MemoryStorage storage = new MemoryStorage();
        ScrapeLoop loop = new ScrapeLoop(target,
                new LoopSettings.Base(config, Relabeler.NONE, null).forTarget(config.scrapeInterval(), config.scrapeTimeout()),
                new HttpClientShards(config.httpClient(), null).fetcher(0, url, config.scrapeTimeout(), 0,
                        ExpositionFormats.acceptHeader(config.scrapeProtocols()), true),
                () -> storage, new ScrapeMetrics(), null);
        loop.scrapeOnce(15_000);
        assertThat(loop.info().lastError()).isEmpty();
        return storage;
    }

    private static Map<String, Labels> seriesNames(MemoryStorage storage) {
        Map<String, Labels> byName = new java.util.TreeMap<>();
        storage.all().keySet().forEach(l -> byName.put(l.get("__name__"), l));
        return byName;
    }
}
