package io.promethium.tsdb.internal.index;

/**
 * Translates the common subset of Prometheus (RE2) regular expressions into Lucene's
 * {@code RegExp} syntax so a matcher can run as an automaton over a block's term dictionary:
 * literals, {@code .}, groups, alternation, character classes with literals and ranges, and the
 * quantifiers {@code * + ? {n} {n,} {n,m}} (lazy forms match the same strings when the whole
 * value must match, so they are accepted). Anything else (anchors, flags, {@code \d}-style
 * classes, empty alternatives, ...) returns {@code null} and the caller falls back to testing
 * each term with {@link java.util.regex.Pattern}. Both sides match the whole value.
 */
public final class RegexToLucene {
    private final String re;
    private int pos;
    private final StringBuilder out = new StringBuilder();

    private RegexToLucene(String re) {
        this.re = re;
    }

    /** The Lucene form, or null when the regex uses something outside the supported subset. */
    public static String convert(String regex) {
        if (regex.isEmpty()) {
            return null;
        }
        RegexToLucene c = new RegexToLucene(regex);
        try {
            c.alternation();
            if (c.pos != regex.length()) {
                return null;
            }
            return c.out.toString();
        } catch (Unsupported e) {
            return null;
        }
    }

    private static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported() {
            super(null, null, false, false);
        }
    }

    private void alternation() throws Unsupported {
        sequence();
        while (pos < re.length() && re.charAt(pos) == '|') {
            pos++;
            out.append('|');
            sequence();
        }
    }

    private void sequence() throws Unsupported {
        int atoms = 0;
        while (pos < re.length()) {
            char c = re.charAt(pos);
            if (c == '|' || c == ')') {
                break;
            }
            atom();
            quantifier();
            atoms++;
        }
        if (atoms == 0) {
            throw new Unsupported();
        }
    }

    private void atom() throws Unsupported {
        char c = re.charAt(pos);
        switch (c) {
            case '(' -> {
                pos++;
                if (re.startsWith("?:", pos)) {
                    pos += 2;
                } else if (pos < re.length() && re.charAt(pos) == '?') {
                    throw new Unsupported();
                }
                out.append('(');
                alternation();
                if (pos >= re.length() || re.charAt(pos) != ')') {
                    throw new Unsupported();
                }
                pos++;
                out.append(')');
            }
            case '[' -> charClass();
            case '.' -> {
                pos++;
                out.append('.');
            }
            case '\\' -> {
                if (pos + 1 >= re.length()) {
                    throw new Unsupported();
                }
                char e = re.charAt(pos + 1);
                if (Character.isLetterOrDigit(e)) {
                    throw new Unsupported();
                }
                pos += 2;
                literal(e);
            }
            case '^', '$', '*', '+', '?', '{', '}', ']' -> throw new Unsupported();
            default -> {
                int cp = re.codePointAt(pos);
                pos += Character.charCount(cp);
                literal(cp);
            }
        }
    }

    private void literal(int cp) {
        if (Character.isLetterOrDigit(cp) && cp < 128) {
            out.appendCodePoint(cp);
        } else {
            out.append('\\').appendCodePoint(cp);
        }
    }

    private void quantifier() throws Unsupported {
        if (pos >= re.length()) {
            return;
        }
        char c = re.charAt(pos);
        if (c == '*' || c == '+' || c == '?') {
            pos++;
            out.append(c);
        } else if (c == '{') {
            int close = re.indexOf('}', pos);
            if (close < 0) {
                throw new Unsupported();
            }
            String body = re.substring(pos + 1, close);
            if (!body.matches("\\d{1,3}(,\\d{0,3})?")) {
                throw new Unsupported();
            }
            out.append('{').append(body).append('}');
            pos = close + 1;
        } else {
            return;
        }
        if (pos < re.length()) {
            char next = re.charAt(pos);
            if (next == '?') {
                pos++;
            } else if (next == '*' || next == '+' || next == '{') {
                throw new Unsupported();
            }
        }
    }

    private void charClass() throws Unsupported {
        pos++;
        out.append('[');
        if (pos < re.length() && re.charAt(pos) == '^') {
            pos++;
            out.append('^');
        }
        int items = 0;
        while (true) {
            if (pos >= re.length()) {
                throw new Unsupported();
            }
            char c = re.charAt(pos);
            if (c == ']' && items > 0) {
                pos++;
                out.append(']');
                return;
            }
            int from = classChar();
            if (pos + 1 < re.length() && re.charAt(pos) == '-' && re.charAt(pos + 1) != ']') {
                pos++;
                int to = classChar();
                if (to < from) {
                    throw new Unsupported();
                }
                literal(from);
                out.append('-');
                literal(to);
            } else {
                literal(from);
            }
            items++;
        }
    }

    private int classChar() throws Unsupported {
        char c = re.charAt(pos);
        if (c == '\\') {
            if (pos + 1 >= re.length()) {
                throw new Unsupported();
            }
            char e = re.charAt(pos + 1);
            if (Character.isLetterOrDigit(e)) {
                throw new Unsupported();
            }
            pos += 2;
            return e;
        }
        if (c == '[') {
            throw new Unsupported();
        }
        int cp = re.codePointAt(pos);
        pos += Character.charCount(cp);
        return cp;
    }
}
