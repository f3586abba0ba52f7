package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Go's html/template contextual escaping. The expected outputs are Go's: each case is one of Go's
 * own escaper cases (src/html/template/escape_test.go) or follows from its documented escapers
 * (htmlEscaper, attrEscaper, urlFilter, urlNormalizer, urlEscaper, htmlNospaceEscaper).
 */
class HtmlEscapingTest {

    private static String html(String template, Object data) throws TemplateException {
        return Template.parse("t", template, Dialect.ALERTMANAGER, null).executeHtml(data, QueryFunction.NONE, "");
    }

    @Test
    void textValuesAreHtmlEscapedWithGosTable() throws Exception {
        assertThat(html("<b>{{ . }}</b>", "<x> \"Tom\" & 'Jerry' a+b\u0000"))
                .isEqualTo("<b>&lt;x&gt; &#34;Tom&#34; &amp; &#39;Jerry&#39; a&#43;b\uFFFD</b>");
    }

    @Test
    void textTemplateDoesNotEscape() throws Exception {
        assertThat(Template.parse("t", "<b>{{ . }}</b>", Dialect.ALERTMANAGER, null).execute("<x>", QueryFunction.NONE, ""))
                .isEqualTo("<b><x></b>");
    }

    @Test
    void safeHtmlIsPrintedAsIsInText() throws Exception {
        assertThat(html("{{ safeHtml . }}", "<b>bold</b>")).isEqualTo("<b>bold</b>");
    }

    @Test
    void safeHtmlInAnAttributeLosesItsTags() throws Exception {
        assertThat(html("<a title=\"{{ safeHtml . }}\">", "<b>a&amp;b</b>")).isEqualTo("<a title=\"a&amp;b\">");
    }

    @Test
    void unsafeUrlSchemesAreReplacedAtTheStartOfAUrlAttribute() throws Exception {
        assertThat(html("<a href=\"{{ . }}\">x</a>", "javascript:alert(1)")).isEqualTo("<a href=\"#ZgotmplZ\">x</a>");
        assertThat(html("<a href=\"{{ . }}\">x</a>", "HTTPS://ok/a b?c=d&e")).isEqualTo("<a href=\"HTTPS://ok/a%20b?c=d&amp;e\">x</a>");
    }

    @Test
    void safeUrlPassesTheFilter() throws Exception {
        assertThat(html("<a href=\"{{ safeUrl . }}\">", "javascript:void(0)")).isEqualTo("<a href=\"javascript:void%280%29\">");
    }

    @Test
    void queryPartValuesArePercentEncoded() throws Exception {
        assertThat(html("<a href=\"http://x/?q={{ . }}\">", "a b&c/é")).isEqualTo("<a href=\"http://x/?q=a%20b%26c%2f%c3%a9\">");
    }

    @Test
    void aTrailingUrlqueryTakesThePlaceOfTheUrlEscaper() throws Exception {
        // [urlquery, attrescaper]: Go's QueryEscape, then '+' escaped for the attribute.
        assertThat(html("<a href=\"/s?q={{ . | urlquery }}\">", "a b&c")).isEqualTo("<a href=\"/s?q=a&#43;b%26c\">");
        assertThat(html("<a href=\"/s?q={{ urlquery . \"!\" }}\">", "a b")).isEqualTo("<a href=\"/s?q=a&#43;b%21\">");
    }

    @Test
    void aTrailingHtmlIsNotAppliedTwice() throws Exception {
        assertThat(html("<p>{{ . | html }}</p>", "<&>")).isEqualTo("<p>&lt;&amp;&gt;</p>");
    }

    @Test
    void predefinedEscaperInTheMiddleOfAPipelineIsRefused() {
        assertThatThrownBy(() -> html("<p>{{ . | html | printf \"%s\" }}</p>", "x"))
                .hasMessageContaining("predefined escaper \"html\" disallowed in template");
    }

    @Test
    void unquotedAttributeValuesEscapeSpaces() throws Exception {
        assertThat(html("<p class={{ . }}>", "a b=c")).isEqualTo("<p class=a&#32;b&#61;c>");
        assertThat(html("<p class={{ . }}>", "")).isEqualTo("<p class=ZgotmplZ>");
    }

    @Test
    void singleQuotedAttributeValues() throws Exception {
        assertThat(html("<p title='{{ . }}'>", "it's")).isEqualTo("<p title='it&#39;s'>");
    }

    @Test
    void attributeNamesAreFiltered() throws Exception {
        assertThat(html("<input {{ . }}>", "checked")).isEqualTo("<input checked>");
        assertThat(html("<input {{ . }}>", "onclick")).isEqualTo("<input ZgotmplZ>");
    }

    @Test
    void titleIsRcdata() throws Exception {
        assertThat(html("<title>{{ . }}</title>", "<a> & b")).isEqualTo("<title>&lt;a&gt; &amp; b</title>");
    }

    @Test
    void htmlCommentsAreDropped() throws Exception {
        assertThat(html("a<!-- {{ . }} secret -->b", "x")).isEqualTo("ab");
        assertThat(html("<!DOCTYPE html><p>x</p>", null)).isEqualTo("<!DOCTYPE html><p>x</p>");
    }

    @Test
    void aStrayLessThanInTextIsEscaped() throws Exception {
        assertThat(html("1 < 2 <b>3</b>", null)).isEqualTo("1 &lt; 2 <b>3</b>");
    }

    @Test
    void cssCommentsInStyleElementsAreDropped() throws Exception {
        assertThat(html("<style>p { color: red; /* why */ }</style>", null)).isEqualTo("<style>p { color: red;   }</style>");
    }

    @Test
    void contextFlowsThroughDefinedTemplates() throws Exception {
        String t = "{{ define \"u\" }}{{ .base }}/#/alerts?receiver={{ .r | urlquery }}{{ end }}<a href=\"{{ template \"u\" . }}\">go</a>";
        assertThat(html(t, Map.of("base", "http://am.example", "r", "team a")))
                .isEqualTo("<a href=\"http://am.example/#/alerts?receiver=team&#43;a\">go</a>");
    }

    @Test
    void variableDeclarationsPrintNothing() throws Exception {
        assertThat(html("{{ $x := . }}<p>{{ $x }}</p>", "<")).isEqualTo("<p>&lt;</p>");
    }

    @Test
    void endingInsideATagIsAnError() {
        assertThatThrownBy(() -> html("<a href=\"{{ . }}", "x")).hasMessageContaining("ends in a non-text context");
    }

    @Test
    void cssValuesPassGosFilter() throws Exception {
        assertThat(html("<p style=\"color: {{ . }}\">", "red")).isEqualTo("<p style=\"color: red\">");
        assertThat(html("<p style=\"width: {{ . }}\">", "10px")).isEqualTo("<p style=\"width: 10px\">");
        assertThat(html("<p style=\"color: {{ . }}\">", "expression(alert(1))")).isEqualTo("<p style=\"color: ZgotmplZ\">");
        assertThat(html("<p style=\"x: {{ . }}\">", "-moz-binding")).isEqualTo("<p style=\"x: ZgotmplZ\">");
        assertThat(html("<style>p { color: {{ . }} }</style>", "red;}")).isEqualTo("<style>p { color: ZgotmplZ }</style>");
    }

    @Test
    void cssStringsEscapeWithHexEscapes() throws Exception {
        // Go's cssEscaper: a space follows an escape when a hex digit, a space or the end follows.
        assertThat(html("<p style=\"font-family: '{{ . }}'\">", "a\"b c;d<")).isEqualTo("<p style=\"font-family: 'a\\22 b c\\3b d\\3c '\">");
    }

    @Test
    void cssUrlsAreFilteredAndNormalised() throws Exception {
        assertThat(html("<p style=\"background: url({{ . }})\">", "javascript:x")).isEqualTo("<p style=\"background: url(#ZgotmplZ)\">");
        assertThat(html("<p style=\"background: url('{{ . }}')\">", "/a b.png")).isEqualTo("<p style=\"background: url('/a%20b.png')\">");
    }

    @Test
    void quotesInsideAStyleAttributeDoNotEndIt() throws Exception {
        assertThat(html("<p style=\"font-family: 'Helvetica Neue', Arial;\">{{ . }}</p>", "<"))
                .isEqualTo("<p style=\"font-family: 'Helvetica Neue', Arial;\">&lt;</p>");
    }
}
