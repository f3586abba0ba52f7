package io.promethium.promql.parser;

import static io.promethium.promql.parser.PromQLParser.parseExpr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.BinaryOp;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.DurationExpr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.printer.PromQLPrinter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Prometheus's promql-duration-expr: arithmetic in ranges, subquery steps and offsets. */
class DurationExpressionParserTest {

    private static MatrixSelector matrix(String q) {
        return (MatrixSelector) ((Call) parseExpr(q)).args().get(0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "changes(x[26m+4m])          | 1800",
        "changes(x[60*30])           | 1800",
        "changes(x[2m*(10+5)])       | 1800",
        "changes(x[24m+((1.5*2m)+2m)]) | 1740",
        "changes(x[-5m+35m])         | 1800",
        "changes(x[1h/2])            | 1800",
        "changes(x[1h30m % 1h])      | 1800",
        "changes(x[30m1s-30m1s % 1m]) | 1800",
        "changes(x[(9m30s+30s)*3])   | 1800",
        "changes(x[2^3])             | 8",
        "changes(x[-2^2+8])          | 4",
    })
    void rangeArithmeticFollowsPrometheusPrecedence(String query, double seconds) {
        MatrixSelector ms = matrix(query);
        assertThat(ms.rangeMillis()).isZero();
        assertThat(ms.rangeExpr().seconds(0, 0)).isEqualTo(seconds);
    }

    @Test
    void aPlainLiteralStaysMilliseconds() {
        assertThat(matrix("rate(x[5m])").rangeExpr()).isNull();
        assertThat(matrix("rate(x[5m])").rangeMillis()).isEqualTo(300_000);
        assertThat(((VectorSelector) parseExpr("x offset -5m")).offsetMillis()).isEqualTo(-300_000);
    }

    @Test
    void stepAndRangeAreTheQuerysInAnyCase() {
        DurationExpr d = matrix("count_over_time(x[1+(STep()-5)*2])").rangeExpr();
        assertThat(d.dependsOnQuery()).isTrue();
        assertThat(d.seconds(10, 0)).isEqualTo(11);
        assertThat(matrix("count_over_time(x[max_of(min_of(step()+1,1h),1ms)])").rangeExpr().seconds(5, 0)).isEqualTo(6);
        assertThat(matrix("count_over_time(x[range()])").rangeExpr().seconds(5, 10)).isEqualTo(10);
        SubqueryExpr sq = (SubqueryExpr) ((Call) parseExpr("sum_over_time(x[29s+1s:step()])")).args().get(0);
        assertThat(sq.rangeExpr().seconds(0, 0)).isEqualTo(30);
        assertThat(sq.stepExpr().seconds(7, 0)).isEqualTo(7);
    }

    /** As in Prometheus: after `offset` a literal, a function or a signed parenthesis stands alone. */
    @Test
    void anOffsetTakesOnlyItsFirstTermUnlessParenthesized() {
        BinaryExpr plus = (BinaryExpr) parseExpr("x offset 100 + 2");
        assertThat(plus.op()).isEqualTo(BinaryOp.ADD);
        assertThat(((VectorSelector) plus.lhs()).offsetMillis()).isEqualTo(100_000);
        assertThat(((BinaryExpr) parseExpr("x offset -2 ^ 2")).op()).isEqualTo(BinaryOp.POW);
        assertThat(((BinaryExpr) parseExpr("x offset step()*0")).op()).isEqualTo(BinaryOp.MUL);
        assertThat(((BinaryExpr) parseExpr("x offset -(min_of(step(), 1s))+8000")).op()).isEqualTo(BinaryOp.ADD);
        assertThat(((VectorSelector) parseExpr("x offset (-2 ^ 2)")).offsetExpr().seconds(0, 0)).isEqualTo(-4);
        assertThat(((VectorSelector) parseExpr("x offset -(min_of(step(), 2s)-5)")).offsetExpr().seconds(5, 0)).isEqualTo(3);
        // An unsigned parenthesis goes on as arithmetic, as Prometheus's parser shifts there.
        assertThat(((VectorSelector) parseExpr("x offset (1m) * 2")).offsetExpr().seconds(0, 0)).isEqualTo(120);
        MatrixSelector ms = matrix("rate(x[5m] offset step())");
        assertThat(ms.selector().offsetExpr()).isInstanceOf(DurationExpr.QueryValue.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "x[1m+1m]                | 1:3: parse error: experimental duration expression is not enabled",
        "x[step()]               | 1:3: parse error: experimental duration expression is not enabled",
        "x offset (5m)           | 1:10: parse error: experimental duration expression is not enabled",
        "x offset min_of(1m, 2m) | 1:10: parse error: experimental duration expression is not enabled",
    })
    void durationExpressionsNeedTheFeature(String query, String message) {
        PromQLParser strict = new PromQLParser(ParserOptions.NONE);
        assertThatThrownBy(() -> strict.parse(query)).hasMessage(message);
        assertThat(strict.parse("x offset -5m")).isInstanceOf(VectorSelector.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "x[1m/0]        | 1:5: parse error: division by zero",
        "x[1m%0]        | 1:5: parse error: modulo by zero",
        "x[0s]          | 1:3: parse error: duration must be greater than 0",
        "x[5m:x]        | 1:6: parse error: unexpected character in duration expression: 'x'",
        "x offset foo() | 1:10: parse error: unexpected identifier \"foo\" in offset, expected number, duration, step(), or range()",
    })
    void badDurationsSayWhy(String query, String message) {
        assertThatThrownBy(() -> parseExpr(query)).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "x[2m * (10 + 5)]",
        "x[-5m + 35m]",
        "x[5m:step() * 2]",
        "x offset -step()",
        "x offset -(min_of(step(), 2s) - 5)",
        "rate(x[max_of(range(), 1m)] offset (1m + 1s))",
    })
    void durationExpressionsPrintAsWritten(String query) {
        assertThat(PromQLPrinter.toString(parseExpr(query))).isEqualTo(query);
    }

    @Test
    void stepAndRangeStayNamesElsewhere() {
        assertThat(((VectorSelector) parseExpr("step")).name()).isEqualTo("step");
        assertThat(parseExpr("x offset 1m * 2")).isInstanceOf(BinaryExpr.class);
        assertThat(((BinaryExpr) parseExpr("1 + 2")).rhs()).isInstanceOf(NumberLiteral.class);
    }
}
