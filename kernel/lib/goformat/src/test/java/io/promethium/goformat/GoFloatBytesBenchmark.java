package io.promethium.goformat;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The query API's per-sample writing, in ns per value: a ten-digit timestamp's digits, a
 * seventeen-digit significand's, and the shortest JSON spelling ({@link GoFloatBytes#appendJson}) of a rate
 * and of a two-decimal gauge (a load average).
 * Run: {@code java -cp target/test-classes:target/classes:$(cat target/bench.cp)
 * org.openjdk.jmh.Main GoFloatBytesBenchmark} after {@code mvn -pl kernel/lib/goformat
 * test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GoFloatBytesBenchmark {
    static final int N = 4096;

    private final long[] timestamps = new long[N];
    private final long[] significands = new long[N];
    private final double[] rates = new double[N];
    private final double[] gauges = new double[N];
    private final byte[] out = new byte[64];
    private final GoFloatBytes writer = new GoFloatBytes();

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < N; i++) {
            timestamps[i] = 1_795_748_820L + 15L * i;
            significands[i] = 10_000_000_000_000_000L + random.nextLong(89_999_999_999_999_999L);
            rates[i] = random.nextDouble() * 0.05;
            gauges[i] = random.nextInt(1_000) / 100.0;
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int timestampDigits() {
        int n = 0;
        for (long t : timestamps) {
            n += GoFloatBytes.appendDigits(out, 0, t);
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int significandDigits() {
        int n = 0;
        for (long s : significands) {
            n += GoFloatBytes.appendDigits(out, 0, s);
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int rateJson() {
        int n = 0;
        for (double v : rates) {
            n += writer.appendJson(out, 0, v);
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int gaugeJson() {
        int n = 0;
        for (double v : gauges) {
            n += writer.appendJson(out, 0, v);
        }
        return n;
    }
}
