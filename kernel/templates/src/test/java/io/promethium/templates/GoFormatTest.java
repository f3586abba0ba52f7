package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.goformat.GoFloat;
import io.promethium.templates.GoFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings are what Go's fmt and strconv print for the same values. */
class GoFormatTest {

    @Test
    void percentVOfFloatsIsShortestGWithExponentFromSixDigits() {
        assertThat(GoFloat.formatG(1)).isEqualTo("1");
        assertThat(GoFloat.formatG(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(GoFloat.formatG(123456)).isEqualTo("123456");
        assertThat(GoFloat.formatG(1234567)).isEqualTo("1.234567e+06");
        assertThat(GoFloat.formatG(0.0001234)).isEqualTo("0.0001234");
        assertThat(GoFloat.formatG(0.00001234)).isEqualTo("1.234e-05");
        assertThat(GoFloat.formatG(1e100)).isEqualTo("1e+100");
        assertThat(GoFloat.formatG(-0.0)).isEqualTo("-0");
        assertThat(GoFloat.formatG(Double.NaN)).isEqualTo("NaN");
        assertThat(GoFloat.formatG(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    }

    @Test
    void percentPointFourGRoundsHalfToEvenOnTheExactValue() {
        assertThat(GoFloat.formatG(100, 4)).isEqualTo("100");
        assertThat(GoFloat.formatG(12345, 4)).isEqualTo("1.234e+04");
        assertThat(GoFloat.formatG(1.5, 4)).isEqualTo("1.5");
        assertThat(GoFloat.formatG(1234.5, 4)).isEqualTo("1234");
        assertThat(GoFloat.formatG(0.00012345, 4)).as("exact value is 0.000123449999...").isEqualTo("0.0001234");
    }

    @Test
    void fixedAndExponentVerbs() {
        assertThat(GoFloat.formatF(2.675, 2)).isEqualTo("2.67");
        assertThat(GoFloat.formatF(-1.5, 0)).isEqualTo("-2");
        assertThat(GoFloat.formatF(0.5, 0)).isEqualTo("0");
        assertThat(GoFloat.formatE(0, 2)).isEqualTo("0.00e+00");
        assertThat(GoFloat.formatE(-123.456, 3)).isEqualTo("-1.235e+02");
    }

    @Test
    void quoteEscapesLikeStrconvQuote() {
        assertThat(GoFormat.quote("a\"b\\c\n\t\u0001é")).isEqualTo("\"a\\\"b\\\\c\\n\\t\\x01é\"");
    }

    @Test
    void printOfMapsAndListsIsSortedGoSyntax() {
        assertThat(GoFormat.print(Map.of("b", "2", "a", "1"))).isEqualTo("map[a:1 b:2]");
        assertThat(GoFormat.print(List.of(1L, "x"))).isEqualTo("[1 x]");
        assertThat(GoFormat.print(null)).as("fmt's nil").isEqualTo("<nil>");
        assertThat(GoFormat.printAction(null)).as("an action's nil, no value").isEqualTo("<no value>");
    }

    @Test
    void sprintfReportsMistakesInline() {
        assertThat(GoFormat.sprintf("%s", List.of(1.5))).isEqualTo("%!s(float64=1.5)");
        assertThat(GoFormat.sprintf("x", List.of("extra"))).isEqualTo("x%!(EXTRA string=extra)");
        assertThat(GoFormat.sprintf("%+d|%x|%X|%#x", List.of(5L, 255L, "hi", 16L))).isEqualTo("+5|ff|6869|0x10");
        assertThat(GoFormat.sprintf("%08.3f|%-6d|", List.of(-3.14159, 42L))).isEqualTo("-003.142|42    |");
        assertThat(GoFormat.sprintf("%t %v", List.of(true, Map.of("k", "v")))).isEqualTo("true map[k:v]");
    }
}
