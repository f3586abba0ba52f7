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
        if (!(offendingSymbol instanceof Token token) || !(recognizer instanceof Parser parser)) {
            throw query.error(new io.promethium.promql.ast.PositionRange(0, 0), msg);
        }
        StringBuilder detail = new StringBuilder("unexpected ").append(TokenDescriptions.describe(token));
        String context = context(parser.getContext());
        if (context != null) {
            detail.append(" in ").append(context);
        }
        String expected = expected(parser, e);
        if (expected != null) {
            detail.append(", expected ").append(expected);
        }
        throw query.error(token, detail.toString());
    }

    private static String context(ParserRuleContext ctx) {
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            switch (c.getRuleIndex()) {
                case PromQL.RULE_matcher, PromQL.RULE_labelMatchers -> {
                    return "label matching";
                }
                case PromQL.RULE_labelList -> {
                    return "grouping opts";
                }
                case PromQL.RULE_grouping, PromQL.RULE_aggregation -> {
                    return "aggregation";
                }
                case PromQL.RULE_rangeValue, PromQL.RULE_signedNumber -> {
                    return "duration";
                }
                case PromQL.RULE_atValue -> {
                    return "@ modifier";
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
        if (set.size() > 3) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int type : set.toArray()) {
            if (!b.isEmpty()) {
                b.append(" or ");
            }
            b.append(TokenDescriptions.describeType(type));
        }
        return b.toString();
    }
}
