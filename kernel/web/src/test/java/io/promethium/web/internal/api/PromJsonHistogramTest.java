package io.promethium.web.internal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramSpans;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class PromJsonHistogramTest {

    private static String write(FloatHistogram h) throws Exception {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            new PromJson(g).histogram(1_700_000_000_123L, h);
        }
        return out.toString();
    }

    @Test
    void exponentialBucketsAreWrittenNegativeZeroPositiveSkippingEmptyOnes() throws Exception {
        FloatHistogram h = new FloatHistogram(CounterResetHint.UNKNOWN, 0, 0.001, 2, 12, 7.5, HistogramSpans.pairs(0, 3),
                new double[] {3, 0, 5}, HistogramSpans.pairs(1, 1), new double[] {2}, null);
        assertThat(write(h)).isEqualTo("[1700000000.123,{\"count\":\"12\",\"sum\":\"7.5\",\"buckets\":["
                + "[1,\"-2\",\"-1\",\"2\"],"
                + "[3,\"-0.001\",\"0.001\",\"2\"],"
                + "[0,\"0.5\",\"1\",\"3\"],"
                + "[0,\"2\",\"4\",\"5\"]]}]");
    }

    @Test
    void customBucketsStartAtMinusInfinityAndEndAtPlusInfinity() throws Exception {
        FloatHistogram h = FloatHistogram.custom(new double[] {0.1, 1}, 6, 2, HistogramSpans.pairs(0, 3), 1, 2, 3);
        assertThat(write(h)).isEqualTo("[1700000000.123,{\"count\":\"6\",\"sum\":\"2\",\"buckets\":["
                + "[0,\"-Inf\",\"0.1\",\"1\"],[0,\"0.1\",\"1\",\"2\"],[0,\"1\",\"+Inf\",\"3\"]]}]");
    }
}
