package io.promethium.promql.parser;

/**
 * Which experimental PromQL syntax a {@link PromQLParser} accepts, each named after the
 * {@code --enable-feature} of Prometheus that turns it on.
 *
 * @param experimentalFunctions {@code promql-experimental-functions}: experimental functions and
 *     the {@code limitk}/{@code limit_ratio} aggregations
 * @param extendedRangeSelectors {@code promql-extended-range-selectors}: the {@code anchored} and
 *     {@code smoothed} selector modifiers
 * @param durationExpressions {@code promql-duration-expr}: arithmetic, {@code step()},
 *     {@code range()}, {@code min_of}/{@code max_of} in ranges, subquery steps and offsets
 * @param fillModifiers {@code promql-binop-fill-modifiers}: {@code fill(v)}, {@code fill_left(v)},
 *     {@code fill_right(v)} on binary operations between instant vectors
 * @since 1.2
 */
public record ParserOptions(
        boolean experimentalFunctions,
        boolean extendedRangeSelectors,
        boolean durationExpressions,
        boolean fillModifiers) {

    /** Everything accepted, as Prometheus's own test suite parses. */
    public static final ParserOptions ALL = new ParserOptions(true, true, true, true);

    /** Nothing experimental accepted, as Prometheus by default. */
    public static final ParserOptions NONE = new ParserOptions(false, false, false, false);

    /**
     * What Prometheus's server parses with these {@code --enable-feature} names on: each syntax
     * when its feature is named; other names are ignored (they belong to other parts).
     *
     * @since 1.3
     */
    public static ParserOptions server(java.util.Set<String> features) {
        return new ParserOptions(features.contains("promql-experimental-functions"), features.contains("promql-extended-range-selectors"),
                features.contains("promql-duration-expr"), features.contains("promql-binop-fill-modifiers"));
    }

    /**
     * What promtool 3 parses with these {@code --enable-feature} names: as {@link #server}, but
     * duration expressions always (its {@code promql-duration-expr} is a no-op, permanently on).
     *
     * @since 1.3
     */
    public static ParserOptions promtool(java.util.Set<String> features) {
        ParserOptions s = server(features);
        return new ParserOptions(s.experimentalFunctions(), s.extendedRangeSelectors(), true, s.fillModifiers());
    }
}
