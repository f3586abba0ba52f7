package io.promethium.exposition.internal;

import io.promethium.exposition.NameEscaping;

/**
 * Name rules shared by the writers: legacy names are written bare; other names are quoted when
 * the reader accepts UTF-8 names, else escaped by turning each character outside the legacy set
 * into an underscore (client_golang's default escaping for older readers).
 */
public final class Names {

    private Names() {
    }

    public static boolean isLegacyMetricName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static boolean isLegacyLabelName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A name with every character outside the legacy set replaced by an underscore. */
    public static String underscoreEscape(String name, boolean metric) {
        StringBuilder sb = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':')
                    || (sb.length() > 0 && c >= '0' && c <= '9');
            sb.append(ok ? (char) c : '_');
        });
        return sb.isEmpty() ? "_" : sb.toString();
    }

    /**
     * client_golang's {@code model.EscapeName} for a name that is not legacy-valid (the writers
     * never escape legacy-valid names, as its encoder does not).
     */
    public static String escape(String name, NameEscaping escaping, boolean metric) {
        switch (escaping) {
            case UNDERSCORES:
                return underscoreEscape(name, metric);
            case DOTS: {
                StringBuilder sb = new StringBuilder(name.length() + 8);
                int i = 0;
                for (int off = 0; off < name.length(); i++) {
                    int c = name.codePointAt(off);
                    off += Character.charCount(c);
                    if (c == '_') {
                        sb.append("__");
                    } else if (c == '.') {
                        sb.append("_dot_");
                    } else if (isLegacyRune(c, i)) {
                        sb.append((char) c);
                    } else {
                        sb.append("__");
                    }
                }
                return sb.toString();
            }
            case VALUES: {
                StringBuilder sb = new StringBuilder(name.length() + 8).append("U__");
                int i = 0;
                for (int off = 0; off < name.length(); i++) {
                    int c = name.codePointAt(off);
                    off += Character.charCount(c);
                    if (c == '_') {
                        sb.append("__");
                    } else if (isLegacyRune(c, i)) {
                        sb.append((char) c);
                    } else if (Character.isSurrogate((char) c)) {
                        sb.append("_FFFD_");
                    } else {
                        sb.append('_').append(Integer.toHexString(c)).append('_');
                    }
                }
                return sb.toString();
            }
            default:
                return name;
        }
    }

    /**
     * client_golang's {@code model.UnescapeName}: the name a reader of {@code escaping} meant.
     * {@code underscores} cannot be undone and {@code allow-utf-8} needs nothing, so both give the
     * name unchanged; {@code dots} turns {@code _dot_} into {@code .} and then {@code __} into
     * {@code _}; {@code values} decodes a {@code U__} name ({@code __} is {@code _},
     * {@code _<hex>_} a code point), and a malformed one (a lone {@code _}, a code not closed, six
     * hex digits or more (Go's loop refuses the sixth before it looks for the closing
     * underscore), a non-hex character or a surrogate) is given back unchanged, as Go
     * gives it back. A name without the {@code U__} prefix is unchanged too.
     */
    public static String unescape(String name, NameEscaping escaping) {
        if (name.isEmpty()) {
            return name;
        }
        switch (escaping) {
            case DOTS:
                return name.replace("_dot_", ".").replace("__", "_");
            case VALUES:
                return name.startsWith("U__") ? unescapeValues(name) : name;
            default:
                return name;
        }
    }

    private static String unescapeValues(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        int n = name.length();
        top:
        for (int i = 3; i < n; i++) {
            char c = name.charAt(i);
            if (c != '_') {
                sb.append(c);
                continue;
            }
            i++;
            if (i >= n) {
                return name;
            }
            if (name.charAt(i) == '_') {
                sb.append('_');
                continue;
            }
            int code = 0;
            for (int digits = 0; i < n; digits++, i++) {
                if (digits >= 6) {
                    return name;
                }
                char d = name.charAt(i);
                if (d == '_') {
                    if (code >= Character.MIN_SURROGATE && code <= Character.MAX_SURROGATE) {
                        return name;
                    }
                    sb.appendCodePoint(code);
                    continue top;
                }
                // Go lowers a byte with c | 0x20, which also reads bytes 0x10..0x19 as digits; kept
                // so that the same names decode. A char above 0x7F is never a digit here, as none of
                // its UTF-8 bytes is one in Go.
                int r = d | 0x20;
                if (r >= '0' && r <= '9') {
                    code = code * 16 + (r - '0');
                } else if (r >= 'a' && r <= 'f') {
                    code = code * 16 + (r - 'a' + 10);
                } else {
                    return name;
                }
            }
            return name;
        }
        return sb.toString();
    }

    /** Go's {@code isValidLegacyRune}: letters, {@code _}, {@code :}, and digits after the first rune. */
    private static boolean isLegacyRune(int c, int i) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    }

    /** Appends a metric name for a HELP/TYPE/UNIT line: bare if legacy, else quoted or escaped. */
    public static void appendMetadataName(StringBuilder sb, String name, boolean utf8) {
        appendMetadataName(sb, name, utf8 ? NameEscaping.ALLOW_UTF8 : NameEscaping.UNDERSCORES);
    }

    /** Appends a metric name for a HELP/TYPE/UNIT line: bare if legacy, else quoted or escaped. */
    public static void appendMetadataName(StringBuilder sb, String name, NameEscaping escaping) {
        if (isLegacyMetricName(name)) {
            sb.append(name);
        } else if (escaping != NameEscaping.ALLOW_UTF8) {
            sb.append(escape(name, escaping, true));
        } else {
            sb.append('"');
            Escapes.escapeLabelValue(sb, name);
            sb.append('"');
        }
    }

    /**
     * Appends {@code name{labels}}, or {@code {"name",labels}} when the name needs quoting;
     * label names that need it are quoted too, or all escaped when {@code utf8} is false.
     * {@code __name__} in {@code labels} is skipped.
     */
    public static void appendSeries(StringBuilder sb, String name, io.promethium.api.model.Labels labels, boolean utf8) {
        appendSeries(sb, name, labels, utf8 ? NameEscaping.ALLOW_UTF8 : NameEscaping.UNDERSCORES);
    }

    /** {@link #appendSeries(StringBuilder, String, io.promethium.api.model.Labels, boolean)} with any escaping scheme. */
    public static void appendSeries(StringBuilder sb, String name, io.promethium.api.model.Labels labels, NameEscaping escaping) {
        boolean utf8 = escaping == NameEscaping.ALLOW_UTF8;
        if (!utf8 && !isLegacyMetricName(name)) {
            name = escape(name, escaping, true);
        }
        boolean legacy = isLegacyMetricName(name);
        boolean any = false;
        if (legacy) {
            sb.append(name);
        } else {
            sb.append("{\"");
            Escapes.escapeLabelValue(sb, name);
            sb.append('"');
            any = true;
        }
        int n = labels.size();
        for (int i = 0; i < n; i++) {
            String ln = labels.name(i);
            if (ln.equals(io.promethium.api.model.Labels.METRIC_NAME)) {
                continue;
            }
            if (!any) {
                sb.append('{');
                any = true;
            } else {
                sb.append(',');
            }
            if (isLegacyLabelName(ln)) {
                sb.append(ln);
            } else if (!utf8) {
                sb.append(escape(ln, escaping, false));
            } else {
                sb.append('"');
                Escapes.escapeLabelValue(sb, ln);
                sb.append('"');
            }
            sb.append("=\"");
            Escapes.escapeLabelValue(sb, labels.value(i));
            sb.append('"');
        }
        if (any) {
            sb.append('}');
        }
    }
}
