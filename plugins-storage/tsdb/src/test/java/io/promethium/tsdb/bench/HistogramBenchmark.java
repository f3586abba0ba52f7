package io.promethium.tsdb.bench;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.chunks.HistogramChunkAppender;
import io.promethium.chunks.HistogramChunkIterator;
import io.promethium.chunks.XorIterator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Native histograms in the TSDB: encoding 120 samples into a chunk, decoding them (reading each
 * histogram object, reused), and appending through the head (1,000 histogram series per commit,
 * WAL on). The histograms look like a latency histogram of schema 3 with 40 populated buckets
 * that grow by a few observations per scrape.
 *
 * <p>Run (about 2 minutes), it ends with per-sample figures and the chunk's bytes per sample:
 * <pre>
 * mvn -B -q -pl plugins-storage/tsdb -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * cd plugins-storage/tsdb
 * $JAVA_HOME/bin/java -cp target/test-classes:target/classes:$(cat target/bench.cp) io.promethium.tsdb.bench.HistogramBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HistogramBenchmark {

    static final int SAMPLES = 120;
    static final int BUCKETS = 40;
    static final int SERIES = 1_000;

    private Histogram[] samples;
    private byte[] chunk;
    private final HistogramChunkIterator iterator = new HistogramChunkIterator(false);
    private Path dir;
    private Tsdb db;
    private Labels[] series;
    private long[] refs;
    private long step;

    /** {@code n} samples of one growing histogram. */
    static Histogram[] histograms(int n) {
        SplittableRandom random = new SplittableRandom(7);
        long[] counts = new long[BUCKETS];
        Histogram[] out = new Histogram[n];
        HistogramSpans spans = HistogramSpans.pairs(-10, BUCKETS);
        long zero = 0;
        for (int i = 0; i < n; i++) {
            long total = zero += random.nextInt(2);
            long[] deltas = new long[BUCKETS];
            long prev = 0;
            double sum = 0;
            for (int b = 0; b < BUCKETS; b++) {
                counts[b] += random.nextInt(1 + (b < 20 ? b : BUCKETS - b) / 4);
                deltas[b] = counts[b] - prev;
                prev = counts[b];
                total += counts[b];
                sum += counts[b] * Math.pow(2, (b - 10) / 8.0);
            }
            out[i] = new Histogram(CounterResetHint.UNKNOWN, 3, 1e-128, zero, total, sum, spans, deltas, HistogramSpans.EMPTY, null, null);
        }
        return out;
    }

    @Setup(Level.Trial)
    public void setup() throws Exception {
        samples = histograms(SAMPLES);
        chunk = encode();
        dir = Files.createTempDirectory("histogram-bench");
        db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO));
        series = new Labels[SERIES];
        refs = new long[SERIES];
        for (int s = 0; s < SERIES; s++) {
            series[s] = Labels.of("__name__", "http_request_duration_seconds", "instance", "host-" + s, "job", "api");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        db.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private byte[] encode() {
        HistogramChunkAppender a = HistogramChunkAppender.forHistogram(samples[0], CounterResetHint.UNKNOWN, 256, 0);
        for (int i = 0; i < SAMPLES; i++) {
            a.append(1_700_000_000_000L + i * 15_000L, samples[i]);
        }
        return a.toByteArray();
    }

    /** Encodes a chunk of 120 samples. */
    @Benchmark
    public int appendChunk() {
        return encode().length;
    }

    /** Decodes a chunk of 120 samples, reading every histogram. */
    @Benchmark
    public long iterateChunk() {
        iterator.reset(chunk, 0, chunk.length, XorIterator.headerCount(chunk, 0), 0);
        long sum = 0;
        while (iterator.next()) {
            sum += iterator.histogram().count();
        }
        return sum;
    }

    /** One scrape's worth: 1,000 histogram series appended and committed (WAL written). */
    @Benchmark
    public long appendHead() {
        long t = 1_700_000_000_000L + (step++) * 15_000L;
        Histogram h = samples[(int) (step % SAMPLES)];
        Appender app = db.appender();
        for (int s = 0; s < SERIES; s++) {
            refs[s] = app.appendHistogram(refs[s], series[s], t, h);
        }
        app.commit();
        return t;
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(HistogramBenchmark.class.getName()).build()).run();
        System.out.println();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double us = r.getPrimaryResult().getScore();
            int perOp = name.endsWith("appendHead") ? SERIES : SAMPLES;
            System.out.printf("%-60s %10.1f us/op  %8.0f ns per histogram sample%n", name, us, us * 1000 / perOp);
        }
        HistogramBenchmark b = new HistogramBenchmark();
        b.samples = histograms(SAMPLES);
        byte[] c = b.encode();
        System.out.printf("chunk of %d samples with %d buckets: %d bytes, %.1f bytes per sample%n", SAMPLES, BUCKETS, c.length,
                (double) c.length / SAMPLES);
    }
}
