package io.promethium.promql.printer;

import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;

/**
 * Prometheus's {@code prettier}: an expression whose single-line form fits in 100 characters is
 * printed as is; a longer one is split at its top-level structure, two spaces per level.
 */
final class Prettifier {

    private static final int MAX_LINE = 100;
    private static final String INDENT = "  ";

    private Prettifier() {
    }

    static String prettify(Expr expr) {
        StringBuilder b = new StringBuilder();
        pretty(b, expr, 0);
        return b.toString();
    }

    private static void pretty(StringBuilder b, Expr expr, int level) {
        String single = PromQLPrinter.toString(expr);
        if (single.length() <= MAX_LINE) {
            indent(b, level).append(single);
            return;
        }
        switch (expr) {
            case AggregateExpr a -> {
                indent(b, level);
                PromQLPrinter.aggregateHead(b, a);
                b.append("(\n");
                if (a.param() != null) {
                    pretty(b, a.param(), level + 1);
                    b.append(",\n");
                }
                pretty(b, a.expr(), level + 1);
                b.append('\n');
                indent(b, level).append(')');
            }
            case BinaryExpr be -> {
                if (be.lhs() instanceof io.promethium.promql.ast.NumberLiteral) {
                    indent(b, level + 1);
                    PromQLPrinter.powerBase(b, be);
                } else {
                    pretty(b, be.lhs(), level + 1);
                }
                b.append('\n');
                indent(b, level);
                PromQLPrinter.binaryOperator(b, be);
                b.append('\n');
                pretty(b, be.rhs(), level + 1);
            }
            case Call c -> {
                indent(b, level).append(c.function().name()).append("(\n");
                for (int i = 0; i < c.args().size(); i++) {
                    if (i > 0) {
                        b.append(",\n");
                    }
                    pretty(b, c.args().get(i), level + 1);
                }
                b.append('\n');
                indent(b, level).append(')');
            }
            case ParenExpr p -> {
                indent(b, level).append("(\n");
                pretty(b, p.expr(), level + 1);
                b.append('\n');
                indent(b, level).append(')');
            }
            case SubqueryExpr sq -> {
                pretty(b, sq.expr(), level);
                // The suffix is the single-line form minus the inner expression's.
                b.append(single, PromQLPrinter.toString(sq.expr()).length(), single.length());
            }
            case UnaryExpr u -> {
                indent(b, level).append(u.op().symbol());
                StringBuilder child = new StringBuilder();
                pretty(child, u.expr(), level);
                b.append(child.toString().strip());
            }
            default -> indent(b, level).append(single);
        }
    }

    private static StringBuilder indent(StringBuilder b, int level) {
        return b.append(INDENT.repeat(level));
    }
}
