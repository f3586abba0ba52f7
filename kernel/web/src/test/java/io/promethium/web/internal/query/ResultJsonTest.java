package io.promethium.web.internal.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.promql.engine.InstantVector;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.Sample;
import io.promethium.promql.engine.SeriesData;
import io.promethium.web.internal.api.PromJson;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ResultJsonTest {
    /** Shared by this test's answers, as by a resource's: a helper's arrays come back and are spelled into again. */
    private final SpelledBytes reused = new SpelledBytes();

    private String json(io.promethium.promql.engine.Value v) throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            ResultJson.write(new PromJson(g), g, v, reused);
        }
        return w.toString();
    }

    /** schema 0, zero bucket 1 (threshold 0.001), positive buckets (0.5,1]:1 (1,2]:2, negative [-1,-0.5):1. */
    private static FloatHistogram histogram() {
        return new FloatHistogram(io.promethium.api.model.CounterResetHint.UNKNOWN, 0, 0.001, 1, 5, 3.5, HistogramSpans.pairs(0, 2),
                new double[] {1, 2}, HistogramSpans.pairs(0, 1), new double[] {1}, null);
    }

    @Test
    void histogramSamplesAreWrittenAsPrometheusDoes() throws Exception {
        String vector = json(new InstantVector(List.of(new Sample(Labels.of("__name__", "h"), 60_000, 0, histogram()),
                new Sample(Labels.of("__name__", "f"), 60_000, 2))));
        assertThat(vector).isEqualTo("[{\"metric\":{\"__name__\":\"h\"},\"histogram\":[60,{\"count\":\"5\",\"sum\":\"3.5\",\"buckets\":"
                + "[[1,\"-1\",\"-0.5\",\"1\"],[3,\"-0.001\",\"0.001\",\"1\"],[0,\"0.5\",\"1\",\"1\"],[0,\"1\",\"2\",\"2\"]]}]},"
                + "{\"metric\":{\"__name__\":\"f\"},\"value\":[60,\"2\"]}]");
        String matrix = json(new RangeMatrix(List.of(new SeriesData(Labels.EMPTY, new long[] {0, 60_000}, new double[] {7, 0}, 2,
                new FloatHistogram[] {null, histogram()}))));
        assertThat(matrix).startsWith("[{\"metric\":{},\"values\":[[0,\"7\"]],\"histograms\":[[60,{\"count\":\"5\"");
    }

    /** Series of float samples (some zero, negative, integral, NaN or infinite), every fifth with a histogram too. */
    private static List<SeriesData> series(int count, int steps) {
        SplittableRandom random = new SplittableRandom(7);
        List<SeriesData> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            long[] ts = new long[steps];
            double[] vs = new double[steps];
            for (int i = 0; i < steps; i++) {
                ts[i] = 1_795_000_000_500L + 60_000L * i;
                vs[i] = switch (random.nextInt(8)) {
                    case 0 -> 0;
                    case 1 -> -random.nextDouble() * 1e6;
                    case 2 -> random.nextInt(1000);
                    case 3 -> random.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY;
                    default -> random.nextDouble();
                };
            }
            FloatHistogram[] histograms = null;
            if (s % 5 == 4) {
                histograms = new FloatHistogram[steps];
                histograms[steps / 2] = histogram();
            }
            out.add(new SeriesData(Labels.of("__name__", "m", "series", Integer.toString(s)), ts, vs, steps, histograms));
        }
        return out;
    }

    @Test
    void aLargeAnswerIsTheSameWhileAHelperSpellsItsLastSeries() throws Exception {
        List<SeriesData> series = series(40, 600);
        assertThat(series.stream().mapToDouble(s -> s.length() * SpellAhead.decimalShare(s)).sum())
                .as("samples with a fraction: enough for a helper").isGreaterThan(SpellAhead.MIN_SAMPLES);
        List<String> alone = new ArrayList<>();
        for (SeriesData s : series) {
            // One series at a time is under the helper's threshold: spelled by the writing thread.
            String one = json(new RangeMatrix(List.of(s)));
            alone.add(one.substring(1, one.length() - 1));
        }
        String expected = "[" + String.join(",", alone) + "]";
        for (int run = 0; run < 20; run++) {
            assertThat(json(new RangeMatrix(series))).isEqualTo(expected);
        }
    }

    @Test
    void theHelperSpellsOnlyTheFloatSeriesTheResponseHasNotClaimed() throws Exception {
        List<SeriesData> series = series(6, 50);
        SpellAhead helper = new SpellAhead(series, reused);
        assertThat(helper.take(0)).isNull(); // the response's thread claims it: spells it itself
        assertThat(helper.take(1)).isNull();
        helper.run();
        assertThat(helper.take(4)).as("a series with histograms is the response's").isNull();
        for (int i : new int[] {2, 3, 5}) {
            assertSpelledAsTheResponseWould(helper.take(i), series.get(i));
        }
    }

    @Test
    void theHelperSpellsIntoAnArrayAnEarlierAnswerGaveBack() throws Exception {
        List<SeriesData> series = series(4, 50);
        byte[] earlier = new byte[1 << 16];
        java.util.Arrays.fill(earlier, (byte) 'x');
        reused.give(earlier);
        SpellAhead helper = new SpellAhead(series, reused);
        helper.run();
        PromJson.Spelled last = helper.take(3); // the helper starts from the end
        assertThat(last.bytes()).isSameAs(earlier);
        assertThat(reused.kept()).isZero();
        for (int i = 0; i < 4; i++) {
            assertSpelledAsTheResponseWould(i == 3 ? last : helper.take(i), series.get(i));
        }
    }

    @Test
    void anArrayTooSmallForTheSeriesIsGivenBackNotDropped() throws Exception {
        List<SeriesData> series = series(2, 50);
        byte[] small = new byte[8];
        reused.give(small);
        SpellAhead helper = new SpellAhead(series, reused);
        helper.run();
        assertThat(reused.take()).isSameAs(small);
        for (int i = 0; i < 2; i++) {
            assertSpelledAsTheResponseWould(helper.take(i), series.get(i));
        }
    }

    @Test
    void spelledBytesKeepNoMoreThanTheirBound() {
        SpelledBytes bytes = new SpelledBytes();
        bytes.give(new byte[(int) SpelledBytes.MAX_BYTES - 10]);
        bytes.give(new byte[100]);
        assertThat(bytes.kept()).isEqualTo(SpelledBytes.MAX_BYTES - 10);
        assertThat(bytes.take()).hasSize((int) SpelledBytes.MAX_BYTES - 10);
        assertThat(bytes.take()).isNull();
        assertThat(bytes.kept()).isZero();
    }

    private static void assertSpelledAsTheResponseWould(PromJson.Spelled spelled, SeriesData series) throws Exception {
        assertThat(spelled).isNotNull();
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartArray();
            new PromJson(g).floatSamples(series.timestamps(), series.values(), series.length(), null);
            g.writeEndArray();
        }
        assertThat("[" + new String(spelled.bytes(), 0, spelled.length(), java.nio.charset.StandardCharsets.US_ASCII) + "]")
                .isEqualTo(w.toString());
    }
}
