package io.promethium.templates;

import io.promethium.templates.HtmlContext.Attr;
import io.promethium.templates.HtmlContext.Delim;
import io.promethium.templates.HtmlContext.JsCtx;
import io.promethium.templates.HtmlContext.State;
import java.util.ArrayList;
import java.util.List;

/**
 * Contextual autoescaping as Go's html/template does it, which Alertmanager uses for the email
 * {@code html} body, Telegram's {@code parse_mode: HTML} and Pushover's {@code html: true}: what
 * a run does with the decisions of the escaping pass. Go rewrites the parse tree once, computing
 * the HTML context before each action from the literal text around it; here the same context
 * machine walks the whole tree first ({@link HtmlEscaper}), and the contexts it found for each
 * text and action decide how each run rewrites the text ({@link #text}: HTML, JS and CSS
 * comments removed, a stray {@code <} in text escaped, {@code <script}, {@code </script} and
 * {@code <!--} inside JS literals written {@code \x3C...}) and which of Go's escapers each
 * printed value gets ({@link #escapers}, {@link #apply}).
 * Written for this engine (no Java library reproduces Go's escaper byte for byte, which the
 * differential against Alertmanager needs).
 *
 * <p>The parts are split as Go's package is: {@link HtmlContext} (context.go), {@link
 * HtmlTransitions} (transition.go), {@link HtmlEscaper} and this class (escape.go), {@link
 * HtmlEscapeError} (error.go), {@link HtmlAttributes} (attr.go), and the escapers per context:
 * {@link MarkupEscapers} (html.go), {@link JsEscapers} (js.go), {@link CssEscapers} (css.go),
 * {@link UrlEscapers} (url.go).
 */
final class HtmlEscaping {

    private HtmlEscaping() {
    }

    /** Go's html/template typed strings ({@code template.HTML}, {@code template.URL}), made by {@code safeHtml} and {@code safeUrl}. */
    record Typed(Kind kind, String text) {
        enum Kind { HTML, URL }

        @Override
        public String toString() {
            return text;
        }
    }

    // ---- literal text -------------------------------------------------------------------

    /**
     * Appends literal {@code text} met in context {@code c} to {@code out} as Go's escaper
     * rewrites it (comments dropped, a {@code <} that opens no tag escaped), and returns the
     * context after it.
     */
    static HtmlContext text(HtmlContext c, String s, StringBuilder out) {
        int written = 0;
        int i = 0;
        boolean edited = false;
        StringBuilder b = new StringBuilder();
        while (i != s.length()) {
            HtmlTransitions.Step step = HtmlTransitions.contextAfterText(c, s.substring(i));
            HtmlContext c1 = step.context();
            int i1 = i + step.read();
            if (c.state() == State.TEXT || c.state() == State.RCDATA) {
                int end = i1;
                if (c1.state() != c.state()) {
                    for (int j = end - 1; j >= i; j--) {
                        if (s.charAt(j) == '<') {
                            end = j;
                            break;
                        }
                    }
                }
                for (int j = i; j < end; j++) {
                    if (s.charAt(j) == '<' && !s.regionMatches(true, j, "<!DOCTYPE", 0, 9)) {
                        b.append(s, written, j).append("&lt;");
                        written = j + 1;
                        edited = true;
                    }
                }
            } else if (c.state().comment() && c.delim() == Delim.NONE) {
                if (c.state() == State.JS_BLOCK_CMT) {
                    String cut = s.substring(written, i1);
                    b.append(cut.indexOf('\n') >= 0 || cut.indexOf('\r') >= 0 || cut.indexOf('\u2028') >= 0
                            || cut.indexOf('\u2029') >= 0 ? '\n' : ' ');
                } else if (c.state() == State.CSS_BLOCK_CMT) {
                    b.append(' ');
                }
                written = i1;
                edited = true;
            }
            if (c.state() != c1.state() && c1.state().comment() && c1.delim() == Delim.NONE) {
                int cs = i1 - 2;
                if (c1.state() == State.HTML_CMT || c1.state() == State.JS_HTML_OPEN_CMT) {
                    cs -= 2;
                } else if (c1.state() == State.JS_HTML_CLOSE_CMT) {
                    cs -= 1;
                }
                b.append(s, written, cs);
                written = i1;
                edited = true;
            }
            if (HtmlTransitions.inScriptLiteral(c.state()) && SPECIAL_SCRIPT_TAG.matcher(s.substring(i, i1)).find()) {
                // WHATWG's advice for "<!--", "<script" and "</script" in JS literals: escape the '<'.
                b.append(s, written, i).append(SPECIAL_SCRIPT_TAG.matcher(s.substring(i, i1)).replaceAll("\\\\x3C$1"));
                written = i1;
                edited = true;
            }
            if (i == i1 && c.state() == c1.state()) {
                throw new IllegalStateException("no progress in " + c + " on " + s.substring(i));
            }
            c = c1;
            i = i1;
        }
        if (edited && c.state() != State.ERROR) {
            if (!c.state().comment() || c.delim() != Delim.NONE) {
                b.append(s, written, s.length());
            }
            out.append(b);
        } else {
            out.append(s);
        }
        return c;
    }

    private static final java.util.regex.Pattern SPECIAL_SCRIPT_TAG =
            java.util.regex.Pattern.compile("<(script|/script|!--)", java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE);

    // ---- actions ------------------------------------------------------------------------

    /** Go's nudge: the context an action at {@code c} really starts in. */
    static HtmlContext nudge(HtmlContext c) {
        return switch (c.state()) {
            case TAG -> c.state(State.ATTR_NAME);
            case BEFORE_VALUE -> new HtmlContext(HtmlTransitions.attrStart(c.attr()), Delim.SPACE_OR_TAG_END, c.urlPart(), c.jsCtx(),
                    Attr.NONE, c.element(), null, c.braces());
            case AFTER_NAME -> new HtmlContext(State.ATTR_NAME, c.delim(), c.urlPart(), c.jsCtx(), Attr.NONE, c.element(), null,
                    c.braces());
            default -> c;
        };
    }

    /** An escaping step of an action's output: a Go html/template escaper, or one of text/template's {@code html}, {@code urlquery}. */
    enum Escaper {
        URL_FILTER(null), URL_NORMALIZER("urlquery"), URL_ESCAPER("urlquery"), HTML_ESCAPER("html"), RCDATA_ESCAPER("html"),
        ATTR_ESCAPER("html"), NOSPACE_ESCAPER(null), HTML_NAME_FILTER(null), COMMENT_ESCAPER(null), CSS_ESCAPER(null),
        CSS_VALUE_FILTER(null), JS_VAL_ESCAPER(null), JS_STR_ESCAPER(null), JS_TMPL_LIT_ESCAPER(null), JS_REGEXP_ESCAPER(null),
        SRCSET_ESCAPER(null);

        /** The predefined escaper Go treats as equivalent. */
        final String equivalent;

        Escaper(String equivalent) {
            this.equivalent = equivalent;
        }
    }

    /**
     * The escapers for an action at (nudged) context {@code c}, as Go's escapeAction chooses them,
     * and the context after the action.
     *
     * @throws TemplateException where Go fails (the context is an error)
     */
    static List<Escaper> escapers(HtmlContext c, String where) throws TemplateException {
        List<Escaper> s = new ArrayList<>(3);
        switch (c.state()) {
            case ERROR -> throw new TemplateException("html/template: " + where + ": " + c.error());
            case URL, CSS_DQ_STR, CSS_SQ_STR, CSS_DQ_URL, CSS_SQ_URL, CSS_URL -> {
                boolean cssString = c.state() == State.CSS_DQ_STR || c.state() == State.CSS_SQ_STR;
                switch (c.urlPart()) {
                    case NONE -> {
                        s.add(Escaper.URL_FILTER);
                        s.add(cssString ? Escaper.CSS_ESCAPER : Escaper.URL_NORMALIZER);
                    }
                    case PRE_QUERY -> s.add(cssString ? Escaper.CSS_ESCAPER : Escaper.URL_NORMALIZER);
                    case QUERY_OR_FRAG -> s.add(Escaper.URL_ESCAPER);
                    case UNKNOWN -> throw new TemplateException("html/template: " + where + ": appears in an ambiguous context within a URL");
                }
            }
            case CSS -> s.add(Escaper.CSS_VALUE_FILTER);
            case JS -> s.add(Escaper.JS_VAL_ESCAPER);
            case JS_DQ_STR, JS_SQ_STR -> s.add(Escaper.JS_STR_ESCAPER);
            case JS_TMPL_LIT -> s.add(Escaper.JS_TMPL_LIT_ESCAPER);
            case JS_REGEXP -> s.add(Escaper.JS_REGEXP_ESCAPER);
            case SRCSET -> s.add(Escaper.SRCSET_ESCAPER);
            case META_CONTENT -> {
            }
            case META_CONTENT_URL -> s.add(Escaper.URL_FILTER);
            case TEXT -> s.add(Escaper.HTML_ESCAPER);
            case RCDATA -> s.add(Escaper.RCDATA_ESCAPER);
            case ATTR -> {
            }
            case ATTR_NAME, TAG -> s.add(Escaper.HTML_NAME_FILTER);
            default -> {
                if (!c.state().comment()) {
                    throw new IllegalStateException("unexpected state " + c);
                }
                s.add(Escaper.COMMENT_ESCAPER);
            }
        }
        switch (c.delim()) {
            case NONE -> {
            }
            case SPACE_OR_TAG_END -> s.add(Escaper.NOSPACE_ESCAPER);
            default -> s.add(Escaper.ATTR_ESCAPER);
        }
        return s;
    }

    /**
     * Go's redundantFuncs: {@code next} adds nothing after {@code last}, so Go leaves it out
     * when it appends the escapers to a pipeline (after a trailing {@code html} or
     * {@code urlquery} took an escaper's place, nothing is left out).
     */
    static boolean redundant(Escaper last, Escaper next) {
        return switch (last) {
            case COMMENT_ESCAPER -> next == Escaper.ATTR_ESCAPER || next == Escaper.HTML_ESCAPER;
            case CSS_ESCAPER, JS_REGEXP_ESCAPER, JS_STR_ESCAPER, JS_TMPL_LIT_ESCAPER -> next == Escaper.ATTR_ESCAPER;
            case URL_ESCAPER -> next == Escaper.URL_NORMALIZER;
            default -> false;
        };
    }

    /** The context after an action at (nudged) {@code c}: after a JS value, a '/' divides. */
    static HtmlContext afterAction(HtmlContext c) {
        return switch (c.state()) {
            case TAG -> c.state(State.ATTR_NAME);
            case JS -> c.js(State.JS, JsCtx.DIV_OP);
            default -> c;
        };
    }

    /**
     * Applies one escaper to a value (a string, a {@link Typed} or any value printed as Go's
     * fmt.Sprint). Null is Go's untyped nil (no value, or a nil interface), which Go's
     * {@code stringify} skips ("" rather than {@code <nil>}, Go issue 25875); the JS value
     * escaper writes it as {@code null}.
     */
    static Object apply(Escaper e, Object value) {
        Typed.Kind kind = value instanceof Typed t ? t.kind() : null;
        String s = value instanceof Typed t ? t.text() : value == null ? "" : GoFormat.print(value);
        return switch (e) {
            case URL_FILTER -> kind == Typed.Kind.URL ? value : UrlEscapers.isSafeUrl(s) ? s : "#ZgotmplZ";
            case URL_NORMALIZER -> UrlEscapers.urlNormalizer(s);
            case URL_ESCAPER -> UrlEscapers.urlEscaper(s, kind);
            case HTML_ESCAPER -> MarkupEscapers.htmlEscaper(s, kind);
            case RCDATA_ESCAPER -> MarkupEscapers.rcdataEscaper(s, kind);
            case ATTR_ESCAPER -> MarkupEscapers.attrEscaper(s, kind);
            case NOSPACE_ESCAPER -> MarkupEscapers.nospaceEscaper(s, kind);
            case HTML_NAME_FILTER -> MarkupEscapers.htmlNameFilter(s);
            case COMMENT_ESCAPER -> "";
            case CSS_ESCAPER -> CssEscapers.cssEscaper(s);
            case CSS_VALUE_FILTER -> CssEscapers.cssValueFilter(s);
            case JS_VAL_ESCAPER -> JsEscapers.jsVal(value);
            case JS_STR_ESCAPER -> JsEscapers.jsStrEscaper(s);
            case JS_TMPL_LIT_ESCAPER -> JsEscapers.jsTmplLitEscaper(s);
            case JS_REGEXP_ESCAPER -> JsEscapers.jsRegexpEscaper(s);
            case SRCSET_ESCAPER -> UrlEscapers.srcsetFilterAndEscaper(s, kind);
        };
    }
}
