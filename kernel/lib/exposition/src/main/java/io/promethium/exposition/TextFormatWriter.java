package io.promethium.exposition;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.exposition.internal.Escapes;
import io.promethium.exposition.internal.FloatFormat;
import io.promethium.exposition.internal.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Objects;

/**
 * Writes the Prometheus text format 0.0.4: {@code # HELP} when there is help, {@code # TYPE},
 * then samples with Go-style floats and optional integer millisecond timestamps. Types the
 * format lacks (info, stateset, gaugehistogram) are written as {@code untyped} or {@code gauge};
 * names outside the legacy character set are escaped with underscores, or quoted as text format
 * 1.0.0 does when constructed for UTF-8 names. Not thread-safe.
 */
public final class TextFormatWriter implements ExpositionWriter {

    /** The content type when names may be quoted UTF-8. */
    public static final String UTF8_CONTENT_TYPE = "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8";

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Writer out;
    private final NameEscaping escaping;
    private final String contentType;
    private final StringBuilder line = new StringBuilder(256);

    /** A writer that escapes names outside the legacy character set with underscores. */
    public TextFormatWriter(Writer out) {
        this(out, false);
    }

    /**
     * @param utf8Names quote names outside the legacy character set (for readers that accept
     *     {@code escaping=allow-utf-8}) instead of escaping them with underscores
     */
    public TextFormatWriter(Writer out, boolean utf8Names) {
        this(out, utf8Names ? NameEscaping.ALLOW_UTF8 : NameEscaping.UNDERSCORES, utf8Names ? UTF8_CONTENT_TYPE : CONTENT_TYPE);
    }

    /** A writer presenting names outside the legacy set as {@code escaping} says, answering with {@code contentType}. */
    TextFormatWriter(Writer out, NameEscaping escaping, String contentType) {
        this.out = Objects.requireNonNull(out, "out is null");
        this.escaping = Objects.requireNonNull(escaping, "escaping is null");
        this.contentType = Objects.requireNonNull(contentType, "contentType is null");
    }

    /**
     * The family's metadata waits for its first sample: a counter family named as OpenMetrics
     * names it ({@code x}) whose samples are {@code x_total} is announced as {@code x_total}, as
     * this format (and client_golang, client_java) has it, so a text-format reader types the
     * samples as a counter instead of taking them for an untyped metric of another name.
     */
    private String pendingName;
    private MetricType pendingType;
    private String pendingHelp;

    @Override
    public void family(String name, MetricType type, String help, String unit) {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
        writePending(null);
        pendingName = name;
        pendingType = type;
        pendingHelp = help;
    }

    /** Writes the waiting family's {@code # HELP} and {@code # TYPE}, named for {@code firstSample} when that is its counter's {@code _total}. */
    private void writePending(String firstSample) {
        String name = pendingName;
        if (name == null) {
            return;
        }
        pendingName = null;
        if (pendingType == MetricType.COUNTER && firstSample != null && !name.endsWith("_total")
                && firstSample.length() == name.length() + 6 && firstSample.startsWith(name) && firstSample.endsWith("_total")) {
            name = firstSample;
        }
        line.setLength(0);
        if (pendingHelp != null && !pendingHelp.isEmpty()) {
            line.append("# HELP ");
            Names.appendMetadataName(line, name, escaping);
            line.append(' ');
            Escapes.escapeHelp(line, pendingHelp, false);
            line.append('\n');
        }
        line.append("# TYPE ");
        Names.appendMetadataName(line, name, escaping);
        line.append(' ').append(textType(pendingType)).append('\n');
        flushLine();
    }

    /**
     * A sample value or {@code le}/{@code quantile} label value spelled as this format spells it:
     * Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}, {@code +Inf}, {@code -Inf}, {@code NaN}.
     *
     * @since 1.1.0
     */
    public static String formatValue(double value) {
        return FloatFormat.text(value);
    }

    private static String textType(MetricType type) {
        return switch (type) {
            case COUNTER -> "counter";
            case GAUGE, INFO, STATESET -> "gauge";
            case HISTOGRAM -> "histogram";
            case SUMMARY -> "summary";
            case GAUGE_HISTOGRAM, UNKNOWN -> "untyped";
        };
    }

    @Override
    public void sample(String name, Labels labels, double value) {
        sample(name, labels, value, false, 0, null);
    }

    @Override
    public void sample(String name, Labels labels, double value, long timestampMillis) {
        sample(name, labels, value, true, timestampMillis, null);
    }

    @Override
    public void sample(String name, Labels labels, double value, boolean hasTimestamp, long timestampMillis,
            Exemplar exemplar) {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(labels, "labels is null");
        if (pendingName != null) {
            writePending(name);
        }
        line.setLength(0);
        Names.appendSeries(line, name, labels, escaping);
        line.append(' ');
        FloatFormat.appendText(line, value);
        if (hasTimestamp) {
            line.append(' ').append(timestampMillis);
        }
        line.append('\n');
        flushLine();
    }

    @Override
    public void finish() {
        writePending(null);
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String contentType() {
        return contentType;
    }

    private void flushLine() {
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
