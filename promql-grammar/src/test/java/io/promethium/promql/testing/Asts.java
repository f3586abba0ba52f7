package io.promethium.promql.testing;

import io.promethium.api.model.Matcher;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.PositionRange;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;
import io.promethium.promql.ast.VectorSelector;
import java.util.Comparator;
import java.util.List;

/** Test helpers over ASTs. */
public final class Asts {

    private static final PositionRange NONE = PositionRange.NONE;

    private Asts() {
    }

    /**
     * The same tree with every position cleared and selector matchers sorted, so trees that
     * differ only in layout (as printed text and the original query do) compare equal.
     */
    public static Expr normalize(Expr e) {
        return switch (e) {
            case NumberLiteral n -> new NumberLiteral(n.value(), NONE);
            case StringLiteral s -> new StringLiteral(s.value(), NONE);
            case ParenExpr p -> new ParenExpr(normalize(p.expr()), NONE);
            case UnaryExpr u -> new UnaryExpr(u.op(), normalize(u.expr()), NONE);
            case VectorSelector vs -> selector(vs);
            case MatrixSelector ms -> new MatrixSelector(selector(ms.selector()), ms.rangeMillis(), NONE);
            case SubqueryExpr sq -> new SubqueryExpr(normalize(sq.expr()), sq.rangeMillis(), sq.stepMillis(),
                    sq.offsetMillis(), sq.atMillis(), sq.atKind(), NONE);
            case AggregateExpr a -> new AggregateExpr(a.op(), normalize(a.expr()),
                    a.param() == null ? null : normalize(a.param()), a.grouping(), a.without(), NONE);
            case BinaryExpr b -> new BinaryExpr(b.op(), normalize(b.lhs()), normalize(b.rhs()), b.matching(),
                    b.returnBool(), NONE);
            case Call c -> new Call(c.function(), c.args().stream().map(Asts::normalize).toList(), NONE);
        };
    }

    private static VectorSelector selector(VectorSelector vs) {
        List<Matcher> sorted = vs.matchers().stream()
                .sorted(Comparator.comparing(Matcher::name).thenComparing(m -> m.type().name()).thenComparing(Matcher::value))
                .toList();
        return new VectorSelector(vs.name(), sorted, vs.offsetMillis(), vs.atMillis(), vs.atKind(), NONE);
    }
}
