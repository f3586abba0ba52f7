package io.promethium.scrape.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Storage;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.relabel.Relabeler;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.HistogramOptions;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The scrape loop's own work on a real node_exporter page (1,073 lines, 507 samples, 58% of its
 * bytes in HELP/TYPE lines): parse, series cache, relabeling, staleness bookkeeping and the report
 * series, into a storage that only hands out references, so neither HTTP nor the TSDB is counted.
 * Prints nanoseconds per sample of a steady scrape, and the heap a target's loop keeps per series.
 *
 * <p>Run (about 1 minute):
 * <pre>
 * mvn -B -q -o -pl kernel/scrape -am test-compile
 * mvn -B -q -o -pl kernel/scrape dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * cd kernel/scrape
 * $JAVA_HOME/bin/java -XX:+UseCompactObjectHeaders -cp target/test-classes:target/classes:$(cat target/bench.cp) io.promethium.scrape.internal.ScrapeLoopBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScrapeLoopBenchmark {

    static final String PAGE = "/bench/node_exporter.prom";

    private ScrapeLoop loop;
    private long timestamp = 1_000;

    /** The page, served from memory as the fetcher's buffer. */
    static byte[] page() throws IOException {
        try (InputStream in = ScrapeLoopBenchmark.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException(PAGE + " is not on the test class path");
            }
            return in.readAllBytes();
        }
    }

    static int samples(byte[] page) {
        int n = 0;
        int lineStart = 0;
        for (int i = 0; i < page.length; i++) {
            if (page[i] == '\n') {
                if (i > lineStart && page[lineStart] != '#') {
                    n++;
                }
                lineStart = i + 1;
            }
        }
        return n;
    }

    /** A storage that keeps nothing: every series gets a reference, every append returns it. */
    static final class RefsOnly implements Storage {
        private long next;

        @Override
        public Appender appender() {
            return new Appender() {
                @Override
                public long append(long ref, Labels labels, long timestamp, double value) {
                    return ref != 0 ? ref : ++next;
                }

                @Override
                public void commit() {
                }

                @Override
                public void rollback() {
                }
            };
        }

        @Override
        public Querier querier(long mint, long maxt) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long startTime() {
            return 0;
        }
    }

    static ScrapeLoop loop(int target, byte[] page, Storage storage) {
        return loop(target, page, storage, ScrapeLoop.UNTRACED);
    }

    /** A loop traced by {@code tracer}. */
    static ScrapeLoop loop(int target, byte[] page, Storage storage, java.util.function.Supplier<io.promethium.api.trace.Tracer> tracer) {
        ScrapeConfig config = Configs.withTiming(Configs.job("node"), Duration.ofSeconds(10), Duration.ofSeconds(10));
        String address = "127.0.0.1:" + (9100 + target);
        TargetBuilder.Result result = new TargetBuilder(config).build(Labels.of("__address__", address), Labels.EMPTY);
        URI url = TargetBuilder.scrapeUrl(result.labels(), config.params());
        ScrapeTarget t = new ScrapeTarget(config.jobName(), result.discovered(), result.labels(),
                TargetBuilder.publicLabels(result.labels()), url);
        LoopSettings settings = new LoopSettings.Base(config, new Relabeler(config.metricRelabelConfigs()), null,
                HistogramOptions.CLASSIC, false).forTarget(config.scrapeInterval(), config.scrapeTimeout());
        PageFetcher fetcher = new PageFetcher() {
            @Override
            public Page fetch(FetchSpans spans) {
                return new Page("text/plain; version=0.0.4; charset=utf-8", page, 0, page.length);
            }

            @Override
            public void close() {
            }
        };
        return new ScrapeLoop(t, settings, fetcher, () -> storage, new ScrapeMetrics(), null, new SharedMetadata(), null, tracer);
    }

    @Setup
    public void setUp() throws IOException {
        loop = loop(0, page(), new RefsOnly());
        loop.scrapeOnce(timestamp);
        metadataPage = page();
        metadataPageView = new PageFetcher.Page("text/plain; version=0.0.4", metadataPage, 0, metadataPage.length);
    }

    /** One steady scrape of the page: every series is in the cache. */
    @Benchmark
    public void steadyScrape() {
        timestamp += 10_000;
        loop.scrapeOnce(timestamp);
    }

    /** Heap kept per series by 100 targets' loops after their first scrape (series cache, labels, buffers). */
    static double retainedBytesPerSeries(byte[] page, int targets) {
        List<ScrapeLoop> loops = new ArrayList<>();
        long before = usedAfterGc();
        for (int i = 0; i < targets; i++) {
            ScrapeLoop l = loop(i, page, new RefsOnly());
            l.scrapeOnce(1_000);
            l.scrapeOnce(11_000);
            loops.add(l);
        }
        long after = usedAfterGc();
        double perSeries = (after - before) / (double) targets / samples(page);
        if (loops.size() != targets) {
            throw new AssertionError();
        }
        return perSeries;
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private byte[] metadataPage;
    private PageFetcher.Page metadataPageView;
    private final java.util.Map<String, io.promethium.api.model.Metadata> metadataSink = new java.util.HashMap<>();

    /**
     * The metadata pass alone (run on the first scrape, when series are new and every 8th scrape):
     * reading only the page's comment lines, as the loop does for the text formats.
     */
    @Benchmark
    public Object metadataPass() throws Exception {
        loop.readMetadata(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, metadataPageView);
        return loop;
    }

    /**
     * What the periodic metadata pass costs when the page's comment lines are the ones last read
     * (the steady state): their fingerprint, no parsing.
     */
    @Benchmark
    public long metadataUnchanged() {
        return CommentLines.fingerprint(metadataPage, 0, metadataPage.length);
    }

    /** The same pass parsing the whole page, samples included (what the loop did before, and still does for other formats). */
    @Benchmark
    public Object metadataPassWholePage() throws Exception {
        metadataSink.clear();
        PageMetadata.readMetadataEntries(ExpositionFormat.PROMETHEUS_TEXT_0_0_4.newParser(metadataPage, 0, metadataPage.length,
                io.promethium.exposition.ParseMode.LENIENT, HistogramOptions.CLASSIC), metadataSink);
        return metadataSink;
    }

    public static void main(String[] args) throws Exception {
        byte[] page = page();
        int samples = samples(page);
        System.out.printf("page: %d bytes, %d samples%n", page.length, samples);
        System.out.printf("heap kept per series by the scrape loops of 100 targets: %.0f B%n", retainedBytesPerSeries(page, 100));
        for (RunResult r : new Runner(new OptionsBuilder().include(ScrapeLoopBenchmark.class.getSimpleName()).build()).run()) {
            double micros = r.getPrimaryResult().getScore();
            System.out.printf("%s: %.1f µs per scrape, %.0f ns per sample%n", r.getParams().getBenchmark(), micros,
                    micros * 1000 / samples);
        }
    }
}
