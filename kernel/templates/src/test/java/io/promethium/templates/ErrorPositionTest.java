package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Where Go's text/template and html/template place an error (parse/lex.go, parse.go and
 * Tree.ErrorContext): an execution error at its node's line and byte offset in that line, an
 * action after its left delimiter and trim marker ({@code "{{- "}: the marker takes the dash and
 * one space character, further spaces belong to the action), a parse error at a line only.
 */
class ErrorPositionTest {

    private static String execError(String text, Object data) {
        try {
            Template.parse("t", text, Dialect.ALERTMANAGER, null).execute(data, QueryFunction.NONE, "");
            return "";
        } catch (TemplateException e) {
            return e.getMessage();
        }
    }

    private static String parseError(String text) {
        try {
            Template.parse("t", text, Dialect.ALERTMANAGER, null);
            return "";
        } catch (TemplateException e) {
            return e.getMessage();
        }
    }

    private static String htmlError(String text) {
        try {
            Template.parse("z", text, Dialect.ALERTMANAGER, null).checkHtml();
            return "";
        } catch (TemplateException e) {
            return e.getMessage();
        }
    }

    @Test
    void aFieldAfterATrimMarkerAndMoreSpacesIsPlacedAtTheField() {
        assertThat(execError("{{- .X}}", 0L)).isEqualTo("template: t:1:4: executing \"t\" at <.X>: can't evaluate field X in type int");
        assertThat(execError("{{-  .X}}", 0L)).isEqualTo("template: t:1:5: executing \"t\" at <.X>: can't evaluate field X in type int");
        assertThat(execError("{{-\t\t\t.X}}", 0L)).isEqualTo("template: t:1:6: executing \"t\" at <.X>: can't evaluate field X in type int");
        assertThat(execError("a\n  {{-   .X | printf \"%s\" }}", 0L))
                .isEqualTo("template: t:2:8: executing \"t\" at <.X>: can't evaluate field X in type int");
        assertThat(execError("{{-\n.X}}", 0L)).as("the marker's space is a newline")
                .isEqualTo("template: t:2:0: executing \"t\" at <.X>: can't evaluate field X in type int");
        assertThat(execError("{{- \n  .X}}", 0L)).isEqualTo("template: t:2:2: executing \"t\" at <.X>: can't evaluate field X in type int");
    }

    @Test
    void columnsAreByteOffsetsAsInGo() {
        assertThat(execError("é{{.X}}", 0L)).isEqualTo("template: t:1:4: executing \"t\" at <.X>: can't evaluate field X in type int");
        assertThat(execError("😱 {{-  .X}}", 0L)).isEqualTo("template: t:1:10: executing \"t\" at <.X>: can't evaluate field X in type int");
        assertThat(execError("{{.é.X}}", java.util.Map.of("é", 0L))).as("a field chain with a non-ASCII name is one chain")
                .isEqualTo("template: t:1:2: executing \"t\" at <.é.X>: can't evaluate field X in type int");
    }

    @Test
    void anActionIsPlacedRightAfterItsDelimiterAndTrimMarkerInHtmlErrors() {
        // Go's action node takes the position of the token after "{{" and the marker: a run of
        // spaces when more follow, so the column is the same however many spaces there are.
        assertThat(htmlError("<a href=\"{{if .C}}?{{end}}{{- .X}}\">"))
                .isEqualTo("html/template:z:1:30: {{.X}} appears in an ambiguous context within a URL");
        assertThat(htmlError("<a href=\"{{if .C}}?{{end}}{{-   .X}}\">"))
                .isEqualTo("html/template:z:1:30: {{.X}} appears in an ambiguous context within a URL");
        assertThat(htmlError("<a href=\"{{if .C}}?{{end}}{{  .X}}\">"))
                .isEqualTo("html/template:z:1:28: {{.X}} appears in an ambiguous context within a URL");
        assertThat(htmlError("<a href=\"{{if .C}}?{{end}}{{-\n.X}}\">")).as("the marker's space is a newline")
                .isEqualTo("html/template:z:2:0: {{.X}} appears in an ambiguous context within a URL");
    }

    @Test
    void lexerErrorsAreAtGosLine() {
        assertThat(parseError("{{-  .X")).isEqualTo("template: t:1: unclosed action");
        // Go's lexer has emitted the action's spaces and newlines before it meets the end.
        assertThat(parseError("{{-  .X\n\n")).isEqualTo("template: t:3: unclosed action started at t:1");
        assertThat(parseError("{{.X\n\"abc}}")).as("an error in an action begun on another line names that line")
                .isEqualTo("template: t:2: unterminated quoted string in action started at t:1");
        assertThat(parseError("{{.X )}}{{\"abc}}")).as("the first mistake is reported, as Go lexes on demand")
                .isEqualTo("template: t:1: unexpected right paren");
        assertThat(parseError("{{.X #}}{{\"abc}}")).isEqualTo("template: t:1: unexpected \"#\" in operand");
        assertThat(parseError("{{-\n/* a comment")).as("a comment's line is where it starts")
                .isEqualTo("template: t:2: unclosed comment");
    }

    @Test
    void aCommentEndsAtTheDelimiterOrASpaceAndTrimMarkerAsInGo() throws Exception {
        assertThat(Template.parse("t", "a {{- /* c */ -}} b").execute(null, QueryFunction.NONE, "")).isEqualTo("ab");
        assertThat(Template.parse("t", "a {{- /* c */}} b").execute(null, QueryFunction.NONE, "")).isEqualTo("a b");
        assertThat(parseError("{{/* c */ }}")).isEqualTo("template: t:1: comment ends before closing delimiter");
        assertThat(parseError("{{/* c */  -}}")).isEqualTo("template: t:1: comment ends before closing delimiter");
        assertThat(parseError("{{/* c */x}}")).isEqualTo("template: t:1: comment ends before closing delimiter");
    }

    @Test
    void trimMarkersTrimOnlyGosSpaceCharacters() throws Exception {
        // Go's spaceChars are " \t\r\n": a form feed, vertical tab or no-break space stays.
        assertThat(Template.parse("t", "a\f {{- 1 -}} \u000bb").execute(null, QueryFunction.NONE, "")).isEqualTo("a\f1\u000bb");
        assertThat(Template.parse("t", "a\u00a0\r\n\t{{- 1 -}}\n\u2003b").execute(null, QueryFunction.NONE, "")).isEqualTo("a\u00a01\u2003b");
    }

    @Test
    void aParseErrorInAnActionWithATrimMarkerNamesItsLine() {
        assertThatThrownBy(() -> Template.parse("t", "\n{{-  .X )}}")).isInstanceOf(TemplateException.class)
                .hasMessage("template: t:2: unexpected right paren");
    }

    @Test
    void aStrayCharacterIsRefusedWithGosWordsForWhereItIs() {
        // Go's lexer passes printable ASCII on as a character; the parser names the place.
        assertThat(parseError("{{ .X }")).isEqualTo("template: t:1: unexpected \"}\" in operand");
        assertThat(parseError("{{-  # .X}}")).isEqualTo("template: t:1: unexpected \"#\" in command");
        assertThat(parseError("{{if .X | #}}{{end}}")).isEqualTo("template: t:1: unexpected \"#\" in if");
        assertThat(parseError("{{(.X #)}}")).isEqualTo("template: t:1: unexpected \"#\" in operand");
        assertThat(parseError("{{\\}}")).isEqualTo("template: t:1: unexpected \"\\\\\" in command");
        // Anything else is the lexer's.
        assertThat(parseError("{{ \u20ac }}")).isEqualTo("template: t:1: unrecognized character in action: U+20AC '\u20ac'");
        assertThat(parseError("{{ \u00a0 }}")).isEqualTo("template: t:1: unrecognized character in action: U+00A0");
    }
}
