package io.promethium.promql.parser.internal;

import io.promethium.promql.ast.PositionRange;
import java.util.List;
import org.antlr.v4.runtime.Token;

/**
 * Checks over the token stream before parsing, for the errors Prometheus's lexer reports:
 * stray characters, unterminated strings, unbalanced brackets, numbers run into letters, tokens
 * that have no place inside braces. Also refuses runaway nesting before the recursive parser
 * could overflow its stack.
 */
final class TokenChecks {

    /** Deeper nesting than this is refused before the recursive parser could overflow its stack. */
    static final int MAX_NESTING = 256;

    private TokenChecks() {
    }

    static void check(List<Token> tokens, QueryText query) {
        if (tokens.isEmpty() || tokens.getFirst().getType() == Token.EOF) {
            throw query.error(new PositionRange(0, 0), "no expression found in input");
        }
        char[] open = new char[MAX_NESTING];
        int depth = 0;
        int unaryRun = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            int type = t.getType();
            char innermost = depth > 0 ? open[depth - 1] : 0;
            switch (type) {
                case PromQLLexer.ERROR_CHAR -> throw query.error(t, unexpectedCharacter(t.getText(), innermost));
                case PromQLLexer.UNTERMINATED_STRING -> throw query.error(t,
                        t.getText().charAt(0) == '`' ? "unterminated raw string" : "unterminated quoted string");
                case PromQLLexer.LEFT_PAREN, PromQLLexer.LEFT_BRACE, PromQLLexer.LEFT_BRACKET -> {
                    if (innermost == '{') {
                        throw query.error(t, unexpectedCharacter(t.getText(), innermost));
                    }
                    if (depth == MAX_NESTING) {
                        throw query.error(t, "query nested too deeply (more than " + MAX_NESTING + " levels of brackets)");
                    }
                    open[depth++] = t.getText().charAt(0);
                }
                case PromQLLexer.RIGHT_PAREN -> depth = close(query, t, open, depth, '(', "unexpected right parenthesis ')'");
                case PromQLLexer.RIGHT_BRACE -> depth = close(query, t, open, depth, '{', "unexpected character: '}'");
                case PromQLLexer.RIGHT_BRACKET -> depth = close(query, t, open, depth, '[', "unexpected right bracket ']'");
                case PromQLLexer.EQL_REGEX, PromQLLexer.NEQ_REGEX -> {
                    if (innermost != '{') {
                        throw query.error(t, "unexpected character after '" + t.getText().charAt(0) + "': '~'");
                    }
                }
                case Token.EOF -> {
                    if (depth > 0) {
                        throw query.error(query.range(t), switch (open[depth - 1]) {
                            case '(' -> "unclosed left parenthesis";
                            case '{' -> "unexpected end of input inside braces";
                            default -> "unclosed left bracket";
                        });
                    }
                }
                default -> {
                    if (innermost == '{' && !allowedInBraces(t)) {
                        String text = t.getText();
                        int colon = type == PromQLLexer.METRIC_IDENTIFIER ? text.indexOf(':') : -1;
                        int at = query.charOffset(t.getStartIndex() + Math.max(colon, 0));
                        throw query.error(new PositionRange(at, at + 1),
                                unexpectedCharacter(String.valueOf(text.charAt(Math.max(colon, 0))), innermost));
                    }
                }
            }
            if (type == PromQLLexer.NUMBER || type == PromQLLexer.DURATION) {
                checkNumberEnds(query, t, i + 1 < tokens.size() ? tokens.get(i + 1) : null);
            }
            // Chains of unary operators recurse in the parser too.
            if (type == PromQLLexer.ADD || type == PromQLLexer.SUB) {
                if (++unaryRun > MAX_NESTING) {
                    throw query.error(t, "query nested too deeply (more than " + MAX_NESTING + " consecutive signs)");
                }
            } else {
                unaryRun = 0;
            }
        }
    }

    /** Inside braces only names, strings, matching operators and separators can appear. */
    private static boolean allowedInBraces(Token t) {
        return switch (t.getType()) {
            case PromQLLexer.IDENTIFIER, PromQLLexer.STRING, PromQLLexer.EQL, PromQLLexer.NEQ, PromQLLexer.EQL_REGEX,
                    PromQLLexer.NEQ_REGEX, PromQLLexer.EQLC, PromQLLexer.COMMA, PromQLLexer.RIGHT_BRACE -> true;
            // Inf and NaN are label names there; a real number is not.
            case PromQLLexer.NUMBER -> Character.isLetter(t.getText().charAt(0));
            default -> t.getType() >= PromQLLexer.AND && t.getType() <= PromQLLexer.LIMIT_RATIO; // keywords
        };
    }

    /**
     * A number or duration must not run straight into a letter, digit or dot: {@code 5mm},
     * {@code 2.5.}, {@code 0x1g}, {@code 5m1} are one bad token to Prometheus, not two good ones.
     */
    private static void checkNumberEnds(QueryText query, Token number, Token next) {
        if (next == null || next.getType() == Token.EOF || next.getStartIndex() != number.getStopIndex() + 1
                || !Character.isDigit(number.getText().charAt(0)) && number.getText().charAt(0) != '.') {
            return;
        }
        char c = next.getText().charAt(0);
        if (Character.isLetterOrDigit(c) || c == '.' || c == '_') {
            throw query.error(query.range(number, next),
                    "bad number or duration syntax: " + Quoting.goQuote(number.getText() + c));
        }
    }

    private static int close(QueryText query, Token t, char[] open, int depth, char expected, String message) {
        if (depth == 0 || open[depth - 1] != expected) {
            throw query.error(t, message);
        }
        return depth - 1;
    }

    private static String unexpectedCharacter(String c, char innermost) {
        String quoted = Quoting.goQuote(c);
        quoted = "'" + quoted.substring(1, quoted.length() - 1).replace("\\\"", "\"") + "'";
        return switch (innermost) {
            case '{' -> "unexpected character inside braces: " + quoted;
            case '[' -> "unexpected character in duration expression: " + quoted;
            default -> c.equals("!") ? "unexpected character after '!': " + quoted : "unexpected character: " + quoted;
        };
    }
}
