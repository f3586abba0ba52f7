package io.promethium.web.internal.api;

import com.fasterxml.jackson.core.JsonGenerator;
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
