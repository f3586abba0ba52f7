package io.promethium.promql.parser;

import static io.promethium.promql.parser.PromQLParser.parseExpr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.Cardinality;
import io.promethium.promql.ast.VectorMatching;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.printer.PromQLPrinter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Prometheus's promql-binop-fill-modifiers: fill(v), fill_left(v), fill_right(v). */
class FillModifierParserTest {

    private static VectorMatching matching(String q) {
        return ((BinaryExpr) parseExpr(q)).matching();
    }

    @Test
    void fillSetsBothSidesAndTheOthersOneSide() {
        assertThat(matching("a + fill(0) b")).satisfies(m -> {
            assertThat(m.fillLeft()).isEqualTo(0.0);
            assertThat(m.fillRight()).isEqualTo(0.0);
        });
        assertThat(matching("a + fill_left(5) fill_right(7) b")).satisfies(m -> {
            assertThat(m.fillLeft()).isEqualTo(5.0);
            assertThat(m.fillRight()).isEqualTo(7.0);
        });
        assertThat(matching("a + fill_right(-Inf) b").fillRight()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(matching("a + fill(NaN) b").fillLeft()).isNaN();
        assertThat(matching("a + b").fillLeft()).isNull();
    }

    @Test
    void fillComesAfterBoolAndTheGroupModifiers() {
        VectorMatching m = matching("requests + on(status) group_left(owner) fill_right(0) limits");
        assertThat(m.card()).isEqualTo(Cardinality.MANY_TO_ONE);
        assertThat(m.include()).containsExactly("owner");
        assertThat(m.fillRight()).isEqualTo(0.0);
        BinaryExpr b = (BinaryExpr) parseExpr("a == bool fill(30) b");
        assertThat(b.returnBool()).isTrue();
        assertThat(b.matching().fillLeft()).isEqualTo(30.0);
    }

    @Test
    void fillStaysAMetricName() {
        BinaryExpr lhsNamedFill = (BinaryExpr) parseExpr("fill + fill(0) other");
        assertThat(((VectorSelector) lhsNamedFill.lhs()).name()).isEqualTo("fill");
        assertThat(((VectorSelector) ((BinaryExpr) parseExpr("other + fill")).rhs()).name()).isEqualTo("fill");
        BinaryExpr both = (BinaryExpr) parseExpr("other + fill_left(0) fill_left");
        assertThat(both.matching().fillLeft()).isEqualTo(0.0);
        assertThat(((VectorSelector) both.rhs()).name()).isEqualTo("fill_left");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1 + fill(0) a          | 1:1: parse error: fill modifiers only allowed between instant vectors",
        "a and fill(0) b        | 1:1: parse error: no fill modifiers allowed for \"and\" operation",
        "a + fill(0) fill_left(1) b | 1:13: parse error: fill modifier may not be set multiple times for the same side",
    })
    void misplacedFillsSayWhy(String query, String message) {
        assertThatThrownBy(() -> parseExpr(query)).hasMessage(message);
    }

    @Test
    void fillModifiersNeedTheFeature() {
        PromQLParser strict = new PromQLParser(ParserOptions.NONE);
        assertThatThrownBy(() -> strict.parse("a + fill(0) b"))
                .hasMessage("1:1: parse error: binop fill modifiers are experimental and not enabled");
        assertThat(strict.parse("a + fill")).isInstanceOf(BinaryExpr.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a + fill (0) b",
        "a + on (x) group_left () fill_left (1) fill_right (-2.5) b",
        "a > bool fill (NaN) b",
    })
    void fillModifiersPrintAsPrometheus(String query) {
        assertThat(PromQLPrinter.toString(parseExpr(query))).isEqualTo(query);
    }
}
