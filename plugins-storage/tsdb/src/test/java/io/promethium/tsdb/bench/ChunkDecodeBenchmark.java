package io.promethium.tsdb.bench;

import io.promethium.chunks.ChunkIterator;
import io.promethium.chunks.Chunks;
import io.promethium.chunks.DecimalEncoder;
import io.promethium.chunks.DecimalIterator;
import io.promethium.chunks.XorAppender;
import io.promethium.chunks.XorIterator;
import java.util.Arrays;
import java.util.Collection;
import java.util.DoubleSummaryStatistics;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Decoding float chunks whole ({@code ChunkIterator.drainFloats}), as a long range query reads a
 * block: 2,000 chunks of 120 samples 15 s apart, each in a buffer with bytes after it as the
 * block reader loads them ({@code slack=24}) or in an array of the chunk's size as the head closes
 * them ({@code slack=0}). Three shapes of node data: CPU seconds counters with two decimals
 * (decimal chunks, fixed width), memory gauges in whole bytes that move by up to 2 MiB every few
 * scrapes (decimal) and float gauges (XOR chunks).
 *
 * <p>Run (about 2 minutes), it ends with nanoseconds per sample and bytes per sample for each shape:
 * <pre>
 * mvn -B -q -pl plugins-storage/tsdb -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * cd plugins-storage/tsdb
 * $JAVA_HOME/bin/java -cp target/test-classes:target/classes:$(cat target/bench.cp) io.promethium.tsdb.bench.ChunkDecodeBenchmark
 * </pre>
 * JMH's options go after the class name: a fork's JIT compiles the loops its own way, so
 * {@code -f 3} gives the spread of its figures (up to 1.6 times between forks).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class ChunkDecodeBenchmark {

    static final int CHUNKS = 2_000;
    static final int SAMPLES = Chunks.SAMPLES_PER_CHUNK;
    @Param({"cpu-seconds", "memory-bytes", "float-gauge"})
    public String shape;

    /** Bytes after each chunk in its array: 24 as the block reader leaves, none in a head's closed chunk. */
    @Param({"24", "0"})
    public int slack;

    private byte[][] chunks;
    private int[] lengths;
    private long[] bases;
    private ChunkIterator iterator;
    private final long[] ts = new long[SAMPLES];
    private final double[] vs = new double[SAMPLES];

    @Setup
    public void setup() {
        Encoded e = encode(shape, slack);
        chunks = e.chunks();
        lengths = e.lengths();
        bases = e.bases();
        iterator = shape.equals("float-gauge") ? new XorIterator() : new DecimalIterator();
    }

    record Encoded(byte[][] chunks, int[] lengths, long[] bases) {
        double bytesPerSample() {
            return Arrays.stream(lengths).sum() / (double) (lengths.length * SAMPLES);
        }
    }

    static Encoded encode(String shape, int slack) {
        SplittableRandom random = new SplittableRandom(42);
        byte[][] chunks = new byte[CHUNKS][];
        int[] lengths = new int[CHUNKS];
        long[] bases = new long[CHUNKS];
        long[] t = new long[SAMPLES];
        double[] v = new double[SAMPLES];
        DecimalEncoder decimal = new DecimalEncoder();
        for (int c = 0; c < CHUNKS; c++) {
            long base = 1_700_000_000_000L + c * SAMPLES * 15_000L;
            double value = 1e4 * random.nextDouble();
            double rate = random.nextDouble();
            XorAppender xor = new XorAppender(256);
            for (int i = 0; i < SAMPLES; i++) {
                t[i] = base + i * 15_000L;
                switch (shape) {
                    case "cpu-seconds" -> {
                        value += rate * 15 * (0.5 + random.nextDouble());
                        v[i] = Math.round(value * 100) / 100.0;
                    }
                    case "memory-bytes" -> {
                        // Free memory of a few GiB moving by up to 2 MiB in pages, every few scrapes.
                        if (random.nextInt(4) == 0) {
                            value += (random.nextInt(1024) - 512) * 4096.0;
                        }
                        v[i] = Math.round(4e9 + value * 4e5);
                    }
                    case "float-gauge" -> v[i] = 0.5 + random.nextDouble() * Math.sin(i / 20.0);
                    default -> throw new IllegalArgumentException("unknown shape " + shape);
                }
                xor.append(t[i], v[i]);
            }
            byte[] bytes = shape.equals("float-gauge") ? xor.toByteArray() : decimal.encode(t, v, 0, SAMPLES, base);
            if (bytes == null) {
                throw new IllegalStateException(shape + " is not decimal");
            }
            chunks[c] = Arrays.copyOf(bytes, bytes.length + slack);
            lengths[c] = bytes.length;
            bases[c] = shape.equals("float-gauge") ? 0 : base;
        }
        return new Encoded(chunks, lengths, bases);
    }

    /** Every chunk decoded whole; the sum keeps the work from being dropped. */
    @Benchmark
    public double drainFloats() {
        double sum = 0;
        for (int c = 0; c < CHUNKS; c++) {
            iterator.reset(chunks[c], 0, lengths[c], SAMPLES, bases[c]);
            int n = iterator.drainFloats(ts, vs);
            sum += vs[n - 1] + ts[n - 1];
        }
        return sum;
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(ChunkDecodeBenchmark.class.getName()).build()).run();
        System.out.println();
        for (RunResult r : results) {
            String shape = r.getParams().getParam("shape");
            int slack = Integer.parseInt(r.getParams().getParam("slack"));
            double nsPerSample = 1000.0 / (CHUNKS * SAMPLES); // a score is microseconds per benchmark call
            DoubleSummaryStatistics forks = r.getBenchmarkResults().stream()
                    .mapToDouble(b -> b.getPrimaryResult().getScore() * nsPerSample).summaryStatistics();
            System.out.printf("%-14s slack %2d  %6.2f ns per sample (forks %.2f-%.2f)  %5.2f bytes per sample%n", shape, slack,
                    r.getPrimaryResult().getScore() * nsPerSample, forks.getMin(), forks.getMax(), encode(shape, slack).bytesPerSample());
        }
    }
}
