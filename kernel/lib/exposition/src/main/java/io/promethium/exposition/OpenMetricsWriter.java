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
 * Writes OpenMetrics 1.0 text. Family names lose the {@code _total} (counter) or {@code _info}
 * (info) suffix and the samples of such families gain it, as the format requires; a unit that is
 * not a suffix of the family name is left out rather than producing an invalid page. Floats use
 * the OpenMetrics spelling ({@code 1.0}, {@code 1e+06}, {@code +Inf}), timestamps are seconds,
 * exemplars follow {@code " # "}. {@link #finish()} writes {@code # EOF}. Not thread-safe.
 */
public final class OpenMetricsWriter implements ExpositionWriter {

    /** The content type when names may be quoted UTF-8. */
    public static final String UTF8_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8";

    public static final String CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final Writer out;
    private final NameEscaping escaping;
    private final String contentType;
    private final StringBuilder line = new StringBuilder(256);
    private String family = "";
    private MetricType familyType = MetricType.UNKNOWN;

    /** A writer that escapes names outside the legacy character set with underscores. */
    public OpenMetricsWriter(Writer out) {
        this(out, false);
    }

    /**
     * @param utf8Names quote names outside the legacy character set (for readers that accept
     *     {@code escaping=allow-utf-8}) instead of escaping them with underscores
     */
    public OpenMetricsWriter(Writer out, boolean utf8Names) {
        this(out, utf8Names, utf8Names ? UTF8_CONTENT_TYPE : CONTENT_TYPE);
    }

    /** For {@link ExpositionFormat}: the 0.0.1 and 1.0.0 pages are the same, only the header differs. */
    OpenMetricsWriter(Writer out, boolean utf8Names, String contentType) {
        this(out, utf8Names ? NameEscaping.ALLOW_UTF8 : NameEscaping.UNDERSCORES, contentType);
    }

    /** A writer presenting names outside the legacy set as {@code escaping} says, answering with {@code contentType}. */
    OpenMetricsWriter(Writer out, NameEscaping escaping, String contentType) {
        this.out = Objects.requireNonNull(out, "out is null");
        this.escaping = Objects.requireNonNull(escaping, "escaping is null");
        this.contentType = Objects.requireNonNull(contentType, "contentType is null");
    }

    @Override
    public void family(String name, MetricType type, String help, String unit) {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
        String familyName = name;
        if (type == MetricType.COUNTER && familyName.endsWith("_total")) {
            familyName = familyName.substring(0, familyName.length() - "_total".length());
        } else if (type == MetricType.INFO && familyName.endsWith("_info")) {
            familyName = familyName.substring(0, familyName.length() - "_info".length());
        }
        family = familyName;
        familyType = type;
        line.setLength(0);
        line.append("# TYPE ");
        Names.appendMetadataName(line, familyName, escaping);
        line.append(' ').append(type.text()).append('\n');
        if (unit != null && !unit.isEmpty() && familyName.endsWith("_" + unit)
                && type != MetricType.INFO && type != MetricType.STATESET) {
            line.append("# UNIT ");
            Names.appendMetadataName(line, familyName, escaping);
            line.append(' ').append(unit).append('\n');
        }
        if (help != null && !help.isEmpty()) {
            line.append("# HELP ");
            Names.appendMetadataName(line, familyName, escaping);
            line.append(' ');
            Escapes.escapeHelp(line, help, true);
            line.append('\n');
        }
        flushLine();
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
        String sampleName = name;
        if (name.equals(family) && familyType == MetricType.COUNTER) {
            sampleName = name + "_total";
        } else if (name.equals(family) && familyType == MetricType.INFO) {
            sampleName = name + "_info";
        }
        line.setLength(0);
        Names.appendSeries(line, sampleName, labels, escaping);
        line.append(' ');
        FloatFormat.appendOpenMetrics(line, value);
        if (hasTimestamp) {
            line.append(' ');
            FloatFormat.appendSeconds(line, timestampMillis);
        }
        if (exemplar != null) {
            line.append(" # {");
            Labels el = exemplar.labels();
            for (int i = 0; i < el.size(); i++) {
                if (i > 0) {
                    line.append(',');
                }
                line.append(el.name(i)).append("=\"");
                Escapes.escapeLabelValue(line, el.value(i));
                line.append('"');
            }
            line.append("} ");
            FloatFormat.appendOpenMetrics(line, exemplar.value());
            if (exemplar.hasTimestamp()) {
                line.append(' ');
                FloatFormat.appendSeconds(line, exemplar.timestamp());
            }
        }
        line.append('\n');
        flushLine();
    }

    @Override
    public void finish() {
        try {
            out.write("# EOF\n");
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
