package io.promethium.promql.engine.internal.eval;

import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.DurationExpr;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.Exprs;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.engine.QueryException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the duration expressions of a tree ({@code x[step()*2]}, {@code offset min_of(range(), 1h)})
 * into milliseconds for one query, as Prometheus does before evaluating: {@code step()} is the
 * range query's step (0 for an instant query), {@code range()} its end minus start. Ranges and
 * steps must come out positive; the seconds are truncated to whole milliseconds, as Prometheus's
 * conversion does.
 */
final class DurationResolver {

    private final double stepSeconds;
    private final double rangeSeconds;

    DurationResolver(long stepMillis, long rangeMillis) {
        this.stepSeconds = stepMillis / 1000.0;
        this.rangeSeconds = rangeMillis / 1000.0;
    }

    /** Whether any duration of the tree is written as an expression. */
    static boolean present(Expr root) {
        boolean[] found = {false};
        Exprs.walk(root, e -> {
            switch (e) {
                case VectorSelector vs when vs.offsetExpr() != null -> found[0] = true;
                case MatrixSelector ms when ms.rangeExpr() != null -> found[0] = true;
                case SubqueryExpr sq when sq.rangeExpr() != null || sq.stepExpr() != null || sq.offsetExpr() != null ->
                        found[0] = true;
                default -> {
                }
            }
        });
        return found[0];
    }

    Expr resolve(Expr e) {
        return switch (e) {
            case NumberLiteral n -> n;
            case StringLiteral s -> s;
            case VectorSelector vs -> selector(vs);
            case MatrixSelector ms -> new MatrixSelector(selector(ms.selector()),
                    ms.rangeExpr() == null ? ms.rangeMillis() : millis(ms.rangeExpr(), false), ms.position());
            case SubqueryExpr sq -> sq.resolved(resolve(sq.expr()),
                    sq.rangeExpr() == null ? sq.rangeMillis() : millis(sq.rangeExpr(), false),
                    sq.stepExpr() == null ? sq.stepMillis() : millis(sq.stepExpr(), false),
                    sq.offsetExpr() == null ? sq.offsetMillis() : millis(sq.offsetExpr(), true));
            case ParenExpr p -> new ParenExpr(resolve(p.expr()), p.position());
            case UnaryExpr u -> new UnaryExpr(u.op(), resolve(u.expr()), u.position());
            case BinaryExpr b -> new BinaryExpr(b.op(), resolve(b.lhs()), resolve(b.rhs()), b.matching(), b.returnBool(), b.position());
            case Call c -> {
                List<Expr> args = new ArrayList<>(c.args().size());
                for (Expr a : c.args()) {
                    args.add(resolve(a));
                }
                yield new Call(c.function(), args, c.position());
            }
            case AggregateExpr a -> new AggregateExpr(a.op(), resolve(a.expr()), a.param() == null ? null : resolve(a.param()),
                    a.grouping(), a.without(), a.position());
        };
    }

    private VectorSelector selector(VectorSelector vs) {
        return vs.offsetExpr() == null ? vs : vs.withResolvedOffset(millis(vs.offsetExpr(), true));
    }

    private long millis(DurationExpr d, boolean mayBeNegative) {
        double seconds;
        try {
            seconds = d.seconds(stepSeconds, rangeSeconds);
        } catch (ArithmeticException e) {
            throw QueryException.badData(e.getMessage());
        }
        if (!mayBeNegative && !(seconds > 0)) {
            throw QueryException.badData("duration must be greater than 0");
        }
        if (Double.isNaN(seconds) || Math.abs(seconds) * 1000 >= 9.2e18) {
            throw QueryException.badData("duration is out of range");
        }
        return (long) (seconds * 1000); // Go's conversion truncates toward zero
    }
}
