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

    /** Writes {@code shown}; a range answer's helper spells into arrays of {@code reused}, given back once written. */
    static void write(PromJson json, JsonGenerator g, Value shown, SpelledBytes reused) throws IOException {
        switch (shown) {
            case Scalar s -> json.sample(s.t(), s.v());
            case StringValue s -> json.stringSample(s.t(), s.s());
            case InstantVector v -> {
                g.writeStartArray();
                for (Sample sample : v.samples()) {
                    g.writeStartObject();
                    g.writeFieldName("metric");
                    json.labels(sample.labels());
                    if (sample.h() != null) {
                        g.writeFieldName("histogram");
                        json.histogram(sample.t(), sample.h());
                    } else {
                        g.writeFieldName("value");
                        json.sample(sample.t(), sample.v());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            case RangeMatrix m -> {
                SpellAhead helper = SpellAhead.start(m.series(), reused);
                try {
                    range(json, g, m, helper, reused);
                } finally {
                    if (helper != null) {
                        helper.close();
                    }
                }
            }
        }
    }

    private static void range(PromJson json, JsonGenerator g, RangeMatrix m, SpellAhead helper, SpelledBytes reused) throws IOException {
        g.writeStartArray();
        for (int index = 0; index < m.series().size(); index++) {
            SeriesData series = m.series().get(index);
            g.writeStartObject();
            g.writeFieldName("metric");
            json.labels(series.labels());
            long[] ts = series.timestamps();
            double[] vs = series.values();
            int histograms = 0;
            if (series.histograms() != null) {
                for (int i = 0; i < series.length(); i++) {
                    if (series.histograms()[i] != null) {
                        histograms++;
                    }
                }
            }
            // As Prometheus: "values" for the float samples, "histograms" for the others, each only when there are some.
            if (histograms < series.length()) {
                g.writeArrayFieldStart("values");
                PromJson.Spelled spelled = helper == null ? null : helper.take(index);
                if (spelled != null) {
                    json.spelled(spelled);
                    reused.give(spelled.bytes());
                } else {
                    json.floatSamples(ts, vs, series.length(), histograms == 0 ? null : series.histograms());
                }
                g.writeEndArray();
            }
            if (histograms > 0) {
                g.writeArrayFieldStart("histograms");
                for (int i = 0; i < series.length(); i++) {
                    if (series.histogram(i) != null) {
                        json.histogram(ts[i], series.histogram(i));
                    }
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
