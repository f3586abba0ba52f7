package io.promethium.web.internal.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramBounds;
import io.promethium.api.model.Labels;
import io.promethium.goformat.GoFloat;
import io.promethium.goformat.GoFloatBytes;
import java.io.IOException;
import java.util.Arrays;

/**
 * Writes the pieces of Prometheus's API JSON: label sets as objects, samples as
 * {@code [unixSeconds, "value"]}. One instance per response; its buffer is reused per sample.
 */
public final class PromJson {

    private final JsonGenerator g;
    private final StringBuilder buffer = new StringBuilder(32);
    private char[] chars = new char[32];
    /** The samples' spelled-out timestamps and values, made on the first sample. */
    private SampleText text;
    private RawJson raw;
    /**
     * A run of samples' bytes: small enough that the generator's buffer usually has room for it
     * (else it copies the block), large enough to hold a dozen samples.
     */
    private RawJson block;
    private static final int BLOCK = 1024;
    /** The most bytes one sample takes: a separator, brackets, a comma, quotes, a timestamp (25) and a value. */
    private static final int MAX_SAMPLE = 6 + 25 + GoFloatBytes.MAX_LENGTH;

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

    /**
     * The float samples of a range series as the elements of an array just started, each
     * {@code [t, "v"]}: those whose index has no histogram ({@code histograms} may be null). Written
     * a block of bytes at a time, with the separators made here: a generator call per sample was a
     * fifth of a small dashboard query's answer (20 series x 240 steps, profiled).
     */
    public void floatSamples(long[] ts, double[] vs, int n, Object[] histograms) throws IOException {
        byte[] b = block().bytes;
        SampleText spelling = text();
        spelling.reserve(n);
        int at = 0;
        boolean first = true;
        for (int i = 0; i < n; i++) {
            if (histograms != null && histograms[i] != null) {
                continue;
            }
            if (at > BLOCK - MAX_SAMPLE) {
                block.length = at;
                g.writeRaw(block);
                at = 0;
            }
            if (!first) {
                b[at++] = ',';
            }
            first = false;
            at = appendSample(spelling, b, at, i, ts[i], vs[i]);
        }
        if (at > 0) {
            block.length = at;
            g.writeRaw(block);
        }
    }

    private RawJson block() {
        if (block == null) {
            block = new RawJson(BLOCK);
        }
        return block;
    }

    private SampleText text() {
        if (text == null) {
            text = new SampleText();
        }
        return text;
    }

    /**
     * Writes float samples a {@link Speller} spelled: the same bytes {@link #floatSamples} writes
     * for that series (without histograms).
     */
    public void spelled(Spelled samples) throws IOException {
        // A block at a time, as floatSamples: a raw piece larger than the generator's room is copied whole.
        RawJson b = block();
        for (int from = 0; from < samples.length(); from += BLOCK) {
            b.length = Math.min(BLOCK, samples.length() - from);
            System.arraycopy(samples.bytes(), from, b.bytes, 0, b.length);
            g.writeRaw(b);
        }
    }

    /** A series' float samples as {@link #floatSamples} writes them: {@code length} bytes of {@code bytes}. */
    public record Spelled(byte[] bytes, int length) {
    }

    /**
     * Spells series' float samples into bytes of their own, off the response's thread (a helper
     * spelling later series while the response writes earlier ones). One per thread; it keeps the
     * timestamps and the last value it spelled, as {@link #floatSamples} does.
     */
    public static final class Speller {
        private final SampleText text = new SampleText();
        /** Bytes per sample to make room for: a sample's most at first, then what the last series took. */
        private int perSample = MAX_SAMPLE;

        /** The samples {@code [0, n)} of a series with float samples only. */
        public Spelled spell(long[] ts, double[] vs, int n) {
            return spell(ts, vs, n, null);
        }

        /**
         * {@link #spell(long[], double[], int)} into {@code reused} (another answer's bytes, already
         * written) when it has room for the expected length, else into a new array.
         */
        public Spelled spell(long[] ts, double[] vs, int n, byte[] reused) {
            int expected = Math.max(MAX_SAMPLE, n * perSample);
            byte[] b = reused != null && reused.length >= expected ? reused : new byte[expected];
            text.reserve(n);
            int at = 0;
            for (int i = 0; i < n; i++) {
                if (at > b.length - MAX_SAMPLE) {
                    b = Arrays.copyOf(b, b.length + Math.max(b.length / 2, MAX_SAMPLE));
                }
                if (i > 0) {
                    b[at++] = ',';
                }
                at = appendSample(text, b, at, i, ts[i], vs[i]);
            }
            if (n > 0) {
                perSample = Math.min(MAX_SAMPLE, at / n + 2);
            }
            return new Spelled(b, at);
        }
    }

    /** {@code [t, "v"]} with t in seconds. */
    public void sample(long t, double v) throws IOException {
        // Written as bytes in one piece: per sample, four generator calls and a value spelled
        // through Double.toString were most of a range query's CPU (profiled).
        if (raw == null) {
            raw = new RawJson(64);
        }
        // The samples of an instant vector share their timestamp: each is the first of its series.
        raw.length = appendSample(text(), raw.bytes, 0, 0, t, v);
        g.writeRawValue(raw);
    }

    /**
     * {@code [t,"v"]} at {@code at} (at most {@link #MAX_SAMPLE} - 1 bytes), the {@code index}-th
     * sample of its series; returns the position after it.
     */
    private static int appendSample(SampleText text, byte[] b, int at, int index, long t, double v) {
        b[at++] = '[';
        at = text.timestamp(b, at, index, t);
        b[at++] = ',';
        b[at++] = '"';
        at = text.value(b, at, v);
        b[at++] = '"';
        b[at++] = ']';
        return at;
    }

    /**
     * {@code [t, {"count": "..", "sum": "..", "buckets": [[boundaries, "lower", "upper", "count"], ...]}]}, a
     * native histogram as Prometheus writes it: buckets from the lowest up, empty ones left out;
     * boundaries 0 = (lower, upper], 1 = [lower, upper), 3 = [lower, upper] (the zero bucket).
     */
    public void histogram(long t, FloatHistogram h) throws IOException {
        g.writeStartArray();
        timestamp(t);
        g.writeStartObject();
        g.writeFieldName("count");
        number(h.count());
        g.writeFieldName("sum");
        number(h.sum());
        boolean custom = h.usesCustomBuckets();
        double[] bounds = custom ? h.customValues() : null;
        boolean started = false;
        int[] negative = h.negativeSpans().indexes(null);
        for (int i = h.negativeBucketCount() - 1; i >= 0; i--) {
            if (h.negativeBucket(i) != 0) {
                started = startBuckets(started);
                bucket(1, -HistogramBounds.upper(h.schema(), negative[i], bounds), -HistogramBounds.lower(h.schema(), negative[i], bounds),
                        h.negativeBucket(i));
            }
        }
        if (!custom && h.zeroCount() != 0) {
            started = startBuckets(started);
            bucket(3, -h.zeroThreshold(), h.zeroThreshold(), h.zeroCount());
        }
        int[] positive = h.positiveSpans().indexes(null);
        for (int i = 0; i < h.positiveBucketCount(); i++) {
            if (h.positiveBucket(i) != 0) {
                started = startBuckets(started);
                bucket(0, HistogramBounds.lower(h.schema(), positive[i], bounds), HistogramBounds.upper(h.schema(), positive[i], bounds),
                        h.positiveBucket(i));
            }
        }
        if (started) {
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndArray();
    }

    private boolean startBuckets(boolean started) throws IOException {
        if (!started) {
            g.writeArrayFieldStart("buckets");
        }
        return true;
    }

    private void bucket(int boundaries, double lower, double upper, double count) throws IOException {
        g.writeStartArray();
        g.writeNumber(boundaries);
        number(lower);
        number(upper);
        number(count);
        g.writeEndArray();
    }

    /**
     * A float as Prometheus's JSON string, written raw with its quotes: a formatted float (digits,
     * {@code .e+-}, {@code NaN}, {@code Inf}) never needs escaping, and the generator's escape scan
     * was a tenth of a range query's answer.
     */
    private void number(double v) throws IOException {
        buffer.setLength(0);
        buffer.append('"');
        GoFloat.appendJson(buffer, v);
        buffer.append('"');
        int n = buffer.length();
        if (chars.length < n) {
            chars = new char[n * 2];
        }
        buffer.getChars(0, n, chars, 0);
        g.writeRawValue(chars, 0, n);
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
        appendTimestamp(buffer, t);
        int n = buffer.length();
        if (chars.length < n) {
            chars = new char[n * 2];
        }
        buffer.getChars(0, n, chars, 0);
        g.writeNumber(chars, 0, n);
    }

    /** {@link #appendTimestamp(StringBuilder, long)} as ASCII bytes at {@code at} (25 at most); returns the position after. */
    static int appendTimestamp(byte[] b, int at, long t) {
        if (t < 0) {
            b[at++] = '-';
        }
        // Divided before the sign is dropped: -Long.MIN_VALUE overflows, its quotient does not.
        at = GoFloatBytes.appendDigits(b, at, Math.abs(t / 1000));
        int fraction = (int) Math.abs(t % 1000);
        if (fraction != 0) {
            b[at++] = '.';
            b[at++] = (byte) ('0' + fraction / 100);
            b[at++] = (byte) ('0' + fraction / 10 % 10);
            b[at++] = (byte) ('0' + fraction % 10);
        }
        return at;
    }

    /**
     * Appends a millisecond timestamp as Prometheus writes it: seconds, then {@code .} and the
     * three millisecond digits when they are not all zero ({@code 1.5} is written {@code 1.500}).
     */
    static void appendTimestamp(StringBuilder sb, long t) {
        if (t < 0) {
            sb.append('-');
        }
        // Divided before the sign is dropped: -Long.MIN_VALUE overflows, its quotient does not.
        sb.append(Math.abs(t / 1000));
        long fraction = Math.abs(t % 1000);
        if (fraction != 0) {
            sb.append('.');
            if (fraction < 100) {
                sb.append('0');
            }
            if (fraction < 10) {
                sb.append('0');
            }
            sb.append(fraction);
        }
    }
}
