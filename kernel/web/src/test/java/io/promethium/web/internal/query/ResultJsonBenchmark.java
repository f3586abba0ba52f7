package io.promethium.web.internal.query;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.model.Labels;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.SeriesData;
import io.promethium.web.internal.api.PromJson;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
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

/**
 * Writing a range query's matrix as API JSON: 1,000 series x 1,000 points, values whole numbers
 * (counters), two-decimal gauges (a load average) or arbitrary doubles (rates), into a counting sink. Prints samples per
 * second. Run with {@link io.promethium.web.internal.bench.WebBenchmarks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResultJsonBenchmark {

    static final int SERIES = 1_000;
    static final int POINTS = 1_000;
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    @Param({"integers", "decimals", "doubles"})
    public String values;

    private RangeMatrix matrix;
    private final SpelledBytes reused = new SpelledBytes();

    /** Counts bytes, discards them. */
    static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(1);
        List<SeriesData> series = new ArrayList<>(SERIES);
        for (int s = 0; s < SERIES; s++) {
            long[] ts = new long[POINTS];
            double[] vs = new double[POINTS];
            for (int i = 0; i < POINTS; i++) {
                ts[i] = 1_700_000_000_000L + i * 15_000L;
                vs[i] = switch (values) {
                    case "integers" -> random.nextInt(1_000_000);
                    case "decimals" -> Math.round(random.nextDouble() * 400) / 100.0; // a load average
                    default -> random.nextDouble() * 1000;
                };
            }
            series.add(new SeriesData(Labels.of("__name__", "http_requests_total", "job", "api", "instance", "host-" + s,
                    "code", "200"), ts, vs, POINTS));
        }
        matrix = new RangeMatrix(series);
    }

    @Benchmark
    public long writeMatrix() throws IOException {
        CountingSink sink = new CountingSink();
        try (JsonGenerator g = FACTORY.createGenerator(sink, JsonEncoding.UTF8)) {
            ResultJson.write(new PromJson(g), g, matrix, reused);
        }
        return sink.bytes;
    }
}
