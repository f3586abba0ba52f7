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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultJsonTest {

    private static String json(io.promethium.promql.engine.Value v) throws Exception {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            ResultJson.write(new PromJson(g), g, v);
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
}
