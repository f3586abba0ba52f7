package io.promethium.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promethium.promql.ast.PositionRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParseErrorTest {

    private static ParseException error(String query) {
        return assertThrows(ParseException.class, () -> PromQLParser.parseExpr(query));
    }

    @Test
    void endOfInputIsReportedWhereTheInputEnds() {
        ParseException e = error("1 +");
        assertThat(e.getMessage()).isEqualTo("1:4: parse error: unexpected end of input");
        assertThat(e.position()).isEqualTo(new PositionRange(3, 3));
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).isEqualTo(4);
        assertThat(e.detail()).isEqualTo("unexpected end of input");
    }

    @Test
    void lineAndColumnCountFromTheLastNewline() {
        ParseException e = error("sum(\n  rate(x[5m])\n) by (job) )");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(12);
        assertThat(e.getMessage()).isEqualTo("3:12: parse error: unexpected right parenthesis ')'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sum(                      | 1:5: parse error: unclosed left parenthesis",
            "foo[5m                    | 1:7: parse error: unclosed left bracket",
            "foo{a=\"b\"               | 1:10: parse error: unexpected end of input inside braces",
            "foo}                      | 1:4: parse error: unexpected character: '}'",
            "x $ y                     | 1:3: parse error: unexpected character: '$'",
            "foo{a.b=\"c\"}            | 1:6: parse error: unexpected character inside braces: '.'",
            "\"abc                     | 1:1: parse error: unterminated quoted string",
            "`abc                      | 1:1: parse error: unterminated raw string",
            "foo{a}                    | 1:6: parse error: unexpected \"}\" in label matching, expected label matching operator",
            "foo{a=b}                  | 1:7: parse error: unexpected identifier \"b\" in label matching, expected string",
            "1 2                       | 1:3: parse error: unexpected number \"2\", expected end of input",
            "sum by job (x)            | 1:8: parse error: unexpected identifier \"job\" in grouping opts, expected \"(\"",
            "foo offset x              | 1:12: parse error: unexpected identifier \"x\" in offset, expected number, duration, step(), or range()",
            "foo @ x                   | 1:7: parse error: unexpected identifier \"x\" in @, expected timestamp",
            "foo[]                     | 1:5: parse error: unexpected \"]\" in subquery or range selector, expected number, duration, step(), or range()",
            "foo{a=\"b\" c=\"d\"}        | 1:11: parse error: unexpected identifier \"c\" in label matching, expected \",\" or \"}\"",
            "foo[5m:x]                 | 1:8: parse error: unexpected character in duration expression: 'x'",
            "foo[5m:5m:]               | 1:10: parse error: unexpected \":\", expected \"]\"",
            "foo[5x]                   | 1:5: parse error: bad number or duration syntax: \"5x\"",
            "foo[5mm]                  | 1:5: parse error: bad number or duration syntax: \"5mm\"",
            "2.5.                      | 1:1: parse error: bad number or duration syntax: \"2.5.\"",
            "0x1g                      | 1:1: parse error: bad number or duration syntax: \"0x1g\"",
            "1 =~ 1                    | 1:3: parse error: unexpected character after '=': '~'",
            "1 !~ 1                    | 1:3: parse error: unexpected character after '!': '~'",
            "foo{a:b=\"b\"}            | 1:6: parse error: unexpected character inside braces: ':'",
            "foo{1}                    | 1:5: parse error: unexpected character inside braces: '1'",
            "foo{a>=\"b\"}             | 1:6: parse error: unexpected character inside braces: '>'",
            "foo{,}                    | 1:5: parse error: unexpected \",\" in label matching, expected identifier or \"}\"",
            "foo{\"a\"=}                | 1:9: parse error: unexpected \"}\" in label matching, expected string",
            "sum without(==)(x)        | 1:13: parse error: unexpected <op:==> in grouping opts, expected label",
            "sum without(,)(x)         | 1:13: parse error: unexpected \",\" in grouping opts, expected label",
            "sum by (a b) (x)          | 1:11: parse error: unexpected identifier \"b\" in grouping opts, expected \",\" or \")\"",
            "sum x by (test)           | 1:5: parse error: unexpected identifier \"x\"",
            "sum (x) without (a) by (b)| 1:21: parse error: unexpected <by>",
            "-=                        | 1:2: parse error: unexpected \"=\"",
            "a>b()                     | 1:3: parse error: unknown function with name \"b\"",
            "info(x, target_info{a=\"b\"}) | 1:9: parse error: expected label selectors only, got vector selector instead",
            "info(x, {a=\"b\"} == 1)     | 1:9: parse error: expected label selectors only",
            "@@                        | 1:1: parse error: unexpected <op:@>",
            "a - on(b) ignoring(c) d   | 1:11: parse error: unexpected <ignoring>",
            "foo + group_left(baz) bar | 1:7: parse error: unexpected <group_left>",
            "\"\\x.\"                    | 1:1: parse error: illegal character U+002E '.' in escape sequence",
            "999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999 | 1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999\": value out of range",
            "foo[0s]                   | 1:5: parse error: duration must be greater than 0",
            "foo[5m30h]                | 1:5: parse error: not a valid duration string: \"5m30h\"",
            "rate(foo)                 | 1:6: parse error: expected type range vector in call to function \"rate\", got instant vector",
            "rate(foo[5m], 1)          | 1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2",
            "label_join(foo)           | 1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1",
            "round(foo, 1, 2)          | 1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3",
            "rate(foo[5m],)            | 1:13: parse error: trailing commas not allowed in function call args",
            "nonexistent(foo)          | 1:1: parse error: unknown function with name \"nonexistent\"",
            "sum(foo[5m])              | 1:5: parse error: expected type instant vector in aggregation expression, got range vector",
            "topk(foo)                 | 1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1",
            "sum()                     | 1:1: parse error: no arguments for aggregate expression provided",
            "topk(\"a\", foo)          | 1:6: parse error: expected type scalar in aggregation parameter, got string",
            "count_values(1, foo)      | 1:14: parse error: expected type string in aggregation parameter, got scalar",
            "foo[5m] + 1               | 1:1: parse error: binary expression must contain only scalar and instant vector types",
            "1 + \"a\"                 | 1:5: parse error: binary expression must contain only scalar and instant vector types",
            "1 == 1                    | 1:3: parse error: comparisons between scalars must use BOOL modifier",
            "a + bool b                | 1:3: parse error: bool modifier can only be used on comparison operators",
            "1 + on(a) foo             | 1:1: parse error: vector matching only allowed between instant vectors",
            "a and on(b) group_left c  | 1:1: parse error: no grouping allowed for \"and\" operation",
            "1 and foo                 | 1:1: parse error: set operator \"and\" not allowed in binary scalar expression",
            "a * on(x) group_left(x) b | 1:3: parse error: label \"x\" must not occur in ON and GROUP clause at once",
            "-\"a\"                    | 1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"string\"",
            "sum(foo) offset 5m        | 1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
            "sum(foo) @ 5              | 1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
            "foo offset 1m offset 2m   | 1:1: parse error: offset may not be set multiple times",
            "foo @ 1 @ 2               | 1:1: parse error: @ <timestamp> may not be set multiple times",
            "foo offset 1m [5m]        | 1:15: parse error: no offset modifiers allowed before range",
            "foo @ 1 [5m]              | 1:9: parse error: no @ modifiers allowed before range",
            "(foo)[5m]                 | 1:6: parse error: ranges only allowed for vector selectors",
            "foo[5m][10m:]             | 1:1: parse error: subquery is only allowed on instant vector, got matrix instead",
            "foo @ Inf                 | 1:1: parse error: timestamp out of bounds for @ modifier: +Inf",
            "foo{a=~\"(\"}             | 1:5: parse error: invalid regular expression \"(\": Unclosed group",
    })
    void messagesSayWhatAndWhere(String query, String message) {
        // The query column is padded for reading; the padding is not part of the query.
        assertThat(error(query.strip()).getMessage()).isEqualTo(message.strip());
    }

    @Test
    void anEmptyQueryHasNoExpression() {
        assertThat(error("").getMessage()).isEqualTo("1:1: parse error: no expression found in input");
        assertThat(error("# just a comment\n\n").getMessage()).isEqualTo("1:1: parse error: no expression found in input");
    }

    @Test
    void deepNestingIsRefusedWithAParseError() {
        String deep = "(".repeat(100_000) + "1" + ")".repeat(100_000);
        assertThat(error(deep).getMessage()).contains("nested too deeply");
        String signs = "-".repeat(100_000) + "1";
        assertThat(error(signs).getMessage()).contains("nested too deeply");
    }

    @Test
    void aLongOperatorChainParses() {
        String chain = "1" + " + 1".repeat(5_000);
        assertThat(PromQLParser.parseExpr(chain).type()).isEqualTo(io.promethium.promql.ast.ValueType.SCALAR);
    }
}
