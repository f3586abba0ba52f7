package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Go's html/template escapes a template as a whole before it first runs, and refuses some
 * whatever the data. The table is Go's TestErrors in {@code src/html/template/escape_test.go}
 * (Copyright 2011 The Go Authors, used under Go's BSD-style licence, https://go.dev/LICENSE),
 * every case kept as data: the input, and a part of the error Go reports ("" for none). As Go's
 * test does, the error must contain the expected text and be the same when checked again.
 *
 * <p>As Go's test, each case is executed with nil data (every field no value); the escaping pass
 * alone ({@code checkHtml}) must give the same verdict, since Go's refusals come before any output.
 */
class HtmlEscapeErrorsTest {

    private record Case(String input, String error) {
    }

    private static final Case[] GO_TEST_ERRORS = {
        // Non-error cases.
        new Case("{{if .Cond}}<a>{{else}}<b>{{end}}", ""),
        new Case("{{if .Cond}}<a>{{end}}", ""),
        new Case("{{if .Cond}}{{else}}<b>{{end}}", ""),
        new Case("{{with .Cond}}<div>{{end}}", ""),
        new Case("{{range .Items}}<a>{{end}}", ""),
        new Case("<a href='/foo?{{range .Items}}&{{.K}}={{.V}}{{end}}'>", ""),
        new Case("{{range .Items}}<a{{if .X}}{{end}}>{{end}}", ""),
        new Case("{{range .Items}}<a{{if .X}}{{end}}>{{continue}}{{end}}", ""),
        new Case("{{range .Items}}<a{{if .X}}{{end}}>{{break}}{{end}}", ""),
        new Case("{{range .Items}}<a{{if .X}}{{end}}>{{if .X}}{{break}}{{end}}{{end}}", ""),
        new Case("<script>var a = `${a+b}`</script>`", ""),
        new Case("<script>var tmpl = `asd`;</script>", ""),
        new Case("<script>var tmpl = `${1}`;</script>", ""),
        new Case("<script>var tmpl = `${return ``}`;</script>", ""),
        new Case("<script>var tmpl = `${return {{.}} }`;</script>", ""),
        new Case("<script>var tmpl = `${ let a = {1:1} {{.}} }`;</script>", ""),
        new Case("<script>var tmpl = `asd ${return \"{\"}`;</script>", ""),
        new Case("{{if eq \"\" \"\"}}<meta>{{end}}", ""),
        new Case("{{if eq \"\" \"\"}}<meta content=\"url={{\"asd\"}}\">{{end}}", ""),

        // Error cases.
        new Case("{{if .Cond}}<a{{end}}", "z:1:5: {{if}} branches"),
        new Case("{{if .Cond}}\n{{else}}\n<a{{end}}", "z:1:5: {{if}} branches"),
        // Missing quote in the else branch.
        new Case("{{if .Cond}}<a href=\"foo\">{{else}}<a href=\"bar>{{end}}", "z:1:5: {{if}} branches"),
        // Different kind of attribute: href implies a URL.
        new Case("<a {{if .Cond}}href='{{else}}title='{{end}}{{.X}}'>", "z:1:8: {{if}} branches"),
        new Case("\n{{with .X}}<a{{end}}", "z:2:7: {{with}} branches"),
        new Case("\n{{with .X}}<a>{{else}}<a{{end}}", "z:2:7: {{with}} branches"),
        new Case("{{range .Items}}<a{{end}}", "z:1: on range loop re-entry: \"<\" in attribute name: \"<a\""),
        new Case("\n{{range .Items}} x='<a{{end}}", "z:2:8: on range loop re-entry: {{range}} branches"),
        new Case("{{range .Items}}<a{{if .X}}{{break}}{{end}}>{{end}}",
                "z:1:29: at range loop break: {{range}} branches end in different contexts"),
        new Case("{{range .Items}}<a{{if .X}}{{continue}}{{end}}>{{end}}",
                "z:1:29: at range loop continue: {{range}} branches end in different contexts"),
        new Case("{{range .Items}}{{if .X}}{{break}}{{end}}<a{{if .Y}}{{continue}}{{end}}>{{if .Z}}{{continue}}{{end}}{{end}}",
                "z:1:54: at range loop continue: {{range}} branches end in different contexts"),
        new Case("<a b=1 c={{.H}}", "z: ends in a non-text context: {stateAttr delimSpaceOrTagEnd"),
        new Case("<script>foo();", "z: ends in a non-text context: {stateJS"),
        new Case("<a href=\"{{if .F}}/foo?a={{else}}/bar/{{end}}{{.H}}\">",
                "z:1:47: {{.H}} appears in an ambiguous context within a URL"),
        new Case("<a onclick=\"alert('Hello \\", "unfinished escape sequence in JS string: \"Hello \\\\\""),
        new Case("<a onclick='alert(\"Hello\\, World\\", "unfinished escape sequence in JS string: \"Hello\\\\, World\\\\\""),
        new Case("<a onclick='alert(/x+\\", "unfinished escape sequence in JS string: \"x+\\\\\""),
        new Case("<a onclick=\"/foo[\\]/", "unfinished JS regexp charset: \"foo[\\\\]/\""),
        // It is ambiguous whether 1.5 should be 1\.5 or 1.5.
        new Case("<script>{{if false}}var x = 1{{end}}/-{{\"1.5\"}}/i.test(x)</script>",
                "'/' could start a division or regexp: \"/-\""),
        new Case("{{template \"foo\"}}", "z:1:11: no such template \"foo\""),
        // Illegal starting in stateTag but not in stateText.
        new Case("<div{{template \"y\"}}>{{define \"y\"}} foo<b{{end}}", "\"<\" in attribute name: \" foo<b\""),
        // Missing " after recursive call.
        new Case("<script>reverseList = [{{template \"t\"}}]</script>"
                + "{{define \"t\"}}{{if .Tail}}{{template \"t\" .Tail}}{{end}}{{.Head}}\",{{end}}",
                ": cannot compute output context for template t$htmltemplate_stateJS_elementScript"),
        new Case("<input type=button value=onclick=>", "html/template:z: \"=\" in unquoted attr: \"onclick=\""),
        new Case("<input type=button value= onclick=>", "html/template:z: \"=\" in unquoted attr: \"onclick=\""),
        new Case("<input type=button value= 1+1=2>", "html/template:z: \"=\" in unquoted attr: \"1+1=2\""),
        new Case("<a class=`foo>", "html/template:z: \"`\" in unquoted attr: \"`foo\""),
        new Case("<a style=font:'Arial'>", "html/template:z: \"'\" in unquoted attr: \"font:'Arial'\""),
        new Case("<a=foo>", ": expected space, attr name, or end of tag, but got \"=foo>\""),
        // urlquery is disallowed if it is not the last command in the pipeline.
        new Case("Hello, {{. | urlquery | print}}!", "predefined escaper \"urlquery\" disallowed in template"),
        // html is disallowed if it is not the last command in the pipeline.
        new Case("Hello, {{. | html | print}}!", "predefined escaper \"html\" disallowed in template"),
        // A direct call to html is disallowed if it is not the last command in the pipeline.
        new Case("Hello, {{html . | print}}!", "predefined escaper \"html\" disallowed in template"),
        // html is disallowed in a pipeline that is in an unquoted attribute context.
        new Case("<div class={{. | html}}>Hello<div>", "predefined escaper \"html\" disallowed in template"),
        // html is allowed since it is the last command in the pipeline, but urlquery is not.
        new Case("Hello, {{. | urlquery | html}}!", "predefined escaper \"urlquery\" disallowed in template"),
        new Case("<script>var a = `{{if .X}}`{{end}}", "{{if}} branches end in different contexts"),
        new Case("<script>var a = `{{if .X}}a{{else}}`{{end}}", "{{if}} branches end in different contexts"),
        new Case("<script>var a = `{{if .X}}a{{else}}b{{end}}`</script>", ""),
    };

    private static String escapeError(Template t) {
        try {
            t.checkHtml();
            return "";
        } catch (TemplateException e) {
            return e.getMessage();
        }
    }

    private static String executionError(Template t) {
        try {
            t.executeHtml(null, QueryFunction.NONE, "");
            return "";
        } catch (TemplateException e) {
            return e.getMessage();
        }
    }

    @Test
    void everyCaseOfGosTestErrorsGetsGosVerdict() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Case c : GO_TEST_ERRORS) {
            Template t = Template.parse("z", c.input(), Dialect.ALERTMANAGER, null);
            String got = executionError(t);
            if (!got.equals(escapeError(t))) {
                failures.add(GoFormat.quote(c.input()) + ": the escaping pass alone gave " + GoFormat.quote(escapeError(t))
                        + ", executing it " + GoFormat.quote(got));
            } else if (c.error().isEmpty() ? !got.isEmpty() : !got.contains(c.error())) {
                failures.add(GoFormat.quote(c.input()) + ": got " + GoFormat.quote(got) + ", want " + GoFormat.quote(c.error()));
            } else if (!escapeError(t).equals(got)) {
                failures.add(GoFormat.quote(c.input()) + ": a second check gave another answer");
            }
        }
        assertThat(failures).isEmpty();
        assertThat(GO_TEST_ERRORS).hasSize(55);
    }

    @Test
    void errorsAreWholeGoMessagesWithNameLineAndColumn() throws Exception {
        assertThat(escapeError(Template.parse("z", "{{if .Cond}}<a{{end}}", Dialect.ALERTMANAGER, null)))
                .isEqualTo("html/template:z:1:5: {{if}} branches end in different contexts: "
                        + "{stateTag delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}, "
                        + "{stateText delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}");
        assertThat(escapeError(Template.parse("z", "<a b=1 c={{.H}}", Dialect.ALERTMANAGER, null)))
                .isEqualTo("html/template:z: ends in a non-text context: "
                        + "{stateAttr delimSpaceOrTagEnd urlPartNone jsCtxRegexp attrNone elementNone <nil>}");
        assertThat(escapeError(Template.parse("z", "{{range .Items}}<a{{end}}", Dialect.ALERTMANAGER, null)))
                .isEqualTo("html/template:z:1: on range loop re-entry: \"<\" in attribute name: \"<a\"");
        // Go places the error at the start of the template's body.
        assertThat(escapeError(Template.parse("z", "<script>reverseList = [{{template \"t\"}}]</script>{{define \"t\"}}"
                + "{{if .Tail}}{{template \"t\" .Tail}}{{end}}{{.Head}}\",{{end}}", Dialect.ALERTMANAGER, null)))
                .isEqualTo("html/template:z:1:63: cannot compute output context for template t$htmltemplate_stateJS_elementScript");
        // An action's position is right after its left delimiter and trim marker.
        assertThat(escapeError(Template.parse("z", "<a href=\"{{if .C}}?{{end}}{{- .X}}\">", Dialect.ALERTMANAGER, null)))
                .isEqualTo("html/template:z:1:30: {{.X}} appears in an ambiguous context within a URL");
    }

    @Test
    void aRefusedTemplateFailsWhateverPathTheDataTakes() throws Exception {
        Template t = Template.parse("z", "{{if .C}}<a href=\"{{else}}<b>{{end}}", Dialect.ALERTMANAGER, null);
        // The else path alone would be fine HTML; Go refuses the template before running it.
        assertThatThrownBy(() -> t.executeHtml(Map.of("C", false), QueryFunction.NONE, ""))
                .isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("html/template:z:1:5: {{if}} branches end in different contexts");
        Template ambiguous = Template.parse("z", "<a href=\"{{if .C}}/path/{{else}}/search?q={{end}}{{.X}}\">",
                Dialect.ALERTMANAGER, null);
        assertThatThrownBy(() -> ambiguous.executeHtml(Map.of("C", true, "X", "x"), QueryFunction.NONE, ""))
                .hasMessage("html/template:z:1:51: {{.X}} appears in an ambiguous context within a URL");
        // Both parts of the URL agree: fine.
        assertThat(Template.parse("z", "<a href=\"{{.X}}?{{.Y}}\">", Dialect.ALERTMANAGER, null)
                .executeHtml(Map.of("X", "/a b", "Y", "c&d"), QueryFunction.NONE, "")).isEqualTo("<a href=\"/a%20b?c%26d\">");
        // A template that is never called is not escaped, as in Go.
        assertThat(Template.parse("z", "ok{{define \"unused\"}}<a{{end}}", Dialect.ALERTMANAGER, null)
                .executeHtml(Map.of(), QueryFunction.NONE, "")).isEqualTo("ok");
    }

    @Test
    void everyIterationOfARangeIsEscapedAsTheFirstAsGoRewritesTheTreeOnce() throws Exception {
        // Go escapes the body once, from where the range starts: the value at the start of the URL
        // keeps the URL filter in later iterations too, where the text before it is no longer the start.
        Template t = Template.parse("z", "<a href=\"{{range .}}{{.}}/{{end}}\">", Dialect.ALERTMANAGER, null);
        assertThat(t.executeHtml(List.of("http://x", "javascript:alert(1)"), QueryFunction.NONE, ""))
                .isEqualTo("<a href=\"http://x/#ZgotmplZ/\">");
    }

    @Test
    void breakAndContinueEndTheIterationOrTheLoop() throws Exception {
        Template t = Template.parse("z", "{{range .}}{{if eq . \"skip\"}}{{continue}}{{end}}{{if eq . \"stop\"}}{{break}}{{end}}<b>{{.}}</b>{{end}}",
                Dialect.ALERTMANAGER, null);
        assertThat(t.executeHtml(List.of("a", "skip", "<c>", "stop", "d"), QueryFunction.NONE, ""))
                .isEqualTo("<b>a</b><b>&lt;c&gt;</b>");
        assertThat(t.execute(List.of("a", "skip", "<c>", "stop", "d"), QueryFunction.NONE, "")).isEqualTo("<b>a</b><b><c></b>");
    }

    @Test
    void breakOutsideARangeIsAParseErrorAsInGo() {
        assertThatThrownBy(() -> Template.parse("z", "{{break}}", Dialect.ALERTMANAGER, null))
                .hasMessage("template: z:1: {{break}} outside {{range}}");
        assertThatThrownBy(() -> Template.parse("z", "{{range .}}{{else}}{{continue}}{{end}}", Dialect.ALERTMANAGER, null))
                .hasMessage("template: z:1: {{continue}} outside {{range}}");
        assertThatThrownBy(() -> Template.parse("z", "{{range .}}{{define \"x\"}}{{break}}{{end}}{{end}}", Dialect.ALERTMANAGER, null))
                .isInstanceOf(TemplateException.class);
    }

    private static Map<String, Object> item(String x, List<Object> children) {
        return Map.of("X", x, "Children", children);
    }

    /**
     * Go's TestEscapeSet (same file and licence): templates calling each other, recursively and
     * in several contexts, are escaped per calling context and run as Go runs them.
     */
    @Test
    void calledTemplatesAreEscapedForEachContextTheyAreCalledIn() throws Exception {
        Object data = item("", List.of(item("foo", List.of()), item("<bar>", List.of()),
                item("", List.of(item("baz", List.of())))));
        String[][] cases = {
            {"{{define \"main\"}}Hello, {{template \"helper\"}}!{{end}}{{define \"helper\"}}{{\"<World>\"}}{{end}}",
                "Hello, &lt;World&gt;!"},
            {"{{define \"main\"}}<a onclick='a = {{template \"helper\"}};'>{{end}}{{define \"helper\"}}{{\"<a>\"}}<b{{end}}",
                "<a onclick='a = &#34;\\u003ca\\u003e&#34;<b;'>"},
            {"{{define \"main\"}}{{range .Children}}{{template \"main\" .}}{{else}}{{.X}} {{end}}{{end}}", "foo &lt;bar&gt; baz "},
            {"{{define \"main\"}}{{template \"helper\" .}}{{end}}{{define \"helper\"}}{{if .Children}}<ul>{{range .Children}}"
                + "<li>{{template \"main\" .}}</li>{{end}}</ul>{{else}}{{.X}}{{end}}{{end}}",
                "<ul><li>foo</li><li>&lt;bar&gt;</li><li><ul><li>baz</li></ul></li></ul>"},
            {"{{define \"main\"}}<blockquote>{{range .Children}}{{template \"helper\" .}}{{end}}</blockquote>{{end}}"
                + "{{define \"helper\"}}{{if .Children}}{{template \"main\" .}}{{else}}{{.X}}<br>{{end}}{{end}}",
                "<blockquote>foo<br>&lt;bar&gt;<br><blockquote>baz<br></blockquote></blockquote>"},
            {"{{define \"main\"}}<button onclick=\"title='{{template \"helper\"}}'; ...\">{{template \"helper\"}}</button>{{end}}"
                + "{{define \"helper\"}}{{11}} of {{\"<100>\"}}{{end}}",
                "<button onclick=\"title='11 of \\u003c100\\u003e'; ...\">11 of &lt;100&gt;</button>"},
            {"{{define \"main\"}}<script>var x={{template \"helper\"}}/{{\"42\"}};</script>{{end}}{{define \"helper\"}}{{126}}{{end}}",
                "<script>var x= 126 /\"42\";</script>"},
        };
        for (String[] c : cases) {
            Template t = Template.parse("root", "{{template \"main\" .}}" + c[0], Dialect.ALERTMANAGER, null);
            assertThat(t.executeHtml(data, QueryFunction.NONE, "")).as(c[0]).isEqualTo(c[1]);
        }
        // A recursive template that ends in a similar context (Go's pred countdown, with the
        // predecessors as data): Go's second guess of the output context holds.
        Object countdown = Map.of("N", 0L);
        for (long n = 1; n <= 4; n++) {
            countdown = Map.of("N", n, "Next", countdown);
        }
        Template t = Template.parse("root", "{{template \"main\" .}}{{define \"main\"}}<script>var x=[{{template \"countdown\" .}}];"
                + "</script>{{end}}{{define \"countdown\"}}{{.N}}{{if .Next}},{{template \"countdown\" .Next}}{{end}}{{end}}",
                Dialect.ALERTMANAGER, null);
        assertThat(t.executeHtml(countdown, QueryFunction.NONE, "")).isEqualTo("<script>var x=[ 4 , 3 , 2 , 1 , 0 ];</script>");
    }
}
