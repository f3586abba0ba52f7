package io.promethium.promql.ast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Matcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorsTest {

    @Test
    void binaryOperatorPrecedenceAsPrometheus() {
        assertThat(BinaryOp.POW.precedence()).isGreaterThan(BinaryOp.MUL.precedence());
        assertThat(BinaryOp.ATAN2.precedence()).isEqualTo(BinaryOp.MUL.precedence());
        assertThat(BinaryOp.MUL.precedence()).isGreaterThan(BinaryOp.ADD.precedence());
        assertThat(BinaryOp.ADD.precedence()).isGreaterThan(BinaryOp.EQL.precedence());
        assertThat(BinaryOp.EQL.precedence()).isGreaterThan(BinaryOp.AND.precedence());
        assertThat(BinaryOp.UNLESS.precedence()).isEqualTo(BinaryOp.AND.precedence());
        assertThat(BinaryOp.AND.precedence()).isGreaterThan(BinaryOp.OR.precedence());
        assertThat(BinaryOp.POW.isRightAssociative()).isTrue();
        assertThat(BinaryOp.SUB.isRightAssociative()).isFalse();
    }

    @Test
    void operatorKinds() {
        assertThat(List.of(BinaryOp.values()).stream().filter(BinaryOp::isComparison))
                .containsExactlyInAnyOrder(BinaryOp.EQL, BinaryOp.NEQ, BinaryOp.GTR, BinaryOp.LSS, BinaryOp.GTE, BinaryOp.LTE);
        assertThat(List.of(BinaryOp.values()).stream().filter(BinaryOp::isSetOperator))
                .containsExactlyInAnyOrder(BinaryOp.AND, BinaryOp.OR, BinaryOp.UNLESS);
        assertThat(BinaryOp.fromSymbol("AtAn2")).isEqualTo(BinaryOp.ATAN2);
        assertThat(BinaryOp.fromSymbol("=~")).isNull();
    }

    @Test
    void aggregateOperatorsKnowTheirParameters() {
        assertThat(AggregateOp.fromKeyword("COUNT_VALUES").paramType()).isEqualTo(ValueType.STRING);
        assertThat(AggregateOp.TOPK.paramType()).isEqualTo(ValueType.SCALAR);
        assertThat(AggregateOp.SUM.hasParam()).isFalse();
        assertThat(AggregateOp.LIMIT_RATIO.keyword()).isEqualTo("limit_ratio");
        assertThat(AggregateOp.LIMITK.experimental()).isTrue();
        assertThat(AggregateOp.fromKeyword("median")).isNull();
    }

    @Test
    void typesOfComposedExpressions() {
        PositionRange p = PositionRange.NONE;
        NumberLiteral one = new NumberLiteral(1, p);
        VectorSelector x = new VectorSelector("x", List.of(Matcher.equal("__name__", "x")), 0, null, AtModifier.NONE, p);
        assertThat(new BinaryExpr(BinaryOp.ADD, one, one, null, false, p).type()).isEqualTo(ValueType.SCALAR);
        assertThat(new BinaryExpr(BinaryOp.ADD, one, x, null, false, p).type()).isEqualTo(ValueType.VECTOR);
        assertThat(new MatrixSelector(x, 1000, p).type()).isEqualTo(ValueType.MATRIX);
        assertThat(new ParenExpr(new StringLiteral("s", p), p).type()).isEqualTo(ValueType.STRING);
        assertThat(new UnaryExpr(UnaryOp.NEG, x, p).type()).isEqualTo(ValueType.VECTOR);
    }

    @Test
    void atModifierAndTimestampGoTogether() {
        PositionRange p = PositionRange.NONE;
        assertThatThrownBy(() -> new VectorSelector("x", List.of(), 0, 5L, AtModifier.NONE, p))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VectorSelector("x", List.of(), 0, null, AtModifier.TIMESTAMP, p))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PositionRange(5, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void positionRangeLineAndColumn() {
        String q = "a +\n  b";
        PositionRange b = new PositionRange(6, 7);
        assertThat(b.line(q)).isEqualTo(2);
        assertThat(b.column(q)).isEqualTo(3);
        assertThat(new PositionRange(0, 1).column(q)).isEqualTo(1);
    }
}
