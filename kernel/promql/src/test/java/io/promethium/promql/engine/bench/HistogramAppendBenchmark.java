package io.promethium.promql.engine.bench;

import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appending native histograms to the real TSDB: each operation is one scrape of
 * {@link HistogramQueryBenchmark#SERIES} exponential and as many custom-bucket histograms, one
 * commit (WAL records and head chunks included). Run through {@link HistogramQueryBenchmark#main}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class HistogramAppendBenchmark {
    private Path dir;
    private Tsdb tsdb;
    private HistogramQueryBenchmark.Scrape scrape;
    private long i;

    @Setup
    public void open() {
        dir = HistogramQueryBenchmark.tempDir();
        tsdb = Tsdb.open(TsdbOptions.defaults(dir));
        scrape = new HistogramQueryBenchmark.Scrape(false);
    }

    @TearDown
    public void close() {
        tsdb.close();
        HistogramQueryBenchmark.delete(dir);
    }

    @Benchmark
    public int append() {
        long n = i++;
        return scrape.append(tsdb, n * HistogramQueryBenchmark.INTERVAL, n);
    }
}
