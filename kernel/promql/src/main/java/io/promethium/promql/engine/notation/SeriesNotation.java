package io.promethium.promql.engine.notation;

import io.promethium.api.model.Labels;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.goformat.GoFloat;
import io.promethium.api.model.StaleMarker;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses the series notation of the test scripts: {@code name{l="v"} 1+2x3 _ stale}. Missing
 * points ({@code _}) are kept as {@link #MISSING} bit patterns so callers can skip them; native
 * histogram points ({@code {{...}}}, which the engine does not evaluate yet) as {@link #HISTOGRAM}
 * bit patterns, so the float points of a series mixing both are kept and the places of its
 * histogram points known. Shared by the PromQL conformance tests and {@code promethium test rules}.
 */
public final class SeriesNotation {

    /** A NaN bit pattern that never occurs in data: marks "no sample here". */
    public static final long MISSING_BITS = 0x7ff0000000000bb1L;
    public static final double MISSING = Double.longBitsToDouble(MISSING_BITS);

    private SeriesNotation() {
    }

    /** A NaN bit pattern that never occurs in data: marks "a native histogram sample here". */
    public static final long HISTOGRAM_BITS = 0x7ff0000000000bb2L;
    public static final double HISTOGRAM = Double.longBitsToDouble(HISTOGRAM_BITS);

    public static boolean isMissing(double v) {
        return Double.doubleToRawLongBits(v) == MISSING_BITS;
    }

    public static boolean isHistogram(double v) {
        return Double.doubleToRawLongBits(v) == HISTOGRAM_BITS;
    }

    /** A float sample: neither a missing point nor a native histogram. */
    public static boolean isFloat(double v) {
        return !isMissing(v) && !isHistogram(v);
    }

    /** The labels and the text after them. */
    public record Parsed(Labels labels, String rest) {
    }

    /** Parses a leading metric name and/or label set; throws with a clear message on bad input. */
    public static Parsed parseLabels(String text) {
        String s = text.strip();
        Labels.Builder builder = Labels.builder();
        int i = 0;
        int n = s.length();
        int nameStart = i;
        while (i < n && isNameChar(s.charAt(i))) {
            i++;
        }
        if (i > nameStart) {
            builder.set(Labels.METRIC_NAME, s.substring(nameStart, i));
        }
        if (i < n && s.charAt(i) == '{') {
            i++;
            while (true) {
                i = skipSpace(s, i);
                if (i >= n) {
                    throw new IllegalArgumentException("unterminated label set in: " + text);
                }
                if (s.charAt(i) == '}') {
                    i++;
                    break;
                }
                String name;
                if (s.charAt(i) == '"' || s.charAt(i) == '\'' || s.charAt(i) == '`') {
                    int[] end = new int[1];
                    name = readQuoted(s, i, end);
                    i = end[0];
                } else {
                    int st = i;
                    while (i < n && isNameChar(s.charAt(i))) {
                        i++;
                    }
                    name = s.substring(st, i);
                }
                i = skipSpace(s, i);
                if (i < n && (s.charAt(i) == ',' || s.charAt(i) == '}')) {
                    // A lone quoted string is the metric name.
                    builder.set(Labels.METRIC_NAME, name);
                } else {
                    if (i >= n || s.charAt(i) != '=') {
                        throw new IllegalArgumentException("expected '=' after label " + name + " in: " + text);
                    }
                    i = skipSpace(s, i + 1);
                    int[] end = new int[1];
                    String value = readQuoted(s, i, end);
                    i = end[0];
                    builder.set(name, value);
                }
                i = skipSpace(s, i);
                if (i < n && s.charAt(i) == ',') {
                    i++;
                }
            }
        }
        return new Parsed(builder.build(), s.substring(i).strip());
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    public static boolean isNameChar(char c) {
        return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Reads a quoted string starting at {@code i}; {@code end[0]} receives the index after it. */
    public static String readQuoted(String s, int i, int[] end) {
        char q = s.charAt(i);
        if (q != '"' && q != '\'' && q != '`') {
            throw new IllegalArgumentException("expected a quoted string at column " + (i + 1) + " of: " + s);
        }
        StringBuilder sb = new StringBuilder();
        int j = i + 1;
        while (j < s.length()) {
            char c = s.charAt(j);
            if (c == q) {
                end[0] = j + 1;
                return sb.toString();
            }
            if (c == '\\' && q != '`' && j + 1 < s.length()) {
                char e = s.charAt(++j);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '\\' -> sb.append('\\');
                    case '"' -> sb.append('"');
                    case '\'' -> sb.append('\'');
                    case 'x' -> {
                        sb.append((char) Integer.parseInt(s.substring(j + 1, j + 3), 16));
                        j += 2;
                    }
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(j + 1, j + 5), 16));
                        j += 4;
                    }
                    default -> sb.append('\\').append(e);
                }
                j++;
                continue;
            }
            sb.append(c);
            j++;
        }
        throw new IllegalArgumentException("unterminated string in: " + s);
    }

    /**
     * Expands a value list such as {@code 1+2x3 _x2 stale 5 {{schema:0 sum:1 count:1}}x2}; missing
     * points are {@link #MISSING}, native histogram points {@link #HISTOGRAM}.
     */
    public static double[] parseValues(String text) {
        return parsePoints(text).values();
    }

    /** Expanded points: {@code hists[i]} is the native histogram where {@code values[i]} is {@link #HISTOGRAM}. */
    public record Points(double[] values, FloatHistogram[] hists) {
    }

    public static Points parsePoints(String text) {
        double[] out = new double[16];
        FloatHistogram[] hists = null;
        int size = 0;
        for (String token : tokens(text)) {
            FloatHistogram[] hs = token.startsWith("{{") ? histogramExpansion(token) : null;
            double[] expansion;
            if (hs != null) {
                expansion = new double[hs.length];
                Arrays.fill(expansion, HISTOGRAM);
            } else {
                expansion = floatExpansion(token);
            }
            while (size + expansion.length > out.length) {
                out = Arrays.copyOf(out, out.length * 2);
                if (hists != null) {
                    hists = Arrays.copyOf(hists, out.length);
                }
            }
            if (hs != null) {
                if (hists == null) {
                    hists = new FloatHistogram[out.length];
                }
                System.arraycopy(hs, 0, hists, size, hs.length);
            }
            System.arraycopy(expansion, 0, out, size, expansion.length);
            size += expansion.length;
        }
        return new Points(Arrays.copyOf(out, size), hists == null ? null : Arrays.copyOf(hists, size));
    }

    /**
     * Expands the values of an {@code @st} line into absolute start timestamps (0 for {@code _}):
     * signed durations relative to each point's time {@code i * step}, with Prometheus's
     * {@code a+bxN} / {@code axN} expansion ({@code -30s-1mx2} is -30s, -90s, -150s).
     */
    public static long[] parseStartOffsets(String text, long step) {
        long[] out = new long[16];
        int size = 0;
        for (String token : tokens(text)) {
            long[] expansion;
            int x = token.lastIndexOf('x');
            if (x > 0 && isDigits(token, x + 1)) {
                int times = Integer.parseInt(token.substring(x + 1));
                String base = token.substring(0, x);
                if (base.equals("_")) {
                    expansion = new long[times];
                    Arrays.fill(expansion, Long.MIN_VALUE);
                } else {
                    int op = findOperator(base);
                    long start = signedDuration(op < 0 ? base : base.substring(0, op));
                    long delta = op < 0 ? 0 : signedDuration(base.substring(op));
                    expansion = new long[times + 1];
                    for (int k = 0; k <= times; k++) {
                        expansion[k] = start + k * delta;
                    }
                }
            } else if (token.equals("_")) {
                expansion = new long[] {Long.MIN_VALUE};
            } else {
                expansion = new long[] {signedDuration(token)};
            }
            while (size + expansion.length > out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            System.arraycopy(expansion, 0, out, size, expansion.length);
            size += expansion.length;
        }
        long[] starts = new long[size];
        for (int i = 0; i < size; i++) {
            starts[i] = out[i] == Long.MIN_VALUE ? 0 : i * step + out[i];
        }
        return starts;
    }

    /** A duration with an optional sign, in ms: {@code -1m30s}, {@code +1ms}, {@code 0}. */
    public static long signedDuration(String text) {
        String t = text.strip();
        boolean negative = t.startsWith("-");
        if (t.startsWith("-") || t.startsWith("+")) {
            t = t.substring(1);
        }
        long ms = t.equals("0") ? 0 : io.promethium.api.config.Durations.parse(t).toMillis();
        return negative ? -ms : ms;
    }

    /** Splits at blanks, except inside {@code {{...}}}, whose description contains blanks. */
    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                if (text.startsWith("{{", i)) {
                    int close = text.indexOf("}}", i + 2);
                    if (close < 0) {
                        throw new IllegalArgumentException("unterminated native histogram {{ in: " + text);
                    }
                    i = close + 2;
                } else {
                    i++;
                }
            }
            tokens.add(text.substring(start, i));
        }
        return tokens;
    }

    /** {@code {{...}}}, {@code {{...}}xN} or {@code {{...}}+{{...}}xN}: 1 or N + 1 histogram points. */
    private static FloatHistogram[] histogramExpansion(String token) {
        int last = token.lastIndexOf("}}");
        String suffix = token.substring(last + 2);
        int count = 1;
        if (!suffix.isEmpty()) {
            if (suffix.charAt(0) != 'x' || !isDigits(suffix, 1)) {
                throw new IllegalArgumentException("bad native histogram expansion: " + token);
            }
            count = Integer.parseInt(suffix.substring(1)) + 1;
        }
        String body = token.substring(0, last + 2);
        NativeHistogram start;
        NativeHistogram delta = null;
        double sign = 1;
        int firstEnd = body.indexOf("}}");
        if (firstEnd + 2 < body.length()) {
            char op = body.charAt(firstEnd + 2);
            if ((op != '+' && op != '-') || !body.startsWith("{{", firstEnd + 3)) {
                throw new IllegalArgumentException("bad native histogram expansion: " + token);
            }
            sign = op == '-' ? -1 : 1;
            start = histogram(body.substring(2, firstEnd));
            delta = histogram(body.substring(firstEnd + 5, body.length() - 2));
        } else {
            start = histogram(body.substring(2, firstEnd));
        }
        FloatHistogram[] out = new FloatHistogram[count];
        NativeHistogram current = start;
        for (int k = 0; k < count; k++) {
            out[k] = current.toFloatHistogram();
            if (delta != null) {
                io.promethium.api.model.CounterResetHint hint = current.hint;
                current = current.copy();
                if (sign > 0) {
                    current.add(delta);
                } else {
                    current.sub(delta);
                }
                current.hint = hint;
            }
        }
        return out;
    }

    /** One histogram description: {@code schema:0 sum:5 count:4 z_bucket:1 z_bucket_w:0.001 buckets:[1 2] offset:1 ...}. */
    private static NativeHistogram histogram(String desc) {
        int schema = 0;
        double sum = 0;
        double count = 0;
        double zeroCount = 0;
        double zeroThreshold = 0;
        double[] buckets = new double[0];
        double[] nBuckets = new double[0];
        double[] custom = new double[0];
        int offset = 0;
        int nOffset = 0;
        io.promethium.api.model.CounterResetHint hint = io.promethium.api.model.CounterResetHint.UNKNOWN;
        String s = desc.strip();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                break;
            }
            int colon = s.indexOf(':', i);
            if (colon < 0) {
                throw new IllegalArgumentException("bad native histogram description: " + desc);
            }
            String key = s.substring(i, colon).strip();
            int j = colon + 1;
            while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                j++;
            }
            String value;
            if (j < s.length() && s.charAt(j) == '[') {
                int close = s.indexOf(']', j);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated [ of " + key + " in native histogram: " + desc);
                }
                value = s.substring(j + 1, close);
                i = close + 1;
            } else {
                int e = j;
                while (e < s.length() && !Character.isWhitespace(s.charAt(e))) {
                    e++;
                }
                value = s.substring(j, e);
                i = e;
            }
            switch (key) {
                case "schema" -> schema = Integer.parseInt(value);
                case "sum" -> sum = parseNumber(value);
                case "count" -> count = parseNumber(value);
                case "z_bucket" -> zeroCount = parseNumber(value);
                case "z_bucket_w" -> zeroThreshold = parseNumber(value);
                case "buckets" -> buckets = numbers(value);
                case "n_buckets" -> nBuckets = numbers(value);
                case "custom_values" -> custom = numbers(value);
                case "offset" -> offset = Integer.parseInt(value);
                case "n_offset" -> nOffset = Integer.parseInt(value);
                case "counter_reset_hint" -> hint = switch (value) {
                    case "reset" -> io.promethium.api.model.CounterResetHint.COUNTER_RESET;
                    case "not_reset" -> io.promethium.api.model.CounterResetHint.NOT_COUNTER_RESET;
                    case "gauge" -> io.promethium.api.model.CounterResetHint.GAUGE;
                    default -> io.promethium.api.model.CounterResetHint.UNKNOWN;
                };
                default -> throw new IllegalArgumentException("unknown native histogram field " + key + " in: " + desc);
            }
        }
        int[] posIdx = new int[buckets.length];
        for (int k = 0; k < posIdx.length; k++) {
            posIdx[k] = offset + k;
        }
        int[] negIdx = new int[nBuckets.length];
        for (int k = 0; k < negIdx.length; k++) {
            negIdx[k] = nOffset + k;
        }
        return NativeHistogram.of(hint, schema, zeroThreshold, zeroCount, count, sum, posIdx, buckets, negIdx, nBuckets, custom);
    }

    private static double[] numbers(String list) {
        String t = list.strip();
        if (t.isEmpty()) {
            return new double[0];
        }
        String[] parts = t.split("\\s+");
        double[] out = new double[parts.length];
        for (int k = 0; k < parts.length; k++) {
            out[k] = parseNumber(parts[k]);
        }
        return out;
    }

    private static double[] floatExpansion(String token) {
        int x = token.lastIndexOf('x');
        double[] expansion;
        if (x > 0 && isDigits(token, x + 1)) {
            int times = Integer.parseInt(token.substring(x + 1));
            String base = token.substring(0, x);
            if (base.equals("_")) {
                expansion = new double[times];
                Arrays.fill(expansion, MISSING);
            } else {
                double start;
                double delta;
                int op = findOperator(base);
                if (op < 0) {
                    start = parseNumber(base);
                    delta = 0;
                } else {
                    start = parseNumber(base.substring(0, op));
                    delta = parseNumber(base.substring(op + 1));
                    if (base.charAt(op) == '-') {
                        delta = -delta;
                    }
                }
                expansion = new double[times + 1];
                if (base.equals("stale")) {
                    Arrays.fill(expansion, StaleMarker.STALE_NAN);
                } else {
                    // Prometheus adds the delta step by step; the rounding matches that.
                    double v = start;
                    for (int k = 0; k <= times; k++) {
                        expansion[k] = v;
                        v += delta;
                    }
                }
            }
        } else if (token.equals("_")) {
            expansion = new double[] {MISSING};
        } else if (token.equals("stale")) {
            expansion = new double[] {StaleMarker.STALE_NAN};
        } else {
            expansion = new double[] {parseNumber(token)};
        }
        return expansion;
    }

    private static boolean isDigits(String s, int from) {
        if (from >= s.length()) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Index of the '+' or '-' that separates start and delta (not a sign or exponent sign). */
    private static int findOperator(String base) {
        for (int i = 1; i < base.length(); i++) {
            char c = base.charAt(i);
            char prev = base.charAt(i - 1);
            if ((c == '+' || c == '-') && prev != 'e' && prev != 'E') {
                return i;
            }
        }
        return -1;
    }

    public static double parseNumber(String s) {
        String t = s.strip();
        String lower = t.toLowerCase();
        switch (lower) {
            case "inf", "+inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            default -> {
            }
        }
        if (lower.startsWith("0x") || lower.startsWith("-0x")) {
            boolean neg = lower.startsWith("-");
            long v = Long.parseLong(lower.substring(neg ? 3 : 2), 16);
            return neg ? -v : v;
        }
        return Double.parseDouble(t);
    }
    /**
     * A histogram as Prometheus's {@code FloatHistogram.TestExpression()} writes it, which
     * promtool compares as text: fields that are zero left out, the counter reset hint unless
     * unknown, each side's buckets compacted into one run from its first to its last non-zero
     * bucket ({@code Compact(math.MaxInt)}), numbers as Go's {@code %g}.
     */
    public static String testExpression(FloatHistogram h) {
        if (h == null) {
            return "";
        }
        List<String> res = new ArrayList<>();
        if (h.schema() != 0) {
            res.add("schema:" + h.schema());
        }
        if (h.count() != 0) {
            res.add("count:" + GoFloat.formatG(h.count()));
        }
        if (h.sum() != 0) {
            res.add("sum:" + GoFloat.formatG(h.sum()));
        }
        if (h.zeroCount() != 0) {
            res.add("z_bucket:" + GoFloat.formatG(h.zeroCount()));
        }
        if (h.zeroThreshold() != 0) {
            res.add("z_bucket_w:" + GoFloat.formatG(h.zeroThreshold()));
        }
        if (h.usesCustomBuckets()) {
            res.add("custom_values:" + gList(h.customValues(), h.customValueCount()));
        }
        switch (h.counterResetHint()) {
            case COUNTER_RESET -> res.add("counter_reset_hint:reset");
            case NOT_COUNTER_RESET -> res.add("counter_reset_hint:not_reset");
            case GAUGE -> res.add("counter_reset_hint:gauge");
            default -> {
            }
        }
        compacted(res, "buckets", "offset", h.positiveSpans(), h.positiveBuckets(), h.positiveBucketCount());
        compacted(res, "n_buckets", "n_offset", h.negativeSpans(), h.negativeBuckets(), h.negativeBucketCount());
        return "{{" + String.join(" ", res) + "}}";
    }

    private static void compacted(List<String> res, String bucketsKey, String offsetKey, HistogramSpans spans,
            double[] buckets, int n) {
        int[] idx = new int[n];
        int k = 0;
        int next = 0;
        for (int s = 0; s < spans.count(); s++) {
            next += spans.offset(s);
            for (int j = 0; j < spans.length(s) && k < n; j++) {
                idx[k++] = next++;
            }
        }
        int first = -1;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (buckets[i] != 0) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        if (first < 0) {
            return;
        }
        int width = idx[last] - idx[first] + 1;
        double[] dense = new double[width];
        for (int i = first; i <= last; i++) {
            dense[idx[i] - idx[first]] += buckets[i];
        }
        if (idx[first] != 0) {
            res.add(offsetKey + ":" + idx[first]);
        }
        res.add(bucketsKey + ":" + gList(dense, width));
    }

    private static String gList(double[] values, int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            GoFloat.appendG(sb, values[i]);
        }
        return sb.append(']').toString();
    }
}
