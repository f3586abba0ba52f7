package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Parse errors worded as Go's text/template (parse/lex.go, parse/parse.go). The first table is
 * Go's own {@code errorTests} of {@code src/text/template/parse/parse_test.go} (Copyright 2011 The
 * Go Authors, used under Go's BSD-style licence, https://go.dev/LICENSE): each message must contain
 * Go's expected text. The second gives whole messages, each compared with the Debian promtool's
 * {@code check rules} on an annotation holding the template (Go 1.19's text/template); where
 * Go's newer lexer words a case differently (a stray right parenthesis), the newer wording is
 * kept, as Prometheus 3 is built with it.
 */
class GoParseErrorsTest {

    private static String parseError(String name, String text) {
        try {
            Template.parse(name, text, Dialect.PROMETHEUS, null);
            return "";
        } catch (TemplateException e) {
            return e.getMessage();
        }
    }

    private static final String[][] GO_ERROR_TESTS = {
        {"unclosed1", "line1\n{{", "unclosed1:2: unclosed action"},
        {"unclosed2", "line1\n{{define `x`}}line2\n{{", "unclosed2:3: unclosed action"},
        {"unclosed3", "line1\n{{\"x\"\n\"y\"\n", "unclosed3:4: unclosed action started at unclosed3:2"},
        {"unclosed4", "{{\n\n\n\n\n", "unclosed4:6: unclosed action started at unclosed4:1"},
        {"var1", "line1\n{{\nx\n}}", "var1:3: function \"x\" not defined"},
        {"function", "{{foo}}", "function \"foo\" not defined"},
        {"comment1", "{{/*}}", "comment1:1: unclosed comment"},
        {"comment2", "{{/*\nhello\n}}", "comment2:1: unclosed comment"},
        {"lparen", "{{.X (1 2 3}}", "unclosed left paren"},
        {"rparen", "{{.X 1 2 3 ) }}", "unexpected right paren"},
        {"rparen2", "{{(.X 1 2 3", "unclosed action"},
        {"space", "{{`x`3}}", "in operand"},
        {"idchar", "{{a#}}", "'#'"},
        {"charconst", "{{'a}}", "unterminated character constant"},
        {"stringconst", "{{\"a}}", "unterminated quoted string"},
        {"rawstringconst", "{{`a}}", "unterminated raw quoted string"},
        {"number", "{{0xi}}", "number syntax"},
        {"multidefine", "{{define `a`}}a{{end}}{{define `a`}}b{{end}}", "multiple definition of template"},
        {"eof", "{{range .X}}", "unexpected EOF"},
        {"variable", "{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}", "unexpected \":=\""},
        {"multidecl", "{{$a,$b,$c := 23}}", "too many declarations"},
        {"undefvar", "{{$a}}", "undefined variable"},
        {"wrongdot", "{{true.any}}", "unexpected . after term"},
        {"wrongpipeline", "{{12|false}}", "non executable command in pipeline"},
        {"emptypipeline", "{{ ( ) }}", "missing value for parenthesized pipeline"},
        {"multilinerawstring", "{{ $v := `\n` }} {{", "multilinerawstring:2: unclosed action"},
        {"rangeundefvar", "{{range $k}}{{end}}", "undefined variable"},
        {"rangeundefvars", "{{range $k, $v}}{{end}}", "undefined variable"},
        {"rangemissingvalue1", "{{range $k,}}{{end}}", "missing value for range"},
        {"rangemissingvalue2", "{{range $k, $v := }}{{end}}", "missing value for range"},
        {"rangenotvariable1", "{{range $k, .}}{{end}}", "range can only initialize variables"},
        {"rangenotvariable2", "{{range $k, 123 := .}}{{end}}", "range can only initialize variables"},
    };

    @Test
    void everyRowOfGosErrorTestsFailsWithGosWords() {
        for (String[] row : GO_ERROR_TESTS) {
            assertThat(parseError(row[0], row[1])).as(row[0]).contains(row[2]);
        }
    }

    /** Template text, then the message promtool's check rules prints for it (template name t). */
    private static final String[][] PROMTOOL_MESSAGES = {
        {"{{ .Labels.instance }", "template: t:1: unexpected \"}\" in operand"},
        {"{{with $v, $u := 3}}{{end}}", "template: t:1: too many declarations in with"},
        {"{{range $u, $v, $w := 3}}{{end}}", "template: t:1: too many declarations in range"},
        {"{{$a,$b,$c := 23}}", "template: t:1: too many declarations in command"},
        {"{{range $k,}}{{end}}", "template: t:1: missing value for range"},
        {"{{range $k, .}}{{end}}", "template: t:1: range can only initialize variables"},
        {"{{printf (printf .).}}", "template: t:1: unexpected <.> in operand"},
        {"{{ .A.B. }}", "template: t:1: unexpected <.> in operand"},
        {"{{printf 3`x`}}", "template: t:1: unexpected \"`x`\" in operand"},
        {"{{`x`3}}", "template: t:1: unexpected \"3\" in operand"},
        {"{{ 1..2 }}", "template: t:1: unexpected \".2\" in operand"},
        {"{{$x := .}}{{$x!2}}", "template: t:1: bad character U+0021 '!'"},
        {"{{$x := .}}{{$x+2}}", "template: t:1: bad character U+002B '+'"},
        {"{{a#}}", "template: t:1: bad character U+0023 '#'"},
        {"{{ .Labels.foo-bar }}", "template: t:1: bad character U+002D '-'"},
        {"{{ .Labels.\"foo\" }}", "template: t:1: bad character U+0022 '\"'"},
        {"{{ .Labels[0] }}", "template: t:1: bad character U+005B '['"},
        {"{{ $ }}{{ $$ }}", "template: t:1: bad character U+0024 '$'"},
        {"{{12|.}}", "template: t:1: non executable command in pipeline stage 2"},
        {"{{.|12|printf}}", "template: t:1: non executable command in pipeline stage 2"},
        {"{{.|printf|\"error\"}}", "template: t:1: non executable command in pipeline stage 3"},
        {"{{'c'|nil}}", "template: t:1: non executable command in pipeline stage 2"},
        {"{{define `a`}}a{{end}}{{define `a`}}b{{end}}", "template: t:1: template: multiple definition of template \"a\""},
        {"{{ := }}", "template: t:1: unexpected \":=\" in command"},
        {"{{ = }}", "template: t:1: unexpected \"=\" in command"},
        {"{{ , }}", "template: t:1: unexpected \",\" in command"},
        {"{{ | }}", "template: t:1: unexpected \"|\" in command"},
        {"{{ .Value || humanize }}", "template: t:1: unexpected \"|\" in command"},
        {"{{ ( }}", "template: t:1: unclosed left paren"},
        {"{{ range $i, $v := .Labels }}{{ else if }}{{ end }}", "template: t:1: unexpected <if> in input"},
        {"{{ if }}x{{ end }}", "template: t:1: missing value for if"},
        // Go's newer lexer (Prometheus 3); Go 1.19 said: unexpected ")" in command.
        {"{{ .Value ) }}", "template: t:1: unexpected right paren"},
        // Accepted by Go's parser.
        {"{{ .Value | }}", ""},
        {"{{ humanize 1 | }}", ""},
        {"{{ $x = 1 }}", ""},
    };

    @Test
    void malformedTemplatesFailWithTheMessagesPromtoolPrints() {
        for (String[] row : PROMTOOL_MESSAGES) {
            assertThat(parseError("t", row[0])).as(row[0]).isEqualTo(row[1]);
        }
    }

    @Test
    void anAssignmentToAnUndeclaredVariableFailsWhenRunAsInGo() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> Template.parse("t", "{{ $x = 1 }}").execute(null, QueryFunction.NONE, "")))
                .isInstanceOf(TemplateException.class).hasMessageContaining("undefined variable: $x");
    }
}
