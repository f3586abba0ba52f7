package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.relabel.Relabeler;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.exposition.HistogramOptions;
import io.promethium.testsupport.Peers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Created timestamps as a real client writes them: Debian's {@code python3-prometheus-client}
 * renders a counter, a histogram and a summary in OpenMetrics (with their {@code _created}
 * samples), and the scrape with {@code created-timestamp-zero-ingestion} stores each sample with
 * the created timestamp of its labels, a zero sample there, and no {@code _created} series.
 */
class PythonClientCreatedTimestampIT {

    private static final String SCRIPT = """
            import sys
            from prometheus_client import CollectorRegistry, Counter, Histogram, Summary
            from prometheus_client.openmetrics.exposition import generate_latest
            r = CollectorRegistry()
            c = Counter('jobs', 'Jobs done.', ['queue'], registry=r)
            c.labels('a').inc(3)
            c.labels('b').inc()
            h = Histogram('latency_seconds', 'Latency.', registry=r, buckets=(0.1, 1))
            h.observe(0.5)
            s = Summary('size_bytes', 'Sizes.', registry=r)
            s.observe(10)
            sys.stdout.write(generate_latest(r).decode())
            """;

    private static final Pattern CREATED = Pattern.compile("(?m)^(\\w+)_created(\\{[^}]*\\})? (\\S+)$");

    @TempDir
    Path dir;

    private static String render(Path python, Path script) throws Exception {
        Process p = new ProcessBuilder(python.toString(), script.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("python client finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void createdTimestampsOfThePythonClientAreIngested() throws Exception {
        Path python = Peers.requirePythonModule("prometheus_client");
        Path script = dir.resolve("page.py");
        Files.writeString(script, SCRIPT);
        String page = render(python, script);
        // The page's own created timestamps, read without the parser under test: family + labels -> ms.
        Map<String, Long> created = new LinkedHashMap<>();
        Matcher m = CREATED.matcher(page);
        while (m.find()) {
            created.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), (long) (Double.parseDouble(m.group(3)) * 1000));
        }
        assertThat(created).as(page).containsKeys("jobs{queue=\"a\"}", "jobs{queue=\"b\"}", "latency_seconds", "size_bytes");

        try (TestServer server = new TestServer()) {
            server.page("application/openmetrics-text; version=1.0.0; charset=utf-8", page);
            ScrapeConfig config = Configs.withTiming(Configs.job("py"), Duration.ofSeconds(15), Duration.ofSeconds(10));
            TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", server.address()), Labels.EMPTY);
            URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
            ScrapeTarget target = new ScrapeTarget("py", result.discovered(), result.labels(), TargetBuilder.publicLabels(result.labels()), url);
            MemoryStorage storage = new MemoryStorage();
            ScrapeLoop loop = new ScrapeLoop(target,
                    new LoopSettings.Base(config, Relabeler.NONE, null, HistogramOptions.CLASSIC, false, true)
                            .forTarget(config.scrapeInterval(), config.scrapeTimeout()),
                    new HttpClientShards(config.httpClient(), null).fetcher(0, url, config.scrapeTimeout(), 0,
                            ExpositionFormats.acceptHeader(config.scrapeProtocols()), true),
                    () -> storage, new ScrapeMetrics(), null);
            long t = System.currentTimeMillis() + 60_000;
            loop.scrapeOnce(t);
            assertThat(loop.info().lastError()).isEmpty();

            Labels base = target.publicLabels();
            Labels jobsA = base.toBuilder().set("__name__", "jobs_total").set("queue", "a").build();
            long ctA = created.get("jobs{queue=\"a\"}");
            assertThat(storage.valueAt(jobsA, t)).isEqualTo(3.0);
            assertThat(storage.startAt(jobsA, t)).isEqualTo(ctA);
            assertThat(storage.valueAt(jobsA, ctA)).as("zero at the created timestamp").isEqualTo(0.0);
            assertThat(storage.startAt(base.toBuilder().set("__name__", "jobs_total").set("queue", "b").build(), t))
                    .isEqualTo(created.get("jobs{queue=\"b\"}"));
            assertThat(storage.startAt(base.toBuilder().set("__name__", "latency_seconds_bucket").set("le", "1.0").build(), t))
                    .isEqualTo(created.get("latency_seconds"));
            assertThat(storage.startAt(base.toBuilder().set("__name__", "size_bytes_count").build(), t)).isEqualTo(created.get("size_bytes"));
            assertThat(storage.all().keySet()).noneMatch(l -> l.metricName().endsWith("_created"));
        }
    }
}
