package io.promethium.templates;

import io.promethium.goformat.GoFloat;
import io.promethium.goformat.GoStrings;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * Go's {@code json.Marshal} for the values templates hold, for {@code toJson} and html/template's
 * JS value escaper: a {@link SequencedMap} (a Go struct's fields, from
 * {@link TemplateValue#json()}) keeps its order, other maps are written with sorted keys as Go
 * writes a map.
 */
final class Json {

    /** Go's {@code json.UnsupportedValueError} (NaN, ±Inf), with Go's message. */
    static final class UnsupportedValueException extends RuntimeException {
        UnsupportedValueException(String message) {
            super(message, null, false, false);
        }
    }

    private Json() {
    }

    /** @throws UnsupportedValueException for a value JSON cannot hold (a NaN or infinite float) */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value) {
        switch (value) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case HtmlEscaping.Typed t -> string(sb, t.text());
            case Boolean b -> sb.append(b);
            case Long l -> sb.append(l);
            case Integer i -> sb.append(i);
            case Double d -> number(sb, d);
            // time.Duration is an int64 of nanoseconds.
            case GoDuration d -> sb.append(d.duration().toNanos());
            case QuerySample q -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("Labels", GoOrder.sorted(q.labelMap()));
                fields.put("Value", q.value());
                write(sb, fields);
            }
            case TemplateValue tv when tv.json() != TemplateValue.NO_FIELD -> write(sb, tv.json());
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                // A map in its own order keeps it; a sorted map in Java's natural order is sorted as Go sorts.
                Map<?, ?> ordered = m instanceof SequencedMap<?, ?> && !(m instanceof java.util.SortedMap<?, ?> s && s.comparator() == null)
                        ? m : GoOrder.sorted(m);
                for (Map.Entry<?, ?> e : ordered.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(sb, l.get(i));
                }
                sb.append(']');
            }
            default -> string(sb, value.toString());
        }
    }

    /**
     * Go's float encoder: the shortest decimal that reads back the same, in plain notation from
     * 1e-6 to below 1e21 and in exponent notation outside ({@code 1e-7}, {@code 1e+21}).
     */
    private static void number(StringBuilder sb, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new UnsupportedValueException("json: unsupported value: " + GoFloat.formatG(d));
        }
        double abs = Math.abs(d);
        if (abs == 0) {
            sb.append(1 / d < 0 ? "-0" : "0");
        } else if (abs < 1e-6 || abs >= 1e21) {
            String e = GoFloat.formatG(d);
            int n = e.length();
            if (n >= 4 && e.charAt(n - 4) == 'e' && e.charAt(n - 3) == '-' && e.charAt(n - 2) == '0') {
                e = e.substring(0, n - 2) + e.charAt(n - 1);
            }
            sb.append(e);
        } else {
            // Double.toString is the shortest round-tripping decimal (JDK 19+), as Go's 'f' with precision -1.
            sb.append(new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        GoStrings.appendJson(sb, s, true);
    }
}
