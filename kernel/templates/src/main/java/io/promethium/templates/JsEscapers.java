package io.promethium.templates;

/**
 * Go's JavaScript escapers (js.go): a value as a JS expression (jsValEscaper) and the string,
 * template literal and regexp tables (jsStrEscaper, jsTmplLitEscaper, jsRegexpEscaper).
 */
final class JsEscapers {

    private JsEscapers() {
    }

    /**
     * Go's jsValEscaper: the value as a JS expression without side effects, which is its JSON
     * ({@code json.Marshal}: strings quoted with {@code <}, {@code >}, {@code &} as
     * {@code \u003c}...), a value with a Go {@code String} method (and no JSON marshaller) as the
     * JSON string of that; padded with spaces where it starts or ends like an identifier or a
     * number, so {@code typeof{{.}}} stays two tokens. A value JSON cannot hold becomes a comment
     * with Go's error and {@code null}.
     */
    static String jsVal(Object value) {
        Object v = value;
        if (v instanceof HtmlEscaping.Typed t) {
            v = t.text();
        } else if (v instanceof GoDuration d) {
            v = GoFormat.print(d);
        } else if (v instanceof TemplateValue tv && tv.stringer() != null) {
            v = tv.stringer();
        }
        String json;
        try {
            json = Json.write(v);
        } catch (Json.UnsupportedValueException e) {
            String msg = e.getMessage().replace("*/", "* /").replace("</script", "\\x3C/script").replace("<!--", "\\x3C!--");
            return " /* " + msg + " */null ";
        }
        if (json.isEmpty()) {
            return " null ";
        }
        boolean pad = isJsIdentPart(json.charAt(0)) || isJsIdentPart(json.charAt(json.length() - 1));
        return pad ? " " + json + " " : json;
    }

    /** Go's jsStrEscaper: inside a JS string. */
    static String jsStrEscaper(String s) {
        return jsReplace(s, JsTable.STRING);
    }

    /** Go's jsTmplLitEscaper: inside a JS template literal ({@code $}, braces escaped too). */
    static String jsTmplLitEscaper(String s) {
        return jsReplace(s, JsTable.TEMPLATE_LITERAL);
    }

    /** Go's jsRegexpEscaper: inside a JS regexp. */
    static String jsRegexpEscaper(String s) {
        String r = jsReplace(s, JsTable.REGEXP);
        // /{{.}}/ must not become a line comment when the value is empty.
        return r.isEmpty() ? "(?:)" : r;
    }

    private enum JsTable { STRING, TEMPLATE_LITERAL, REGEXP }

    /** Go's replace with the JS string, template literal or regexp table (js.go), U+2028/U+2029 escaped in each. */
    private static String jsReplace(String s, JsTable table) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = jsReplacement(c, table);
            if (rep == null) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            b.append(rep);
        }
        return b == null ? s : b.toString();
    }

    private static String jsReplacement(char c, JsTable table) {
        if (c < 0x20) {
            return switch (c) {
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\f' -> "\\f";
                case '\r' -> "\\r";
                default -> String.format("\\u%04x", (int) c);
            };
        }
        if (c == '\u2028' || c == '\u2029') {
            return String.format("\\u%04x", (int) c);
        }
        if (table == JsTable.REGEXP) {
            return switch (c) {
                case '"' -> "\\u0022";
                case '&' -> "\\u0026";
                case '\'' -> "\\u0027";
                case '+' -> "\\u002b";
                case '<' -> "\\u003c";
                case '>' -> "\\u003e";
                case '$', '(', ')', '*', '-', '.', '/', '?', '[', '\\', ']', '^', '{', '|', '}' -> "\\" + c;
                default -> null;
            };
        }
        return switch (c) {
            case '"' -> "\\u0022";
            case '`' -> "\\u0060";
            case '&' -> "\\u0026";
            case '\'' -> "\\u0027";
            case '+' -> "\\u002b";
            case '/' -> "\\/";
            case '<' -> "\\u003c";
            case '>' -> "\\u003e";
            case '\\' -> "\\\\";
            case '$' -> table == JsTable.TEMPLATE_LITERAL ? "\\u0024" : null;
            case '{' -> table == JsTable.TEMPLATE_LITERAL ? "\\u007b" : null;
            case '}' -> table == JsTable.TEMPLATE_LITERAL ? "\\u007d" : null;
            default -> null;
        };
    }

    static boolean isJsIdentPart(char c) {
        return c == '$' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
