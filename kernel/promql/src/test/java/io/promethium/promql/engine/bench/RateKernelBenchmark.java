package io.promethium.promql.engine.bench;

import io.promethium.promql.engine.internal.kernel.RangeKernels;
import io.promethium.promql.engine.internal.kernel.RateShape;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code rate}'s kernel over one day of a counter scraped every 15 s, as Grafana's 24 h panel asks
 * for it ({@code rate(x[75s])} every 60 s: 1,441 windows of five samples), with each window's
 * factor worked out anew ({@code plain}) or remembered per window shape ({@code shaped}). With
 * {@code aligned} the query's times are whole seconds and the scrapes on their interval, as a
 * dashboard's and the scraper's are, so every window has the same shape; without it the step is
 * 61.3 s and the scrapes jitter by up to 40 ms, so no two windows share one (the cost of the
 * check alone). Score: microseconds for the day's windows (1,439 aligned, 1,409 not).
 *
 * <pre>
 * mvn -B -q -pl kernel/promql test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp kernel/promql/target/test-classes:kernel/promql/target/classes:$(cat kernel/promql/target/bench.cp) \
 *     io.promethium.promql.engine.bench.RateKernelBenchmark     # JMH, ~1 min
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateKernelBenchmark {
    private static final int SAMPLES = 5_760;

    @Param({"true", "false"})
    public boolean aligned;

    private final long[] ts = new long[SAMPLES];
    private final double[] vs = new double[SAMPLES];
    private long[] ends;
    private int[] los;
    private int[] his;
    private final RateShape shape = new RateShape();

    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(1);
        long t0 = 1_795_000_000_000L;
        double v = 1e6;
        for (int i = 0; i < SAMPLES; i++) {
            ts[i] = t0 + i * 15_000L + (aligned ? 0 : random.nextInt(40));
            v += random.nextDouble() * 3;
            vs[i] = v;
        }
        long step = aligned ? 60_000 : 61_300;
        int windows = (int) ((ts[SAMPLES - 1] - ts[0]) / step);
        ends = new long[windows];
        los = new int[windows];
        his = new int[windows];
        int lo = 0;
        int hi = 0;
        for (int w = 0; w < windows; w++) {
            long end = t0 + 75_000 + w * step + (aligned ? 500 : 0);
            while (hi < SAMPLES && ts[hi] <= end) {
                hi++;
            }
            while (lo < hi && ts[lo] <= end - 75_000) {
                lo++;
            }
            ends[w] = end;
            los[w] = lo;
            his[w] = hi;
        }
    }

    @Benchmark
    public double plain() {
        double sum = 0;
        for (int w = 0; w < ends.length; w++) {
            sum += RangeKernels.extrapolatedRate(ts, vs, los[w], his[w], ends[w] - 75_000, ends[w], true, true);
        }
        return sum / ends.length;
    }

    @Benchmark
    public double shaped() {
        double sum = 0;
        for (int w = 0; w < ends.length; w++) {
            sum += RangeKernels.extrapolatedRate(ts, vs, los[w], his[w], ends[w] - 75_000, ends[w], true, true, shape);
        }
        return sum / ends.length;
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(RateKernelBenchmark.class.getSimpleName()).build()).run();
    }
}
