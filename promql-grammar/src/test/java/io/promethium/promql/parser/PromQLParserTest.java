package io.promethium.promql.parser;

import static io.promethium.promql.parser.PromQLParser.parseExpr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.AggregateOp;
import io.promethium.promql.ast.AtModifier;
import io.promethium.promql.ast.BinaryExpr;
import io.promethium.promql.ast.BinaryOp;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Cardinality;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.MatrixSelector;
import io.promethium.promql.ast.NumberLiteral;
import io.promethium.promql.ast.ParenExpr;
import io.promethium.promql.ast.PositionRange;
import io.promethium.promql.ast.StringLiteral;
import io.promethium.promql.ast.SubqueryExpr;
import io.promethium.promql.ast.UnaryExpr;
import io.promethium.promql.ast.UnaryOp;
import io.promethium.promql.ast.ValueType;
import io.promethium.promql.ast.VectorMatching;
import io.promethium.promql.ast.VectorSelector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromQLParserTest {

    private static double number(String q) {
        return ((NumberLiteral) parseExpr(q)).value();
    }

    private static String string(String q) {
        return ((StringLiteral) parseExpr(q)).value();
    }

    private static VectorSelector selector(String q) {
        return (VectorSelector) parseExpr(q);
    }

    // ---- literals ----

    @ParameterizedTest
    @CsvSource({
            "1, 1", "12.34e6, 12340000", "12.34e+6, 12340000", "12.34e-6, 0.00001234", ".2, 0.2", "2., 2",
            "+0.2, 0.2", "-0.2e-6, -0.0000002", "0x1F, 31", "0XfF, 255", "010, 8", "08, 8", "1h, 3600",
            "1m30s, 90", "500ms, 0.5", "1y, 31536000", "- - - 1, -1"})
    void numberLiteralsReadAsPrometheusDoes(String query, double expected) {
        assertThat(number(query)).isEqualTo(expected);
    }

    @Test
    void infAndNanInAnyCaseAreNumbers() {
        assertThat(number("Inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(number("+inF")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(number("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(number("NaN")).isNaN();
        assertThat(number("nan")).isNaN();
    }

    @Test
    void aNameStartingWithInfIsAMetric() {
        assertThat(selector("info_metric").name()).isEqualTo("info_metric");
        assertThat(selector("nana").name()).isEqualTo("nana");
    }

    @Test
    void stringLiteralsResolveEveryEscape() {
        assertThat(string("\"a\\nb\\t\\\\\\\"\"")).isEqualTo("a\nb\t\\\"");
        assertThat(string("'it\\'s'")).isEqualTo("it's");
        assertThat(string("`raw\\n`")).isEqualTo("raw\\n");
        assertThat(string("\"\\a\\b\\f\\r\\v\"")).isEqualTo("\u0007\b\f\r\u000b");
        assertThat(string("\"\\x41\\101\\u00e9\\U0001F600\"")).isEqualTo("AAé\uD83D\uDE00");
        assertThat(string("\"\\xc3\\xa9\"")).isEqualTo("é");
        assertThat(string("\" Foo \"")).isEqualTo(" Foo ");
        assertThat(string("`multi\nline`")).isEqualTo("multi\nline");
    }

    @Test
    void escapedBytesThatAreNotUtf8BecomeLoneSurrogates() {
        String value = string("\"a\\xc5z\"");
        assertThat(value).isEqualTo("a\uDCC5z");
    }

    @Test
    void anEscapeOfTheOtherQuoteIsRefused() {
        assertThatThrownBy(() -> parseExpr("\"\\'\"")).isInstanceOf(ParseException.class)
                .hasMessageContaining("unknown escape sequence");
        assertThatThrownBy(() -> parseExpr("\"\\q\"")).isInstanceOf(ParseException.class)
                .hasMessageContaining("unknown escape sequence U+0071 'q'");
    }

    @Test
    void commentsAreIgnored() {
        Expr e = parseExpr("# leading\nsum(x) # trailing\n  + 1 # end");
        assertThat(e).isInstanceOf(BinaryExpr.class);
    }

    // ---- selectors ----

    @Test
    void selectorWithEveryMatcherKind() {
        VectorSelector vs = selector("http_requests{a=\"1\", b!=\"2\", c=~\"3.*\", d!~'4'}");
        assertThat(vs.name()).isEqualTo("http_requests");
        assertThat(vs.matchers()).containsExactly(
                Matcher.of(MatchType.EQUAL, "a", "1"), Matcher.of(MatchType.NOT_EQUAL, "b", "2"),
                Matcher.of(MatchType.REGEX, "c", "3.*"), Matcher.of(MatchType.NOT_REGEX, "d", "4"),
                Matcher.equal("__name__", "http_requests"));
        assertThat(vs.type()).isEqualTo(ValueType.VECTOR);
        assertThat(vs.atKind()).isEqualTo(AtModifier.NONE);
    }

    @Test
    void quotedUtf8MetricAndLabelNames() {
        // As in Prometheus, a name inside the braces is a matcher in place; name() is only the bare name.
        VectorSelector vs = selector("{\"my.metric\", \"label.x\"=\"v\"}");
        assertThat(vs.name()).isEmpty();
        assertThat(vs.matchers()).containsExactly(Matcher.equal("__name__", "my.metric"), Matcher.equal("label.x", "v"));
        assertThat(selector("{\"a\", __name__=\"b\"}").matchers()).hasSize(2);
    }

    @Test
    void selectorWithoutNameNeedsANonEmptyMatcher() {
        assertThat(selector("{job=\"x\"}").name()).isEmpty();
        assertThat(selector("{__name__=~\"a|b\"}").matchers()).hasSize(1);
        assertThatThrownBy(() -> parseExpr("{job=~\".*\"}"))
                .hasMessage("1:1: parse error: vector selector must contain at least one non-empty matcher");
    }

    @Test
    void trailingCommaInMatchersAndColonsInMetricNames() {
        VectorSelector vs = selector("job:rate5m:sum{a=\"b\",}");
        assertThat(vs.name()).isEqualTo("job:rate5m:sum");
        assertThat(vs.matchers()).hasSize(2);
    }

    @Test
    void keywordsThatCannotStartAModifierCanBeMetricNames() {
        assertThatThrownBy(() -> parseExpr("bool")).isInstanceOf(ParseException.class);
        assertThat(selector("foo{bool=\"x\", on=\"y\"}").matchers()).hasSize(3);
        assertThat(selector("NaN_metric{NaN=\"x\"}").matchers()).contains(Matcher.equal("NaN", "x"));
    }

    @Test
    void keywordsCanBeMetricAndLabelNames() {
        assertThat(selector("offset").name()).isEqualTo("offset");
        assertThat(selector("sum{by=\"x\"}").matchers()).contains(Matcher.equal("by", "x"));
        AggregateExpr a = (AggregateExpr) parseExpr("sum by (on, bool) (by)");
        assertThat(a.grouping()).containsExactly("on", "bool");
        assertThat(((VectorSelector) a.expr()).name()).isEqualTo("by");
    }

    @Test
    void metricNameSetTwiceIsAnError() {
        assertThatThrownBy(() -> parseExpr("foo{__name__=\"bar\"}"))
                .hasMessageContaining("metric name must not be set twice: \"foo\" or \"bar\"");
        assertThatThrownBy(() -> parseExpr("foo{\"bar\"}")).hasMessageContaining("metric name must not be set twice");
    }

    @Test
    void rangeSelectorWithDurationOrSeconds() {
        MatrixSelector ms = (MatrixSelector) parseExpr("foo[1h30m]");
        assertThat(ms.rangeMillis()).isEqualTo(5_400_000);
        assertThat(ms.type()).isEqualTo(ValueType.MATRIX);
        assertThat(((MatrixSelector) parseExpr("foo[100]")).rangeMillis()).isEqualTo(100_000);
        assertThat(((MatrixSelector) parseExpr("foo[1.5]")).rangeMillis()).isEqualTo(1_500);
    }

    @Test
    void offsetAndAtModifiersInEitherOrder() {
        VectorSelector a = selector("foo offset 5m @ 100");
        VectorSelector b = selector("foo @ 100 offset 5m");
        assertThat(a.offsetMillis()).isEqualTo(300_000).isEqualTo(b.offsetMillis());
        assertThat(a.atMillis()).isEqualTo(100_000L).isEqualTo(b.atMillis());
        assertThat(a.atKind()).isEqualTo(AtModifier.TIMESTAMP);
    }

    @Test
    void negativeOffsetsAndNumericOffsets() {
        assertThat(selector("foo offset -1m").offsetMillis()).isEqualTo(-60_000);
        assertThat(selector("foo offset 50").offsetMillis()).isEqualTo(50_000);
        assertThat(selector("foo offset -50").offsetMillis()).isEqualTo(-50_000);
    }

    @Test
    void atModifierForms() {
        assertThat(selector("foo @ start()").atKind()).isEqualTo(AtModifier.START);
        assertThat(selector("foo @ end()").atKind()).isEqualTo(AtModifier.END);
        assertThat(selector("foo @ 1.234").atMillis()).isEqualTo(1_234L);
        assertThat(selector("foo @ -5").atMillis()).isEqualTo(-5_000L);
        assertThat(selector("foo @ 1m40s").atMillis()).isEqualTo(100_000L);
        assertThat(selector("foo @ start()").atMillis()).isNull();
    }

    @Test
    void modifiersAfterARangeLandOnTheInnerSelector() {
        MatrixSelector ms = (MatrixSelector) parseExpr("foo[5m] offset 1m @ end()");
        assertThat(ms.selector().offsetMillis()).isEqualTo(60_000);
        assertThat(ms.selector().atKind()).isEqualTo(AtModifier.END);
        assertThat(ms.rangeMillis()).isEqualTo(300_000);
    }

    @Test
    void subqueries() {
        SubqueryExpr sq = (SubqueryExpr) parseExpr("rate(foo[5m])[1h:1m] offset 10m @ 1000");
        assertThat(sq.rangeMillis()).isEqualTo(3_600_000);
        assertThat(sq.stepMillis()).isEqualTo(60_000);
        assertThat(sq.offsetMillis()).isEqualTo(600_000);
        assertThat(sq.atMillis()).isEqualTo(1_000_000L);
        assertThat(sq.expr()).isInstanceOf(Call.class);
        assertThat(((SubqueryExpr) parseExpr("foo[5m:]")).stepMillis()).isZero();
        assertThat(((SubqueryExpr) parseExpr("(foo)[30:10]")).stepMillis()).isEqualTo(10_000);
    }

    // ---- operators ----

    @Test
    void multiplicationBindsTighterThanAddition() {
        BinaryExpr e = (BinaryExpr) parseExpr("a + b * c");
        assertThat(e.op()).isEqualTo(BinaryOp.ADD);
        assertThat(((BinaryExpr) e.rhs()).op()).isEqualTo(BinaryOp.MUL);
    }

    @Test
    void leftAssociativeOperators() {
        BinaryExpr e = (BinaryExpr) parseExpr("a - b - c");
        assertThat(((BinaryExpr) e.lhs()).op()).isEqualTo(BinaryOp.SUB);
        assertThat(e.rhs()).isInstanceOf(VectorSelector.class);
    }

    @Test
    void powerIsRightAssociative() {
        BinaryExpr e = (BinaryExpr) parseExpr("2 ^ 3 ^ 2");
        assertThat(e.lhs()).isInstanceOf(NumberLiteral.class);
        assertThat(((BinaryExpr) e.rhs()).op()).isEqualTo(BinaryOp.POW);
    }

    @Test
    void unaryMinusBindsLooserThanPowerAndTighterThanMultiplication() {
        UnaryExpr neg = (UnaryExpr) ((BinaryExpr) parseExpr("-a ^ b * c")).lhs();
        assertThat(neg.op()).isEqualTo(UnaryOp.NEG);
        assertThat(((BinaryExpr) neg.expr()).op()).isEqualTo(BinaryOp.POW);
        // -2^2 is -(2^2), not a literal -2 squared.
        assertThat(parseExpr("-2 ^ 2")).isInstanceOf(UnaryExpr.class);
    }

    @Test
    void precedenceOfSetAndComparisonOperators() {
        BinaryExpr e = (BinaryExpr) parseExpr("a or b and c unless d > e");
        assertThat(e.op()).isEqualTo(BinaryOp.OR);
        BinaryExpr rhs = (BinaryExpr) e.rhs();
        assertThat(rhs.op()).isEqualTo(BinaryOp.UNLESS);
        assertThat(((BinaryExpr) rhs.lhs()).op()).isEqualTo(BinaryOp.AND);
        assertThat(((BinaryExpr) rhs.rhs()).op()).isEqualTo(BinaryOp.GTR);
        assertThat(rhs.matching().card()).isEqualTo(Cardinality.MANY_TO_MANY);
    }

    @Test
    void atan2AndModAreMultiplicative() {
        BinaryExpr e = (BinaryExpr) parseExpr("a + b atan2 c % d");
        assertThat(e.op()).isEqualTo(BinaryOp.ADD);
        assertThat(((BinaryExpr) e.rhs()).op()).isEqualTo(BinaryOp.MOD);
    }

    @Test
    void histogramTrimOperatorsAreMultiplicative() {
        BinaryExpr e = (BinaryExpr) parseExpr("h </ 2 + 1");
        assertThat(e.op()).isEqualTo(BinaryOp.ADD);
        assertThat(((BinaryExpr) e.lhs()).op()).isEqualTo(BinaryOp.TRIM_UPPER);
        BinaryExpr lower = (BinaryExpr) parseExpr("h >/ on (a) f");
        assertThat(lower.op()).isEqualTo(BinaryOp.TRIM_LOWER);
        assertThat(lower.matching().on()).isTrue();
        // As in Prometheus, any operand types parse; what has no meaning is refused or annotated when evaluated.
        assertThat(((BinaryExpr) parseExpr("1 </ 2")).type()).isEqualTo(ValueType.SCALAR);
    }

    @Test
    void keywordsAreCaseInsensitive() {
        AggregateExpr a = (AggregateExpr) parseExpr("SUM(x) BY (job)");
        assertThat(a.op()).isEqualTo(AggregateOp.SUM);
        assertThat(a.grouping()).containsExactly("job");
        assertThat(((BinaryExpr) parseExpr("a AND b")).op()).isEqualTo(BinaryOp.AND);
        assertThat(selector("foo OFFSET 1m").offsetMillis()).isEqualTo(60_000);
    }

    @Test
    void boolModifierOnComparisons() {
        BinaryExpr e = (BinaryExpr) parseExpr("1 > bool 2");
        assertThat(e.returnBool()).isTrue();
        assertThat(e.type()).isEqualTo(ValueType.SCALAR);
        assertThat(e.matching()).isNull();
    }

    @Test
    void vectorMatchingClauses() {
        BinaryExpr on = (BinaryExpr) parseExpr("a * on(x, y) group_left(z) b");
        assertThat(on.matching()).isEqualTo(new VectorMatching(Cardinality.MANY_TO_ONE, List.of("x", "y"), true, List.of("z")));
        BinaryExpr ign = (BinaryExpr) parseExpr("a / ignoring(x) group_right b");
        assertThat(ign.matching()).isEqualTo(new VectorMatching(Cardinality.ONE_TO_MANY, List.of("x"), false, List.of()));
        BinaryExpr plain = (BinaryExpr) parseExpr("a - b");
        assertThat(plain.matching()).isEqualTo(new VectorMatching(Cardinality.ONE_TO_ONE, List.of(), false, List.of()));
        BinaryExpr quoted = (BinaryExpr) parseExpr("a - on(\"label.x\") b");
        assertThat(quoted.matching().matchingLabels()).containsExactly("label.x");
        assertThat(((BinaryExpr) parseExpr("a + 1")).matching()).isNull();
    }

    // ---- aggregations and functions ----

    @Test
    void groupingBeforeOrAfterTheArguments() {
        AggregateExpr before = (AggregateExpr) parseExpr("sum without (a, b) (x)");
        AggregateExpr after = (AggregateExpr) parseExpr("sum(x) without (a, b)");
        assertThat(before.without()).isTrue();
        assertThat(before.grouping()).containsExactly("a", "b").isEqualTo(after.grouping());
        assertThat(after.without()).isTrue();
    }

    @Test
    void aggregationsWithParameters() {
        AggregateExpr topk = (AggregateExpr) parseExpr("topk by (job) (5, rate(x[5m]))");
        assertThat(topk.op()).isEqualTo(AggregateOp.TOPK);
        assertThat(topk.param()).isEqualTo(new NumberLiteral(5, new PositionRange(15, 16)));
        AggregateExpr cv = (AggregateExpr) parseExpr("count_values(\"v\", x)");
        assertThat(cv.param()).isInstanceOf(StringLiteral.class);
        for (String op : List.of("quantile(0.5, x)", "bottomk(1, x)", "limitk(2, x)", "limit_ratio(0.5, x)")) {
            assertThat(((AggregateExpr) parseExpr(op)).param()).isNotNull();
        }
        for (String op : List.of("avg", "count", "min", "max", "group", "stddev", "stdvar")) {
            assertThat(((AggregateExpr) parseExpr(op + "(x)")).param()).isNull();
        }
    }

    @Test
    void functionCallsAreTyped() {
        Call c = (Call) parseExpr("histogram_quantile(0.9, rate(h_bucket[5m]))");
        assertThat(c.function().name()).isEqualTo("histogram_quantile");
        assertThat(c.args()).hasSize(2);
        assertThat(((Call) parseExpr("time()")).type()).isEqualTo(ValueType.SCALAR);
        assertThat(((Call) parseExpr("label_join(x, \"d\", \",\", \"a\", \"b\", \"c\")")).args()).hasSize(6);
        assertThat(((Call) parseExpr("round(x)")).args()).hasSize(1);
        assertThat(((Call) parseExpr("day_of_week()")).args()).isEmpty();
    }

    @Test
    void infoAcceptsASelectorMatchingEverythingAsItsSecondArgument() {
        Call c = (Call) parseExpr("info(metric, {data=~\".*\"})");
        assertThat(((VectorSelector) c.args().get(1)).matchers()).hasSize(1);
    }

    @Test
    void startAndEndAreFunctionsAndMetricNames() {
        assertThat(((Call) parseExpr("start()")).function().name()).isEqualTo("start");
        assertThat(((Call) parseExpr("end()")).type()).isEqualTo(ValueType.SCALAR);
        assertThat(selector("start{end=\"foo\"}").name()).isEqualTo("start");
        assertThat(((BinaryExpr) parseExpr("foo unless on(start) bar")).matching().matchingLabels()).containsExactly("start");
    }

    @Test
    void experimentalFunctionsCanBeDisabled() {
        PromQLParser strict = new PromQLParser(false);
        assertThatThrownBy(() -> strict.parse("mad_over_time(x[5m])"))
                .hasMessage("1:1: parse error: function \"mad_over_time\" is not enabled");
        assertThatThrownBy(() -> strict.parse("limitk(1, x)")).hasMessageContaining("experimental");
        assertThat(strict.parse("rate(x[5m])")).isInstanceOf(Call.class);
    }

    @Test
    void parenthesesAreKept() {
        ParenExpr p = (ParenExpr) parseExpr("((1))");
        assertThat(p.expr()).isInstanceOf(ParenExpr.class);
        assertThat(p.type()).isEqualTo(ValueType.SCALAR);
    }

    @Test
    void positionsCoverTheNodeText() {
        String q = "sum(rate(foo{a=\"b\"}[5m])) + 1";
        BinaryExpr e = (BinaryExpr) parseExpr(q);
        AggregateExpr sum = (AggregateExpr) e.lhs();
        Call rate = (Call) sum.expr();
        MatrixSelector ms = (MatrixSelector) rate.args().get(0);
        assertThat(q.substring(sum.position().start(), sum.position().end())).isEqualTo("sum(rate(foo{a=\"b\"}[5m]))");
        assertThat(q.substring(rate.position().start(), rate.position().end())).isEqualTo("rate(foo{a=\"b\"}[5m])");
        assertThat(q.substring(ms.position().start(), ms.position().end())).isEqualTo("foo{a=\"b\"}[5m]");
        assertThat(e.position()).isEqualTo(new PositionRange(0, q.length()));
    }

    @Test
    void positionsCountCharsEvenAfterSupplementaryCharacters() {
        String q = "\"\uD83D\uDE00\" + foo";
        ParseException e = org.junit.jupiter.api.Assertions.assertThrows(ParseException.class, () -> parseExpr(q));
        // The string is not allowed in arithmetic: the error points at it, in chars.
        assertThat(e.position()).isEqualTo(new PositionRange(0, 4));
    }

    // ---- other entry points ----

    @Test
    void metricSelectorForMatchParameters() {
        assertThat(PromQLParser.parseMetricSelector("up{job=\"api\"}"))
                .containsExactly(Matcher.equal("job", "api"), Matcher.equal("__name__", "up"));
        assertThat(PromQLParser.parseMetricSelector("{\"a.b\"}")).containsExactly(Matcher.equal("__name__", "a.b"));
        assertThatThrownBy(() -> PromQLParser.parseMetricSelector("up + 1")).isInstanceOf(ParseException.class)
                .hasMessageContaining("1:4: parse error: unexpected <op:+>");
        assertThatThrownBy(() -> PromQLParser.parseMetricSelector("rate(up[5m])")).isInstanceOf(ParseException.class);
    }

    @Test
    void durations() {
        assertThat(PromQLParser.parseDuration("1h30m")).isEqualTo(5_400_000);
        assertThat(PromQLParser.parseDuration("500ms")).isEqualTo(500);
        assertThat(PromQLParser.parseDuration("0")).isZero();
        assertThat(PromQLParser.parseDuration("2w")).isEqualTo(14L * 86_400_000);
        assertThatThrownBy(() -> PromQLParser.parseDuration("1.5")).isInstanceOf(ParseException.class)
                .hasMessageContaining("not a valid duration string");
        assertThatThrownBy(() -> PromQLParser.parseDuration("30m1h")).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> PromQLParser.parseDuration("")).isInstanceOf(ParseException.class);
    }
}
