package io.promethium.promql.parser.internal;

import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.PositionRange;
import io.promethium.promql.ast.VectorSelector;
import java.util.function.Function;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Runs lexer, token checks, parser and AST builder over one query. Everything is created per
 * call; only ANTLR's own thread-safe DFA cache is shared. The parse tries the fast SLL
 * prediction first and falls back to full LL (which also gives the precise error) on failure.
 */
public final class ParseDriver {

    private ParseDriver() {
    }

    public static Expr parseExpr(String text, io.promethium.promql.parser.ParserOptions options) {
        QueryText query = new QueryText(text);
        PromQL.QueryContext tree = parse(query, PromQL::query);
        return guarded(query, () -> new AstBuilder(query, options).visit(tree));
    }

    public static VectorSelector parseSelector(String text) {
        QueryText query = new QueryText(text);
        PromQL.MetricSelectorContext tree = parse(query, PromQL::metricSelector);
        return guarded(query, () -> (VectorSelector) new AstBuilder(query, io.promethium.promql.parser.ParserOptions.ALL).visitVectorSelector(tree.vectorSelector()));
    }

    private static <T extends ParserRuleContext> T parse(QueryText query, Function<PromQL, T> rule) {
        PromQLLexer lexer = new PromQLLexer(CharStreams.fromString(query.text()));
        lexer.removeErrorListeners(); // ERROR_CHAR catches everything; TokenChecks reports it
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        TokenChecks.check(tokens.getTokens(), query);

        PromQL parser = new PromQL(tokens);
        parser.removeErrorListeners();
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setErrorHandler(new BailErrorStrategy());
        return guarded(query, () -> {
            try {
                return rule.apply(parser);
            } catch (ParseCancellationException e) {
                tokens.seek(0);
                parser.reset();
                parser.addErrorListener(new SyntaxErrorListener(query));
                parser.setErrorHandler(new DefaultErrorStrategy());
                parser.getInterpreter().setPredictionMode(PredictionMode.LL);
                return rule.apply(parser);
            }
        });
    }

    /** Deep expressions (long operator chains) recurse; a stack overflow becomes a parse error. */
    private static <T> T guarded(QueryText query, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (StackOverflowError e) {
            throw query.error(new PositionRange(0, query.text().length()), "query too complex: expression nested too deeply");
        }
    }
}
