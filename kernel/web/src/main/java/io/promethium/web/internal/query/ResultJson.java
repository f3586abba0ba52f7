package io.promethium.web.internal.query;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.promql.engine.InstantVector;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.Sample;
import io.promethium.promql.engine.Scalar;
import io.promethium.promql.engine.SeriesData;
import io.promethium.promql.engine.StringValue;
import io.promethium.promql.engine.Value;
import io.promethium.web.internal.api.PromJson;
import java.io.IOException;

/** Writes a query value as the {@code result} of Prometheus's query API, sample by sample from the engine's arrays. */
final class ResultJson {

    private ResultJson() {
    }

    static void write(PromJson json, JsonGenerator g, Value shown) throws IOException {
        switch (shown) {
            case Scalar s -> json.sample(s.t(), s.v());
            case StringValue s -> json.stringSample(s.t(), s.s());
            case InstantVector v -> {
                g.writeStartArray();
                for (Sample sample : v.samples()) {
                    g.writeStartObject();
                    g.writeFieldName("metric");
                    json.labels(sample.labels());
                    g.writeFieldName("value");
                    json.sample(sample.t(), sample.v());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            case RangeMatrix m -> {
                g.writeStartArray();
                for (SeriesData series : m.series()) {
                    g.writeStartObject();
                    g.writeFieldName("metric");
                    json.labels(series.labels());
                    g.writeArrayFieldStart("values");
                    long[] ts = series.timestamps();
                    double[] vs = series.values();
                    for (int i = 0; i < series.length(); i++) {
                        json.sample(ts[i], vs[i]);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        }
    }
}
