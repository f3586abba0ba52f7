package io.promethium.promql.ast;

import static java.util.Objects.requireNonNull;

/**
 * A duration written as arithmetic (Prometheus's experimental {@code promql-duration-expr}):
 * {@code x[2m*(10+5)]}, {@code x[5m:step()*2]}, {@code x offset min_of(range(), 1h)}. Values are
 * seconds. {@code step()} and {@code range()} are the query's step and range, so the engine
 * {@link #seconds resolves} such a duration when the query runs; a plain literal never becomes a
 * {@code DurationExpr} (the selector keeps its milliseconds).
 *
 * @since 1.2
 */
public sealed interface DurationExpr {

    /** Where the duration is written in the query. */
    PositionRange position();

    /**
     * The value in seconds.
     *
     * @param stepSeconds what {@code step()} is: the range query's step, 0 for an instant query
     * @param rangeSeconds what {@code range()} is: end minus start, 0 for an instant query
     * @throws ArithmeticException "division by zero" or "modulo by zero", as Prometheus says
     */
    double seconds(double stepSeconds, double rangeSeconds);

    /** Whether {@code step()} or {@code range()} occurs, so the value depends on the query. */
    boolean dependsOnQuery();

    /** A number of seconds ({@code 90}) or a duration ({@code 1m30s}, {@code duration} true). */
    record Literal(double value, boolean duration, PositionRange position) implements DurationExpr {
        public Literal {
            requireNonNull(position, "position is null");
        }

        @Override
        public double seconds(double stepSeconds, double rangeSeconds) {
            return value;
        }

        @Override
        public boolean dependsOnQuery() {
            return false;
        }
    }

    /** {@code -d} ({@code +d} is {@code d} itself). */
    record Negate(DurationExpr operand, PositionRange position) implements DurationExpr {
        public Negate {
            requireNonNull(operand, "operand is null");
            requireNonNull(position, "position is null");
        }

        @Override
        public double seconds(double stepSeconds, double rangeSeconds) {
            return -operand.seconds(stepSeconds, rangeSeconds);
        }

        @Override
        public boolean dependsOnQuery() {
            return operand.dependsOnQuery();
        }
    }

    /** {@code (d)}, kept so the printer writes it back. */
    record Paren(DurationExpr inner, PositionRange position) implements DurationExpr {
        public Paren {
            requireNonNull(inner, "inner is null");
            requireNonNull(position, "position is null");
        }

        @Override
        public double seconds(double stepSeconds, double rangeSeconds) {
            return inner.seconds(stepSeconds, rangeSeconds);
        }

        @Override
        public boolean dependsOnQuery() {
            return inner.dependsOnQuery();
        }
    }

    /** {@code a op b} with {@code op} one of {@code + - * / % ^}. */
    record Binary(BinaryOp op, DurationExpr lhs, DurationExpr rhs, PositionRange position) implements DurationExpr {
        public Binary {
            requireNonNull(op, "op is null");
            requireNonNull(lhs, "lhs is null");
            requireNonNull(rhs, "rhs is null");
            requireNonNull(position, "position is null");
            switch (op) {
                case ADD, SUB, MUL, DIV, MOD, POW -> {
                }
                default -> throw new IllegalArgumentException("not a duration operator: " + op);
            }
        }

        @Override
        public double seconds(double stepSeconds, double rangeSeconds) {
            double l = lhs.seconds(stepSeconds, rangeSeconds);
            double r = rhs.seconds(stepSeconds, rangeSeconds);
            return switch (op) {
                case ADD -> l + r;
                case SUB -> l - r;
                case MUL -> l * r;
                case DIV -> {
                    if (r == 0) {
                        throw new ArithmeticException("division by zero");
                    }
                    yield l / r;
                }
                case MOD -> {
                    if (r == 0) {
                        throw new ArithmeticException("modulo by zero");
                    }
                    yield l % r; // Java's % on doubles is Go's math.Mod (sign of the dividend)
                }
                default -> Math.pow(l, r);
            };
        }

        @Override
        public boolean dependsOnQuery() {
            return lhs.dependsOnQuery() || rhs.dependsOnQuery();
        }
    }

    /** {@code step()} or {@code range()}. */
    record QueryValue(boolean range, PositionRange position) implements DurationExpr {
        public QueryValue {
            requireNonNull(position, "position is null");
        }

        @Override
        public double seconds(double stepSeconds, double rangeSeconds) {
            return range ? rangeSeconds : stepSeconds;
        }

        @Override
        public boolean dependsOnQuery() {
            return true;
        }
    }

    /** {@code min_of(a, b)} or {@code max_of(a, b)}. */
    record MinMax(boolean max, DurationExpr lhs, DurationExpr rhs, PositionRange position) implements DurationExpr {
        public MinMax {
            requireNonNull(lhs, "lhs is null");
            requireNonNull(rhs, "rhs is null");
            requireNonNull(position, "position is null");
        }

        @Override
        public double seconds(double stepSeconds, double rangeSeconds) {
            double l = lhs.seconds(stepSeconds, rangeSeconds);
            double r = rhs.seconds(stepSeconds, rangeSeconds);
            return max ? Math.max(l, r) : Math.min(l, r);
        }

        @Override
        public boolean dependsOnQuery() {
            return lhs.dependsOnQuery() || rhs.dependsOnQuery();
        }
    }
}
