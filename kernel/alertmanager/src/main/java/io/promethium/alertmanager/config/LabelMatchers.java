package io.promethium.alertmanager.config;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.goformat.GoStrings;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Alertmanager's label names and matchers as its current release checks them under its default
 * flags (neither {@code classic-mode} nor {@code utf8-strict-mode}: the "fallback" mode of its
 * {@code matcher/compat} package):
 * <ul>
 * <li>A label name of route {@code labels}, {@code group_by}, an inhibit rule's {@code equal}, an
 * alert or a silence matcher is any non-empty UTF-8 text ({@link #validLabelName}); the keys of
 * {@code match}, {@code match_re} and an inhibit rule's {@code source_match[_re]} /
 * {@code target_match[_re]} keep the legacy pattern {@code [a-zA-Z_][a-zA-Z0-9_]*}
 * ({@link #validLegacyLabelName}).</li>
 * <li>A matcher string is read by the classic parser ({@code pkg/labels.ParseMatchers}: a name of
 * {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, values quoted or not, braces optional at either end); what it
 * refuses is read by the UTF-8 parser ({@code matcher/parse}: names and values quoted with Go's
 * escapes or unquoted without reserved characters, {@code "service.name"="x"},
 * {@code service.name=x}); what both refuse is an error with the classic parser's message, as
 * Alertmanager reports it.</li>
 * </ul>
 * Matchers print as Alertmanager prints them in route keys: {@code {a="b",c=~"d"}}, a name with a
 * reserved character and its value quoted as Go quotes them ({@code "service name"="x"}).
 */
public final class LabelMatchers {

    private static final Pattern LEGACY_LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** pkg/labels' matcher: RE2's \s is [\t\n\f\r ], its $ the end of the text. */
    private static final Pattern CLASSIC = Pattern.compile(
            "\\A[\\t\\n\\f\\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\\t\\n\\f\\r ]*(=~|=|!=|!~)[\\t\\n\\f\\r ]*(.*?)[\\t\\n\\f\\r ]*\\z",
            Pattern.DOTALL);
    /** Alertmanager's sort: by name, then value, then operator. */
    public static final Comparator<Matcher> ORDER = Comparator.comparing(Matcher::name).thenComparing(Matcher::value)
            .thenComparing(m -> m.type().ordinal());

    private LabelMatchers() {
    }

    /** A label name in Alertmanager's UTF-8 mode: not empty, well-formed (no lone surrogate, Go's invalid UTF-8). */
    public static boolean validLabelName(String name) {
        return !name.isEmpty() && wellFormed(name);
    }

    /** A label name by the legacy pattern, which {@code match} and {@code match_re} keys still need. */
    public static boolean validLegacyLabelName(String name) {
        return LEGACY_LABEL_NAME.matcher(name).matches();
    }

    /** Go's {@code utf8.ValidString} of the text's UTF-8: no unpaired surrogate. */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
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
            sb.append(format(matchers.get(i)));
        }
        return sb.append('}').toString();
    }

    /**
     * One matcher as Alertmanager's {@code labels.Matcher.String()}: a name with a reserved
     * character quoted with its value by Go's {@code strconv.Quote}, else the name as is and the
     * value with OpenMetrics escapes.
     */
    public static String format(Matcher m) {
        if (m.name().codePoints().anyMatch(LabelMatchers::reserved)) {
            return GoStrings.quote(m.name()) + m.type().operator() + GoStrings.quote(m.value());
        }
        return m.toString();
    }

    /**
     * One string of {@code matchers:} (or of a silence's or amtool's matchers): zero or more
     * matchers, as Alertmanager's fallback parser reads them.
     *
     * @throws IllegalArgumentException with the classic parser's message when neither parser reads it
     */
    public static List<Matcher> parse(String text) {
        List<Matcher> classic;
        try {
            classic = classicMatchers(text);
        } catch (IllegalArgumentException classicError) {
            List<Matcher> utf8 = Utf8Parser.matchers(text);
            if (utf8 == null) {
                throw classicError;
            }
            return utf8;
        }
        return classic;
    }

    /**
     * What Alertmanager's UTF-8 parser alone ({@code matcher/parse}) reads of the text, or null
     * when it refuses it: its fallback mode warns when the classic parser had to be used, or when
     * the two read the same text differently.
     */
    static List<Matcher> utf8Matchers(String text) {
        return Utf8Parser.matchers(text);
    }

    /**
     * Exactly one matcher, as Alertmanager's fallback {@code compat.Matcher} reads an API
     * {@code filter} or an amtool argument: no braces, one matcher.
     */
    public static Matcher parseOne(String text) {
        if (text.startsWith("{") || text.endsWith("}")) {
            throw new IllegalArgumentException("unexpected open or close brace: " + text);
        }
        try {
            return classicMatcher(text);
        } catch (IllegalArgumentException classicError) {
            List<Matcher> utf8 = Utf8Parser.matchers(text);
            if (utf8 == null || utf8.size() != 1) {
                throw classicError;
            }
            return utf8.get(0);
        }
    }

    // ---- pkg/labels (the classic parser), rule for rule

    private static List<Matcher> classicMatchers(String text) {
        String s = text.startsWith("{") ? text.substring(1) : text;
        s = s.endsWith("}") ? s.substring(0, s.length() - 1) : s;
        boolean insideQuotes = false;
        boolean escaped = false;
        StringBuilder token = new StringBuilder();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case ',' -> {
                    if (!insideQuotes) {
                        tokens.add(token.toString());
                        token.setLength(0);
                        continue;
                    }
                }
                case '"' -> {
                    if (!escaped) {
                        insideQuotes = !insideQuotes;
                    } else {
                        escaped = false;
                    }
                }
                case '\\' -> escaped = !escaped;
                default -> escaped = false;
            }
            token.append(c);
        }
        if (!goTrimSpace(token.toString()).isEmpty()) {
            tokens.add(goTrimSpace(token.toString()));
        }
        List<Matcher> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            out.add(classicMatcher(t));
        }
        return out;
    }

    private static Matcher classicMatcher(String s) {
        java.util.regex.Matcher ms = CLASSIC.matcher(s);
        if (!ms.matches()) {
            throw new IllegalArgumentException("bad matcher format: " + s);
        }
        String raw = ms.group(3);
        boolean expectTrailingQuote = raw.startsWith("\"");
        String rawValue = expectTrailingQuote ? raw.substring(1) : raw;
        if (!wellFormed(rawValue)) {
            throw new IllegalArgumentException("matcher value not valid UTF-8: " + raw);
        }
        StringBuilder value = new StringBuilder(rawValue.length());
        boolean escaped = false;
        for (int i = 0; i < rawValue.length(); i++) {
            char c = rawValue.charAt(i);
            if (escaped) {
                escaped = false;
                switch (c) {
                    case 'n' -> value.append('\n');
                    case '"', '\\' -> value.append(c);
                    default -> value.append('\\').append(c); // a spurious escape: the backslash is literal
                }
                continue;
            }
            switch (c) {
                case '\\' -> {
                    if (i < rawValue.length() - 1) {
                        escaped = true;
                    } else {
                        value.append('\\');
                    }
                }
                case '"' -> {
                    if (!expectTrailingQuote || i < rawValue.length() - 1) {
                        throw new IllegalArgumentException("matcher value contains unescaped double quote: " + raw);
                    }
                    expectTrailingQuote = false;
                }
                default -> value.append(c);
            }
        }
        if (expectTrailingQuote) {
            throw new IllegalArgumentException("matcher value contains unescaped double quote: " + raw);
        }
        return matcher(type(ms.group(2)), ms.group(1), value.toString(), s);
    }

    private static MatchType type(String op) {
        return switch (op) {
            case "=~" -> MatchType.REGEX;
            case "!~" -> MatchType.NOT_REGEX;
            case "!=" -> MatchType.NOT_EQUAL;
            default -> MatchType.EQUAL;
        };
    }

    private static Matcher matcher(MatchType type, String name, String value, String text) {
        try {
            return Matcher.of(type, name, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid regular expression in matcher " + text + ": " + e.getMessage(), e);
        }
    }

    /** Go's {@code unicode.IsSpace}. */
    static boolean goSpace(int r) {
        return switch (r) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x2028, 0x2029 -> true;
            default -> r > 0xFF && Character.getType(r) == Character.SPACE_SEPARATOR;
        };
    }

    private static String goTrimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && goSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && goSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /** matcher/parse's reserved characters: white space and {@code {}!=~,\"'`}. */
    static boolean reserved(int r) {
        return goSpace(r) || "{}!=~,\\\"'`".indexOf(r) >= 0;
    }

    /**
     * Alertmanager's UTF-8 matchers parser ({@code matcher/parse}): a lexer of braces, commas,
     * operators, double-quoted text (Go's escapes) and unquoted text without reserved characters,
     * and the grammar {@code [{] [matcher {, matcher} [,]] [}]}, braces paired. Its error messages
     * are never shown in fallback mode (the classic parser's are), so it answers null for input it
     * refuses.
     */
    private static final class Utf8Parser {

        private enum Kind { OPEN, CLOSE, COMMA, EQ, NEQ, MATCH, NMATCH, QUOTED, UNQUOTED, EOF }

        private record Token(Kind kind, String text) {
        }

        /** Thrown by the lexer and the grammar; never escapes {@link #matchers}. */
        private static final class Refused extends Exception {
            Refused() {
                super(null, null, false, false);
            }
        }

        private final String in;
        private int pos;

        private Utf8Parser(String in) {
            this.in = in;
        }

        static List<Matcher> matchers(String text) {
            try {
                return new Utf8Parser(text).parse();
            } catch (Refused | IllegalArgumentException e) {
                return null;
            }
        }

        private Token peek() throws Refused {
            int at = pos;
            try {
                return scan();
            } finally {
                pos = at;
            }
        }

        private Token scan() throws Refused {
            while (pos < in.length()) {
                int r = in.codePointAt(pos);
                int start = pos;
                pos += Character.charCount(r);
                switch (r) {
                    case '{':
                        return new Token(Kind.OPEN, "{");
                    case '}':
                        return new Token(Kind.CLOSE, "}");
                    case ',':
                        return new Token(Kind.COMMA, ",");
                    case '!':
                        if (accept('=')) {
                            return new Token(Kind.NEQ, "!=");
                        }
                        if (accept('~')) {
                            return new Token(Kind.NMATCH, "!~");
                        }
                        throw new Refused();
                    case '=':
                        return accept('~') ? new Token(Kind.MATCH, "=~") : new Token(Kind.EQ, "=");
                    case '"':
                        boolean escaped = false;
                        while (pos < in.length()) {
                            char c = in.charAt(pos);
                            if (escaped) {
                                escaped = false;
                            } else if (c == '\\') {
                                escaped = true;
                            } else if (c == '"') {
                                pos++;
                                return new Token(Kind.QUOTED, in.substring(start, pos));
                            }
                            pos++;
                        }
                        throw new Refused(); // missing end "
                    default:
                        if (!reserved(r)) {
                            while (pos < in.length() && !reserved(in.codePointAt(pos))) {
                                pos += Character.charCount(in.codePointAt(pos));
                            }
                            return new Token(Kind.UNQUOTED, in.substring(start, pos));
                        }
                        if (!goSpace(r)) {
                            throw new Refused(); // a reserved character out of place: invalid input
                        }
                }
            }
            return new Token(Kind.EOF, "");
        }

        private boolean accept(char c) {
            if (pos < in.length() && in.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private Token expect(Kind... kinds) throws Refused {
            Token t = scan();
            for (Kind k : kinds) {
                if (t.kind() == k) {
                    return t;
                }
            }
            throw new Refused();
        }

        private List<Matcher> parse() throws Refused {
            List<Matcher> out = new ArrayList<>();
            Token first = peek();
            if (first.kind() == Kind.EOF) {
                return out;
            }
            boolean open = first.kind() == Kind.OPEN;
            if (open) {
                scan();
            }
            Token next = peek();
            if (next.kind() != Kind.EOF && next.kind() != Kind.CLOSE) {
                while (true) {
                    out.add(matcher());
                    Token end = peek();
                    if (end.kind() == Kind.EOF || end.kind() == Kind.CLOSE) {
                        break;
                    }
                    expect(Kind.COMMA);
                    Token after = peek();
                    if (after.kind() == Kind.EOF || after.kind() == Kind.CLOSE) {
                        break;
                    }
                    if (after.kind() != Kind.QUOTED && after.kind() != Kind.UNQUOTED) {
                        throw new Refused();
                    }
                }
            }
            // The close brace: required after an open one, refused without.
            if (peek().kind() == Kind.CLOSE) {
                if (!open) {
                    throw new Refused();
                }
                scan();
            } else if (open) {
                throw new Refused();
            }
            if (scan().kind() != Kind.EOF) {
                throw new Refused();
            }
            return out;
        }

        private Matcher matcher() throws Refused {
            String name = unquote(expect(Kind.QUOTED, Kind.UNQUOTED));
            Kind op = expect(Kind.EQ, Kind.NEQ, Kind.MATCH, Kind.NMATCH).kind();
            String value = unquote(expect(Kind.UNQUOTED, Kind.QUOTED));
            MatchType type = switch (op) {
                case EQ -> MatchType.EQUAL;
                case NEQ -> MatchType.NOT_EQUAL;
                case MATCH -> MatchType.REGEX;
                default -> MatchType.NOT_REGEX;
            };
            return Matcher.of(type, name, value); // a bad regex: IllegalArgumentException, refused
        }

        private static String unquote(Token t) throws Refused {
            return t.kind() == Kind.QUOTED ? goUnquote(t.text()) : t.text();
        }

        /** Go's {@code strconv.Unquote} of a double-quoted string, then its UTF-8 checked. */
        static String goUnquote(String q) throws Refused {
            String s = q.substring(1, q.length() - 1);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length() + 8);
            int i = 0;
            while (i < s.length()) {
                int c = s.codePointAt(i);
                if (c == '\n' || c == '"') {
                    throw new Refused();
                }
                if (c != '\\') {
                    int n = Character.charCount(c);
                    bytes.writeBytes(s.substring(i, i + n).getBytes(StandardCharsets.UTF_8));
                    i += n;
                    continue;
                }
                if (i + 1 >= s.length()) {
                    throw new Refused();
                }
                char e = s.charAt(i + 1);
                i += 2;
                switch (e) {
                    case 'a' -> bytes.write(7);
                    case 'b' -> bytes.write('\b');
                    case 'f' -> bytes.write('\f');
                    case 'n' -> bytes.write('\n');
                    case 'r' -> bytes.write('\r');
                    case 't' -> bytes.write('\t');
                    case 'v' -> bytes.write(0x0B);
                    case '\\', '"' -> bytes.write(e);
                    case 'x', 'u', 'U' -> {
                        int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                        if (i + digits > s.length()) {
                            throw new Refused();
                        }
                        int v = 0;
                        for (int k = 0; k < digits; k++) {
                            char h = s.charAt(i + k);
                            int d = h < 0x80 ? Character.digit(h, 16) : -1; // ASCII only, as Go
                            if (d < 0) {
                                throw new Refused();
                            }
                            v = v * 16 + d;
                        }
                        i += digits;
                        if (e == 'x') {
                            bytes.write(v);
                        } else if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || v < 0) {
                            throw new Refused();
                        } else {
                            bytes.writeBytes(Character.toString(v).getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                        if (i + 2 > s.length()) {
                            throw new Refused();
                        }
                        int v = e - '0';
                        for (int k = 0; k < 2; k++) {
                            char d = s.charAt(i + k);
                            if (d < '0' || d > '7') {
                                throw new Refused();
                            }
                            v = v * 8 + (d - '0');
                        }
                        i += 2;
                        if (v > 255) {
                            throw new Refused();
                        }
                        bytes.write(v);
                    }
                    default -> throw new Refused();
                }
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
            } catch (CharacterCodingException ex) {
                throw new Refused(); // "quoted string contains invalid UTF-8 code points"
            }
        }
    }
}
