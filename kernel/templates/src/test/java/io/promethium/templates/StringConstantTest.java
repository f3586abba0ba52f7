package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * String constants as Go's text/template reads them: the lexer finds the closing quote
 * ("unterminated quoted string" at a newline or the end), the parser unquotes with
 * {@code strconv.Unquote}, whose refusals are all "invalid syntax"; a raw string loses its
 * carriage returns.
 */
class StringConstantTest {

    private static String run(String text) {
        try {
            return Template.parse("t", text, Dialect.ALERTMANAGER, null).execute(null, QueryFunction.NONE, "");
        } catch (TemplateException e) {
            return e.getMessage();
        }
    }

    @Test
    void gosEscapesAreRead() {
        assertThat(run("{{\"a\\tb\\x41\\u00e9\\U0001F600\\101\\\\\\\"\"}}")).isEqualTo("a\tbA\u00e9\uD83D\uDE00A\\\"");
        assertThat(run("{{`a\r\nb`}}")).as("strconv.Unquote drops a raw string's carriage returns").isEqualTo("a\nb");
    }

    @Test
    void aBadEscapeIsInvalidSyntaxAtTheStringsLine() {
        assertThat(run("{{\"\\q\"}}")).isEqualTo("template: t:1: invalid syntax");
        assertThat(run("{{\"\\'\"}}")).as("a single quote is not escaped in a double-quoted string").isEqualTo("template: t:1: invalid syntax");
        assertThat(run("{{\"\\x4\"}}")).isEqualTo("template: t:1: invalid syntax");
        assertThat(run("{{\"\\ud800\"}}")).isEqualTo("template: t:1: invalid syntax");
        assertThat(run("{{\"\\U00110000\"}}")).isEqualTo("template: t:1: invalid syntax");
        assertThat(run("{{\"\\400\"}}")).isEqualTo("template: t:1: invalid syntax");
        assertThat(run("{{\"\\18\"}}")).isEqualTo("template: t:1: invalid syntax");
        assertThat(run("{{.X\n\"\\q\"}}")).as("a parser error names no action start").isEqualTo("template: t:2: invalid syntax");
        assertThat(run("{{\"a\\\"}}")).isEqualTo("template: t:1: unterminated quoted string");
    }
}
