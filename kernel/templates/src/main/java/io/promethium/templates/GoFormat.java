package io.promethium.templates;

import io.promethium.goformat.GoFloat;
import java.util.List;
import java.util.Map;

/**
 * Go's {@code fmt} for the values templates handle: {@code %v} printing and the {@code printf}
 * verbs {@code %s %d %f %e %g %v %q %x %t %%} with flags, width and precision. Floats are spelled
 * by {@link GoFloat}.
 */
public final class GoFormat {

    private GoFormat() {
    }

    /** A value as Go's {@code %v} prints it (null is Go's nil: {@code <nil>}). */
    public static String print(Object value) {
        return switch (value) {
            case null -> "<nil>";
            case String s -> s;
            case Double d -> GoFloat.formatG(d);
            case Long l -> Long.toString(l);
            case Integer i -> Integer.toString(i);
            case Boolean b -> b.toString();
            // A Go type with a String method prints as that (Alertmanager's Pairs: "a=1, b=2").
            case TemplateValue tv when tv.stringer() != null -> tv.stringer();
            case Map<?, ?> m -> printMap(m);
            case List<?> l -> printList(l);
            case QuerySample s -> "{" + printMap(s.labelMap()) + " " + GoFloat.formatG(s.value()) + "}";
            default -> value.toString();
        };
    }

    /**
     * An action's value as text/template prints it: null is no value ({@code <no value>}), as
     * Go's evalPipeline turns a nil interface into an invalid value before printing it.
     */
    static String printAction(Object value) {
        return value == null ? "<no value>" : print(value);
    }

    private static String printMap(Map<?, ?> map) {
        StringBuilder sb = new StringBuilder("map[");
        boolean first = true;
        for (Map.Entry<?, ?> e : GoOrder.sorted(map).entrySet()) {
            if (!first) {
                sb.append(' ');
            }
            first = false;
            sb.append(print(e.getKey())).append(':').append(print(e.getValue()));
        }
        return sb.append(']').toString();
    }

    private static String printList(List<?> list) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(print(list.get(i)));
        }
        return sb.append(']').toString();
    }

    /** Go's type name of a value, for {@code %!verb(type=value)} errors. */
    static String typeName(Object value) {
        return switch (value) {
            case null -> "<nil>";
            case String s -> "string";
            case HtmlEscaping.Typed t -> t.kind() == HtmlEscaping.Typed.Kind.HTML ? "template.HTML" : "template.URL";
            case Double d -> "float64";
            case Long l -> "int";
            case Integer i -> "int";
            case Boolean b -> "bool";
            // A data object knows its Go type (template.KV, template.Alerts, ...).
            case TemplateValue tv -> tv.typeName();
            case Map<?, ?> m -> "map[string]string";
            case List<?> l -> "[]template.sample";
            case QuerySample s -> "template.sample";
            case GoNumber.Complex c -> "complex128";
            default -> value.getClass().getSimpleName();
        };
    }

    /** Go's {@code strconv.Quote}. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\u0007' -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\u000b' -> sb.append("\\v");
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        sb.append(String.format("\\x%02x", cp));
                    } else if (Character.isISOControl(cp) || !Character.isDefined(cp)) {
                        sb.append(cp > 0xffff ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }

    /** Go's {@code fmt.Sprintf} for the supported verbs; mistakes print as Go prints them ({@code %!d(string=x)}). */
    public static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argIndex = 0;
        int i = 0;
        int n = format.length();
        while (i < n) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            if (i >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            boolean minus = false;
            boolean plus = false;
            boolean zero = false;
            boolean space = false;
            boolean sharp = false;
            for (; i < n; i++) {
                char f = format.charAt(i);
                if (f == '-') {
                    minus = true;
                } else if (f == '+') {
                    plus = true;
                } else if (f == '0') {
                    zero = true;
                } else if (f == ' ') {
                    space = true;
                } else if (f == '#') {
                    sharp = true;
                } else {
                    break;
                }
            }
            int width = -1;
            int start = i;
            while (i < n && Character.isDigit(format.charAt(i))) {
                i++;
            }
            boolean tooLarge = false;
            if (i > start) {
                long w = i - start > 9 ? Long.MAX_VALUE : Long.parseLong(format.substring(start, i));
                // Go refuses widths and precisions beyond 1e6 (%!(BADWIDTH)); so does this, to bound memory.
                tooLarge = w > 1_000_000;
                width = tooLarge ? -1 : (int) w;
            }
            int precision = -1;
            if (i < n && format.charAt(i) == '.') {
                i++;
                start = i;
                while (i < n && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                long p = i == start ? 0 : i - start > 9 ? Long.MAX_VALUE : Long.parseLong(format.substring(start, i));
                if (p > 1_000_000) {
                    out.append("%!(BADPREC)");
                    p = -1;
                }
                precision = (int) p;
            }
            if (tooLarge) {
                out.append("%!(BADWIDTH)");
            }
            if (i >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = format.charAt(i++);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (argIndex >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object arg = args.get(argIndex++);
            String text = formatOne(verb, arg, precision, plus, space, sharp);
            boolean numeric = arg instanceof Double || arg instanceof Long || arg instanceof Integer;
            out.append(pad(text, width, minus, zero && numeric && !minus));
        }
        if (argIndex < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = argIndex; k < args.size(); k++) {
                if (k > argIndex) {
                    out.append(", ");
                }
                // Go writes a nil extra argument as "<nil>" alone.
                out.append(args.get(k) == null ? "<nil>" : typeName(args.get(k)) + "=" + print(args.get(k)));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String formatOne(char verb, Object arg, int precision, boolean plus, boolean space, boolean sharp) {
        if (arg == null) {
            // Go's printArg: a nil argument is "<nil>" for %v and %T, a bad verb for any other.
            return verb == 'v' || verb == 'T' ? "<nil>" : "%!" + verb + "(<nil>)";
        }
        String text = switch (verb) {
            case 'v' -> arg instanceof Double d && precision >= 0 ? GoFloat.formatG(d, precision) : print(arg);
            case 's' -> arg instanceof String s ? (precision >= 0 && precision < s.length() ? s.substring(0, precision) : s)
                    : arg instanceof Double || arg instanceof Long || arg instanceof Boolean ? bad(verb, arg) : print(arg);
            case 'q' -> arg instanceof String s ? quote(s) : arg instanceof Long l ? "'" + new String(Character.toChars(l.intValue())) + "'" : bad(verb, arg);
            case 'd' -> arg instanceof Long l ? Long.toString(l) : arg instanceof Integer k ? Integer.toString(k) : bad(verb, arg);
            case 'f', 'F' -> arg instanceof Double d ? GoFloat.formatF(d, precision < 0 ? 6 : precision) : bad(verb, arg);
            case 'e' -> arg instanceof Double d ? GoFloat.formatE(d, precision < 0 ? 6 : precision) : bad(verb, arg);
            case 'E' -> arg instanceof Double d ? GoFloat.formatE(d, precision < 0 ? 6 : precision).toUpperCase() : bad(verb, arg);
            case 'g' -> arg instanceof Double d ? GoFloat.formatG(d, precision) : bad(verb, arg);
            case 'G' -> arg instanceof Double d ? GoFloat.formatG(d, precision).toUpperCase() : bad(verb, arg);
            case 't' -> arg instanceof Boolean b ? b.toString() : bad(verb, arg);
            // Go's type of the value (exact for the basic kinds constants have: int, float64, complex128, string, bool).
            case 'T' -> typeName(arg);
            case 'x', 'X' -> {
                String hex;
                if (arg instanceof Long l) {
                    hex = l < 0 ? "-" + Long.toHexString(-l) : Long.toHexString(l);
                } else if (arg instanceof String s) {
                    StringBuilder sb = new StringBuilder();
                    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                        sb.append(String.format("%02x", b & 0xff));
                    }
                    hex = sb.toString();
                } else {
                    yield bad(verb, arg);
                }
                if (sharp) {
                    hex = "0x" + hex;
                }
                yield verb == 'X' ? hex.toUpperCase() : hex;
            }
            default -> bad(verb, arg);
        };
        boolean numeric = arg instanceof Double || arg instanceof Long;
        if (numeric && (verb == 'd' || verb == 'f' || verb == 'e' || verb == 'g' || verb == 'v' || verb == 'F')
                && !text.startsWith("-") && !text.startsWith("%!")) {
            if (plus && !text.startsWith("+")) {
                text = "+" + text;
            } else if (space && !text.startsWith("+")) {
                text = " " + text;
            }
        }
        return text;
    }

    private static String bad(char verb, Object arg) {
        return "%!" + verb + "(" + typeName(arg) + "=" + print(arg) + ")";
    }

    private static String pad(String text, int width, boolean left, boolean zeros) {
        int len = text.codePointCount(0, text.length());
        if (width <= len) {
            return text;
        }
        String fill = (zeros ? "0" : " ").repeat(width - len);
        if (left) {
            return text + fill;
        }
        if (zeros && (text.startsWith("-") || text.startsWith("+"))) {
            return text.charAt(0) + fill + text.substring(1);
        }
        return fill + text;
    }
}
