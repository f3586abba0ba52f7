package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fields of nil data as Go's text/template evaluates them (exec.go's evalField): with no value
 * (nil data, {@code {{template "x"}}} without a pipeline, a parenthesized or assigned nil) every
 * field is the zero value, printed {@code <no value>}, since Prometheus and Alertmanager set
 * {@code missingkey=zero}; a nil element of a list or map (a nil interface in Go) has no fields:
 * "nil pointer evaluating interface {}.X". The first table is the cases of Go's execTests in
 * {@code src/text/template/exec_test.go} (Copyright 2011 The Go Authors, used under Go's
 * BSD-style licence, https://go.dev/LICENSE) whose data is nil and whose functions this engine
 * has, kept as data: name, input, output, and whether Go executes it without error.
 */
class NilDataTest {

    private record Case(String name, String input, String output, boolean ok) {
    }

    private static final Case[] GO_EXEC_TESTS_WITH_NIL_DATA = {
        new Case("empty", "", "", true),
        new Case("text", "some text", "some text", true),
        new Case("nil action", "{{nil}}", "", false),
        new Case("field on interface", "{{.foo}}", "<no value>", true),
        new Case("field on parenthesized interface", "{{(.).foo}}", "<no value>", true),
        new Case("unparenthesized non-function", "{{1 2}}", "", false),
        new Case("parenthesized non-function", "{{(1) 2}}", "", false),
        new Case("parenthesized non-function with no args", "{{(1)}}", "1", true),
        new Case("html", "{{html \"<script>alert(\\\"XSS\\\");</script>\"}}", "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", true),
        new Case("html pipeline", "{{printf \"<script>alert(\\\"XSS\\\");</script>\" | html}}",
                "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", true),
        new Case("urlquery", "{{\"http://www.example.org/\"|urlquery}}", "http%3A%2F%2Fwww.example.org%2F", true),
        new Case("not", "{{not true}} {{not false}}", "false true", true),
        new Case("and", "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}", "false 0 0 1", true),
        new Case("or", "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}", "0 1 true 1", true),
        new Case("and pipe-true", "{{1 | and 1}}", "1", true),
        new Case("and pipe-false", "{{0 | and 1}}", "0", true),
        new Case("or pipe-true", "{{1 | or 0}}", "1", true),
        new Case("or pipe-false", "{{0 | or 0}}", "0", true),
        new Case("and undef", "{{and 1 .Unknown}}", "<no value>", true),
        new Case("or undef", "{{or 0 .Unknown}}", "<no value>", true),
        new Case("boolean if not", "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}", "FALSE", true),
        new Case("boolean if pipe", "{{if true | not | and 1}}TRUE{{else}}FALSE{{end}}", "FALSE", true),
    };

    private static String run(String text, Object data) throws TemplateException {
        return Template.parse("t", text, Dialect.ALERTMANAGER, null).execute(data, QueryFunction.NONE, "");
    }

    private static String runHtml(String text, Object data) throws TemplateException {
        return Template.parse("t", text, Dialect.ALERTMANAGER, null).executeHtml(data, QueryFunction.NONE, "");
    }

    @Test
    void everyCaseOfGosExecTestsWithNilDataGetsGosAnswer() {
        List<String> failures = new ArrayList<>();
        for (Case c : GO_EXEC_TESTS_WITH_NIL_DATA) {
            String got;
            boolean ok;
            try {
                got = run(c.input(), null);
                ok = true;
            } catch (TemplateException e) {
                got = e.getMessage();
                ok = false;
            }
            if (ok != c.ok() || ok && !got.equals(c.output())) {
                failures.add(c.name() + ": got " + (ok ? GoFormat.quote(got) : "error " + got) + ", want "
                        + (c.ok() ? GoFormat.quote(c.output()) : "an error"));
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void everyFieldOfNoValueIsNoValueWhereverTheNilComesFrom() throws Exception {
        assertThat(run("{{.X.Y.Z}}", null)).isEqualTo("<no value>");
        assertThat(run("{{$.X}}", null)).isEqualTo("<no value>");
        assertThat(run("{{.X.Y \"an argument\"}}", null)).as("a method call on no value").isEqualTo("<no value>");
        assertThat(run("{{define \"d\"}}{{.X}}{{end}}{{template \"d\"}}", Map.of("X", "given"))).as("a template given no data")
                .isEqualTo("<no value>");
        assertThat(run("{{define \"d\"}}{{$.X}}{{end}}{{template \"d\" .Missing}}", Map.of("X", 1L))).isEqualTo("<no value>");
        Map<String, Object> args = new HashMap<>();
        args.put("nil", null);
        assertThat(run("{{$x := .nil}}{{$x.Y}}", args)).as("a variable set to nil").isEqualTo("<no value>");
        assertThat(run("{{(.nil).Y}}", args)).as("a parenthesized nil").isEqualTo("<no value>");
        assertThat(run("{{if .X}}yes{{else}}no{{end}} {{with .X}}yes{{else}}no{{end}} {{range .X}}yes{{else}}no{{end}}", null))
                .isEqualTo("no no no");
    }

    @Test
    void aFieldOfANilInterfaceIsAnErrorAsInGo() {
        // Go: map[string]any{"map": nil}: .map is a nil interface{} value, not no value.
        Map<String, Object> data = new HashMap<>();
        data.put("map", null);
        assertThatThrownBy(() -> run("{{.map.missing}}", data)).isInstanceOf(TemplateException.class)
                .hasMessage("template: t:1:2: executing \"t\" at <.map.missing>: nil pointer evaluating interface {}.missing");
        // Go: []any{nil}: range gives the element as it is.
        List<Object> nilElement = Arrays.asList((Object) null);
        assertThatThrownBy(() -> run("{{range .}}{{.X}}{{end}}", nilElement))
                .hasMessage("template: t:1:13: executing \"t\" at <.X>: nil pointer evaluating interface {}.X");
        assertThatThrownBy(() -> run("{{range $v := .}}{{$v.X}}{{end}}", nilElement))
                .hasMessage("template: t:1:19: executing \"t\" at <$v.X>: nil pointer evaluating interface {}.X");
    }

    @Test
    void aNilElementPassedOnIsNoValueAgain() throws Exception {
        // Go's evalPipeline unwraps a nil interface to no value: a variable or a template's dot set from it.
        List<Object> nilElement = Arrays.asList((Object) null);
        assertThat(run("{{range $v := .}}{{$w := $v}}{{$w.X}}{{end}}", nilElement)).isEqualTo("<no value>");
        assertThat(run("{{define \"d\"}}{{.X}}{{end}}{{range .}}{{template \"d\" .}}{{end}}", nilElement)).isEqualTo("<no value>");
        assertThat(run("{{range .}}{{.}}{{end}}", nilElement)).isEqualTo("<no value>");
    }

    /**
     * Go's execTests "print nil", "empty nil" and "html untyped nil" (their data a struct whose
     * field {@code Empty0 any} is nil, here a map holding null), and fmt's rules for a nil
     * argument: {@code print}, {@code println} and {@code printf} are Go's fmt ({@code <nil>},
     * {@code %!s(<nil>)}); {@code html}, {@code js} and {@code urlquery} first make it
     * {@code <no value>}, as text/template's evalArgs does.
     */
    @Test
    void aNilArgumentIsPrintedAsGosFmtAndEvalArgsPrintIt() throws Exception {
        Map<String, Object> empty0 = new HashMap<>();
        empty0.put("Empty0", null);
        assertThat(run("{{print nil}}", empty0)).isEqualTo("<nil>");
        assertThat(run("{{.Empty0}}", empty0)).isEqualTo("<no value>");
        assertThat(run("{{html .Empty0}}", empty0)).isEqualTo("&lt;no value&gt;");
        assertThat(run("{{print .X}}|{{.X | print}}|{{println .X 1}}", null)).isEqualTo("<nil>|<nil>|<nil> 1\n");
        assertThat(run("{{print 1 nil 2}} {{print \"a\" nil \"b\"}}", null)).as("fmt.Sprint spaces only between two non-strings").isEqualTo("1 <nil> 2 a<nil>b");
        assertThat(run("{{printf \"%v %s %d %q\" nil nil .X .X}}", null)).isEqualTo("<nil> %!s(<nil>) %!d(<nil>) %!q(<nil>)");
        assertThat(run("{{printf \"%v\" 1 nil}}", null)).isEqualTo("1%!(EXTRA <nil>)");
        assertThat(run("{{html 1 .X 2}}", null)).as("evalArgs: <no value> is a string operand").isEqualTo("1&lt;no value&gt;2");
        assertThat(run("{{js .X}} {{urlquery .X}}", null)).isEqualTo("\\u003Cno value\\u003E %3Cno+value%3E");
        assertThat(run("{{.}}", empty0)).as("a nil inside a map is fmt's <nil>").isEqualTo("map[Empty0:<nil>]");
        assertThat(runHtml("{{.X | html}}|{{html .X}}", null)).isEqualTo("&lt;no value&gt;|&lt;no value&gt;");
    }

    /** Prometheus's template_test.go: a missing value is "<no value>" as text and "" in HTML (nil data). */
    @Test
    void aMissingValueIsNoValueAsTextAndNothingInHtmlAsPrometheusTestsIt() throws Exception {
        assertThat(Template.parse("test", "{{ .Foo }}").execute(null, QueryFunction.NONE, "")).isEqualTo("<no value>");
        assertThat(runHtml("{{ .Foo }}", null)).isEmpty();
        assertThat(runHtml("<a href=\"/x?q={{.Foo}}\" title=\"{{.Foo}}\">{{.Foo}}</a>", null))
                .isEqualTo("<a href=\"/x?q=\" title=\"\"></a>");
        assertThat(runHtml("<script>var x = {{.Foo}};</script>", null)).isEqualTo("<script>var x =  null ;</script>");
    }
}
