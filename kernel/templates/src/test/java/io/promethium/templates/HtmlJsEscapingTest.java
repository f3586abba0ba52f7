package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.templates.notification.KV;
import io.promethium.templates.notification.Pair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Go's html/template escaping of values in JavaScript ({@code <script>}, {@code on*} attributes:
 * expressions, strings, template literals, regexps), in {@code srcset} attributes and in a
 * {@code <meta>} refresh URL. Each
 * template and its expected output is a case of Go's own tests, kept as data: Go's
 * {@code src/html/template/escape_test.go} (TestEscape, TestEscapeSet, TestErrors) and
 * {@code js_test.go} (TestJSValEscaper, TestJSStrEscaper, TestJSRegexpEscaper), Copyright 2011
 * The Go Authors, used under Go's BSD-style licence
 * (https://go.dev/LICENSE: redistribution with this notice, the conditions and the disclaimer).
 * The data object holds TestEscape's fields ({@code .H} is {@code "<Hello>"}, {@code .A} is
 * {@code ["<a>", "<b>"]}, {@code .W} typed HTML, ...).
 */
class HtmlJsEscapingTest {

    /** TestEscape's data. */
    private static Map<String, Object> data() {
        Map<String, Object> d = new HashMap<>();
        d.put("F", false);
        d.put("T", true);
        d.put("C", "<Cincinnati>");
        d.put("G", "<Goodbye>");
        d.put("H", "<Hello>");
        d.put("A", List.of("<a>", "<b>"));
        d.put("E", List.of());
        d.put("N", 42L);
        d.put("U", null);
        d.put("W", new HtmlEscaping.Typed(HtmlEscaping.Typed.Kind.HTML,
                "&iexcl;<b class=\"foo\">Hello</b>, <textarea>O'World</textarea>!"));
        d.put("I", "${ asd `` }");
        return d;
    }

    private static String html(String template, Object data) throws TemplateException {
        return Template.parse("z", template, Dialect.ALERTMANAGER, null).executeHtml(data, QueryFunction.NONE, "");
    }

    private static void escapes(String template, String expected) throws TemplateException {
        assertThat(html(template, data())).as(template).isEqualTo(expected);
    }

    @Test
    void valuesInJsExpressionsAreJsonWithPaddedLiterals() throws Exception {
        escapes("<button onclick='alert({{.H}})'>", "<button onclick='alert(&#34;\\u003cHello\\u003e&#34;)'>");
        escapes("<button onclick='alert({{.N}})'>", "<button onclick='alert( 42 )'>");
        escapes("<button onclick='alert({{.T}})'>", "<button onclick='alert( true )'>");
        escapes("<button onclick='alert(typeof{{.U}})'>", "<button onclick='alert(typeof null )'>");
        escapes("<button onclick='alert({{.A}})'>",
                "<button onclick='alert([&#34;\\u003ca\\u003e&#34;,&#34;\\u003cb\\u003e&#34;])'>");
        escapes("<script>alert({{.A}})</script>", "<script>alert([\"\\u003ca\\u003e\",\"\\u003cb\\u003e\"])</script>");
    }

    @Test
    void trailingHtmlInJsTakesThePlaceOfTheAttributeEscaper() throws Exception {
        escapes("<button onclick='alert({{.A | html}})'>",
                "<button onclick='alert([&#34;\\u003ca\\u003e&#34;,&#34;\\u003cb\\u003e&#34;])'>");
        // urlquery is no JS escaper: URL escaped, then quoted for JS.
        escapes("<button onclick='alert({{.C | urlquery}})'>", "<button onclick='alert(&#34;%3CCincinnati%3E&#34;)'>");
    }

    @Test
    void trailingHtmlAfterAStringEscaperRunsAfterIt() throws Exception {
        // Not a case of Go's tests, derived from its ensurePipelineContains: the attribute escaper
        // that html replaces stays in the pipeline after the JS or CSS string escaper, so html runs last.
        assertThat(html("<a onclick=\"x('{{ . | html }}')\">", "a&b")).isEqualTo("<a onclick=\"x('a\\u0026b')\">");
        assertThat(html("<p style=\"font-family: '{{ . | html }}'\">", "a&b")).isEqualTo("<p style=\"font-family: 'a\\26 b'\">");
    }

    @Test
    void typedHtmlInJsIsAString() throws Exception {
        escapes("<button onclick=\"alert({{.W}})\">",
                "<button onclick=\"alert(&#34;\\u0026iexcl;\\u003cb class=\\&#34;foo\\&#34;\\u003eHello\\u003c/b\\u003e, "
                        + "\\u003ctextarea\\u003eO&#39;World\\u003c/textarea\\u003e!&#34;)\">");
    }

    @Test
    void valuesInJsStringsAreStringEscaped() throws Exception {
        escapes("<button onclick='alert(&quot;{{.H}}&quot;)'>", "<button onclick='alert(&quot;\\u003cHello\\u003e&quot;)'>");
        escapes("<script>var a = \"{{.}}\"</script>".replace("{{.}}", "{{\"a'b\\\"c</script>+\\t&\"}}"),
                "<script>var a = \"a\\u0027b\\u0022c\\u003c\\/script\\u003e\\u002b\\t\\u0026\"</script>");
    }

    @Test
    void valuesInJsRegexpsAreRegexpEscaped() throws Exception {
        escapes("<button onclick='alert(/{{\"foo+bar\"}}/.test(\"\"))'>", "<button onclick='alert(/foo\\u002bbar/.test(\"\"))'>");
        escapes("<script>alert(/{{\"\"}}/.test(\"\"));</script>", "<script>alert(/(?:)/.test(\"\"));</script>");
    }

    @Test
    void valuesInJsTemplateLiteralsEscapeItsSpecials() throws Exception {
        escapes("<script>var a = `{{.I}}`</script>", "<script>var a = `\\u0024\\u007b asd \\u0060\\u0060 \\u007d`</script>");
        escapes("<script>var a = `${ `{{.I}}` }`</script>", "<script>var a = `${ `\\u0024\\u007b asd \\u0060\\u0060 \\u007d` }`</script>");
        escapes("<script>var a = `${ var a = \"{{\"a \\\" d\"}}\" }`</script>", "<script>var a = `${ var a = \"a \\u0022 d\" }`</script>");
    }

    @Test
    void valuesInsideATemplateLiteralSubstitutionAreJsValues() throws Exception {
        // TestErrors' non-error cases: Go accepts these.
        assertThat(html("<script>var tmpl = `${return {{.}} }`;</script>", null)).isEqualTo("<script>var tmpl = `${return  null  }`;</script>");
        assertThat(html("<script>var tmpl = `${ let a = {1:1} {{.}} }`;</script>", null))
                .isEqualTo("<script>var tmpl = `${ let a = {1:1}  null  }`;</script>");
        assertThat(html("<script>var tmpl = `asd ${return \"{\"}`;</script>", null)).isEqualTo("<script>var tmpl = `asd ${return \"{\"}`;</script>");
        assertThat(html("<script>var a = `${a+b}`</script>`", null)).isEqualTo("<script>var a = `${a+b}`</script>`");
    }

    @Test
    void aSlashAfterABraceStartsARegexpAndAfterATemplateLiteralDivides() throws Exception {
        // Go issues 80435 (the template of its report) and 81117: each would let a '/' in the value end a regexp.
        assertThat(html("<script>if(true){/{{.}}/g.test(\"x\")}</script>", "a/b")).isEqualTo("<script>if(true){/a\\/b/g.test(\"x\")}</script>");
        assertThat(html("<script>let x = `a`/{{.}}/b;</script>", "alert`1`")).isEqualTo("<script>let x = `a`/\"alert`1`\"/b;</script>");
        // Go issue 80897: after await and yield a '/' starts a regexp.
        assertThat(html("<script>async function f() { await /{{.}}/; }</script>", "/")).isEqualTo("<script>async function f() { await /\\//; }</script>");
    }

    @Test
    void jsCommentsAreDroppedKeepingLineBreaks() throws Exception {
        escapes("<script>for (;;) { if (c()) break// foo not a label\nfoo({{.T}});}</script>",
                "<script>for (;;) { if (c()) break\nfoo( true );}</script>");
        escapes("<script>for (;;) { if (c()) break/* foo not a label\n */foo({{.T}});}</script>",
                "<script>for (;;) { if (c()) break\nfoo( true );}</script>");
        escapes("<script>for (;;) {\nif (c()) break/* foo a label */foo;x({{.T}});}</script>",
                "<script>for (;;) {\nif (c()) break foo;x( true );}</script>");
        escapes("<script>var a/*b*//c\nd</script>", "<script>var a /c\nd</script>");
        escapes("<script>before <!-- beep\nbetween\nbefore-->boop\n</script>", "<script>before \nbetween\nbefore\n</script>");
        escapes("<script>#! beep\n</script>", "<script>\n</script>");
        escapes("<a onclick=\"f(&quot;&quot;); /* alert({{.H}}) */\">", "<a onclick=\"f(&quot;&quot;); /* alert() */\">");
        escapes("<a onclick=\"// alert({{.G}})\">", "<a onclick=\"// alert()\">");
    }

    @Test
    void scriptTagsInsideJsLiteralsAreEscaped() throws Exception {
        escapes("<script>var a = \"asd < 123 <!-- 456 < fgh <script jkl < 789 </script\"</script>",
                "<script>var a = \"asd < 123 \\x3C!-- 456 < fgh \\x3Cscript jkl < 789 \\x3C/script\"</script>");
        escapes("<script>var a = \"<!-- <ScripT </ScripT\"</script>", "<script>var a = \"\\x3C!-- \\x3CScripT \\x3C/ScripT\"</script>");
        escapes("<script>var a = /<!-- <ScripT </ScripT/</script>", "<script>var a = /\\x3C!-- \\x3CScripT \\x3C/ScripT/</script>");
    }

    @Test
    void aDynamicEventHandlerNameMakesItsValueJs() throws Exception {
        escapes("<img on{{\"load\"}}=\"alert({{\"loaded\"}})\">", "<img onload=\"alert(&#34;loaded&#34;)\">");
    }

    @Test
    void contextFlowsIntoAndOutOfDefinedTemplatesInJs() throws Exception {
        // TestEscapeSet.
        assertThat(html("{{define \"helper\"}}{{\"<a>\"}}<b{{end}}<a onclick='a = {{template \"helper\"}};'>", null))
                .isEqualTo("<a onclick='a = &#34;\\u003ca\\u003e&#34;<b;'>");
        assertThat(html("{{define \"helper\"}}{{11}} of {{\"<100>\"}}{{end}}"
                + "<button onclick=\"title='{{template \"helper\"}}'; ...\">{{template \"helper\"}}</button>", null))
                .isEqualTo("<button onclick=\"title='11 of \\u003c100\\u003e'; ...\">11 of &lt;100&gt;</button>");
        // After a value, a slash divides.
        assertThat(html("{{define \"helper\"}}{{126}}{{end}}<script>var x={{template \"helper\"}}/{{\"42\"}};</script>", null))
                .isEqualTo("<script>var x= 126 /\"42\";</script>");
    }

    @Test
    void srcsetCandidatesAreFilteredOneByOne() throws Exception {
        escapes("<img srcset=\"{{\"/not-an-image#,javascript:alert(1)\"}}\">", "<img srcset=\"/not-an-image#,#ZgotmplZ\">");
        escapes("<img srcset={{\",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\"}}>", "<img srcset=,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,>");
        // Not Go's cases, derived from its filterSrcsetElement: the URL ends at the first space, metadata
        // other than spaces and ASCII letters and digits is refused, URLs are normalised.
        escapes("<img srcset=\"{{\"/é.png 2x, /c.png 100w\"}}\">", "<img srcset=\"/%c3%a9.png 2x, /c.png 100w\">");
        escapes("<img srcset=\"{{\"/a b.png 2x, /c.png 100w\"}}\">", "<img srcset=\"#ZgotmplZ, /c.png 100w\">");
        escapes("<img srcset=\"{{\"/a.png 1.5x\"}}\">", "<img srcset=\"#ZgotmplZ\">");
        assertThat(html("<img srcset=\"{{ safeUrl . }}\">", "/a,b.png 2x")).isEqualTo("<img srcset=\"/a%2cb.png%202x\">");
    }

    @Test
    void aUrlInAMetaRefreshIsFiltered() throws Exception {
        // Not Go's test cases, derived from Go's meta content states (its fix for CVE-2026-27142): after
        // "url=" in a <meta> content the URL filter runs; the rest of content is a plain attribute.
        assertThat(html("<meta http-equiv=\"refresh\" content=\"0; url={{.}}\">", "javascript:alert(1)"))
                .isEqualTo("<meta http-equiv=\"refresh\" content=\"0; url=#ZgotmplZ\">");
        assertThat(html("<meta http-equiv=\"refresh\" content=\"0; URL ={{.}}\">", "http://x/?a=b&c"))
                .isEqualTo("<meta http-equiv=\"refresh\" content=\"0; URL =http://x/?a=b&amp;c\">");
        assertThat(html("<meta name=\"description\" content=\"{{.}}\"><p>{{.}}</p>", "javascript:<b>"))
                .isEqualTo("<meta name=\"description\" content=\"javascript:&lt;b&gt;\"><p>javascript:&lt;b&gt;</p>");
    }

    @Test
    void jsValueEscaperMatchesGosTable() {
        // js_test.go TestJSValEscaper.
        assertThat(JsEscapers.jsVal(42L)).isEqualTo(" 42 ");
        assertThat(JsEscapers.jsVal(-42L)).isEqualTo(" -42 ");
        assertThat(JsEscapers.jsVal(9007199254740993L)).isEqualTo(" 9007199254740993 ");
        assertThat(JsEscapers.jsVal(1.0)).isEqualTo(" 1 ");
        assertThat(JsEscapers.jsVal(-0.5)).isEqualTo(" -0.5 ");
        assertThat(JsEscapers.jsVal(1.0 / 256)).isEqualTo(" 0.00390625 ");
        assertThat(JsEscapers.jsVal(0.0)).isEqualTo(" 0 ");
        assertThat(JsEscapers.jsVal(-0.0)).isEqualTo(" -0 ");
        assertThat(JsEscapers.jsVal("")).isEqualTo("\"\"");
        assertThat(JsEscapers.jsVal("\r\n\u2028\u2029")).isEqualTo("\"\\r\\n\\u2028\\u2029\"");
        assertThat(JsEscapers.jsVal("\t\u000b")).isEqualTo("\"\\t\\u000b\"");
        assertThat(JsEscapers.jsVal(List.of())).isEqualTo("[]");
        assertThat(JsEscapers.jsVal(java.util.Arrays.asList(42L, "foo", null))).isEqualTo("[42,\"foo\",null]");
        assertThat(JsEscapers.jsVal(List.of("<!--", "</script>", "-->"))).isEqualTo("[\"\\u003c!--\",\"\\u003c/script\\u003e\",\"--\\u003e\"]");
        assertThat(JsEscapers.jsVal("]]>")).isEqualTo("\"]]\\u003e\"");
        assertThat(JsEscapers.jsVal("\uD834\uDD1E")).isEqualTo("\"\uD834\uDD1E\"");
        assertThat(JsEscapers.jsVal(null)).isEqualTo(" null ");
    }

    @Test
    void jsValueThatJsonCannotHoldBecomesACommentAndNull() {
        // Go: json.Marshal fails on NaN ("json: unsupported value: NaN"); the escaper writes the error as a comment.
        assertThat(JsEscapers.jsVal(Double.NaN)).isEqualTo(" /* json: unsupported value: NaN */null ");
        assertThat(JsEscapers.jsVal(Double.POSITIVE_INFINITY)).isEqualTo(" /* json: unsupported value: +Inf */null ");
    }

    @Test
    void notificationValuesInJsAreTheirGoJson() throws Exception {
        // A Go time.Time marshals as RFC 3339; template.Pairs and time.Duration have String methods.
        assertThat(JsEscapers.jsVal(GoTime.utc(Instant.parse("2024-01-02T03:04:05.5Z")))).isEqualTo("\"2024-01-02T03:04:05.5Z\"");
        assertThat(JsEscapers.jsVal(new GoDuration(Duration.ofSeconds(90)))).isEqualTo("\"1m30s\"");
        assertThat(JsEscapers.jsVal(new KV(Map.of("b", "<2>", "a", "1")).sortedPairs())).isEqualTo("\"a=1, b=\\u003c2\\u003e\"");
        assertThat(JsEscapers.jsVal(new Pair("a", "1"))).isEqualTo("{\"Name\":\"a\",\"Value\":\"1\"}");
        assertThat(html("<script>var l = {{ . }};</script>", new KV(Map.of("b", "2", "a", "1"))))
                .isEqualTo("<script>var l = {\"a\":\"1\",\"b\":\"2\"};</script>");
    }

    @Test
    void jsStringAndRegexpEscapersMatchGosTables() {
        // js_test.go TestEscapersOnLower7AndSelectHighCodepoints.
        String input = "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"
                + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"
                + " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u007f"
                + "\u00A0\u0100\u2028\u2029\ufeff\uD834\uDD1E";
        String low = "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\u0008\\t\\n\\u000b\\f\\r\\u000e\\u000f"
                + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f";
        assertThat(HtmlEscaping.apply(HtmlEscaping.Escaper.JS_STR_ESCAPER, input)).isEqualTo(low
                + " !\\u0022#$%\\u0026\\u0027()*\\u002b,-.\\/0123456789:;\\u003c=\\u003e?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_"
                + "\\u0060abcdefghijklmnopqrstuvwxyz{|}~\u007f\u00A0\u0100\\u2028\\u2029\ufeff\uD834\uDD1E");
        assertThat(HtmlEscaping.apply(HtmlEscaping.Escaper.JS_REGEXP_ESCAPER, input)).isEqualTo(low
                + " !\\u0022#\\$%\\u0026\\u0027\\(\\)\\*\\u002b,\\-\\.\\/0123456789:;\\u003c=\\u003e\\?@ABCDEFGHIJKLMNOPQRSTUVWXYZ\\[\\\\\\]\\^_"
                + "`abcdefghijklmnopqrstuvwxyz\\{\\|\\}~\u007f\u00A0\u0100\\u2028\\u2029\ufeff\uD834\uDD1E");
        assertThat(HtmlEscaping.apply(HtmlEscaping.Escaper.JS_REGEXP_ESCAPER, "")).isEqualTo("(?:)");
        assertThat(HtmlEscaping.apply(HtmlEscaping.Escaper.JS_STR_ESCAPER, "+ADw-script+AD4-alert(1)+ADw-/script+AD4-"))
                .isEqualTo("\\u002bADw-script\\u002bAD4-alert(1)\\u002bADw-\\/script\\u002bAD4-");
    }

    @Test
    void brokenJsIsRefusedWithGosMessage() {
        // TestErrors.
        assertThatThrownBy(() -> html("<a onclick=\"alert('Hello \\", null))
                .hasMessageContaining("unfinished escape sequence in JS string: \"Hello \\\\\"");
        assertThatThrownBy(() -> html("<a onclick=\"/foo[\\]/", null)).hasMessageContaining("unfinished JS regexp charset: \"foo[\\\\]/\"");
        assertThatThrownBy(() -> html("<script>foo();", null)).hasMessageContaining("ends in a non-text context");
    }
}
