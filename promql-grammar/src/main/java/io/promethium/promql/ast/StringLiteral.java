package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A string, with escapes already resolved. Escaped bytes that do not form UTF-8
 * ({@code "\xff"}) are kept as lone surrogates U+DC80..U+DCFF, one per byte, so
 * {@link #isValidUtf8(String)} can tell such a value apart, as Prometheus does when it refuses
 * it as a label name or value.
 */
public record StringLiteral(String value, PositionRange position) implements Expr {

    public StringLiteral {
        requireNonNull(value, "value is null");
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return ValueType.STRING;
    }

    /** Whether {@code s} is well-formed Unicode, i.e. came from valid UTF-8 (no lone surrogate). */
    public static boolean isValidUtf8(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
