package io.promethium.tsdb.tool;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import java.util.ArrayList;
import java.util.List;

/**
 * A PromQL series selector ({@code name{label="v", other=~"re"}}, Prometheus 3's quoted UTF-8
 * names {@code {"my.metric", "a.b"="c"}} included) parsed into matchers, for {@code --match}.
 * Written here because a plugin may not import the kernel's PromQL grammar and a selector is all
 * the tool needs. Strings are Go literals: {@code "..."} and {@code '...'} with escapes,
 * {@code `...`} raw. As promtool's {@code --match} (its default is {@code {__name__=~'(?s:.*)'}}),
 * matchers that all match the empty string are allowed.
 */
final class SeriesSelector {
    private final String text;
    private int pos;

    private SeriesSelector(String text) {
        this.text = text;
    }

    /** The selector's matchers; an {@link IllegalArgumentException} says what is wrong and where. */
    static List<Matcher> parse(String text) {
        SeriesSelector p = new SeriesSelector(text);
        return p.selector();
    }

    /** A selector that does not parse, worded as PromQL's parser words it: {@code 1:COLUMN: parse error: WHAT}. */
    static final class SelectorException extends IllegalArgumentException {
        SelectorException(String message) {
            super(message);
        }
    }

    private List<Matcher> selector() {
        List<Matcher> matchers = new ArrayList<>();
        String name = null;
        skipSpace();
        if (pos < text.length() && isNameStart(text.charAt(pos))) {
            name = identifier(true);
            matchers.add(Matcher.of(MatchType.EQUAL, Labels.METRIC_NAME, name));
            skipSpace();
        }
        if (pos < text.length() && text.charAt(pos) == '{') {
            pos++;
            skipSpace();
            while (pos < text.length() && text.charAt(pos) != '}') {
                int at = pos;
                String label = text.charAt(pos) == '"' || text.charAt(pos) == '\'' || text.charAt(pos) == '`' ? string() : identifier(false);
                skipSpace();
                MatchType op = operator();
                Matcher m;
                if (op == null) {
                    // A bare quoted string is the metric name (Prometheus 3).
                    if (!(text.charAt(at) == '"' || text.charAt(at) == '\'' || text.charAt(at) == '`')) {
                        throw error("expected a matching operator after label name " + label);
                    }
                    m = Matcher.of(MatchType.EQUAL, Labels.METRIC_NAME, label);
                } else {
                    skipSpace();
                    m = Matcher.of(op, label, string());
                }
                if (m.name().equals(Labels.METRIC_NAME) && name != null) {
                    throw error("metric name must not be set twice: " + quote(name) + " or " + quote(m.value()));
                }
                if (op == null) {
                    name = m.value();
                }
                matchers.add(m);
                skipSpace();
                if (pos < text.length() && text.charAt(pos) == ',') {
                    pos++;
                    skipSpace();
                } else if (pos >= text.length()) {
                    throw error("unexpected end of input inside braces");
                } else if (text.charAt(pos) != '}') {
                    throw error("expected , or } in label matching");
                }
            }
            if (pos >= text.length()) {
                throw error("unexpected end of input inside braces");
            }
            pos++;
            skipSpace();
        }
        if (pos != text.length()) {
            throw error("unexpected " + quote(text.substring(pos, pos + 1)));
        }
        if (matchers.isEmpty()) {
            throw error("empty selector");
        }
        return matchers;
    }

    private MatchType operator() {
        if (text.startsWith("=~", pos)) {
            pos += 2;
            return MatchType.REGEX;
        }
        if (text.startsWith("!~", pos)) {
            pos += 2;
            return MatchType.NOT_REGEX;
        }
        if (text.startsWith("!=", pos)) {
            pos += 2;
            return MatchType.NOT_EQUAL;
        }
        if (text.startsWith("=", pos)) {
            pos++;
            return MatchType.EQUAL;
        }
        return null;
    }

    private static boolean isNameStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
    }

    private String identifier(boolean colons) {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (!(isNameStart(c) && (colons || c != ':')) && !(pos > start && c >= '0' && c <= '9')) {
                break;
            }
            pos++;
        }
        if (pos == start) {
            throw error("expected a label name");
        }
        return text.substring(start, pos);
    }

    /** A Go string literal: interpreted ({@code "} or {@code '}) or raw ({@code `}). */
    private String string() {
        if (pos >= text.length()) {
            throw error("expected a string");
        }
        char q = text.charAt(pos);
        if (q != '"' && q != '\'' && q != '`') {
            throw error("expected a quoted string");
        }
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == q) {
                return sb.toString();
            }
            if (c == '\\' && q != '`') {
                if (pos >= text.length()) {
                    break;
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case 'a' -> sb.append('\u0007');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'v' -> sb.append('\u000b');
                    case '\\', '"', '\'' -> sb.append(e);
                    case 'x' -> sb.append((char) hex(2));
                    case 'u' -> sb.appendCodePoint(hex(4));
                    case 'U' -> sb.appendCodePoint(hex(8));
                    default -> {
                        if (e >= '0' && e <= '7') {
                            pos--;
                            int v = 0;
                            for (int i = 0; i < 3; i++) {
                                char d = pos < text.length() ? text.charAt(pos++) : 'x';
                                if (d < '0' || d > '7') {
                                    throw error("bad octal escape");
                                }
                                v = v * 8 + (d - '0');
                            }
                            sb.append((char) v);
                        } else {
                            throw error("unknown escape sequence \\" + e);
                        }
                    }
                }
            } else {
                sb.append(c);
            }
        }
        pos = start;
        throw error("unterminated quoted string");
    }

    private int hex(int digits) {
        if (pos + digits > text.length()) {
            throw error("short escape sequence");
        }
        try {
            int v = Integer.parseInt(text.substring(pos, pos + digits), 16);
            pos += digits;
            return v;
        } catch (NumberFormatException e) {
            throw error("bad hex escape");
        }
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private SelectorException error(String what) {
        // The selector is one line: PromQL's line 1, its column counted from 1.
        return new SelectorException("1:" + (pos + 1) + ": parse error: " + what);
    }

    private static String quote(String s) {
        return io.promethium.goformat.GoStrings.quote(s);
    }
}
