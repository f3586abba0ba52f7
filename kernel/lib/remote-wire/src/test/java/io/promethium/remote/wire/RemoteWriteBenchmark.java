package io.promethium.remote.wire;

import io.promethium.api.model.Labels;
import java.util.SplittableRandom;
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

/**
 * The remote write receiver's decoding: a 2,000-series x 100-sample {@code WriteRequest}
 * (a typical Prometheus batch is 2,000 samples; this is 100 of them), snappy-decoded and
 * protobuf-decoded into labels and primitive arrays, no storage. Also snappy encoding as the
 * remote read response path uses it. Run with {@link io.promethium.web.internal.bench.WebBenchmarks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RemoteWriteBenchmark {

    static final int SERIES = 2_000;
    static final int SAMPLES = 100;

    private byte[] raw;
    private byte[] compressed;

    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(3);
        ProtoWriter w = new ProtoWriter();
        for (int s = 0; s < SERIES; s++) {
            int ts = w.beginMessage(1);
            Labels labels = Labels.of("__name__", "node_cpu_seconds_total", "job", "node", "instance", "host-" + (s / 16) + ":9100",
                    "cpu", Integer.toString(s % 8), "mode", (s & 8) == 0 ? "user" : "system");
            for (int i = 0; i < labels.size(); i++) {
                int l = w.beginMessage(1);
                w.stringField(1, labels.name(i));
                w.stringField(2, labels.value(i));
                w.endMessage(l);
            }
            double v = random.nextInt(100_000);
            for (int i = 0; i < SAMPLES; i++) {
                v += random.nextDouble() * 10;
                int sm = w.beginMessage(2);
                w.doubleField(1, v);
                w.int64Field(2, 1_700_000_000_000L + i * 15_000L);
                w.endMessage(sm);
            }
            w.endMessage(ts);
        }
        raw = w.toByteArray();
        compressed = Snappy.encode(raw, raw.length);
    }

    @Benchmark
    public long decode() throws Exception {
        byte[] decoded = Snappy.decode(compressed, compressed.length, Long.MAX_VALUE);
        long[] sum = new long[1];
        new WriteRequestDecoder().decode(decoded, decoded.length, (labels, ts, vs, count, ex, exCount) -> sum[0] += count);
        return sum[0];
    }

    @Benchmark
    public int snappyEncode() {
        return Snappy.encode(raw, raw.length).length;
    }

    int rawBytes() {
        return raw.length;
    }

    int compressedBytes() {
        return compressed.length;
    }
}
