package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.PositionRange;
import org.junit.jupiter.api.Test;

class ParsedQueriesTest {

    private static Expr tree(double v) {
        return new NumberLiteral(v, new PositionRange(0, 1));
    }

    @Test
    void keepsTheTreeOfATextUntilItIsTheLeastRecentlyUsedBeyondTheBound() {
        ParsedQueries recent = new ParsedQueries();
        Expr first = tree(1);
        recent.put("q0", first);
        for (int i = 1; i < ParsedQueries.ENTRIES; i++) {
            recent.put("q" + i, tree(i));
        }
        assertThat(recent.get("q0")).isSameAs(first); // used: now the most recent
        recent.put("one more", tree(-1));
        assertThat(recent.get("q0")).isSameAs(first);
        assertThat(recent.get("q1")).isNull(); // the least recently used went
        assertThat(recent.get("q2")).isNotNull();
    }

    @Test
    void longTextsAreNotKept() {
        ParsedQueries recent = new ParsedQueries();
        String text = "1+".repeat(ParsedQueries.MAX_LENGTH) + "1";
        recent.put(text, tree(1));
        assertThat(recent.get(text)).isNull();
    }
}
