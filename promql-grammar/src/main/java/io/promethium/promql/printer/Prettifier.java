package io.promethium.promql.printer;

import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;

/**
 * Prometheus's {@code prettier}: an expression whose single-line form fits in 100 bytes is
 * printed as is; a longer one is split at its top-level structure, two spaces per level. The
 * output is meant to be identical to Prometheus's, quirks included.
 */
final class Prettifier {

    private static final int MAX_LINE = 100;
    private static final String INDENT = "  ";

    private Prettifier() {
    }

    /**
     * Beyond this many nodes the split form (whose indentation grows with depth) is not worth
     * building: the single-line form is returned instead.
     */
    private static final int MAX_NODES = 2_000;

    static String prettify(Expr expr) {
        int[] nodes = {0};
        io.promethium.promql.ast.Exprs.walk(expr, e -> nodes[0]++);
        if (nodes[0] > MAX_NODES) {
            return PromQLPrinter.toString(expr);
        }
        StringBuilder b = new StringBuilder();
        pretty(b, expr, 0);
        return b.toString();
    }

    private static void pretty(StringBuilder b, Expr expr, int level) {
        String single = PromQLPrinter.toString(expr);
        if (utf8Length(single) <= MAX_LINE) {
            if (!(expr instanceof SubqueryExpr)) {
                indent(b, level);
            } // else: Prometheus writes a short subquery without indentation; kept for identical output
            b.append(single);
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

    /** Prometheus measures lines in bytes of UTF-8. */
    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static StringBuilder indent(StringBuilder b, int level) {
        return b.append(INDENT.repeat(level));
    }
}
