package io.promethium.templates;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text and action tokens as Go's text/template lexer does: {@code {{- }}
 * and {@code -}}} trim the whitespace beside them, {@code {{/* ... *}{@literal /}}}} is a comment.
 */
final class TemplateLexer {

    /** {@code PUNCT}: another printable ASCII character (Go's itemChar), which only the parser refuses. */
    enum Type { TEXT, LEFT, RIGHT, IDENT, FIELD, VARIABLE, DOT, STRING, NUMBER, COMPLEX, CHAR, PIPE, LPAREN, RPAREN,
        DECLARE, ASSIGN, COMMA, PUNCT, ERROR, EOF }

    /**
     * {@code glued}: no space between this token and the one before, as a field continuing a term
     * must be. {@code shown}: the token as Go's {@code item.String()} prints it in a parse error
     * ({@code <if>} for a keyword or dot, else the source text quoted, cut to 10 characters).
     */
    record Token(Type type, String text, int line, int column, boolean glued, String shown) {
        @Override
        public String toString() {
            return shown;
        }
    }

    /** Go's keywords (lex.go's {@code key}), which its parse errors print in angle brackets. */
    static final java.util.Set<String> KEYWORDS = java.util.Set.of("block", "break", "continue", "define", "else", "end", "if",
            "nil", "range", "template", "with");

    /** Go's {@code item.String()} of a token whose source text is {@code raw}. */
    private static String shown(Type type, String raw) {
        if (type == Type.EOF) {
            return "EOF";
        }
        if (type == Type.DOT || type == Type.IDENT && KEYWORDS.contains(raw)) {
            return "<" + raw + ">";
        }
        if (raw.codePointCount(0, raw.length()) > 10) {
            // %.10q...: the first ten characters, quoted.
            return GoFormat.quote(raw.substring(0, raw.offsetByCodePoints(0, 10))) + "...";
        }
        return GoFormat.quote(raw);
    }

    private final String name;
    private final String input;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    /** The nesting of parentheses in the action being lexed, as Go's lexer counts it. */
    private int parenDepth;
    /** The line where the action being lexed starts; 0 outside actions. */
    private int actionLine;

    private TemplateLexer(String name, String input) {
        this.name = name;
        this.input = input;
    }

    /**
     * The tokens; a lexing error ends them as an {@code ERROR} token (its text the whole message),
     * which the parser raises when it reaches it: Go lexes as the parser asks, so a parse error
     * before the bad spot is the one reported.
     */
    static List<Token> lex(String name, String input) {
        TemplateLexer lexer = new TemplateLexer(name, input);
        try {
            lexer.run();
        } catch (TemplateException e) {
            lexer.tokens.add(new Token(Type.ERROR, e.getMessage(), 0, 0, false, e.getMessage()));
        }
        return lexer.tokens;
    }

    private void run() throws TemplateException {
        boolean trimNext = false;
        while (pos < input.length()) {
            int open = input.indexOf("{{", pos);
            int textEnd = open < 0 ? input.length() : open;
            String text = input.substring(pos, textEnd);
            if (trimNext) {
                text = trimLeading(text);
            }
            trimNext = false;
            boolean trimBefore = open >= 0 && open + 3 < input.length() && input.charAt(open + 2) == '-'
                    && isSpace(input.charAt(open + 3));
            if (trimBefore) {
                text = trimTrailing(text);
            }
            if (!text.isEmpty()) {
                add(Type.TEXT, text, pos);
            }
            if (open < 0) {
                pos = input.length();
                break;
            }
            pos = open + 2 + (trimBefore ? 2 : 0);
            int actionStart = open;
            // A comment action.
            int afterSpace = pos;
            if (input.startsWith("/*", afterSpace)) {
                // Go reports a comment's errors at the line where "/*" starts (after a trim marker).
                int close = input.indexOf("*/", afterSpace + 2);
                if (close < 0) {
                    throw error(afterSpace, "unclosed comment");
                }
                pos = close + 2;
                trimNext = consumeRight(afterSpace);
                continue;
            }
            add(Type.LEFT, input.substring(open, open + 2 + (trimBefore ? 2 : 0)), actionStart);
            parenDepth = 0;
            actionLine = lineColumn(actionStart)[0];
            trimNext = lexAction(actionStart);
            actionLine = 0;
        }
        add(Type.EOF, "", pos);
    }

    /**
     * Consumes the {@code }}} or {@code  -}}} (one space character before the marker) that must
     * follow a comment's {@code *}{@literal /} at once, as Go's atRightDelim; returns whether it trims.
     */
    private boolean consumeRight(int commentStart) throws TemplateException {
        if (input.startsWith("}}", pos)) {
            pos += 2;
            return false;
        }
        if (pos < input.length() && isSpace(input.charAt(pos)) && input.startsWith("-}}", pos + 1)) {
            pos += 4;
            return true;
        }
        throw error(commentStart, "comment ends before closing delimiter");
    }

    private boolean lexAction(int actionStart) throws TemplateException {
        while (true) {
            if (pos >= input.length()) {
                // Go's lexer has emitted everything up to the end (spaces too), so it reports the last line.
                throw error(input.length(), "unclosed action");
            }
            char c = input.charAt(pos);
            if (parenDepth > 0 && (input.startsWith("}}", pos) || isSpace(c) && input.startsWith("-}}", pos + 1))) {
                // Go's lexer meets the right delimiter with a parenthesis open.
                throw error(pos, "unclosed left paren");
            }
            if (isSpace(c)) {
                if (input.startsWith("-}}", pos + 1)) {
                    add(Type.RIGHT, "}}", pos + 1);
                    pos += 4;
                    return true;
                }
                pos++;
                continue;
            }
            if (input.startsWith("}}", pos)) {
                add(Type.RIGHT, "}}", pos);
                pos += 2;
                return false;
            }
            if (c == '\n') {
                pos++;
                continue;
            }
            int start = pos;
            switch (c) {
                case '|' -> {
                    add(Type.PIPE, "|", start);
                    pos++;
                }
                case '(' -> {
                    add(Type.LPAREN, "(", start);
                    parenDepth++;
                    pos++;
                }
                case ')' -> {
                    if (parenDepth == 0) {
                        throw error(start, "unexpected right paren");
                    }
                    add(Type.RPAREN, ")", start);
                    parenDepth--;
                    pos++;
                }
                case ',' -> {
                    add(Type.COMMA, ",", start);
                    pos++;
                }
                case ':' -> {
                    if (!input.startsWith(":=", pos)) {
                        throw error(start, "expected :=");
                    }
                    add(Type.DECLARE, ":=", start);
                    pos += 2;
                }
                case '=' -> {
                    add(Type.ASSIGN, "=", start);
                    pos++;
                }
                case '"' -> lexQuoted(start);
                case '`' -> {
                    int close = input.indexOf('`', pos + 1);
                    if (close < 0) {
                        throw error(start, "unterminated raw quoted string");
                    }
                    // strconv.Unquote drops carriage returns from a raw string.
                    String raw = input.substring(pos + 1, close).replace("\r", "");
                    pos = close + 1;
                    add(Type.STRING, raw, start);
                }
                case '\'' -> lexChar(start);
                case '$' -> {
                    pos++;
                    while (pos < input.length() && isAlnum(input.charAt(pos))) {
                        pos++;
                    }
                    atTerminator();
                    add(Type.VARIABLE, input.substring(start, pos), start);
                }
                case '.' -> {
                    if (pos + 1 < input.length() && input.charAt(pos + 1) >= '0' && input.charAt(pos + 1) <= '9') {
                        lexNumber(start);
                    } else {
                        pos++;
                        while (pos < input.length() && isAlnum(input.charAt(pos))) {
                            pos++;
                        }
                        atTerminator();
                        add(pos == start + 1 ? Type.DOT : Type.FIELD, input.substring(start, pos), start);
                    }
                }
                default -> {
                    if (c >= '0' && c <= '9' || c == '-' || c == '+') {
                        // Go's lexer starts a number at any sign or ASCII digit; its parser judges the text.
                        lexNumber(start);
                    } else if (isAlnum(c)) {
                        while (pos < input.length() && isAlnum(input.charAt(pos))) {
                            pos++;
                        }
                        atTerminator();
                        add(Type.IDENT, input.substring(start, pos), start);
                    } else if (c > ' ' && c < 0x7F) {
                        // Go's lexer passes any other printable ASCII character on; its parser names the place.
                        add(Type.PUNCT, String.valueOf(c), start);
                        pos++;
                    } else {
                        throw error(start, "unrecognized character in action: " + goRune(input.codePointAt(start)));
                    }
                }
            }
        }
    }

    /**
     * A quoted string: Go's lexQuote finds its end (a newline or the end of input before the
     * closing quote is "unterminated quoted string"), then its parser reads it with
     * {@code strconv.Unquote}, whose every refusal (an unknown escape, an escaped single quote, a
     * short or out-of-range hex, unicode or octal escape) is "invalid syntax" at
     * the string's line.
     */
    private void lexQuoted(int start) throws TemplateException {
        StringBuilder sb = new StringBuilder();
        pos++;
        int end = pos;
        while (true) {
            if (end >= input.length() || input.charAt(end) == '\n') {
                throw error(start, "unterminated quoted string");
            }
            char c = input.charAt(end++);
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                if (end >= input.length() || input.charAt(end) == '\n') {
                    throw error(start, "unterminated quoted string");
                }
                end++;
            }
        }
        while (pos < end - 1) {
            char c = input.charAt(pos++);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = input.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case '\\' -> sb.append('\\');
                case '"' -> sb.append('"');
                case 'x' -> sb.append((char) hex(start, 2, end - 1));
                case 'u', 'U' -> {
                    int cp = hex(start, e == 'u' ? 4 : 8, end - 1);
                    if (cp > Character.MAX_CODE_POINT || cp >= 0xD800 && cp < 0xE000) {
                        throw invalidSyntax(start);
                    }
                    sb.appendCodePoint(cp);
                }
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    int v = e - '0';
                    for (int k = 0; k < 2; k++) {
                        int d = pos < end - 1 ? input.charAt(pos) - '0' : -1;
                        if (d < 0 || d > 7) {
                            throw invalidSyntax(start);
                        }
                        v = v * 8 + d;
                        pos++;
                    }
                    if (v > 255) {
                        throw invalidSyntax(start);
                    }
                    // Go's octal and \x escapes are bytes; a Java string holds them as the Latin-1 character.
                    sb.append((char) v);
                }
                default -> throw invalidSyntax(start);
            }
        }
        pos = end;
        add(Type.STRING, sb.toString(), start);
    }

    private int hex(int start, int digits, int limit) throws TemplateException {
        if (pos + digits > limit) {
            throw invalidSyntax(start);
        }
        int v = 0;
        for (int k = 0; k < digits; k++) {
            char c = input.charAt(pos + k);
            int d = c < 0x80 ? Character.digit(c, 16) : -1;
            if (d < 0) {
                throw invalidSyntax(start);
            }
            v = v * 16 + d;
        }
        pos += digits;
        return v;
    }

    /** strconv's ErrSyntax as Go's parser reports it: the string's line, no "in action started at". */
    private TemplateException invalidSyntax(int offset) {
        return new TemplateException("template: " + name + ":" + lineColumn(offset)[0] + ": invalid syntax");
    }

    /** Go's lexChar: up to the closing quote, a backslash escaping the next character; the parser reads the constant. */
    private void lexChar(int start) throws TemplateException {
        pos++;
        while (true) {
            if (pos >= input.length() || input.charAt(pos) == '\n') {
                throw error(start, "unterminated character constant");
            }
            char c = input.charAt(pos++);
            if (c == '\\') {
                if (pos >= input.length() || input.charAt(pos) == '\n') {
                    throw error(start, "unterminated character constant");
                }
                pos++;
            } else if (c == '\'') {
                break;
            }
        }
        add(Type.CHAR, input.substring(start, pos), start);
    }

    /**
     * Go's lexNumber: a number as its scanNumber scans it, or a complex constant ({@code 1+2i}:
     * a second number right after, ending in {@code i}); an alphanumeric character right after
     * is "bad number syntax", naming the text up to and with that character.
     */
    private void lexNumber(int start) throws TemplateException {
        if (!scanNumber()) {
            throw error(start, "bad number syntax: " + GoFormat.quote(input.substring(start, pos)));
        }
        if (pos < input.length() && (input.charAt(pos) == '+' || input.charAt(pos) == '-')) {
            if (!scanNumber() || input.charAt(pos - 1) != 'i') {
                throw error(start, "bad number syntax: " + GoFormat.quote(input.substring(start, pos)));
            }
            add(Type.COMPLEX, input.substring(start, pos), start);
        } else {
            add(Type.NUMBER, input.substring(start, pos), start);
        }
    }

    /** Go's scanNumber: sign, base prefix, digits and underscores, fraction, exponent, {@code i}. */
    private boolean scanNumber() {
        accept("+-");
        String digits = "0123456789_";
        if (accept("0")) {
            // A leading 0 does not mean octal in floats, so the lexer keeps decimal digits.
            if (accept("xX")) {
                digits = "0123456789abcdefABCDEF_";
            } else if (accept("oO")) {
                digits = "01234567_";
            } else if (accept("bB")) {
                digits = "01_";
            }
        }
        acceptRun(digits);
        if (accept(".")) {
            acceptRun(digits);
        }
        if (digits.length() == 10 + 1 && accept("eE")) {
            accept("+-");
            acceptRun("0123456789_");
        }
        if (digits.length() == 16 + 6 + 1 && accept("pP")) {
            accept("+-");
            acceptRun("0123456789_");
        }
        accept("i");
        if (pos < input.length() && isAlphaNumeric(input.codePointAt(pos))) {
            pos += Character.charCount(input.codePointAt(pos));
            return false;
        }
        return true;
    }

    private boolean accept(String valid) {
        if (pos < input.length() && valid.indexOf(input.charAt(pos)) >= 0) {
            pos++;
            return true;
        }
        return false;
    }

    private void acceptRun(String valid) {
        while (accept(valid)) {
            // consumed
        }
    }

    /** Go's isAlphaNumeric: underscore, a Unicode letter or decimal digit. */
    private static boolean isAlphaNumeric(int cp) {
        return cp == '_' || Character.isLetter(cp) || Character.isDigit(cp);
    }

    private void add(Type type, String text, int offset) {
        int[] lc = lineColumn(offset);
        String raw = switch (type) {
            case TEXT, EOF -> text;
            case LEFT -> "{{";
            case RIGHT -> "}}";
            default -> input.substring(offset, pos > offset ? pos : offset + text.length());
        };
        tokens.add(new Token(type, text, lc[0], lc[1], offset > 0 && !isSpace(input.charAt(offset - 1)), shown(type, raw)));
    }

    /**
     * Go's lexer ends an identifier, field or variable at a space, the end, {@code . , | : ( )} or
     * the right delimiter's first character, and refuses anything else right after it as "bad
     * character".
     */
    private void atTerminator() throws TemplateException {
        if (pos >= input.length()) {
            return;
        }
        char c = input.charAt(pos);
        if (isSpace(c) || ".,|:()}".indexOf(c) >= 0) {
            return;
        }
        throw error(pos, "bad character " + goRune(input.codePointAt(pos)));
    }

    /**
     * The 1-based line and column of {@code offset}; the column counts UTF-8 bytes, as Go's
     * positions are byte offsets (a node's column in an error is its byte offset in its line).
     */
    private int[] lineColumn(int offset) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset && i < input.length(); i++) {
            char c = input.charAt(i);
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column += utf8Length(c);
            }
        }
        return new int[] {line, column};
    }

    /** The UTF-8 length of one UTF-16 unit (a surrogate pair's two units make 4 bytes together). */
    private static int utf8Length(char c) {
        return c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }


    /** Go's trim markers remove only its space characters (" \t\r\n"), not every Unicode space. */
    private static String trimLeading(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    private static String trimTrailing(String s) {
        int i = s.length();
        while (i > 0 && isSpace(s.charAt(i - 1))) {
            i--;
        }
        return s.substring(0, i);
    }

    /**
     * Go's message for a lexing error at {@code offset}: at the line where the bad item starts and,
     * inside an action that started on another line, naming that line as Go's parser does
     * ("... in action started at t:1", or "unclosed action started at t:1").
     */
    private TemplateException error(int offset, String message) {
        int line = lineColumn(offset)[0];
        if (actionLine != 0 && actionLine != line) {
            message += (message.endsWith(" action") ? " started at " : " in action started at ") + name + ":" + actionLine;
        }
        return new TemplateException("template: " + name + ":" + line + ": " + message);
    }

    /** Go's {@code %#U}: {@code U+0029 ')'}, the character left out when it is not printable. */
    private static String goRune(int cp) {
        String hex = String.format("U+%04X", cp);
        // strconv.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020.
        int type = Character.getType(cp);
        boolean printable = cp == ' ' || switch (type) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
        return printable ? hex + " '" + new String(Character.toChars(cp)) + "'" : hex;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isAlnum(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }
}
