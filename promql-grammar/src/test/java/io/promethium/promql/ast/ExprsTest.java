package io.promethium.promql.ast;

import static io.promethium.promql.parser.PromQLParser.parseExpr;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExprsTest {

    @Test
    void walkVisitsParentsBeforeChildrenLeftToRight() {
        Expr e = parseExpr("topk(3, rate(a[5m]) + b) * on() group_left -(c)");
        List<String> kinds = new ArrayList<>();
        Exprs.walk(e, x -> kinds.add(x.getClass().getSimpleName()));
        assertThat(kinds).containsExactly("BinaryExpr", "AggregateExpr", "NumberLiteral", "BinaryExpr", "Call",
                "MatrixSelector", "VectorSelector", "VectorSelector", "UnaryExpr", "ParenExpr", "VectorSelector");
    }

    @Test
    void selectorsInWrittenOrder() {
        List<String> names = Exprs.selectors(parseExpr("a + sum(rate(b[1m])) / max_over_time(c[5m:] @ 10)"))
                .stream().map(VectorSelector::name).toList();
        assertThat(names).containsExactly("a", "b", "c");
    }

    @Test
    void walkHandlesVeryLongChainsWithoutRecursion() {
        Expr e = parseExpr("x" + " + x".repeat(20_000));
        int[] count = {0};
        Exprs.walk(e, x -> count[0]++);
        assertThat(count[0]).isEqualTo(40_001);
    }

    @Test
    void unwrapParens() {
        assertThat(Exprs.unwrapParens(parseExpr("((x))"))).isInstanceOf(VectorSelector.class);
        assertThat(Exprs.unwrapParens(parseExpr("x"))).isInstanceOf(VectorSelector.class);
        assertThat(Exprs.children(parseExpr("1"))).isEmpty();
    }
}
