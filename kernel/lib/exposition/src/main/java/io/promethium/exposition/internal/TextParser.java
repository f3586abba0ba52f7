package io.promethium.exposition.internal;

import io.promethium.api.model.MetricType;
import io.promethium.exposition.ExpositionException;

/**
 * The Prometheus text format, versions 0.0.4 and 1.0.0 (which adds quoted UTF-8 names). Like
 * Prometheus: blank lines and other comments are allowed, blanks may separate tokens, a trailing
 * comma may close a label set, timestamps are integer milliseconds.
 */
public final class TextParser extends BaseParser {

    public TextParser(byte[] buf, int offset, int length) {
        super(buf, offset, length);
    }

    @Override
    public Entry next() throws ExpositionException {
        if (failed) {
            throw new ExpositionException(lineNumber, "parser used after an error");
        }
        while (true) {
            if (pos >= end) {
                return entry = Entry.EOF;
            }
            lineStart = pos;
            lineNumber++;
            int p = skipBlanks(pos, end);
            if (p >= end) {
                pos = end;
                return entry = Entry.EOF;
            }
            byte c = buf[p];
            if (c == '\n') {
                pos = p + 1;
                continue;
            }
            if (c == '#') {
                return entry = parseComment(p + 1);
            }
            return entry = parseSample(p);
        }
    }

    private Entry parseComment(int p) throws ExpositionException {
        int le = lineEnd(p);
        pos = le < end ? le + 1 : end;
        int q = skipBlanks(p, le);
        boolean isHelp = startsWithWord(q, le, "HELP");
        boolean isType = !isHelp && startsWithWord(q, le, "TYPE");
        if (!isHelp && !isType) {
            // Comments are rare and unimportant: keep the text as written.
            setMetaText(p, le - p, false, false);
            return Entry.COMMENT;
        }
        q = skipBlanks(q + 4, le);
        int nameStart = q;
        boolean quoted = q < le && buf[q] == '"';
        if (quoted) {
            q = scanQuoted(q, le, "metric name");
            setMetaName(nameStart + 1, q - nameStart - 2, quotedHadEscape);
        } else {
            q = scanMetricName(q, le);
            if (q == nameStart) {
                throw error(q, "invalid metric name in " + (isHelp ? "HELP" : "TYPE") + " line");
            }
            setMetaName(nameStart, q - nameStart, false);
        }
        if (q < le && buf[q] != ' ' && buf[q] != '\t') {
            throw error(q, "invalid metric name in " + (isHelp ? "HELP" : "TYPE") + " line");
        }
        q = skipBlanks(q, le);
        if (isHelp) {
            setMetaText(q, le - q, true, false);
            return Entry.HELP;
        }
        int wordStart = q;
        while (q < le && buf[q] != ' ' && buf[q] != '\t') {
            q++;
        }
        if (skipBlanks(q, le) != le) {
            throw error(q, "unexpected text after the type");
        }
        type = typeWord(wordStart, q);
        if (type == null) {
            throw error(wordStart, q == wordStart ? "missing metric type" : "invalid metric type " + quoted(wordStart, q));
        }
        return Entry.TYPE;
    }

    /** The five types of the text format, as Prometheus accepts them; anything else is an error. */
    private MetricType typeWord(int from, int to) {
        if (bytesEqual(from, to, "counter")) {
            return MetricType.COUNTER;
        } else if (bytesEqual(from, to, "gauge")) {
            return MetricType.GAUGE;
        } else if (bytesEqual(from, to, "histogram")) {
            return MetricType.HISTOGRAM;
        } else if (bytesEqual(from, to, "summary")) {
            return MetricType.SUMMARY;
        } else if (bytesEqual(from, to, "untyped")) {
            return MetricType.UNKNOWN;
        }
        return null;
    }

    private boolean startsWithWord(int p, int le, String word) {
        int n = word.length();
        if (p + n > le) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (buf[p + i] != word.charAt(i)) {
                return false;
            }
        }
        return p + n == le || buf[p + n] == ' ' || buf[p + n] == '\t';
    }

    private Entry parseSample(int p) throws ExpositionException {
        byte[] b = buf;
        int limit = end;
        labelCount = 0;
        nameEscaped = false;
        seriesStart = p;
        int q = scanMetricName(p, limit);
        nameOff = p;
        nameLen = q - p;
        if (q < limit && (b[q] == ' ' || b[q] == '\t')) {
            int r = skipBlanks(q, limit);
            if (r < limit && b[r] == '{') {
                q = r;
            }
        }
        if (q < limit && b[q] == '{') {
            q = parseLabelBlock(q, limit, false);
        }
        if (nameLen == 0) {
            throw error(p, "invalid metric name");
        }
        seriesEnd = q;
        int valueStart = skipBlanks(q, limit);
        if (valueStart == q) {
            if (q >= limit || b[q] == '\n') {
                throw error(q, "missing value");
            }
            throw error(q, "expected a blank after the series");
        }
        int valueEnd = tokenEnd(valueStart, limit);
        if (valueEnd == valueStart) {
            throw error(valueStart, "missing value");
        }
        if (!numbers.parseDouble(b, valueStart, valueEnd)) {
            throw error(valueStart, "invalid value " + quoted(valueStart, valueEnd));
        }
        value = numbers.doubleValue;
        int r = skipBlanks(valueEnd, limit);
        hasTimestamp = false;
        if (r < limit && b[r] != '\n') {
            int tsEnd = tokenEnd(r, limit);
            if (!numbers.parseLong(b, r, tsEnd)) {
                throw error(r, "invalid timestamp " + quoted(r, tsEnd));
            }
            hasTimestamp = true;
            timestamp = numbers.longValue;
            r = skipBlanks(tsEnd, limit);
            if (r < limit && b[r] != '\n') {
                throw error(r, "unexpected text after the timestamp");
            }
        }
        pos = r < limit ? r + 1 : limit;
        return Entry.SERIES;
    }
}
