package io.promethium.promql.engine.internal.eval;

import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Cardinality;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.SelectorModifier;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;
import io.promethium.promql.ast.VectorMatching;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.printer.PromQLPrinter;
import io.promethium.tracing.TraceSpan;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The span of one node's evaluation as Prometheus's evaluator names it:
 * {@code promqlInnerEval eval *parser.BinaryExpr} (its Go type), with {@code operation} (the
 * node's {@code ShortString()}: {@code sum by (job) }, {@code + on (a)}, {@code rate},
 * {@code [5m] offset 1m}, {@code [1h:1m]}) and a literal's {@code value}. Built only while tracing.
 */
final class NodeSpans {

    private static final Pattern LEGACY_LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private NodeSpans() {
    }

    static String name(Expr expr) {
        return "promqlInnerEval eval *parser." + switch (expr) {
            case NumberLiteral n -> "NumberLiteral";
            case StringLiteral s -> "StringLiteral";
            case ParenExpr p -> "ParenExpr";
            case UnaryExpr u -> "UnaryExpr";
            case VectorSelector vs -> "VectorSelector";
            case MatrixSelector ms -> "MatrixSelector";
            case SubqueryExpr sq -> "SubqueryExpr";
            case BinaryExpr b -> "BinaryExpr";
            case AggregateExpr a -> "AggregateExpr";
            case Call c -> "Call";
        };
    }

    static void describe(TraceSpan span, Expr expr) {
        switch (expr) {
            case NumberLiteral n -> span.attribute("value", n.value());
            case StringLiteral s -> span.attribute("value", s.value());
            case UnaryExpr u -> span.attribute("operation", u.op().symbol());
            case Call c -> span.attribute("operation", c.function().name());
            case AggregateExpr a -> span.attribute("operation", aggregation(a));
            case BinaryExpr b -> span.attribute("operation", binary(b));
            case SubqueryExpr sq -> {
                // The printer writes the inner expression, then the suffix Go's ShortString is.
                String whole = PromQLPrinter.toString(sq);
                span.attribute("operation", whole.substring(PromQLPrinter.toString(sq.expr()).length()));
            }
            case MatrixSelector ms -> span.attribute("operation", range(ms));
            default -> {
            }
        }
    }

    /** {@code sum}, {@code sum by (job) }, {@code sum without (a, b) }: Go's, trailing space included. */
    private static String aggregation(AggregateExpr a) {
        StringBuilder b = new StringBuilder(a.op().keyword());
        if (a.without()) {
            b.append(" without (");
            labels(b, a.grouping());
            b.append(") ");
        } else if (!a.grouping().isEmpty()) {
            b.append(" by (");
            labels(b, a.grouping());
            b.append(") ");
        }
        return b.toString();
    }

    /** The operator with {@code bool}, matching, grouping and fill modifiers (fill values as Go's {@code %v}). */
    private static String binary(BinaryExpr be) {
        StringBuilder b = new StringBuilder(be.op().symbol());
        if (be.returnBool()) {
            b.append(" bool");
        }
        VectorMatching vm = be.matching();
        if (vm == null) {
            return b.toString();
        }
        boolean grouped = vm.card() == Cardinality.MANY_TO_ONE || vm.card() == Cardinality.ONE_TO_MANY;
        if (!vm.matchingLabels().isEmpty() || vm.on() || grouped) {
            b.append(vm.on() ? " on (" : " ignoring (");
            labels(b, vm.matchingLabels());
            b.append(')');
        }
        if (grouped) {
            b.append(vm.card() == Cardinality.MANY_TO_ONE ? " group_left (" : " group_right (");
            labels(b, vm.include());
            b.append(')');
        }
        if (vm.fillLeft() != null && vm.fillLeft().equals(vm.fillRight())) {
            b.append(" fill (").append(GoFormat.number(vm.fillLeft())).append(')');
        } else {
            if (vm.fillLeft() != null) {
                b.append(" fill_left (").append(GoFormat.number(vm.fillLeft())).append(')');
            }
            if (vm.fillRight() != null) {
                b.append(" fill_right (").append(GoFormat.number(vm.fillRight())).append(')');
            }
        }
        return b.toString();
    }

    /**
     * {@code [5m] @ 10.000 offset 1m}: the range, {@code @} and offset without the selector or its
     * {@code anchored}/{@code smoothed}. The printer writes the matrix as the selector's text with
     * {@code [range]} inserted after its matchers, so that insertion is found by comparing the two.
     */
    private static String range(MatrixSelector ms) {
        String matrix = PromQLPrinter.toString(ms);
        String vector = PromQLPrinter.toString(ms.selector());
        int inserted = matrix.length() - vector.length();
        int at = 0;
        while (at + inserted <= matrix.length()
                && !(matrix.charAt(at) == '[' && matrix.regionMatches(0, vector, 0, at)
                && matrix.regionMatches(at + inserted, vector, at, vector.length() - at))) {
            at++;
        }
        String tail = matrix.substring(at);
        SelectorModifier modifier = ms.selector().modifier();
        if (modifier != SelectorModifier.NONE && tail.endsWith(" " + modifier.keyword())) {
            tail = tail.substring(0, tail.length() - modifier.keyword().length() - 1);
        }
        return tail;
    }

    private static void labels(StringBuilder b, List<String> labels) {
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            String l = labels.get(i);
            b.append(LEGACY_LABEL.matcher(l).matches() ? l : GoFormat.quote(l));
        }
    }
}
