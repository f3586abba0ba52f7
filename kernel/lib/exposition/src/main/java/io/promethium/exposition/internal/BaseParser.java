package io.promethium.exposition.internal;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionParser;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * State and scanning shared by the text and OpenMetrics parsers: the buffer, the current line,
 * the series identity, label positions, value and timestamp. Label positions live in one reused
 * int array, so a sample costs no allocation until someone asks for strings.
 */
abstract class BaseParser implements ExpositionParser {

    /** Per label: name offset, name length, value offset, value length, flags. */
    private static final int SLOT = 5;
    static final int NAME_ESCAPED = 1;
    static final int VALUE_ESCAPED = 2;
    private static final int MAX_SNIPPET = 120;

    final byte[] buf;
    final int end;
    final NumberParser numbers = new NumberParser();

    int pos;
    int lineNumber;
    int lineStart;
    boolean failed;
    Entry entry;

    // Current sample.
    int seriesStart;
    int seriesEnd;
    int nameOff;
    int nameLen;
    boolean nameEscaped;
    int[] labelSlots = new int[SLOT * 8];
    int labelCount;
    /** Labels before this index belong to the sample while an exemplar's labels are parsed. */
    int labelBase;
    double value;
    boolean hasTimestamp;
    long timestamp;

    // Current metadata or comment line: offsets now, strings only when asked for.
    private int metaNameOff;
    private int metaNameLen;
    private boolean metaNameEscaped;
    private int metaTextOff;
    private int metaTextLen;
    private boolean metaTextQuoteEscape;
    private String familyName;
    private String metaText;
    MetricType type;

    BaseParser(byte[] buf, int offset, int length) {
        this.buf = Objects.requireNonNull(buf, "buf is null");
        Objects.checkFromIndexSize(offset, length, buf.length);
        this.end = offset + length;
        this.pos = offset;
    }

    @Override
    public final int lineNumber() {
        return lineNumber;
    }

    @Override
    public final byte[] buffer() {
        return buf;
    }

    @Override
    public final int seriesOffset() {
        return seriesStart;
    }

    @Override
    public final int seriesLength() {
        return seriesEnd - seriesStart;
    }

    @Override
    public final String metricName() {
        return string(nameOff, nameLen, nameEscaped);
    }

    @Override
    public final void labels(Labels.Builder into) {
        into.set(Labels.METRIC_NAME, metricName());
        int[] slots = labelSlots;
        // As Prometheus 3, by the type of the last TYPE line (not the sample's own family).
        String floatLabel = type == MetricType.HISTOGRAM ? "le" : type == MetricType.SUMMARY ? "quantile" : null;
        for (int i = 0, s = 0; i < labelCount; i++, s += SLOT) {
            int flags = slots[s + 4];
            String value = null;
            if (floatLabel != null && (flags & (NAME_ESCAPED | VALUE_ESCAPED)) == 0 && slots[s + 3] > 0
                    && bytesEqual(slots[s], slots[s] + slots[s + 1], floatLabel)) {
                if (floatLabels == null) {
                    floatLabels = new FloatLabelValues();
                }
                value = floatLabels.canonical(buf, slots[s + 2], slots[s + 3]);
            }
            if (value == null) {
                value = string(slots[s + 2], slots[s + 3], (flags & VALUE_ESCAPED) != 0);
            }
            into.set(string(slots[s], slots[s + 1], (flags & NAME_ESCAPED) != 0), value);
        }
    }

    /** Re-spells {@code le} and {@code quantile} values; made on the first one met. */
    private FloatLabelValues floatLabels;

    @Override
    public final void rawLabels(java.util.function.BiConsumer<String, String> sink) {
        int[] slots = labelSlots;
        for (int i = 0, s = 0; i < labelCount; i++, s += SLOT) {
            int flags = slots[s + 4];
            sink.accept(string(slots[s], slots[s + 1], (flags & NAME_ESCAPED) != 0),
                    string(slots[s + 2], slots[s + 3], (flags & VALUE_ESCAPED) != 0));
        }
    }

    @Override
    public final double value() {
        return value;
    }

    @Override
    public final boolean hasTimestamp() {
        return hasTimestamp;
    }

    @Override
    public final long timestamp() {
        return timestamp;
    }

    @Override
    public boolean hasExemplar() {
        return false;
    }

    @Override
    public Exemplar exemplar() {
        return null;
    }

    @Override
    public final String metricFamilyName() {
        if (familyName == null) {
            familyName = string(metaNameOff, metaNameLen, metaNameEscaped);
        }
        return familyName;
    }

    @Override
    public final MetricType type() {
        return type;
    }

    @Override
    public final String help() {
        return metaText();
    }

    @Override
    public final String unit() {
        return metaText();
    }

    @Override
    public final String comment() {
        return metaText();
    }

    private String metaText() {
        if (metaText == null) {
            metaText = Escapes.unescape(buf, metaTextOff, metaTextLen, metaTextQuoteEscape);
        }
        return metaText;
    }

    /** Records the family name of a metadata line. */
    final void setMetaName(int off, int len, boolean escaped) {
        metaNameOff = off;
        metaNameLen = len;
        metaNameEscaped = escaped;
        familyName = null;
    }

    /** Records the text of a HELP, UNIT or comment line; {@code escapes} says which escapes apply. */
    final void setMetaText(int off, int len, boolean escapes, boolean quoteEscape) {
        metaTextOff = off;
        metaTextLen = len;
        metaTextQuoteEscape = quoteEscape;
        metaText = escapes ? null : new String(buf, off, len, StandardCharsets.UTF_8);
    }

    /** Whether {@code [from, to)} holds exactly the ASCII {@code word}. */
    final boolean bytesEqual(int from, int to, String word) {
        int n = word.length();
        if (to - from != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (buf[from + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    // ---- label access for subclasses ----

    final int labelCount() {
        return labelCount;
    }

    final String labelName(int i) {
        int s = i * SLOT;
        return string(labelSlots[s], labelSlots[s + 1], (labelSlots[s + 4] & NAME_ESCAPED) != 0);
    }

    final String labelValue(int i) {
        int s = i * SLOT;
        return string(labelSlots[s + 2], labelSlots[s + 3], (labelSlots[s + 4] & VALUE_ESCAPED) != 0);
    }

    // ---- scanning helpers ----

    /** Offset of the end of the current line (the newline or the buffer end). */
    final int lineEnd(int from) {
        int p = from;
        byte[] b = buf;
        while (p + 8 <= end) {
            long m = Swar.byteMask(Swar.word(b, p), Swar.NEWLINES);
            if (m != 0) {
                return p + (Long.numberOfTrailingZeros(m) >>> 3);
            }
            p += 8;
        }
        for (; p < end; p++) {
            if (buf[p] == '\n') {
                return p;
            }
        }
        return end;
    }

    private static final byte NAME_START = 1;
    private static final byte NAME_CHAR = 2;
    private static final byte LABEL_START = 4;
    private static final byte LABEL_CHAR = 8;
    /** Character classes of ASCII bytes, indexed by the unsigned byte; one load instead of range checks. */
    private static final byte[] CLASSES = new byte[256];

    static {
        for (int c = 0; c < 128; c++) {
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            boolean digit = c >= '0' && c <= '9';
            int k = 0;
            if (letter || c == ':') {
                k |= NAME_START | NAME_CHAR;
            }
            if (digit) {
                k |= NAME_CHAR | LABEL_CHAR;
            }
            if (letter) {
                k |= LABEL_START | LABEL_CHAR;
            }
            CLASSES[c] = (byte) k;
        }
    }

    static boolean isNameStart(byte c) {
        return (CLASSES[c & 0xff] & NAME_START) != 0;
    }

    static boolean isNameChar(byte c) {
        return (CLASSES[c & 0xff] & NAME_CHAR) != 0;
    }

    static boolean isLabelNameStart(byte c) {
        return (CLASSES[c & 0xff] & LABEL_START) != 0;
    }

    static boolean isLabelNameChar(byte c) {
        return (CLASSES[c & 0xff] & LABEL_CHAR) != 0;
    }

    /** End of a legacy metric name starting at {@code p}, or {@code p} when there is none. */
    final int scanMetricName(int p, int limit) {
        if (p < limit && isNameStart(buf[p])) {
            p++;
            while (p < limit && isNameChar(buf[p])) {
                p++;
            }
        }
        return p;
    }

    final int scanLabelName(int p, int limit) {
        if (p < limit && isLabelNameStart(buf[p])) {
            p++;
            while (p < limit && isLabelNameChar(buf[p])) {
                p++;
            }
        }
        return p;
    }

    /** Set by {@link #scanQuoted}: whether the string held a backslash. */
    boolean quotedHadEscape;

    /**
     * Scans a double-quoted string whose opening quote is at {@code p}; returns the offset just
     * past the closing quote.
     */
    final int scanQuoted(int p, int limit, String what) throws ExpositionException {
        boolean escaped = false;
        long highBits = 0;
        int q = p + 1;
        byte[] b = buf;
        while (true) {
            if (q + 8 <= limit) {
                // Eight bytes at a time; the lowest flagged byte is exactly the first special one.
                long word = Swar.word(b, q);
                long special = Swar.byteMask(word, Swar.QUOTES) | Swar.byteMask(word, Swar.BACKSLASHES)
                        | Swar.byteMask(word, Swar.NEWLINES);
                highBits |= word;
                if (special == 0) {
                    q += 8;
                    continue;
                }
                q += Long.numberOfTrailingZeros(special) >>> 3;
            } else if (q >= limit) {
                break;
            }
            byte c = b[q];
            if (c == '"') {
                quotedHadEscape = escaped;
                if ((highBits & Swar.HIGHS) != 0 && !Utf8.isValid(b, p + 1, q)) {
                    throw error(p, "invalid UTF-8 in quoted " + what);
                }
                return q + 1;
            }
            if (c == '\\') {
                if (q + 1 < limit && b[q + 1] == '\n') {
                    break;
                }
                escaped = true;
                q += 2;
                continue;
            }
            if (c == '\n') {
                break;
            }
            highBits |= c & 0x80;
            q++;
        }
        throw error(p, "unterminated quoted " + what);
    }

    /**
     * Parses a label block whose {@code {} is at {@code p}; fills the label slots and, for a
     * quoted name inside the braces, the metric name. Returns the offset just past the {@code }}.
     *
     * @param openMetrics no whitespace and no trailing comma allowed
     */
    final int parseLabelBlock(int p, int limit, boolean openMetrics) throws ExpositionException {
        p++;
        boolean afterComma = false;
        while (true) {
            if (!openMetrics) {
                p = skipBlanks(p, limit);
            }
            if (p >= limit) {
                throw error(p, "unterminated label set, expected '}'");
            }
            byte c = buf[p];
            if (c == '}') {
                if (afterComma && openMetrics) {
                    throw error(p, "trailing comma in label set");
                }
                return p + 1;
            }
            int tokenStart = p;
            boolean quoted = c == '"';
            boolean tokenEscaped = false;
            int tokenEnd;
            if (quoted) {
                p = scanQuoted(p, limit, "label name");
                tokenEscaped = quotedHadEscape;
                tokenEnd = p;
            } else {
                p = scanLabelName(p, limit);
                tokenEnd = p;
                if (p == tokenStart) {
                    throw error(p, "invalid label name");
                }
            }
            if (!openMetrics) {
                p = skipBlanks(p, limit);
            }
            if (p < limit && buf[p] == '=') {
                p++;
                if (!openMetrics) {
                    p = skipBlanks(p, limit);
                }
                if (p >= limit || buf[p] != '"') {
                    throw error(p, "label value must be a double-quoted string");
                }
                int valueStart = p;
                p = scanQuoted(p, limit, "label value");
                int nOff = quoted ? tokenStart + 1 : tokenStart;
                int nLen = quoted ? tokenEnd - tokenStart - 2 : tokenEnd - tokenStart;
                checkDuplicateLabel(nOff, nLen, tokenStart);
                addLabel(nOff, nLen, valueStart + 1, p - valueStart - 2,
                        (tokenEscaped ? NAME_ESCAPED : 0) | (quotedHadEscape ? VALUE_ESCAPED : 0));
            } else if (quoted && p < limit && (buf[p] == ',' || buf[p] == '}')) {
                // {"metric.name", ...}: a UTF-8 metric name inside the braces.
                if (nameLen > 0 || labelBase > 0) {
                    throw error(tokenStart, "metric name given twice");
                }
                nameOff = tokenStart + 1;
                nameLen = tokenEnd - tokenStart - 2;
                nameEscaped = tokenEscaped;
                if (nameLen == 0) {
                    throw error(tokenStart, "empty metric name");
                }
            } else {
                throw error(p, "expected '=' after label name");
            }
            if (!openMetrics) {
                p = skipBlanks(p, limit);
            }
            if (p >= limit) {
                throw error(p, "unterminated label set, expected '}'");
            }
            if (buf[p] == ',') {
                p++;
                afterComma = true;
            } else if (buf[p] == '}') {
                return p + 1;
            } else {
                throw error(p, "expected ',' or '}' in label set");
            }
        }
    }

    /** One bit per (first byte, length) of the label names seen in the current label set. */
    private long labelNameBits;
    /** Beyond this many labels in one set, duplicates are found through a hash table. */
    private static final int SMALL_LABEL_SET = 32;
    /** Open-addressing table of label index + 1 by name hash, for large label sets only. */
    private int[] nameTable = new int[0];

    private void checkDuplicateLabel(int nOff, int nLen, int at) throws ExpositionException {
        int n = labelCount - labelBase;
        if (n == 0) {
            labelNameBits = 0;
        }
        if (n >= SMALL_LABEL_SET) {
            // A hostile page with thousands of labels on one line must not cost quadratic time.
            checkDuplicateByTable(nOff, nLen, at, n);
            return;
        }
        // A name can only repeat one whose bit is already set; most label sets never compare bytes.
        long bit = 1L << ((nLen > 0 ? buf[nOff] * 31 + nLen : 0) & 63);
        if ((labelNameBits & bit) == 0) {
            labelNameBits |= bit;
            return;
        }
        int[] slots = labelSlots;
        for (int i = labelBase, s = labelBase * SLOT; i < labelCount; i++, s += SLOT) {
            if (slots[s + 1] == nLen && rangeEquals(slots[s], nOff, nLen)) {
                throw duplicate(nOff, nLen, at);
            }
        }
    }

    private void checkDuplicateByTable(int nOff, int nLen, int at, int n) throws ExpositionException {
        if (n == SMALL_LABEL_SET || nameTable.length < 2 * (n + 1)) {
            nameTable = new int[Integer.highestOneBit(Math.max(64, n * 4)) * 2];
            for (int i = labelBase; i < labelCount; i++) {
                insertName(i, labelSlots[i * SLOT], labelSlots[i * SLOT + 1]);
            }
        }
        int mask = nameTable.length - 1;
        for (int slot = nameHash(nOff, nLen) & mask; ; slot = (slot + 1) & mask) {
            int entry = nameTable[slot];
            if (entry == 0) {
                nameTable[slot] = labelCount + 1;
                return;
            }
            int s = (entry - 1) * SLOT;
            if (labelSlots[s + 1] == nLen && rangeEquals(labelSlots[s], nOff, nLen)) {
                throw duplicate(nOff, nLen, at);
            }
        }
    }

    private void insertName(int index, int off, int len) {
        int mask = nameTable.length - 1;
        int slot = nameHash(off, len) & mask;
        while (nameTable[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        nameTable[slot] = index + 1;
    }

    private int nameHash(int off, int len) {
        int h = len;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + buf[i];
        }
        return h ^ (h >>> 16);
    }

    private ExpositionException duplicate(int nOff, int nLen, int at) {
        return error(at, "duplicate label name " + quoted(nOff, nOff + nLen));
    }

    final boolean rangeEquals(int a, int b, int len) {
        for (int i = 0; i < len; i++) {
            if (buf[a + i] != buf[b + i]) {
                return false;
            }
        }
        return true;
    }

    private void addLabel(int nOff, int nLen, int vOff, int vLen, int flags) {
        int s = labelCount * SLOT;
        if (s + SLOT > labelSlots.length) {
            labelSlots = java.util.Arrays.copyOf(labelSlots, labelSlots.length * 2);
        }
        int[] slots = labelSlots;
        slots[s] = nOff;
        slots[s + 1] = nLen;
        slots[s + 2] = vOff;
        slots[s + 3] = vLen;
        slots[s + 4] = flags;
        labelCount++;
    }

    /** End of a token: the first space, tab or newline at or after {@code p}, or {@code limit}. */
    final int tokenEnd(int p, int limit) {
        byte[] b = buf;
        while (p + 8 <= limit) {
            long word = Swar.word(b, p);
            long m = Swar.byteMask(word, Swar.SPACES) | Swar.byteMask(word, Swar.TABS)
                    | Swar.byteMask(word, Swar.NEWLINES);
            if (m != 0) {
                return p + (Long.numberOfTrailingZeros(m) >>> 3);
            }
            p += 8;
        }
        while (p < limit && b[p] != ' ' && b[p] != '\t' && b[p] != '\n') {
            p++;
        }
        return p;
    }

    final int skipBlanks(int p, int limit) {
        while (p < limit && (buf[p] == ' ' || buf[p] == '\t')) {
            p++;
        }
        return p;
    }

    /** A string from bytes, resolving {@code \\}, {@code \"} and {@code \n} if {@code escaped}. */
    final String string(int off, int len, boolean escaped) {
        if (!escaped) {
            return new String(buf, off, len, StandardCharsets.UTF_8);
        }
        return Escapes.unescape(buf, off, len, true);
    }

    /** Bytes for an error message: quoted, and cut short so a huge token cannot bloat the error. */
    final String quoted(int from, int to) {
        int limit = Math.min(to, from + 64);
        return "\"" + utf8(from, limit) + (limit < to ? "...\"" : "\"");
    }

    final String utf8(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    /** An error at byte offset {@code at} of the current line, quoting the line. */
    final ExpositionException error(int at, String message) {
        failed = true;
        int le = lineEnd(lineStart);
        int snippetEnd = Math.min(le, lineStart + MAX_SNIPPET);
        String line = new String(buf, lineStart, snippetEnd - lineStart, StandardCharsets.UTF_8);
        if (snippetEnd < le) {
            line += "...";
        }
        int column = Math.max(1, Math.min(at, le) - lineStart + 1);
        return new ExpositionException(lineNumber, message + " at column " + column + " in \"" + line + "\"");
    }
}
