package io.promethium.promql.ast;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/** Walking an expression tree. */
public final class Exprs {

    private Exprs() {
    }

    /** The direct sub-expressions of {@code e}, in the order they are written. */
    public static List<Expr> children(Expr e) {
        return switch (e) {
            case NumberLiteral n -> List.of();
            case StringLiteral s -> List.of();
            case VectorSelector vs -> List.of();
            case MatrixSelector ms -> List.of(ms.selector());
            case SubqueryExpr sq -> List.of(sq.expr());
            case ParenExpr p -> List.of(p.expr());
            case UnaryExpr u -> List.of(u.expr());
            case BinaryExpr b -> List.of(b.lhs(), b.rhs());
            case Call c -> c.args();
            case AggregateExpr a -> a.param() == null ? List.of(a.expr()) : List.of(a.param(), a.expr());
        };
    }

    /** Visits {@code root} and every expression below it, parents before children, left to right; no recursion. */
    public static void walk(Expr root, Consumer<Expr> visitor) {
        Deque<Expr> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Expr e = stack.pop();
            visitor.accept(e);
            List<Expr> children = children(e);
            for (int i = children.size() - 1; i >= 0; i--) {
                stack.push(children.get(i));
            }
        }
    }

    /** Every vector selector in the tree (those inside range selectors included), in written order. */
    public static List<VectorSelector> selectors(Expr root) {
        List<VectorSelector> out = new ArrayList<>();
        walk(root, e -> {
            if (e instanceof VectorSelector vs) {
                out.add(vs);
            }
        });
        return out;
    }

    /** {@code e} without any enclosing parentheses: {@code ((x))} gives {@code x}. */
    public static Expr unwrapParens(Expr e) {
        Expr current = e;
        while (current instanceof ParenExpr p) {
            current = p.expr();
        }
        return current;
    }
}
