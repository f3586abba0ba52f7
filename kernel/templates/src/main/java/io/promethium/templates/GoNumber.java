package io.promethium.templates;

import io.promethium.goformat.GoFloat;
import java.math.BigInteger;
import java.util.Locale;

/**
 * A number constant of a template as Go's text/template reads it: the parser's {@code newNumber}
 * (parse/node.go: which of int, uint, float and complex the text is, through Go's
 * {@code strconv.ParseUint}/{@code ParseInt} with base 0, {@code ParseFloat} and
 * {@code UnquoteChar}, with Go's errors "integer overflow", "illegal number syntax",
 * "malformed character constant" and "invalid syntax"), and the executor's
 * {@code idealConstant} (exec.go: the value a constant is when nothing asks for a type: complex,
 * else a float when written as one, else an int, else "... overflows int"). Written here: Java's
 * number parsers accept other forms (a {@code d} suffix, no underscores, no {@code 0o}/{@code 0b}).
 */
final class GoNumber {

    private GoNumber() {
    }

    /** Go's complex128 as a constant gives it; printed as fmt's {@code %v} does: {@code (1+2i)}. */
    record Complex(double re, double im) {
        @Override
        public String toString() {
            String imag = GoFloat.formatG(im);
            return "(" + GoFloat.formatG(re) + (imag.startsWith("-") ? "" : "+") + imag + "i)";
        }
    }

    /** A constant that is only a uint64 (above int64's range): Go's exec error "... overflows int" when used. */
    record Overflow(String text) {
    }

    /** A number text the parser refuses, with Go's message. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger MIN_INT64 = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_INT64 = BigInteger.valueOf(Long.MAX_VALUE);

    /** What Go's NumberNode knows of a text. */
    record Node(boolean isInt, long int64, boolean isUint, BigInteger uint64, boolean isFloat, double float64,
                boolean isComplex, double re, double im) {
    }

    /**
     * The constant for a number token as the executor uses it (Long, Double, {@link Complex} or
     * {@link Overflow}); {@code complex} for Go's itemComplex ({@code 1+2i}), {@code character}
     * for a character constant ({@code 'a'}, quotes included).
     */
    static Object constant(String text, boolean complex, boolean character) throws SyntaxError {
        return ideal(text, node(text, complex, character));
    }

    /** Go's {@code newNumber}. */
    static Node node(String text, boolean complex, boolean character) throws SyntaxError {
        if (character) {
            int[] rune = unquoteChar(text);
            return new Node(true, rune[0], true, BigInteger.valueOf(rune[0]), true, rune[0], false, 0, 0);
        }
        if (complex) {
            return simplified(sscanComplex(text));
        }
        // Imaginary constants can only be complex unless they are zero.
        if (!text.isEmpty() && text.charAt(text.length() - 1) == 'i') {
            Double f = parseFloat(text.substring(0, text.length() - 1));
            if (f != null) {
                return simplified(new double[] {0, f});
            }
        }
        BigInteger u = parseUint(text);
        BigInteger i = parseInt(text);
        boolean isUint = u != null;
        boolean isInt = i != null;
        if (isInt && i.signum() == 0) {
            // -0 is a uint too.
            isUint = true;
            u = BigInteger.ZERO;
        }
        if (isInt) {
            return new Node(true, i.longValue(), isUint, u, true, i.doubleValue(), false, 0, 0);
        }
        if (isUint) {
            return new Node(false, 0, true, u, true, u.doubleValue(), false, 0, 0);
        }
        Double f = parseFloat(text);
        if (f != null) {
            // Parsed as a float but written as an integer: a huge number too large to fit in an int.
            if (!containsAny(text, ".eEpP")) {
                throw new SyntaxError("integer overflow: " + GoFormat.quote(text));
            }
            boolean fInt = f == Math.rint(f) && f >= -0x1p63 && f < 0x1p63;
            boolean fUint = f >= 0 && f < 0x1p64 && f == Math.floor(f);
            return new Node(fInt, fInt ? (long) (double) f : 0, fUint, fUint ? new java.math.BigDecimal(f).toBigInteger() : null,
                    true, f, false, 0, 0);
        }
        throw new SyntaxError("illegal number syntax: " + GoFormat.quote(text));
    }

    /** Go's simplifyComplex: a complex with no imaginary part is a float (and maybe an integer) too. */
    private static Node simplified(double[] c) {
        boolean isFloat = c[1] == 0;
        if (!isFloat) {
            return new Node(false, 0, false, null, false, 0, true, c[0], c[1]);
        }
        double f = c[0];
        boolean isInt = f == Math.rint(f) && f >= -0x1p63 && f < 0x1p63;
        boolean isUint = f == Math.rint(f) && f >= 0 && f < 0x1p64;
        return new Node(isInt, isInt ? (long) f : 0, isUint, isUint ? new java.math.BigDecimal(f).toBigInteger() : null, true, f,
                true, c[0], c[1]);
    }

    /** Go's {@code idealConstant}: the value of a constant that no parameter type asks for. */
    static Object ideal(String text, Node n) {
        if (n.isComplex()) {
            return new Complex(n.re(), n.im());
        }
        boolean hexInt = text.length() > 2 && text.charAt(0) == '0' && (text.charAt(1) == 'x' || text.charAt(1) == 'X')
                && !containsAny(text, "pP");
        boolean runeInt = !text.isEmpty() && text.charAt(0) == '\'';
        if (n.isFloat() && !hexInt && !runeInt && containsAny(text, ".eEpP")) {
            return n.float64();
        }
        if (n.isInt()) {
            return n.int64();
        }
        if (n.isUint()) {
            return new Overflow(text);
        }
        return null;
    }

    private static boolean containsAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Go's {@code strconv.ParseUint(s, 0, 64)}; {@code null} on any error. */
    static BigInteger parseUint(String s) {
        if (s.isEmpty() || s.charAt(0) == '+' || s.charAt(0) == '-') {
            return null;
        }
        return unsigned(s);
    }

    /** Go's {@code strconv.ParseInt(s, 0, 64)}; {@code null} on any error. */
    static BigInteger parseInt(String s) {
        if (s.isEmpty()) {
            return null;
        }
        boolean negative = s.charAt(0) == '-';
        String body = s.charAt(0) == '+' || negative ? s.substring(1) : s;
        BigInteger u = body.isEmpty() || body.charAt(0) == '+' || body.charAt(0) == '-' ? null : unsigned(body);
        if (u == null) {
            return null;
        }
        BigInteger v = negative ? u.negate() : u;
        return v.compareTo(MIN_INT64) < 0 || v.compareTo(MAX_INT64) > 0 ? null : v;
    }

    /** Base 0: {@code 0x}, {@code 0o}, {@code 0b} prefixes, a leading 0 for octal, underscores as Go allows them. */
    private static BigInteger unsigned(String s) {
        int base = 10;
        int i = 0;
        if (s.charAt(0) == '0') {
            if (s.length() >= 3 && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) {
                base = 16;
                i = 2;
            } else if (s.length() >= 3 && (s.charAt(1) == 'o' || s.charAt(1) == 'O')) {
                base = 8;
                i = 2;
            } else if (s.length() >= 3 && (s.charAt(1) == 'b' || s.charAt(1) == 'B')) {
                base = 2;
                i = 2;
            } else {
                base = 8;
                i = 1;
            }
        }
        if (!underscoreOk(s)) {
            return null;
        }
        BigInteger n = BigInteger.ZERO;
        BigInteger b = BigInteger.valueOf(base);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_') {
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0 || d >= base || c > 0x7f) {
                return null;
            }
            n = n.multiply(b).add(BigInteger.valueOf(d));
            if (n.compareTo(MAX_UINT64) > 0) {
                return null;
            }
        }
        return n;
    }

    /** Go's {@code underscoreOK}: an underscore only between digits, or between a base prefix and a digit. */
    static boolean underscoreOk(String s) {
        char saw = '^';
        int i = 0;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            s = s.substring(1);
        }
        boolean hex = false;
        if (s.length() >= 2 && s.charAt(0) == '0' && "bBoOxX".indexOf(s.charAt(1)) >= 0) {
            i = 2;
            saw = '0';
            hex = s.charAt(1) == 'x' || s.charAt(1) == 'X';
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            char lower = Character.toLowerCase(c);
            if (c >= '0' && c <= '9' || hex && lower >= 'a' && lower <= 'f') {
                saw = '0';
                continue;
            }
            if (c == '_') {
                if (saw != '0') {
                    return false;
                }
                saw = '_';
                continue;
            }
            if (saw == '_') {
                return false;
            }
            saw = '!';
        }
        return saw != '_';
    }

    /**
     * Go's {@code strconv.ParseFloat(s, 64)}: decimal and hexadecimal (a {@code p} exponent
     * required) floats, {@code inf}/{@code infinity}/{@code nan}, underscores as Go allows them;
     * {@code null} on a syntax error or an overflow to infinity (Go's ErrRange).
     */
    static Double parseFloat(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        boolean negative = lower.startsWith("-");
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan") && !lower.startsWith("+") && !negative) {
            return Double.NaN;
        }
        if (s.indexOf('_') >= 0 && !underscoreOk(s)) {
            return null;
        }
        String plain = s.replace("_", "");
        boolean valid = plain.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")
                || plain.matches("[+-]?0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)[pP][+-]?\\d+");
        if (!valid) {
            return null;
        }
        double v = Double.parseDouble(plain);
        return Double.isInfinite(v) ? null : v;
    }

    /** fmt.Sscan of a complex128 ({@code re+imi}), as Go's parser reads an itemComplex. */
    private static double[] sscanComplex(String text) throws SyntaxError {
        // The imaginary part starts at the last sign that does not follow an exponent letter.
        int split = -1;
        for (int i = text.length() - 1; i > 0; i--) {
            char c = text.charAt(i);
            char before = text.charAt(i - 1);
            if ((c == '+' || c == '-') && "eEpP".indexOf(before) < 0) {
                split = i;
                break;
            }
        }
        String re = split < 0 ? "" : text.substring(0, split);
        String im = split < 0 ? text : text.substring(split, text.length() - 1);
        Double r = parseFloat(re);
        if (r == null) {
            throw new SyntaxError("strconv.ParseFloat: parsing " + GoFormat.quote(re) + ": invalid syntax");
        }
        Double m = parseFloat(im);
        if (m == null) {
            throw new SyntaxError("strconv.ParseFloat: parsing " + GoFormat.quote(im) + ": invalid syntax");
        }
        return new double[] {r, m};
    }

    /**
     * Go's {@code strconv.UnquoteChar(text[1:], '\'')} for a character constant ({@code 'a'},
     * {@code '\n'}, {@code '\x41'}, {@code '\u30d1'}, {@code '\101'}): the rune, or "invalid
     * syntax"; anything but the closing quote after it is "malformed character constant".
     */
    static int[] unquoteChar(String text) throws SyntaxError {
        String s = text.substring(1);
        if (s.isEmpty()) {
            throw new SyntaxError("invalid syntax");
        }
        int c = s.codePointAt(0);
        int rune;
        int used;
        if (c == '\'') {
            throw new SyntaxError("invalid syntax");
        }
        if (c != '\\') {
            rune = c;
            used = Character.charCount(c);
        } else {
            if (s.length() < 2) {
                throw new SyntaxError("invalid syntax");
            }
            char e = s.charAt(1);
            used = 2;
            switch (e) {
                case 'a' -> rune = 7;
                case 'b' -> rune = '\b';
                case 'f' -> rune = '\f';
                case 'n' -> rune = '\n';
                case 'r' -> rune = '\r';
                case 't' -> rune = '\t';
                case 'v' -> rune = 0x0b;
                case '\\' -> rune = '\\';
                case '\'' -> rune = '\'';
                case 'x', 'u', 'U' -> {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (s.length() < 2 + n) {
                        throw new SyntaxError("invalid syntax");
                    }
                    int v = 0;
                    for (int i = 2; i < 2 + n; i++) {
                        int d = Character.digit(s.charAt(i), 16);
                        if (d < 0 || s.charAt(i) > 0x7f) {
                            throw new SyntaxError("invalid syntax");
                        }
                        v = v * 16 + d;
                    }
                    if (e != 'x' && (v > Character.MAX_CODE_POINT || v >= 0xD800 && v < 0xE000 || v < 0)) {
                        throw new SyntaxError("invalid syntax");
                    }
                    rune = v;
                    used = 2 + n;
                }
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    if (s.length() < 4) {
                        throw new SyntaxError("invalid syntax");
                    }
                    int v = 0;
                    for (int i = 1; i < 4; i++) {
                        int d = s.charAt(i) - '0';
                        if (d < 0 || d > 7) {
                            throw new SyntaxError("invalid syntax");
                        }
                        v = v * 8 + d;
                    }
                    if (v > 255) {
                        throw new SyntaxError("invalid syntax");
                    }
                    rune = v;
                    used = 4;
                }
                default -> throw new SyntaxError("invalid syntax");
            }
        }
        if (!s.substring(used).equals("'")) {
            throw new SyntaxError("malformed character constant: " + text);
        }
        return new int[] {rune};
    }
}
