package io.promethium.promql.parser.internal;

import io.promethium.promql.ast.PositionRange;
import java.util.List;
import org.antlr.v4.runtime.Token;

/**
 * Checks over the token stream before parsing, for errors the lexer is best placed to name:
 * stray characters, unterminated strings, unbalanced brackets and runaway nesting.
 */
final class TokenChecks {

    /** Deeper nesting than this is refused before the recursive parser could overflow its stack. */
    static final int MAX_NESTING = 256;

    private TokenChecks() {
    }

    static void check(List<Token> tokens, QueryText query) {
        char[] open = new char[MAX_NESTING];
        int depth = 0;
        int unaryRun = 0;
        for (Token t : tokens) {
            int type = t.getType();
            switch (type) {
                case PromQLLexer.ERROR_CHAR -> throw query.error(t, unexpectedCharacter(t, depth > 0 ? open[depth - 1] : 0));
                case PromQLLexer.UNTERMINATED_STRING -> throw query.error(t,
                        t.getText().charAt(0) == '`' ? "unterminated raw string" : "unterminated quoted string");
                case PromQLLexer.LEFT_PAREN, PromQLLexer.LEFT_BRACE, PromQLLexer.LEFT_BRACKET -> {
                    if (depth == MAX_NESTING) {
                        throw query.error(t, "query nested too deeply (more than " + MAX_NESTING + " levels of brackets)");
                    }
                    open[depth++] = t.getText().charAt(0);
                }
                case PromQLLexer.RIGHT_PAREN -> depth = close(query, t, open, depth, '(', "unexpected right parenthesis ')'");
                case PromQLLexer.RIGHT_BRACE -> depth = close(query, t, open, depth, '{', "unexpected right brace '}'");
                case PromQLLexer.RIGHT_BRACKET -> depth = close(query, t, open, depth, '[', "unexpected right bracket ']'");
                case Token.EOF -> {
                    if (depth > 0) {
                        PositionRange end = query.range(t);
                        throw query.error(end, switch (open[depth - 1]) {
                            case '(' -> "unclosed left parenthesis";
                            case '{' -> "unexpected end of input inside braces";
                            default -> "unclosed left bracket";
                        });
                    }
                }
                default -> {
                }
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

    private static int close(QueryText query, Token t, char[] open, int depth, char expected, String message) {
        if (depth == 0 || open[depth - 1] != expected) {
            throw query.error(t, message);
        }
        return depth - 1;
    }

    private static String unexpectedCharacter(Token t, char innermost) {
        String c = t.getText();
        String quoted = Quoting.goQuote(c);
        quoted = "'" + quoted.substring(1, quoted.length() - 1).replace("\\\"", "\"") + "'";
        return switch (innermost) {
            case '{' -> "unexpected character inside braces: " + quoted;
            case '[' -> "unexpected character in duration expression: " + quoted;
            default -> c.equals("!") ? "unexpected character after '!': " + quoted : "unexpected character: " + quoted;
        };
    }
}
