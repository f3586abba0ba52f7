package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.templates.HtmlContext.Delim;
import io.promethium.templates.HtmlContext.Element;
import io.promethium.templates.HtmlContext.JsCtx;
import io.promethium.templates.HtmlContext.State;
import org.junit.jupiter.api.Test;

/**
 * The JavaScript part of the context machine: the context after a literal text, as Go's
 * TestEscapeText in {@code src/html/template/escape_test.go} (Copyright 2011 The Go Authors,
 * used under Go's BSD-style licence, https://go.dev/LICENSE) states it; each row is one of its
 * cases, kept as data. Left out are two whose division-or-regexp guess this engine makes
 * differently on purpose (a {@code /} after a closing backquote divides, after a top-level
 * {@code }} starts a regexp; see {@link HtmlJsEscapingTest}).
 */
class HtmlJsContextTest {

    private record Row(String input, State state, Delim delim, JsCtx jsCtx, Element element) {
    }

    private static Row row(String input, State state, Delim delim, JsCtx jsCtx) {
        return new Row(input, state, delim, jsCtx, Element.NONE);
    }

    private static Row script(String input, State state, JsCtx jsCtx) {
        return new Row(input, state, Delim.NONE, jsCtx, Element.SCRIPT);
    }

    private static final JsCtx RE = JsCtx.REGEXP;
    private static final JsCtx DIV = JsCtx.DIV_OP;
    private static final Delim DQ = Delim.DOUBLE_QUOTE;
    private static final Delim SQ = Delim.SINGLE_QUOTE;
    private static final Delim SP = Delim.SPACE_OR_TAG_END;

    private static final Row[] ROWS = {
        row("<a onclick=\"", State.JS, DQ, RE),
        row("<a onclick=\"//foo", State.JS_LINE_CMT, DQ, RE),
        row("<a onclick='//\n", State.JS, SQ, RE),
        row("<a onclick='//\r\n", State.JS, SQ, RE),
        row("<a onclick='//\u2028", State.JS, SQ, RE),
        row("<a onclick=\"/*", State.JS_BLOCK_CMT, DQ, RE),
        row("<a onclick=\"/*/", State.JS_BLOCK_CMT, DQ, RE),
        row("<a onclick=\"/**/", State.JS, DQ, RE),
        row("<a onkeypress=\"&quot;", State.JS_DQ_STR, DQ, RE),
        row("<a onclick='&quot;foo&quot;", State.JS, SQ, DIV),
        row("<a onclick=&#39;foo&#39;", State.JS, SP, DIV),
        row("<a onclick=&#39;foo", State.JS_SQ_STR, SP, RE),
        row("<a onclick=\"&quot;foo'", State.JS_DQ_STR, DQ, RE),
        row("<a onclick=\"'foo&quot;", State.JS_SQ_STR, DQ, RE),
        row("<a onclick=\"`foo", State.JS_TMPL_LIT, DQ, RE),
        row("<A ONCLICK=\"'", State.JS_SQ_STR, DQ, RE),
        row("<a onclick=\"/", State.JS_REGEXP, DQ, RE),
        row("<a onclick=\"'foo'", State.JS, DQ, DIV),
        row("<a onclick=\"'foo\\'", State.JS_SQ_STR, DQ, RE),
        row("<a onclick=\"/foo/", State.JS, DQ, DIV),
        script("<script>/foo/ /=", State.JS, RE),
        row("<a onclick=\"1 /foo", State.JS, DQ, DIV),
        row("<a onclick=\"1 /*c*/ /foo", State.JS, DQ, DIV),
        row("<a onclick=\"/foo[/]", State.JS_REGEXP, DQ, RE),
        row("<a onclick=\"/foo\\/", State.JS_REGEXP, DQ, RE),
        script("<script>", State.JS, RE),
        script("<script>foo", State.JS, DIV),
        row("<script>foo</script>", State.TEXT, Delim.NONE, RE),
        script("<script>document.write(\"<p>foo</p>\");", State.JS, RE),
        script("<script>document.write(\"<p>foo<\\/script>\");", State.JS, RE),
        script("<script>document.write(\"<script>alert(1)</script>\");", State.JS, RE),
        script("<script>document.write(\"<script>", State.JS_DQ_STR, RE),
        script("<script>document.write(\"<script>alert(1)</script>", State.JS_DQ_STR, RE),
        script("<script>document.write(\"<script>alert(1)<!--", State.JS_DQ_STR, RE),
        script("<script>document.write(\"<script>alert(1)</Script>\");", State.JS, RE),
        script("<script>document.write(\"<!--\");", State.JS, RE),
        script("<script>let a = /</script", State.JS_REGEXP, RE),
        script("<script>let a = /</script/", State.JS, DIV),
        row("<script type=\"text/template\">", State.TEXT, Delim.NONE, RE),
        script("<SCRIPT>foo", State.JS, DIV),
        row("<svg:a svg:onclick=\"", State.JS, DQ, RE),
        script("<script>var a = `", State.JS_TMPL_LIT, RE),
        script("<script>var a = `${", State.JS, RE),
        script("<script>var a = `${}", State.JS_TMPL_LIT, RE),
        script("<script>var a = `${`", State.JS_TMPL_LIT, RE),
        script("<script>var a = `${var a = \"", State.JS_DQ_STR, RE),
        script("<script>var a = `${var a = \"`", State.JS_DQ_STR, RE),
        script("<script>var a = `${var a = \"}", State.JS_DQ_STR, RE),
        script("<script>var a = `${`}", State.JS_TMPL_LIT, RE),
        script("<script>`${ {} } asd`</script><script>`${ {} }", State.JS_TMPL_LIT, RE),
        script("<script>var foo = `${ (_ => { return \"x\" })() + \"${", State.JS_DQ_STR, RE),
        script("<script>var a = `${ {</script><script>var b = `${ x }", State.JS_TMPL_LIT, DIV),
        script("<script>var foo = `x` + \"${", State.JS_DQ_STR, RE),
        script("<script>function f() { var a = `${}`; }", State.JS, RE),
        script("<script>{`${}`}", State.JS, RE),
        script("<script>`${ function f() { return `${1}` }() }`", State.JS, DIV),
        script("<script>`${ { `` }", State.JS, RE),
        script("<script>`${ { }`", State.JS_TMPL_LIT, RE),
        script("<script>var foo = `${ foo({ a: { c: `${", State.JS, RE),
        script("<script>var foo = `${ foo({ a: { c: `${ {{.}} }` }, b: ", State.JS, RE),
        script("<script>`${ `}", State.JS_TMPL_LIT, RE),
    };

    @Test
    void contextAfterJsTextIsGos() {
        for (Row r : ROWS) {
            StringBuilder out = new StringBuilder();
            HtmlContext c = HtmlEscaping.text(HtmlContext.TEXT, r.input(), out);
            assertThat(new Row(r.input(), c.state(), c.delim(), c.jsCtx(), c.element())).as(r.input()).isEqualTo(r);
        }
    }
}
