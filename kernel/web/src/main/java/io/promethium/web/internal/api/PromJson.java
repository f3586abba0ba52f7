package io.promethium.web.internal.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramBounds;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import java.io.IOException;

/**
 * Writes the pieces of Prometheus's API JSON: label sets as objects, samples as
 * {@code [unixSeconds, "value"]}. One instance per response; its buffer is reused per sample.
 */
public final class PromJson {

    private final JsonGenerator g;
    private final StringBuilder buffer = new StringBuilder(32);
    private char[] chars = new char[32];

    public PromJson(JsonGenerator g) {
        this.g = g;
    }

    public void labels(Labels labels) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < labels.size(); i++) {
            g.writeStringField(labels.name(i), labels.value(i));
        }
        g.writeEndObject();
    }

    /** {@code [t, "v"]} with t in seconds. */
    public void sample(long t, double v) throws IOException {
        g.writeStartArray();
        timestamp(t);
        buffer.setLength(0);
        GoFloat.append(buffer, v);
        writeBuffer();
        g.writeEndArray();
    }

    /** {@code [t, "s"]} for a string value. */
    public void stringSample(long t, String s) throws IOException {
        g.writeStartArray();
        timestamp(t);
        g.writeString(s);
        g.writeEndArray();
    }

    /**
     * {@code [t, {"count": "c", "sum": "s", "buckets": [[boundaryRule, "lower", "upper", "count"], ...]}]},
     * a native histogram sample as Prometheus's query API writes it (under {@code "histogram"} of
     * a vector sample, in the {@code "histograms"} list of a matrix series).
     */
    public void histogramSample(long t, FloatHistogram h) throws IOException {
        g.writeStartArray();
        timestamp(t);
        histogram(h);
        g.writeEndArray();
    }

    /**
     * The histogram object alone. Buckets with observations only, negative ones first (most
     * negative first), then the zero bucket, then the positive ones; boundary rules as Prometheus:
     * 0 = (lower, upper], 1 = [lower, upper), 3 = [lower, upper] (the zero bucket).
     */
    public void histogram(FloatHistogram h) throws IOException {
        g.writeStartObject();
        g.writeStringField("count", GoFloat.format(h.count()));
        g.writeStringField("sum", GoFloat.format(h.sum()));
        g.writeArrayFieldStart("buckets");
        double[] custom = h.usesCustomBuckets() ? h.customValues() : null;
        HistogramSpans neg = h.negativeSpans();
        int[] negIndex = neg.indexes(null);
        for (int i = negIndex.length - 1; i >= 0; i--) {
            double c = h.negativeBucket(i);
            if (c != 0) {
                bucket(1, -HistogramBounds.upper(h.schema(), negIndex[i], custom), -HistogramBounds.lower(h.schema(), negIndex[i], custom), c);
            }
        }
        if (h.zeroCount() != 0) {
            bucket(3, -h.zeroThreshold(), h.zeroThreshold(), h.zeroCount());
        }
        int[] posIndex = h.positiveSpans().indexes(null);
        for (int i = 0; i < posIndex.length; i++) {
            double c = h.positiveBucket(i);
            if (c != 0) {
                bucket(0, HistogramBounds.lower(h.schema(), posIndex[i], custom), HistogramBounds.upper(h.schema(), posIndex[i], custom), c);
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void bucket(int boundaryRule, double lower, double upper, double count) throws IOException {
        g.writeStartArray();
        g.writeNumber(boundaryRule);
        g.writeString(GoFloat.format(lower));
        g.writeString(GoFloat.format(upper));
        g.writeString(GoFloat.format(count));
        g.writeEndArray();
    }

    /** A timestamp as a JSON number in seconds with millisecond fraction. */
    public void timestamp(long t) throws IOException {
        buffer.setLength(0);
        GoFloat.appendTimestamp(buffer, t);
        int n = buffer.length();
        if (chars.length < n) {
            chars = new char[n * 2];
        }
        buffer.getChars(0, n, chars, 0);
        g.writeNumber(chars, 0, n);
    }

    private void writeBuffer() throws IOException {
        int n = buffer.length();
        if (chars.length < n) {
            chars = new char[n * 2];
        }
        buffer.getChars(0, n, chars, 0);
        g.writeString(chars, 0, n);
    }
}
