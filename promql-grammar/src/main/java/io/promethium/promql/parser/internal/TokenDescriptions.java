package io.promethium.promql.parser.internal;

import org.antlr.v4.runtime.Token;

/** How a token is named in an error message, following Prometheus's wording. */
final class TokenDescriptions {

    private TokenDescriptions() {
    }

    static String describe(Token token) {
        int type = token.getType();
        String text = token.getText();
        return switch (type) {
            case Token.EOF -> "end of input";
            case PromQLLexer.IDENTIFIER -> "identifier " + Quoting.goQuote(text);
            case PromQLLexer.METRIC_IDENTIFIER -> "metric identifier " + Quoting.goQuote(text);
            case PromQLLexer.NUMBER -> "number " + Quoting.goQuote(text);
            case PromQLLexer.DURATION -> "duration " + Quoting.goQuote(text);
            case PromQLLexer.STRING -> "string " + Quoting.goQuote(abbreviate(text));
            case PromQLLexer.SUM, PromQLLexer.AVG, PromQLLexer.COUNT, PromQLLexer.MIN, PromQLLexer.MAX,
                    PromQLLexer.GROUP, PromQLLexer.STDDEV, PromQLLexer.STDVAR, PromQLLexer.TOPK,
                    PromQLLexer.BOTTOMK, PromQLLexer.COUNT_VALUES, PromQLLexer.QUANTILE,
                    PromQLLexer.LIMITK, PromQLLexer.LIMIT_RATIO -> "<aggr:" + text + ">";
            case PromQLLexer.AND, PromQLLexer.OR, PromQLLexer.UNLESS, PromQLLexer.ATAN2, PromQLLexer.ADD,
                    PromQLLexer.SUB, PromQLLexer.MUL, PromQLLexer.DIV, PromQLLexer.MOD, PromQLLexer.POW,
                    PromQLLexer.EQLC, PromQLLexer.NEQ, PromQLLexer.LTE, PromQLLexer.LSS, PromQLLexer.GTE,
                    PromQLLexer.GTR, PromQLLexer.TRIM_UPPER, PromQLLexer.TRIM_LOWER, PromQLLexer.AT -> "<op:" + text + ">";
            case PromQLLexer.BY, PromQLLexer.WITHOUT, PromQLLexer.ON, PromQLLexer.IGNORING, PromQLLexer.GROUP_LEFT,
                    PromQLLexer.GROUP_RIGHT, PromQLLexer.BOOL, PromQLLexer.OFFSET, PromQLLexer.START,
                    PromQLLexer.END -> "<" + text + ">";
            default -> Quoting.goQuote(text);
        };
    }

    /** The name of a token type for "expected ..." lists. */
    static String describeType(int type) {
        return switch (type) {
            case Token.EOF -> "end of input";
            case PromQLLexer.IDENTIFIER -> "identifier";
            case PromQLLexer.METRIC_IDENTIFIER -> "metric identifier";
            case PromQLLexer.NUMBER -> "number";
            case PromQLLexer.DURATION -> "duration";
            case PromQLLexer.STRING -> "string";
            // Also produced by the bracket mode, so ANTLR keeps no literal for these.
            case PromQLLexer.RIGHT_BRACKET -> "\"]\"";
            case PromQLLexer.COLON -> "\":\"";
            default -> {
                String literal = PromQLLexer.VOCABULARY.getLiteralName(type);
                yield literal != null ? "\"" + literal.substring(1, literal.length() - 1) + "\""
                        : PromQLLexer.VOCABULARY.getSymbolicName(type);
            }
        };
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
