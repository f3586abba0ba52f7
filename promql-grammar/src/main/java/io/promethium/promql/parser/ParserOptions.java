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
}
