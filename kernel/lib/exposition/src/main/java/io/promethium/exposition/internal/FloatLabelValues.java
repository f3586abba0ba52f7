package io.promethium.exposition.internal;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Prometheus 3's {@code normalizeFloatsInLabelValues}: at ingest, the {@code le} label of a
 * classic histogram's buckets and the {@code quantile} label of a summary are re-spelled as
 * {@link FloatFormat#appendLabelFloat} spells them ({@code le="1"} is stored as {@code le="1.0"}),
 * when Go's {@code strconv.ParseFloat} reads them as a float; anything else stays as written.
 * Checking and re-spelling use a reused buffer: a value already canonical costs no allocation.
 * One instance per parser; not thread-safe.
 */
final class FloatLabelValues {

    /** Go's hexadecimal float literal (the 'p' exponent is required), without underscores. */
    private static final Pattern HEX_FLOAT =
            Pattern.compile("[+-]?0[xX](?:[0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)[pP][+-]?[0-9]+");

    private final NumberParser numbers = new NumberParser();
    private final StringBuilder spelled = new StringBuilder(32);

    /**
     * The canonical spelling of the value in {@code b[off, off + len)}, or {@code null} when it
     * is already canonical or is not a float to {@code strconv.ParseFloat} (then it stays as written).
     */
    String canonical(byte[] b, int off, int len) {
        double v;
        if (numbers.parseDouble(b, off, off + len)) {
            v = numbers.doubleValue;
            byte first = b[off] == '+' || b[off] == '-' ? (len > 1 ? b[off + 1] : 0) : b[off];
            boolean word = first == 'i' || first == 'I' || first == 'n' || first == 'N';
            if (Double.isNaN(v) && first != b[off]) {
                return null; // ParseFloat takes a sign before Inf only, never before NaN
            }
            if (Double.isInfinite(v) && !word) {
                return null; // out of range: ParseFloat fails with ErrRange
            }
        } else if (len > 2 && (b[off] == '0' || b[off + 1] == '0')) {
            String text = new String(b, off, len, StandardCharsets.ISO_8859_1);
            if (!HEX_FLOAT.matcher(text).matches()) {
                return null;
            }
            v = Double.parseDouble(text);
            if (Double.isInfinite(v)) {
                return null;
            }
        } else {
            return null;
        }
        StringBuilder sb = spelled;
        sb.setLength(0);
        FloatFormat.appendLabelFloat(sb, v);
        if (sb.length() == len) {
            int i = 0;
            while (i < len && sb.charAt(i) == b[off + i]) {
                i++;
            }
            if (i == len) {
                return null;
            }
        }
        return sb.toString();
    }
}
