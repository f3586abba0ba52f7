package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A PromQL function's signature.
 *
 * @param argTypes the declared argument types
 * @param variadic 0: exactly {@code argTypes.size()} arguments; n &gt; 0: the last declared
 *     argument may be omitted and repeated up to n times in all (so {@code size-1 .. size-1+n}
 *     arguments); -1: at least {@code size-1} arguments, any number of the last type
 * @param experimental behind Prometheus's {@code promql-experimental-functions} feature flag
 */
public record Function(String name, List<ValueType> argTypes, int variadic, ValueType returnType, boolean experimental) {

    public Function {
        requireNonNull(name, "name is null");
        argTypes = List.copyOf(requireNonNull(argTypes, "argTypes is null"));
        requireNonNull(returnType, "returnType is null");
        if (variadic < -1) {
            throw new IllegalArgumentException("variadic must be >= -1: " + variadic);
        }
    }

    /** The fewest arguments a call may have. */
    public int minArgs() {
        return variadic == 0 ? argTypes.size() : argTypes.size() - 1;
    }

    /** The most arguments a call may have, or {@link Integer#MAX_VALUE} when unbounded. */
    public int maxArgs() {
        if (variadic == 0) {
            return argTypes.size();
        }
        return variadic < 0 ? Integer.MAX_VALUE : argTypes.size() - 1 + variadic;
    }

    /** The expected type of argument {@code index} (0-based); the last type repeats for extra arguments. */
    public ValueType argType(int index) {
        return argTypes.get(Math.min(index, argTypes.size() - 1));
    }
}
