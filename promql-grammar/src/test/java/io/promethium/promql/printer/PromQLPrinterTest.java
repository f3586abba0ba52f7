package io.promethium.promql.printer;

import static io.promethium.promql.parser.PromQLParser.parseExpr;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Matcher;
import io.promethium.promql.ast.AtModifier;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.PositionRange;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.VectorSelector;
import io.promethium.promql.testing.Asts;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PromQLPrinterTest {

    private static String canonical(String query) {
        return PromQLPrinter.toString(parseExpr(query));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "sum by(job)(rate(x{a=\"b\"}[5m] offset 1m))  | sum by (job) (rate(x{a=\"b\"}[5m] offset 1m))",
            "SUM(x) BY (job)                              | sum by (job) (x)",
            "sum without() (x)                            | sum without () (x)",
            "sum by () (x)                                | sum(x)",
            "topk(5, x) by (a, \"b.c\")                   | topk by (a, \"b.c\") (5, x)",
            "count_values('v', x)                         | count_values(\"v\", x)",
            "foo{z=\"1\", a!=\"2\", m=~'x', b!~\"y\"}     | foo{a!=\"2\",b!~\"y\",m=~\"x\",z=\"1\"}",
            "{__name__=\"foo\"}                           | {__name__=\"foo\"}",
            "{\"my.metric\", \"label.x\"=\"v\"}           | {\"label.x\"=\"v\",__name__=\"my.metric\"}",
            "{\"sum\"}                                    | {__name__=\"sum\"}",
            // Prometheus 3's printer_test.go: UTF-8 names quoted, legacy ones bare.
            "sum by(\"foo.bar\") (x{job=\"s\"})            | sum by (\"foo.bar\") (x{job=\"s\"})",
            "count without(\"ööö\", job) (foo)           | count without (\"ööö\", job) (foo)",
            "foo / on(\"äää\") group_left(\"ööö\") bar   | foo / on (\"äää\") group_left (\"ööö\") bar",
            "foo / ignoring(legacy, \"üüü\") bar          | foo / ignoring (legacy, \"üüü\") bar",
            "{\"a.b\"=\"c\"}                              | {\"a.b\"=\"c\"}",
            "{\"0\"=\"1\"}                                | {\"0\"=\"1\"}",
            "{\"_0\"=\"1\"}                               | {_0=\"1\"}",
            "{\"a.b\", \"c\\\"d\"!~\"x\"}                     | {\"c\\\"d\"!~\"x\",__name__=\"a.b\"}",
            "sum + offset                                 | sum + offset",
            "foo[90s]                                     | foo[1m30s]",
            "foo[7d]                                      | foo[1w]",
            "foo[8d]                                      | foo[8d]",
            "foo[365d]                                    | foo[1y]",
            "foo[100]                                     | foo[1m40s]",
            "foo offset -5m                               | foo offset -5m",
            "foo offset 5m @ 100                          | foo @ 100.000 offset 5m",
            "foo[5m] @ start() offset 1m                  | foo[5m] @ start() offset 1m",
            "foo @ end()                                  | foo @ end()",
            "foo @ 1.5                                    | foo @ 1.500",
            "rate(foo[5m])[1h:]                           | rate(foo[5m])[1h:]",
            "rate(foo[5m])[1h:1m] offset 1m @ 10          | rate(foo[5m])[1h:1m] @ 10.000 offset 1m",
            "a + on(b) group_left(c) d                    | a + on (b) group_left (c) d",
            "a + ignoring(b) group_right d                | a + ignoring (b) group_right () d",
            "a * ignoring() group_left b                  | a * ignoring () group_left () b",
            "a + on() b                                   | a + on () b",
            "a > bool 1                                   | a > bool 1",
            "a AND b OR c UNLESS d                        | a and b or c unless d",
            "a atan2 b                                    | a atan2 b",
            "h</2 + h>/on(x)f                             | h </ 2 + h >/ on (x) f",
            "-a                                           | -a",
            "+a                                           | +a",
            "- - a                                        | --a",
            "-(1)                                         | -(1)",
            "1e3 + 0x10 + .5 + 1h                         | 1000 + 16 + 0.5 + 3600",
            "1e21 + 1e-7                                  | 1000000000000000000000 + 0.0000001",
            "+Inf + -Inf + NaN                            | +Inf + -Inf + NaN",
            "'a\\tb\"c'                                  | \"a\\tb\\\"c\"",
            "((a))                                        | ((a))",
            "histogram_quantile(0.9, sum by (le) (rate(h[5m]))) | histogram_quantile(0.9, sum by (le) (rate(h[5m])))",
    })
    void canonicalFormMatchesPrometheusString(String query, String expected) {
        assertThat(canonical(query.strip())).isEqualTo(expected.strip());
    }

    @Test
    void stringsAreQuotedAsGoDoes() {
        PositionRange p = PositionRange.NONE;
        assertThat(PromQLPrinter.toString(new StringLiteral("é\u0001\n\\", p))).isEqualTo("\"é\\x01\\n\\\\\"");
        assertThat(PromQLPrinter.toString(new StringLiteral("a\uDCC5z", p))).isEqualTo("\"a\\xc5z\"");
        assertThat(PromQLPrinter.toString(new StringLiteral("\u2028", p))).isEqualTo("\"\\u2028\"");
    }

    @Test
    void quoteAsPrometheusMessagesDo() {
        String parsed = ((StringLiteral) parseExpr("\"a\\xc5z\"")).value();
        assertThat(PromQLPrinter.quote(parsed)).isEqualTo("\"a\\xc5z\"");
        assertThat(StringLiteral.isValidUtf8(parsed)).isFalse();
        assertThat(StringLiteral.isValidUtf8("é\uD83D\uDE00")).isTrue();
    }

    @Test
    void numbersNeverUseExponents() {
        PositionRange p = PositionRange.NONE;
        assertThat(PromQLPrinter.toString(new NumberLiteral(-0.0, p))).isEqualTo("-0");
        assertThat(PromQLPrinter.toString(new NumberLiteral(1.0 / 3, p))).isEqualTo("0.3333333333333333");
        assertThat(PromQLPrinter.toString(new NumberLiteral(123456789, p))).isEqualTo("123456789");
    }

    @Test
    void aHandBuiltNameThatCannotBeBareBecomesAMatcher() {
        VectorSelector vs = new VectorSelector("bool", List.of(Matcher.equal("__name__", "bool")), 0, null, AtModifier.NONE,
                PositionRange.NONE);
        assertThat(PromQLPrinter.toString(vs)).isEqualTo("{__name__=\"bool\"}");
    }

    @Test
    void handBuiltSelectorPrintsItsName() {
        VectorSelector vs = new VectorSelector("up", List.of(Matcher.equal("__name__", "up"), Matcher.equal("job", "a")),
                0, null, AtModifier.NONE, PositionRange.NONE);
        assertThat(PromQLPrinter.toString(vs)).isEqualTo("up{job=\"a\"}");
    }

    @Test
    void printedTextParsesBackToTheSameTree() {
        for (String q : List.of("a * ignoring() group_left b", "-2 ^ 2", "(-2) ^ 2", "2 ^ -1 * 3", "- - - 1",
                "{\"offset\"}", "{\"inf\"}", "foo @ -1.5", "sum(x) without (\"a b\")", "{\"a\\\\b\"=\"\\xff\"}")) {
            var tree = parseExpr(q);
            assertThat(Asts.normalize(parseExpr(PromQLPrinter.toString(tree)))).as(q).isEqualTo(Asts.normalize(tree));
        }
    }
}
