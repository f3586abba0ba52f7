package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.Matcher;
import java.util.List;

/**
 * An instant vector selector such as {@code http_requests_total{job="api"} offset 5m @ 1000}.
 *
 * @param name the metric name written before the braces, or {@code ""} when there is none
 *     (as in Prometheus, a quoted name inside the braces, {@code {"my.metric"}}, is only a
 *     {@code __name__} matcher). When non-empty, {@code matchers} also holds the matching
 *     {@code __name__="<name>"} matcher (last), so a storage query needs only the matchers
 * @param matchers every label matcher to select with, never empty after parsing
 * @param offsetMillis the {@code offset} modifier, negative for {@code offset -5m}, 0 if none
 * @param atMillis the {@code @} timestamp in ms when {@code atKind} is {@link AtModifier#TIMESTAMP},
 *     else null
 * @param atKind the kind of {@code @} modifier
 * @param modifier {@code anchored} or {@code smoothed} (experimental), for a range selector too
 *     (since 1.1)
 * @param offsetExpr the offset when written as arithmetic ({@code offset step()*2}), then
 *     {@code offsetMillis} is 0 until the engine resolves it; else null (since 1.2)
 */
public record VectorSelector(
        String name,
        List<Matcher> matchers,
        long offsetMillis,
        Long atMillis,
        AtModifier atKind,
        PositionRange position,
        SelectorModifier modifier,
        DurationExpr offsetExpr) implements Expr {

    /** A selector without anchored/smoothed modifier. */
    public VectorSelector(String name, List<Matcher> matchers, long offsetMillis, Long atMillis, AtModifier atKind, PositionRange position) {
        this(name, matchers, offsetMillis, atMillis, atKind, position, SelectorModifier.NONE, null);
    }

    /** A selector whose offset is a plain duration (the 1.1 constructor). */
    public VectorSelector(String name, List<Matcher> matchers, long offsetMillis, Long atMillis, AtModifier atKind,
            PositionRange position, SelectorModifier modifier) {
        this(name, matchers, offsetMillis, atMillis, atKind, position, modifier, null);
    }

    public VectorSelector {
        requireNonNull(modifier, "modifier is null");
        requireNonNull(name, "name is null");
        matchers = List.copyOf(requireNonNull(matchers, "matchers is null"));
        requireNonNull(atKind, "atKind is null");
        requireNonNull(position, "position is null");
        if ((atKind == AtModifier.TIMESTAMP) != (atMillis != null)) {
            throw new IllegalArgumentException("atMillis must be set exactly when atKind is TIMESTAMP");
        }
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }

    /** This selector with other offset/@ modifiers and position. */
    public VectorSelector withModifiers(long offset, Long at, AtModifier kind, PositionRange pos) {
        return new VectorSelector(name, matchers, offset, at, kind, pos, modifier, offsetExpr);
    }

    /** This selector with an offset written as arithmetic and position (since 1.2). */
    public VectorSelector withOffsetExpr(DurationExpr value, PositionRange pos) {
        return new VectorSelector(name, matchers, 0, atMillis, atKind, pos, modifier, value);
    }

    /** This selector with its offset resolved to milliseconds (since 1.2). */
    public VectorSelector withResolvedOffset(long offset) {
        return new VectorSelector(name, matchers, offset, atMillis, atKind, position, modifier, null);
    }

    /** This selector with an anchored/smoothed modifier and position (since 1.1). */
    public VectorSelector withModifier(SelectorModifier value, PositionRange pos) {
        return new VectorSelector(name, matchers, offsetMillis, atMillis, atKind, pos, value, offsetExpr);
    }
}
