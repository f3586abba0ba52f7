package io.promethium.web.internal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PromJsonSampleTest {

    @Test
    void samplesAreWrittenAsPrometheusWritesThemWithSeparators() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            PromJson json = new PromJson(g);
            g.writeStartObject();
            g.writeFieldName("value");
            json.sample(1_700_000_000_123L, 0.1);
            g.writeArrayFieldStart("values");
            json.sample(1500, 1.0 / 3);
            json.sample(-1, -2.5e-7);
            json.sample(0, Double.NaN);
            json.sample(Long.MIN_VALUE, Double.POSITIVE_INFINITY);
            g.writeEndArray();
            g.writeEndObject();
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"value\":[1700000000.123,\"0.1\"],\"values\":[[1.500,\"0.3333333333333333\"],"
                + "[-0.001,\"-2.5e-07\"],[0,\"NaN\"],[-9223372036854775.808,\"+Inf\"]]}");
    }

    @Test
    void byteTimestampsAreTheStringTimestamps() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] b = new byte[32];
        for (int i = 0; i < 100_000; i++) {
            long t = switch (i % 3) {
                case 0 -> random.nextLong();
                case 1 -> random.nextLong(-10_000, 10_000);
                default -> random.nextLong(1_000_000_000_000L, 2_000_000_000_000L);
            };
            StringBuilder sb = new StringBuilder();
            PromJson.appendTimestamp(sb, t);
            int n = PromJson.appendTimestamp(b, 0, t);
            assertThat(new String(b, 0, n, StandardCharsets.US_ASCII)).isEqualTo(sb.toString());
        }
    }

    @Test
    void samplesCrossingTheGeneratorsBufferAreWrittenWhole() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder("[");
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            PromJson json = new PromJson(g);
            g.writeStartArray();
            for (int i = 0; i < 5_000; i++) {
                double v = i / 7.0;
                json.sample(1_700_000_000_000L + 15_000L * i, v);
                expected.append(i == 0 ? "" : ",").append("[").append(1_700_000_000L + 15L * i).append(",\"")
                        .append(io.promethium.goformat.GoFloat.formatJson(v)).append("\"]");
            }
            g.writeEndArray();
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.append("]").toString());
    }

    @Test
    void aSeriesRunIsWrittenAsItsSamplesOneByOneWithHistogramIndexesLeftOut() throws IOException {
        SplittableRandom random = new SplittableRandom(9);
        int n = 3_000;
        long[] ts = new long[n];
        double[] vs = new double[n];
        Object[] histograms = new Object[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 1_700_000_000_000L + 15_000L * i + (i % 3 == 0 ? 500 : 0);
            vs[i] = switch (i % 4) {
                case 0 -> random.nextDouble() * 1e6;
                case 1 -> Math.round(random.nextDouble() * 400) / 100.0;
                case 2 -> -random.nextLong(1L << 53);
                default -> i % 8 == 3 ? Double.NaN : -1e-300 * random.nextDouble();
            };
            histograms[i] = i % 5 == 2 ? "a histogram" : null;
        }
        // Arrays in a row (one empty), in a generator whose buffer the blocks cross.
        String bySample = write(json -> bySample(json, ts, vs, n, null), json -> bySample(json, ts, vs, n, histograms),
                json -> bySample(json, ts, vs, 0, null));
        String byRun = write(json -> json.floatSamples(ts, vs, n, null), json -> json.floatSamples(ts, vs, n, histograms),
                json -> json.floatSamples(ts, vs, 0, null));
        assertThat(byRun).isEqualTo(bySample);
    }

    @Test
    void seriesSharingStepsAndRepeatingValuesAreSpelledAsEachSampleAlone() throws IOException {
        // Remembered text must not leak: the same steps, shifted steps, a series longer than the
        // timestamps kept, values that repeat, and values whose bits differ but whose spellings are
        // alike or close (0 and -0).
        SplittableRandom random = new SplittableRandom(11);
        long[][] stamps = new long[6][];
        double[][] values = new double[6][];
        for (int s = 0; s < stamps.length; s++) {
            int n = s == 4 ? 11_500 : 240;
            long offset = s == 2 ? 500 : s == 3 ? -15_000 : 0;
            stamps[s] = new long[n];
            values[s] = new double[n];
            for (int i = 0; i < n; i++) {
                stamps[s][i] = 1_795_748_820_000L + 15_000L * i + offset + (s == 5 && i % 7 == 0 ? 1 : 0);
                values[s][i] = switch ((i / 3 + s) % 5) {
                    case 0 -> 0.0;
                    case 1 -> -0.0;
                    case 2 -> Math.round(random.nextDouble() * 400) / 100.0;
                    case 3 -> i % 2 == 0 ? Double.NaN : random.nextDouble();
                    default -> 1.22;
                };
            }
        }
        StringBuilder expected = new StringBuilder("[");
        for (int s = 0; s < stamps.length; s++) {
            expected.append(s == 0 ? "[" : ",[");
            for (int i = 0; i < stamps[s].length; i++) {
                expected.append(i == 0 ? "[" : ",[");
                PromJson.appendTimestamp(expected, stamps[s][i]);
                expected.append(",\"").append(io.promethium.goformat.GoFloat.formatJson(values[s][i])).append("\"]");
            }
            expected.append("]");
        }
        Writes[] series = new Writes[stamps.length];
        for (int s = 0; s < stamps.length; s++) {
            long[] ts = stamps[s];
            double[] vs = values[s];
            series[s] = json -> json.floatSamples(ts, vs, ts.length, null);
        }
        assertThat(write(series)).isEqualTo(expected.append("]").toString());
    }

    private static void bySample(PromJson json, long[] ts, double[] vs, int n, Object[] histograms) throws IOException {
        for (int i = 0; i < n; i++) {
            if (histograms == null || histograms[i] == null) {
                json.sample(ts[i], vs[i]);
            }
        }
    }

    interface Writes {
        void write(PromJson json) throws IOException;
    }

    /** Each of {@code arrays} written as an array inside one outer array. */
    private static String write(Writes... arrays) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            PromJson json = new PromJson(g);
            g.writeStartArray();
            for (Writes w : arrays) {
                g.writeStartArray();
                w.write(json);
                g.writeEndArray();
            }
            g.writeEndArray();
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
