package io.promethium.templates;

import java.util.List;
import java.util.Locale;

/**
 * Where the output is: Go's html/template context. {@code braces} is Go's jsBraceDepth: for
 * each JS template literal's open {@code ${...}}, the depth of braces inside it, so a
 * {@code }} that closes the substitution returns to the literal.
 */
record HtmlContext(State state, Delim delim, UrlPart urlPart, JsCtx jsCtx, Attr attr, Element element, String error,
                   List<Integer> braces) {

    enum State {
        TEXT, TAG, ATTR_NAME, AFTER_NAME, BEFORE_VALUE, HTML_CMT, RCDATA, ATTR, URL, SRCSET,
        JS, JS_DQ_STR, JS_SQ_STR, JS_TMPL_LIT, JS_REGEXP, JS_BLOCK_CMT, JS_LINE_CMT, JS_HTML_OPEN_CMT, JS_HTML_CLOSE_CMT,
        CSS, CSS_DQ_STR, CSS_SQ_STR, CSS_DQ_URL, CSS_SQ_URL, CSS_URL, CSS_BLOCK_CMT, CSS_LINE_CMT, ERROR, META_CONTENT,
        META_CONTENT_URL;

        boolean comment() {
            return switch (this) {
                case HTML_CMT, JS_BLOCK_CMT, JS_LINE_CMT, JS_HTML_OPEN_CMT, JS_HTML_CLOSE_CMT, CSS_BLOCK_CMT, CSS_LINE_CMT -> true;
                default -> false;
            };
        }
    }

    enum Delim { NONE, DOUBLE_QUOTE, SINGLE_QUOTE, SPACE_OR_TAG_END }

    /** {@code UNKNOWN}: after branches that end in different parts of a URL (Go's urlPartUnknown). */
    enum UrlPart { NONE, PRE_QUERY, QUERY_OR_FRAG, UNKNOWN }

    enum JsCtx { REGEXP, DIV_OP, UNKNOWN }

    enum Attr { NONE, SCRIPT, SCRIPT_TYPE, STYLE, URL, SRCSET, META_CONTENT }

    enum Element { NONE, SCRIPT, STYLE, TEXTAREA, TITLE, META }

    /** Go's names of the states, in the order of {@link State}. */
    private static final String[] GO_STATES = {"stateText", "stateTag", "stateAttrName", "stateAfterName", "stateBeforeValue",
        "stateHTMLCmt", "stateRCDATA", "stateAttr", "stateURL", "stateSrcset", "stateJS", "stateJSDqStr", "stateJSSqStr",
        "stateJSTmplLit", "stateJSRegexp", "stateJSBlockCmt", "stateJSLineCmt", "stateJSHTMLOpenCmt", "stateJSHTMLCloseCmt",
        "stateCSS", "stateCSSDqStr", "stateCSSSqStr", "stateCSSDqURL", "stateCSSSqURL", "stateCSSURL", "stateCSSBlockCmt",
        "stateCSSLineCmt", "stateError", "stateMetaContent", "stateMetaContentURL"};

    static final HtmlContext TEXT = new HtmlContext(State.TEXT, Delim.NONE, UrlPart.NONE, JsCtx.REGEXP, Attr.NONE, Element.NONE, null);

    HtmlContext {
        braces = List.copyOf(braces);
    }

    HtmlContext(State state, Delim delim, UrlPart urlPart, JsCtx jsCtx, Attr attr, Element element, String error) {
        this(state, delim, urlPart, jsCtx, attr, element, error, List.of());
    }

    static HtmlContext error(String message) {
        return new HtmlContext(State.ERROR, Delim.NONE, UrlPart.NONE, JsCtx.REGEXP, Attr.NONE, Element.NONE, message);
    }

    static HtmlContext of(State state, Element element) {
        return new HtmlContext(state, Delim.NONE, UrlPart.NONE, JsCtx.REGEXP, Attr.NONE, element, null);
    }

    HtmlContext state(State s) {
        return new HtmlContext(s, delim, urlPart, jsCtx, attr, element, error, braces);
    }

    HtmlContext js(State s, JsCtx j) {
        return new HtmlContext(s, delim, urlPart, j, attr, element, error, braces);
    }

    HtmlContext url(UrlPart u) {
        return new HtmlContext(state, delim, u, jsCtx, attr, element, error, braces);
    }

    HtmlContext braces(State s, List<Integer> b) {
        return new HtmlContext(s, delim, urlPart, jsCtx, attr, element, error, b);
    }

    /** Go's context.eq: the brace depths and the error's text are not compared. */
    boolean eq(HtmlContext d) {
        return state == d.state && delim == d.delim && urlPart == d.urlPart && jsCtx == d.jsCtx && attr == d.attr
                && element == d.element;
    }

    HtmlContext jsCtx(JsCtx j) {
        return new HtmlContext(state, delim, urlPart, j, attr, element, error, braces);
    }

    /** Go's {@code %v} of a context: {@code {stateAttr delimSpaceOrTagEnd urlPartNone jsCtxRegexp attrNone elementNone <nil>}}. */
    String goString() {
        return "{" + GO_STATES[state.ordinal()] + " delim" + camel(delim.name()) + " urlPart" + camel(urlPart.name())
                + " jsCtx" + (jsCtx == JsCtx.DIV_OP ? "DivOp" : camel(jsCtx.name())) + " attr"
                + (attr == Attr.URL ? "URL" : camel(attr.name())) + " element" + camel(element.name()) + " <nil>}";
    }

    /** Go's mangled name of template {@code name} called in this context. */
    String mangle(String name) {
        if (state == State.TEXT) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append("$htmltemplate_").append(GO_STATES[state.ordinal()]);
        String[] parts = goString().substring(1).split(" ");
        if (delim != Delim.NONE) {
            b.append('_').append(parts[1]);
        }
        if (urlPart != UrlPart.NONE) {
            b.append('_').append(parts[2]);
        }
        if (jsCtx != JsCtx.REGEXP) {
            b.append('_').append(parts[3]);
        }
        if (attr != Attr.NONE) {
            b.append('_').append(parts[4]);
        }
        if (element != Element.NONE) {
            b.append('_').append(parts[5]);
        }
        return b.toString();
    }

    private static String camel(String constant) {
        StringBuilder b = new StringBuilder();
        for (String w : constant.split("_")) {
            b.append(w.charAt(0)).append(w.substring(1).toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "{" + state + (delim == Delim.NONE ? "" : " " + delim) + (urlPart == UrlPart.NONE ? "" : " " + urlPart)
                + (attr == Attr.NONE ? "" : " attr " + attr) + (element == Element.NONE ? "" : " element " + element) + "}";
    }
}
