package io.promethium.promql.parser;

import io.promethium.api.model.Matcher;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.PositionRange;
import io.promethium.promql.parser.internal.Literals;
import io.promethium.promql.parser.internal.ParseDriver;
import java.util.List;

/**
 * Parses PromQL. Instances are immutable and thread-safe; the static methods use the default
 * settings (all experimental syntax enabled, as Prometheus's own test suite runs).
 */
public final class PromQLParser {

    private final ParserOptions options;

    /**
     * @param experimentalFunctions accept the functions and aggregations Prometheus puts behind
     *     {@code --enable-feature=promql-experimental-functions} (and, as before 1.1, the
     *     {@code anchored}/{@code smoothed} modifiers); duration expressions and fill modifiers
     *     stay refused
     */
    public PromQLParser(boolean experimentalFunctions) {
        this(experimentalFunctions, experimentalFunctions);
    }

    /**
     * @param extendedRangeSelectors accept the {@code anchored} and {@code smoothed} selector
     *     modifiers ({@code --enable-feature=promql-extended-range-selectors})
     * @since 1.1
     */
    public PromQLParser(boolean experimentalFunctions, boolean extendedRangeSelectors) {
        this(new ParserOptions(experimentalFunctions, extendedRangeSelectors, false, false));
    }

    /** A parser accepting the experimental syntax {@code options} names (since 1.2). */
    public PromQLParser(ParserOptions options) {
        this.options = java.util.Objects.requireNonNull(options, "options is null");
    }

    /** Parses and type-checks an expression. */
    public Expr parse(String query) {
        java.util.Objects.requireNonNull(query, "query is null");
        return ParseDriver.parseExpr(query, options);
    }

    /** Parses and type-checks an expression, all experimental syntax allowed ({@link ParserOptions#ALL}). */
    public static Expr parseExpr(String query) {
        return new PromQLParser(ParserOptions.ALL).parse(query);
    }

    /**
     * Parses a series selector such as {@code up{job="api"}} or {@code {"my.metric"}} (the
     * {@code match[]} parameter of the HTTP API) into its matchers; a name written before the
     * braces comes last as a {@code __name__} matcher.
     */
    public static List<Matcher> parseMetricSelector(String selector) {
        java.util.Objects.requireNonNull(selector, "selector is null");
        return ParseDriver.parseSelector(selector).matchers();
    }

    /**
     * Parses a Prometheus duration ({@code 1h30m}, {@code 500ms}, {@code 0}) to milliseconds.
     * Units go from largest to smallest, each at most once; plain numbers of seconds are refused.
     */
    public static long parseDuration(String text) {
        java.util.Objects.requireNonNull(text, "text is null");
        try {
            return Literals.durationMillis(text);
        } catch (IllegalArgumentException e) {
            throw new ParseException(text, new PositionRange(0, text.length()), e.getMessage());
        }
    }
}
