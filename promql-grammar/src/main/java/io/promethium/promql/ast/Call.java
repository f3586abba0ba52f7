package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A function call such as {@code rate(x[5m])}. */
public record Call(Function function, List<Expr> args, PositionRange position) implements Expr {

    public Call {
        requireNonNull(function, "function is null");
        args = List.copyOf(requireNonNull(args, "args is null"));
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return function.returnType();
    }
}
