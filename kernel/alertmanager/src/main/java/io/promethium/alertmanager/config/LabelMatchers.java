package io.promethium.alertmanager.config;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Alertmanager's label matchers: parsing the matcher syntax ({@code foo="bar"},
 * {@code {a=~"x|y", b!=c}}, values quoted or not), matching label sets, and printing them as
 * Alertmanager does in route keys ({@code {a="b",c=~"d"}}).
 */
public final class LabelMatchers {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Alertmanager's sort: by name, then value, then operator. */
    public static final Comparator<Matcher> ORDER = Comparator.comparing(Matcher::name).thenComparing(Matcher::value)
            .thenComparing(m -> m.type().ordinal());

    private LabelMatchers() {
    }

    public static boolean validLabelName(String name) {
        return LABEL_NAME.matcher(name).matches();
    }

    /** Whether every matcher matches the labels (an absent label is ""). */
    public static boolean matches(List<Matcher> matchers, Labels labels) {
        for (Matcher m : matchers) {
            String v = labels.get(m.name());
            if (!m.matches(v == null ? "" : v)) {
                return false;
            }
        }
        return true;
    }

    /** {@code {a="b",c=~"d"}}, as Alertmanager's {@code labels.Matchers.String()}. */
    public static String format(List<Matcher> matchers) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < matchers.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(matchers.get(i));
        }
        return sb.append('}').toString();
    }

    /** One matcher string of {@code matchers:}; may hold several, with or without braces. */
    public static List<Matcher> parse(String text) {
        String s = text.strip();
        if (s.startsWith("{")) {
            if (!s.endsWith("}")) {
                throw new IllegalArgumentException("bad matcher format: " + text);
            }
            s = s.substring(1, s.length() - 1).strip();
        } else if (s.endsWith("}")) {
            throw new IllegalArgumentException("bad matcher format: " + text);
        }
        List<Matcher> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ',')) {
                i++;
            }
            if (i >= s.length()) {
                break;
            }
            int nameStart = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            String name = s.substring(nameStart, i);
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (!validLabelName(name)) {
                throw new IllegalArgumentException("bad matcher format: " + text);
            }
            MatchType type;
            if (s.startsWith("=~", i)) {
                type = MatchType.REGEX;
                i += 2;
            } else if (s.startsWith("!~", i)) {
                type = MatchType.NOT_REGEX;
                i += 2;
            } else if (s.startsWith("!=", i)) {
                type = MatchType.NOT_EQUAL;
                i += 2;
            } else if (s.startsWith("=", i)) {
                type = MatchType.EQUAL;
                i += 1;
            } else {
                throw new IllegalArgumentException("bad matcher format: " + text);
            }
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String value;
            if (i < s.length() && s.charAt(i) == '"') {
                StringBuilder v = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < s.length()) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < s.length()) {
                        char e = s.charAt(i++);
                        v.append(switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            default -> e;
                        });
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        v.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("bad matcher format: " + text);
                }
                value = v.toString();
                while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i < s.length() && s.charAt(i) != ',') {
                    throw new IllegalArgumentException("bad matcher format: " + text);
                }
            } else {
                int end = s.indexOf(',', i);
                end = end < 0 ? s.length() : end;
                value = s.substring(i, end).strip();
                i = end;
            }
            try {
                out.add(Matcher.of(type, name, value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid regular expression in matcher " + text + ": " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("bad matcher format: " + text);
        }
        return out;
    }
}
