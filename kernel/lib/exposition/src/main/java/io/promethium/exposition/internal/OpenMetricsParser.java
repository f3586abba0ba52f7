package io.promethium.exposition.internal;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.exposition.ExpositionException;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenMetrics 1.0 text. Every line is checked as the specification writes it (single spaces,
 * {@code # EOF} last, no blank lines, no free comments, timestamps in seconds, exemplars after
 * {@code " # "}); in strict mode an {@link OpenMetricsFamilyValidator} adds the family rules.
 * {@code _created} samples are reported as series, as Prometheus 3 does without created-timestamp
 * ingestion; with it ({@link #ingestCreatedTimestamps()}) those of counters, histograms and summaries
 * become the created timestamps of their family's samples instead.
 */
public final class OpenMetricsParser extends BaseParser {

    /** OpenMetrics caps the runes of an exemplar's label names and values together. */
    static final int MAX_EXEMPLAR_LABEL_RUNES = 128;

    private static final MetricType[] METRIC_TYPES = MetricType.values();
    /** {@link MetricType#text()} of each type, computed once: it lower-cases on every call. */
    private static final String[] METRIC_TYPE_WORDS = java.util.Arrays.stream(METRIC_TYPES)
            .map(MetricType::text).toArray(String[]::new);

    private final OpenMetricsFamilyValidator validator;
    private boolean eof;

    /** Created-timestamp ingestion: the current family (from its TYPE line), its type, its _created samples once read. */
    private boolean ingestCreated;
    private String ctFamily;
    private int ctCreatedBytes;
    private MetricType ctType;
    private CreatedTimestamps ctSamples;

    private boolean exemplarPresent;
    private int exemplarFirstLabel;
    private int exemplarLabelCount;
    private double exemplarValue;
    private boolean exemplarHasTimestamp;
    private long exemplarTimestamp;

    public OpenMetricsParser(byte[] buf, int offset, int length, boolean strict) {
        super(buf, offset, length);
        this.validator = strict ? new OpenMetricsFamilyValidator() : null;
    }

    @Override
    public Entry next() throws ExpositionException {
        while (true) {
            Entry e = nextLine();
            if (e == Entry.SERIES && ingestCreated && createdFamily() && nameLen == ctCreatedBytes
                    && metricName().equals(ctFamily + "_created")) {
                // Its value is the created timestamp of the family's samples with its labels.
                continue;
            }
            return e;
        }
    }

    private Entry nextLine() throws ExpositionException {
        if (failed) {
            throw new ExpositionException(lineNumber, "parser used after an error");
        }
        if (eof) {
            return entry = Entry.EOF;
        }
        if (pos >= end) {
            failed = true;
            throw new ExpositionException(lineNumber + 1, "page does not end with # EOF");
        }
        lineStart = pos;
        lineNumber++;
        int le = lineEnd(pos);
        if (le == pos) {
            throw error(pos, "blank line");
        }
        if (buf[pos] == '#') {
            if (le - pos == 5 && buf[pos + 1] == ' ' && buf[pos + 2] == 'E' && buf[pos + 3] == 'O' && buf[pos + 4] == 'F') {
                if (le < end && le + 1 < end) {
                    lineStart = le + 1;
                    lineNumber++;
                    throw error(le + 1, "text after # EOF");
                }
                eof = true;
                pos = end;
                if (validator != null) {
                    validator.finish(lineNumber);
                }
                return entry = Entry.EOF;
            }
            entry = parseMetadata(pos, le);
            if (entry == Entry.TYPE && ingestCreated) {
                ctFamily = metricFamilyName();
                ctCreatedBytes = (ctFamily + "_created").getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                ctType = type;
                ctSamples = null;
            }
        } else {
            entry = parseSample(pos, le);
        }
        pos = le < end ? le + 1 : end;
        return entry;
    }

    @Override
    public void ingestCreatedTimestamps() {
        ingestCreated = true;
    }

    /** Whether the current family's {@code _created} samples are created timestamps (counters, histograms, summaries). */
    private boolean createdFamily() {
        return ctFamily != null && (ctType == MetricType.COUNTER || ctType == MetricType.HISTOGRAM || ctType == MetricType.SUMMARY);
    }

    @Override
    public long createdTimestamp() {
        if (!ingestCreated || entry != Entry.SERIES || !createdFamily()) {
            return 0;
        }
        if (ctSamples == null) {
            ctSamples = CreatedTimestamps.scan(buf, pos, end, ctFamily + "_created");
        }
        List<String> pairs = new ArrayList<>();
        rawLabels((n, v) -> {
            pairs.add(n);
            pairs.add(v);
        });
        return ctSamples.get(CreatedTimestamps.key(pairs));
    }

    private Entry parseMetadata(int p, int le) throws ExpositionException {
        if (p + 1 >= le || buf[p + 1] != ' ') {
            throw error(p, "comment lines are not allowed in OpenMetrics, expected '# HELP', '# TYPE', '# UNIT' or '# EOF'");
        }
        int kindStart = p + 2;
        int kindEnd = kindStart;
        while (kindEnd < le && buf[kindEnd] != ' ') {
            kindEnd++;
        }
        Entry result;
        if (bytesEqual(kindStart, kindEnd, "HELP")) {
            result = Entry.HELP;
        } else if (bytesEqual(kindStart, kindEnd, "TYPE")) {
            result = Entry.TYPE;
        } else if (bytesEqual(kindStart, kindEnd, "UNIT")) {
            result = Entry.UNIT;
        } else {
            throw error(kindStart, "invalid metadata line, expected HELP, TYPE or UNIT");
        }
        String kind = result.name();
        if (kindEnd >= le) {
            throw error(kindEnd, "missing metric name in " + kind + " line");
        }
        int nameStart = kindEnd + 1;
        int nameEnd;
        if (nameStart < le && buf[nameStart] == '"') {
            nameEnd = scanQuoted(nameStart, le, "metric name");
            setMetaName(nameStart + 1, nameEnd - nameStart - 2, quotedHadEscape);
        } else {
            nameEnd = scanMetricName(nameStart, le);
            if (nameEnd == nameStart) {
                throw error(nameStart, "invalid metric name in " + kind + " line");
            }
            setMetaName(nameStart, nameEnd - nameStart, false);
        }
        if (nameEnd >= le || buf[nameEnd] != ' ') {
            throw error(nameEnd, kind + " line needs a single space and text after the metric name");
        }
        int textStart = nameEnd + 1;
        switch (result) {
            case HELP -> setMetaText(textStart, le - textStart, true, true);
            case TYPE -> {
                type = typeWord(textStart, le);
                if (type == null) {
                    throw error(textStart, "invalid metric type " + quoted(textStart, le));
                }
            }
            default -> {
                setMetaText(textStart, le - textStart, false, false);
                String unitText = unit();
                if (!unitText.isEmpty() && !metricFamilyName().endsWith("_" + unitText)) {
                    throw error(textStart, "unit \"" + unitText + "\" is not a suffix of metric \"" + metricFamilyName() + "\"");
                }
            }
        }
        if (validator != null) {
            try {
                validator.metadata(kind, metricFamilyName(),
                        result == Entry.TYPE ? type.text() : metaTextFor(result), lineNumber);
            } catch (ExpositionException e) {
                failed = true;
                throw e;
            }
        }
        return result;
    }

    private String metaTextFor(Entry result) {
        return result == Entry.HELP ? help() : unit();
    }

    private MetricType typeWord(int from, int to) {
        for (int i = 0; i < METRIC_TYPES.length; i++) {
            if (bytesEqual(from, to, METRIC_TYPE_WORDS[i])) {
                return METRIC_TYPES[i];
            }
        }
        return null;
    }

    private Entry parseSample(int p, int le) throws ExpositionException {
        byte[] b = buf;
        labelCount = 0;
        nameEscaped = false;
        exemplarPresent = false;
        seriesStart = p;
        int q = scanMetricName(p, le);
        nameOff = p;
        nameLen = q - p;
        if (q < le && b[q] == '{') {
            q = parseLabelBlock(q, le, true);
        }
        if (nameLen == 0) {
            throw error(p, "invalid metric name");
        }
        seriesEnd = q;
        if (q >= le) {
            throw error(q, "missing value");
        }
        if (b[q] != ' ') {
            throw error(q, "expected a single space after the series");
        }
        int valueStart = q + 1;
        int valueEnd = valueStart;
        while (valueEnd < le && b[valueEnd] != ' ') {
            valueEnd++;
        }
        if (!numbers.parseDouble(b, valueStart, valueEnd)) {
            throw error(valueStart, valueEnd == valueStart ? "missing value" : "invalid value " + quoted(valueStart, valueEnd));
        }
        value = numbers.doubleValue;
        hasTimestamp = false;
        if (valueEnd < le) {
            parseTimestampAndExemplar(valueEnd + 1, le);
        }
        if (validator != null) {
            validateStrict();
        }
        return Entry.SERIES;
    }

    private void parseTimestampAndExemplar(int p, int le) throws ExpositionException {
        byte[] b = buf;
        if (p >= le) {
            throw error(p, "trailing space after the value");
        }
        if (b[p] != '#') {
            int tsEnd = p;
            while (tsEnd < le && b[tsEnd] != ' ') {
                tsEnd++;
            }
            if (tsEnd == p) {
                throw error(p, "expected a timestamp or an exemplar after the value");
            }
            if (!numbers.parseSecondsAsMillis(b, p, tsEnd)) {
                throw error(p, "invalid timestamp " + quoted(p, tsEnd));
            }
            hasTimestamp = true;
            timestamp = numbers.longValue;
            if (tsEnd == le) {
                return;
            }
            p = tsEnd + 1;
            if (p >= le || b[p] != '#') {
                throw error(p, "expected '# ' and an exemplar after the timestamp");
            }
        }
        parseExemplar(p, le);
    }

    private void parseExemplar(int p, int le) throws ExpositionException {
        byte[] b = buf;
        // p is at '#'.
        if (p + 2 >= le || b[p + 1] != ' ' || b[p + 2] != '{') {
            throw error(p, "an exemplar is written '# {labels} value [timestamp]'");
        }
        int sampleLabels = labelCount;
        labelBase = sampleLabels;
        int q;
        try {
            q = parseLabelBlock(p + 2, le, true);
        } finally {
            labelBase = 0;
        }
        exemplarFirstLabel = sampleLabels;
        exemplarLabelCount = labelCount - sampleLabels;
        labelCount = sampleLabels;
        checkExemplarLength(p);
        if (q >= le || b[q] != ' ') {
            throw error(q, "missing exemplar value");
        }
        int valueStart = q + 1;
        int valueEnd = valueStart;
        while (valueEnd < le && b[valueEnd] != ' ') {
            valueEnd++;
        }
        if (!numbers.parseDouble(b, valueStart, valueEnd)) {
            throw error(valueStart, valueEnd == valueStart ? "missing exemplar value"
                    : "invalid exemplar value " + quoted(valueStart, valueEnd));
        }
        exemplarValue = numbers.doubleValue;
        exemplarHasTimestamp = false;
        if (valueEnd < le) {
            int tsStart = valueEnd + 1;
            if (tsStart >= le || !numbers.parseSecondsAsMillis(b, tsStart, le)) {
                throw error(tsStart, "invalid exemplar timestamp " + quoted(tsStart, le));
            }
            exemplarHasTimestamp = true;
            exemplarTimestamp = numbers.longValue;
        }
        exemplarPresent = true;
    }

    private void checkExemplarLength(int at) throws ExpositionException {
        int runes = 0;
        for (int i = exemplarFirstLabel; i < exemplarFirstLabel + exemplarLabelCount; i++) {
            runes += labelName(i).codePointCount(0, labelName(i).length());
            String v = labelValue(i);
            runes += v.codePointCount(0, v.length());
        }
        if (runes > MAX_EXEMPLAR_LABEL_RUNES) {
            throw error(at, "exemplar labels have " + runes + " characters, more than " + MAX_EXEMPLAR_LABEL_RUNES);
        }
    }

    private void validateStrict() throws ExpositionException {
        List<String> labels = new ArrayList<>(labelCount * 2);
        for (int i = 0; i < labelCount; i++) {
            labels.add(labelName(i));
            labels.add(labelValue(i));
        }
        try {
            validator.sample(metricName(), labels, value, hasTimestamp, timestamp, exemplarPresent, lineNumber);
        } catch (ExpositionException e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public boolean hasExemplar() {
        return entry == Entry.SERIES && exemplarPresent;
    }

    @Override
    public Exemplar exemplar() {
        if (!hasExemplar()) {
            return null;
        }
        Labels.Builder builder = Labels.builder();
        for (int i = exemplarFirstLabel; i < exemplarFirstLabel + exemplarLabelCount; i++) {
            builder.set(labelName(i), labelValue(i));
        }
        return new Exemplar(builder.build(), exemplarValue, exemplarTimestamp, exemplarHasTimestamp);
    }
}
