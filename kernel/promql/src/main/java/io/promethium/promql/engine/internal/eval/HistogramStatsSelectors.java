package io.promethium.promql.engine.internal.eval;

import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.Exprs;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.VectorSelector;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The selectors of a query read only for histogram_count/sum/avg (Prometheus's histogram stats
 * decoding): their histogram samples without a counter-reset hint get one from the sample read
 * before them, as Prometheus's HistogramStatsIterator does, so sums can warn about conflicting
 * resets. Marked once per query before evaluation; the evaluator asks per selector.
 */
final class HistogramStatsSelectors {
    /** Made on the first such selector: most queries have none. */
    private Set<VectorSelector> selectors = Set.of();

    /** Marks the selectors of {@code root} that are read for histogram statistics only. */
    void mark(Expr root) {
        markStats(root, false);
    }

    private void markStats(Expr e, boolean stats) {
        switch (e) {
            case VectorSelector vs -> {
                if (stats) {
                    if (selectors.isEmpty()) {
                        selectors = Collections.newSetFromMap(new IdentityHashMap<>());
                    }
                    selectors.add(vs);
                }
            }
            case Call c -> {
                String f = c.function().name();
                boolean inner = switch (f) {
                    case "histogram_count", "histogram_sum", "histogram_avg" -> true;
                    case "histogram_quantile", "histogram_quantiles", "histogram_fraction" -> false;
                    default -> stats;
                };
                for (Expr a : c.args()) {
                    markStats(a, inner);
                }
            }
            // Each side of a binary operation is decided on its own; subqueries read whole histograms.
            case BinaryExpr b -> {
                markStats(b.lhs(), false);
                markStats(b.rhs(), false);
            }
            case SubqueryExpr sq -> markStats(sq.expr(), false);
            default -> {
                for (Expr child : Exprs.children(e)) {
                    markStats(child, stats);
                }
            }
        }
    }

    /** Whether {@code vs} is read for histogram statistics only. */
    boolean contains(VectorSelector vs) {
        return selectors.contains(vs);
    }
}
