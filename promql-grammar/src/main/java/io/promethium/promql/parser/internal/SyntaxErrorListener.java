package io.promethium.promql.parser.internal;

import static java.util.Objects.requireNonNull;

import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns the first syntax error ANTLR reports into a {@link io.promethium.promql.parser.ParseException}
 * worded as Prometheus's: {@code unexpected <token> [in <context>][, expected <what>]}.
 */
final class SyntaxErrorListener extends BaseErrorListener {

    private final QueryText query;

    SyntaxErrorListener(QueryText query) {
        this.query = requireNonNull(query, "query is null");
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
            String msg, RecognitionException e) {
        if (!(offendingSymbol instanceof Token offending) || !(recognizer instanceof Parser parser)) {
            throw query.error(new io.promethium.promql.ast.PositionRange(0, 0), msg);
        }
        Token token = offending;
        ParserRuleContext current = parser.getContext();
        if (inDuration(current) && token.getTokenIndex() > 0
                && parser.getInputStream() instanceof org.antlr.v4.runtime.TokenStream tokens) {
            Token previous = tokens.get(token.getTokenIndex() - 1);
            if (previous.getType() == PromQL.IDENTIFIER && !AstBuilder.isDurationFunction(previous.getText())) {
                // `offset x`: the name, not what follows it, is what Prometheus finds unexpected.
                token = previous;
            }
        }
        StringBuilder detail = new StringBuilder("unexpected ").append(TokenDescriptions.describe(token));
        String[] where = context(parser.getContext());
        if (where == null) {
            where = afterToken(parser, token);
        }
        if (where != null) {
            detail.append(" in ").append(where[0]);
        }
        String expected = where != null && where[1] != null ? where[1] : expected(parser, e);
        if (expected != null) {
            detail.append(", expected ").append(expected);
        }
        throw query.error(token, detail.toString());
    }

    private static boolean inDuration(ParserRuleContext ctx) {
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            int rule = c.getRuleIndex();
            if (rule == PromQL.RULE_durationCall || rule == PromQL.RULE_durationExpr || rule == PromQL.RULE_offsetValue) {
                return true;
            }
        }
        return false;
    }

    /** Where the error is, as Prometheus words it, and optionally what was expected there. */
    private static String[] context(ParserRuleContext ctx) {
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            switch (c.getRuleIndex()) {
                case PromQL.RULE_matcher, PromQL.RULE_labelMatchers -> {
                    return new String[] {"label matching", null};
                }
                case PromQL.RULE_labelList, PromQL.RULE_labelName -> {
                    return new String[] {"grouping opts", null};
                }
                case PromQL.RULE_grouping, PromQL.RULE_aggregation -> {
                    return null;
                }
                case PromQL.RULE_durationExpr, PromQL.RULE_durationCall, PromQL.RULE_offsetValue -> {
                    for (ParserRuleContext p = c; p != null; p = p.getParent()) {
                        if (p.getRuleIndex() == PromQL.RULE_offsetValue) {
                            return new String[] {"offset", "number, duration, step(), or range()"};
                        }
                    }
                    return new String[] {"subquery or range selector", "number, duration, step(), or range()"};
                }
                case PromQL.RULE_atValue -> {
                    return new String[] {"@", "timestamp"};
                }
                case PromQL.RULE_expr, PromQL.RULE_arguments, PromQL.RULE_query -> {
                    return null;
                }
                default -> {
                }
            }
        }
        return null;
    }

    /** When the rule says nothing useful, the token before the error often does. */
    private static String[] afterToken(Parser parser, Token token) {
        int index = token.getTokenIndex();
        if (index <= 0 || !(parser.getInputStream() instanceof org.antlr.v4.runtime.TokenStream tokens)) {
            return null;
        }
        return switch (tokens.get(index - 1).getType()) {
            case PromQL.LEFT_BRACKET -> new String[] {"subquery or range selector", "number, duration, step(), or range()"};
            case PromQL.COLON -> new String[] {"subquery selector", "number, duration, step(), range(), or \"]\""};
            case PromQL.OFFSET -> new String[] {"offset", "number, duration, step(), or range()"};
            case PromQL.AT -> new String[] {"@", "timestamp"};
            default -> null;
        };
    }

    private static String expected(Parser parser, RecognitionException e) {
        IntervalSet set;
        try {
            set = e != null && e.getExpectedTokens() != null ? e.getExpectedTokens() : parser.getExpectedTokens();
        } catch (RuntimeException ignored) {
            return null;
        }
        if (set == null || set.isNil()) {
            return null;
        }
        IntervalSet matchOps = IntervalSet.of(PromQL.EQL);
        matchOps.add(PromQL.NEQ);
        matchOps.add(PromQL.EQL_REGEX);
        matchOps.add(PromQL.NEQ_REGEX);
        if (matchOps.and(set).size() == set.size()) {
            return "label matching operator";
        }
        if (set.contains(PromQL.IDENTIFIER) && set.contains(PromQL.RIGHT_BRACE)) {
            return "identifier or \"}\"";
        }
        if (set.contains(PromQL.IDENTIFIER) && parser.getContext() != null
                && (parser.getContext().getRuleIndex() == PromQL.RULE_labelList
                        || parser.getContext().getRuleIndex() == PromQL.RULE_labelName)) {
            return "label";
        }
        if (set.size() > 3) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        int[] types = set.toArray();
        // A separator reads better first: "," or "}".
        java.util.Arrays.sort(types);
        for (int i = 0; i < types.length; i++) {
            if (types[i] == PromQL.COMMA && i > 0) {
                System.arraycopy(types, 0, types, 1, i);
                types[0] = PromQL.COMMA;
            }
        }
        for (int type : types) {
            if (!b.isEmpty()) {
                b.append(" or ");
            }
            b.append(TokenDescriptions.describeType(type));
        }
        return b.toString();
    }
}
