package io.promethium.templates;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Contextual autoescaping as Go's html/template does it, which Alertmanager uses for the email
 * {@code html} body, Telegram's {@code parse_mode: HTML} and Pushover's {@code html: true}. Go
 * rewrites the parse tree once, computing the HTML context before each action from the literal
 * text around it; here the same context machine walks the whole tree first ({@link HtmlEscaper}),
 * and the contexts it found for each text and action decide how each run rewrites the text and
 * escapes each printed value.
 * Written for this engine (no Java library reproduces Go's escaper byte for byte, which the
 * differential against Alertmanager needs).
 *
 * <p>Every context of Go's newest release is escaped as Go escapes it: HTML text, attributes,
 * URLs; JavaScript ({@code <script>}, {@code on*} attributes) with Go's state machine for
 * strings, template literals and their {@code ${...}} substitutions, regexps and comments, a
 * value as a JSON expression (jsValEscaper), in a string, template literal or regexp with
 * Go's tables; {@code srcset} per image candidate; CSS ({@code <style>}, {@code style}
 * attributes: cssValueFilter, cssEscaper in strings, the URL escapers in {@code url(...)}); the
 * URL after {@code url=} in a {@code <meta>} element's {@code content} (urlFilter).
 * Literal text everywhere is treated as Go treats it (HTML, JS and CSS comments removed, a
 * stray {@code <} in text escaped, {@code <script}, {@code </script} and {@code <!--} inside JS
 * literals written {@code \x3C...}).
 *
 * <p>Go refuses some templates as a whole before they run (branches ending in different
 * contexts, a {@code /} after branches that disagree on division or regexp, ...): that pass is
 * {@link HtmlEscaper}, run before the first execution.
 */
final class HtmlEscaping {

    private HtmlEscaping() {
    }

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

    /**
     * Where the output is: Go's html/template context. {@code braces} is Go's jsBraceDepth: for
     * each JS template literal's open {@code ${...}}, the depth of braces inside it, so a
     * {@code }} that closes the substitution returns to the literal.
     */
    record Context(State state, Delim delim, UrlPart urlPart, JsCtx jsCtx, Attr attr, Element element, String error,
                   List<Integer> braces) {

        static final Context TEXT = new Context(State.TEXT, Delim.NONE, UrlPart.NONE, JsCtx.REGEXP, Attr.NONE, Element.NONE, null);

        Context {
            braces = List.copyOf(braces);
        }

        Context(State state, Delim delim, UrlPart urlPart, JsCtx jsCtx, Attr attr, Element element, String error) {
            this(state, delim, urlPart, jsCtx, attr, element, error, List.of());
        }

        static Context error(String message) {
            return new Context(State.ERROR, Delim.NONE, UrlPart.NONE, JsCtx.REGEXP, Attr.NONE, Element.NONE, message);
        }

        static Context of(State state, Element element) {
            return new Context(state, Delim.NONE, UrlPart.NONE, JsCtx.REGEXP, Attr.NONE, element, null);
        }

        Context state(State s) {
            return new Context(s, delim, urlPart, jsCtx, attr, element, error, braces);
        }

        Context js(State s, JsCtx j) {
            return new Context(s, delim, urlPart, j, attr, element, error, braces);
        }

        Context url(UrlPart u) {
            return new Context(state, delim, u, jsCtx, attr, element, error, braces);
        }

        Context braces(State s, List<Integer> b) {
            return new Context(s, delim, urlPart, jsCtx, attr, element, error, b);
        }

        /** Go's context.eq: the brace depths and the error's text are not compared. */
        boolean eq(Context d) {
            return state == d.state && delim == d.delim && urlPart == d.urlPart && jsCtx == d.jsCtx && attr == d.attr
                    && element == d.element;
        }

        Context jsCtx(JsCtx j) {
            return new Context(state, delim, urlPart, j, attr, element, error, braces);
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

    /** Go's names of the states, in the order of {@link State}. */
    private static final String[] GO_STATES = {"stateText", "stateTag", "stateAttrName", "stateAfterName", "stateBeforeValue",
        "stateHTMLCmt", "stateRCDATA", "stateAttr", "stateURL", "stateSrcset", "stateJS", "stateJSDqStr", "stateJSSqStr",
        "stateJSTmplLit", "stateJSRegexp", "stateJSBlockCmt", "stateJSLineCmt", "stateJSHTMLOpenCmt", "stateJSHTMLCloseCmt",
        "stateCSS", "stateCSSDqStr", "stateCSSSqStr", "stateCSSDqURL", "stateCSSSqURL", "stateCSSURL", "stateCSSBlockCmt",
        "stateCSSLineCmt", "stateError", "stateMetaContent", "stateMetaContentURL"};

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
    static Context text(Context c, String s, StringBuilder out) {
        int written = 0;
        int i = 0;
        boolean edited = false;
        StringBuilder b = new StringBuilder();
        while (i != s.length()) {
            Step step = contextAfterText(c, s.substring(i));
            Context c1 = step.context;
            int i1 = i + step.read;
            if (c.state == State.TEXT || c.state == State.RCDATA) {
                int end = i1;
                if (c1.state != c.state) {
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
            } else if (c.state.comment() && c.delim == Delim.NONE) {
                if (c.state == State.JS_BLOCK_CMT) {
                    String cut = s.substring(written, i1);
                    b.append(cut.indexOf('\n') >= 0 || cut.indexOf('\r') >= 0 || cut.indexOf('\u2028') >= 0
                            || cut.indexOf('\u2029') >= 0 ? '\n' : ' ');
                } else if (c.state == State.CSS_BLOCK_CMT) {
                    b.append(' ');
                }
                written = i1;
                edited = true;
            }
            if (c.state != c1.state && c1.state.comment() && c1.delim == Delim.NONE) {
                int cs = i1 - 2;
                if (c1.state == State.HTML_CMT || c1.state == State.JS_HTML_OPEN_CMT) {
                    cs -= 2;
                } else if (c1.state == State.JS_HTML_CLOSE_CMT) {
                    cs -= 1;
                }
                b.append(s, written, cs);
                written = i1;
                edited = true;
            }
            if (inScriptLiteral(c.state) && SPECIAL_SCRIPT_TAG.matcher(s.substring(i, i1)).find()) {
                // WHATWG's advice for "<!--", "<script" and "</script" in JS literals: escape the '<'.
                b.append(s, written, i).append(SPECIAL_SCRIPT_TAG.matcher(s.substring(i, i1)).replaceAll("\\\\x3C$1"));
                written = i1;
                edited = true;
            }
            if (i == i1 && c.state == c1.state) {
                throw new IllegalStateException("no progress in " + c + " on " + s.substring(i));
            }
            c = c1;
            i = i1;
        }
        if (edited && c.state != State.ERROR) {
            if (!c.state.comment() || c.delim != Delim.NONE) {
                b.append(s, written, s.length());
            }
            out.append(b);
        } else {
            out.append(s);
        }
        return c;
    }

    private record Step(Context context, int read) {
    }

    private static final java.util.regex.Pattern SPECIAL_SCRIPT_TAG =
            java.util.regex.Pattern.compile("<(script|/script|!--)", java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE);

    private static Step contextAfterText(Context c, String s) {
        if (c.delim == Delim.NONE) {
            Step end = specialTagEnd(c, s);
            if (end.read == 0) {
                return end;
            }
            return transition(c, s.substring(0, end.read));
        }
        String ends = switch (c.delim) {
            case DOUBLE_QUOTE -> "\"";
            case SINGLE_QUOTE -> "'";
            default -> "\t\n\f\r >";
        };
        int i = indexAny(s, 0, ends);
        if (i == -1) {
            i = s.length();
        }
        if (c.delim == Delim.SPACE_OR_TAG_END) {
            int j = indexAny(s.substring(0, i), 0, "\"'<=`");
            if (j >= 0) {
                return new Step(Context.error(GoFormat.quote(s.substring(j, j + 1)) + " in unquoted attr: "
                        + GoFormat.quote(s.substring(0, i))), s.length());
            }
        }
        if (i == s.length()) {
            // Inside the value: decoded, so JS and CSS rules see &quot; as a quote.
            String u = unescapeEntities(s);
            while (!u.isEmpty()) {
                Step st = transition(c, u);
                c = st.context;
                u = u.substring(st.read);
            }
            return new Step(c, s.length());
        }
        Element element = c.element;
        if (c.state == State.ATTR && c.element == Element.SCRIPT && c.attr == Attr.SCRIPT_TYPE && !isJsType(s.substring(0, i))) {
            element = Element.NONE;
        }
        if (c.delim != Delim.SPACE_OR_TAG_END) {
            i++;
        }
        return new Step(Context.of(State.TAG, element), i);
    }

    private static Step transition(Context c, String s) {
        return switch (c.state) {
            case TEXT -> tText(c, s);
            case TAG -> tTag(c, s);
            case ATTR_NAME -> tAttrName(c, s);
            case AFTER_NAME -> tAfterName(c, s);
            case BEFORE_VALUE -> tBeforeValue(c, s);
            case HTML_CMT -> {
                int i = s.indexOf("-->");
                yield i == -1 ? new Step(c, s.length()) : new Step(Context.TEXT, i + 3);
            }
            case RCDATA -> specialTagEnd(c, s);
            case ATTR -> new Step(c, s.length());
            case URL, SRCSET -> tUrl(c, s);
            case JS -> tJs(c, s);
            case JS_DQ_STR, JS_SQ_STR, JS_REGEXP -> tJsDelimited(c, s);
            case JS_TMPL_LIT -> tJsTmpl(c, s);
            case JS_BLOCK_CMT, CSS_BLOCK_CMT -> {
                int i = s.indexOf("*/");
                yield i == -1 ? new Step(c, s.length()) : new Step(c.state(c.state == State.JS_BLOCK_CMT ? State.JS : State.CSS), i + 2);
            }
            case JS_LINE_CMT, JS_HTML_OPEN_CMT, JS_HTML_CLOSE_CMT, CSS_LINE_CMT -> {
                boolean css = c.state == State.CSS_LINE_CMT;
                int i = indexAny(s, 0, css ? "\n\f\r" : "\n\r\u2028\u2029");
                yield i == -1 ? new Step(c, s.length()) : new Step(c.state(css ? State.CSS : State.JS), i);
            }
            case CSS -> tCss(c, s);
            case META_CONTENT -> tMetaContent(c, s);
            case META_CONTENT_URL -> {
                int i = s.indexOf(';');
                yield i < 0 ? new Step(c, s.length()) : new Step(c.state(State.META_CONTENT), i + 1);
            }
            case CSS_DQ_STR, CSS_SQ_STR, CSS_DQ_URL, CSS_SQ_URL, CSS_URL -> tCssStr(c, s);
            case ERROR -> new Step(c, s.length());
        };
    }

    private static Step tText(Context c, String s) {
        int k = 0;
        while (true) {
            int i = s.indexOf('<', k);
            if (i < 0 || i + 1 == s.length()) {
                return new Step(c, s.length());
            } else if (s.startsWith("<!--", i)) {
                return new Step(Context.of(State.HTML_CMT, Element.NONE), i + 4);
            }
            i++;
            boolean end = false;
            if (s.charAt(i) == '/') {
                if (i + 1 == s.length()) {
                    return new Step(c, s.length());
                }
                end = true;
                i++;
            }
            int j = eatTagName(s, i);
            if (j != i) {
                Element e = end ? Element.NONE : element(s.substring(i, j));
                return new Step(Context.of(State.TAG, e), j);
            }
            k = j;
        }
    }

    private static Step tTag(Context c, String s) {
        int i = eatWhiteSpace(s, 0);
        if (i == s.length()) {
            return new Step(c, s.length());
        }
        if (s.charAt(i) == '>') {
            if (c.element == Element.META) {
                // <meta> has no end tag: its content is text again.
                return new Step(Context.TEXT, i + 1);
            }
            State content = switch (c.element) {
                case NONE, META -> State.TEXT;
                case SCRIPT -> State.JS;
                case STYLE -> State.CSS;
                case TEXTAREA, TITLE -> State.RCDATA;
            };
            return new Step(Context.of(content, c.element), i + 1);
        }
        int j = eatAttrName(s, i);
        if (j < 0) {
            return new Step(Context.error(badAttrName(s, i)), s.length());
        }
        if (i == j) {
            return new Step(Context.error("expected space, attr name, or end of tag, but got " + GoFormat.quote(s.substring(i))), s.length());
        }
        String name = s.substring(i, j).toLowerCase(Locale.ROOT);
        Attr attr = Attr.NONE;
        if (c.element == Element.SCRIPT && name.equals("type")) {
            attr = Attr.SCRIPT_TYPE;
        } else if (c.element == Element.META && name.equals("content")) {
            attr = Attr.META_CONTENT;
        } else {
            attr = switch (attrType(name)) {
                case URL -> Attr.URL;
                case CSS -> Attr.STYLE;
                case JS -> Attr.SCRIPT;
                case SRCSET -> Attr.SRCSET;
                default -> Attr.NONE;
            };
        }
        State state = j == s.length() ? State.ATTR_NAME : State.AFTER_NAME;
        return new Step(new Context(state, Delim.NONE, UrlPart.NONE, JsCtx.REGEXP, attr, c.element, null), j);
    }

    private static Step tAttrName(Context c, String s) {
        int i = eatAttrName(s, 0);
        if (i < 0) {
            return new Step(Context.error(badAttrName(s, 0)), s.length());
        }
        return new Step(i != s.length() ? c.state(State.AFTER_NAME) : c, i);
    }

    private static Step tAfterName(Context c, String s) {
        int i = eatWhiteSpace(s, 0);
        if (i == s.length()) {
            return new Step(c, s.length());
        } else if (s.charAt(i) != '=') {
            return new Step(c.state(State.TAG), i);
        }
        return new Step(c.state(State.BEFORE_VALUE), i + 1);
    }

    private static State attrStart(Attr attr) {
        return switch (attr) {
            case NONE, SCRIPT_TYPE -> State.ATTR;
            case SCRIPT -> State.JS;
            case STYLE -> State.CSS;
            case URL -> State.URL;
            case SRCSET -> State.SRCSET;
            case META_CONTENT -> State.META_CONTENT;
        };
    }

    private static Step tBeforeValue(Context c, String s) {
        int i = eatWhiteSpace(s, 0);
        if (i == s.length()) {
            return new Step(c, s.length());
        }
        Delim delim = Delim.SPACE_OR_TAG_END;
        if (s.charAt(i) == '\'') {
            delim = Delim.SINGLE_QUOTE;
            i++;
        } else if (s.charAt(i) == '"') {
            delim = Delim.DOUBLE_QUOTE;
            i++;
        }
        return new Step(new Context(attrStart(c.attr), delim, c.urlPart, c.jsCtx, c.attr, c.element, null, c.braces), i);
    }

    private static Step specialTagEnd(Context c, String s) {
        if (c.element == Element.SCRIPT && (inScriptLiteral(c.state) || c.state.comment())) {
            // "</script" inside a JS string, regexp or comment is escaped (text) or dropped, not an end.
            return new Step(c, s.length());
        }
        if (c.element != Element.NONE) {
            // Go's marker for <meta> is empty: any "</" then a separator ends it.
            String tag = c.element == Element.META ? "" : c.element.name().toLowerCase(Locale.ROOT);
            int i = indexTagEnd(s, tag);
            if (i != -1) {
                return new Step(Context.TEXT, i);
            }
        }
        return new Step(c, s.length());
    }

    private static boolean inScriptLiteral(State s) {
        return s == State.JS_DQ_STR || s == State.JS_SQ_STR || s == State.JS_TMPL_LIT || s == State.JS_REGEXP;
    }

    private static int indexTagEnd(String s, String tag) {
        int from = 0;
        while (from < s.length()) {
            int i = s.indexOf("</", from);
            if (i == -1) {
                return -1;
            }
            int after = i + 2;
            if (after + tag.length() <= s.length() && s.regionMatches(true, after, tag, 0, tag.length())) {
                int next = after + tag.length();
                if (next < s.length() && "> \t\n\f/".indexOf(s.charAt(next)) != -1) {
                    return i;
                }
            }
            from = after;
        }
        return -1;
    }

    private static Step tUrl(Context c, String s) {
        if (s.indexOf('#') >= 0 || s.indexOf('?') >= 0) {
            return new Step(c.url(UrlPart.QUERY_OR_FRAG), s.length());
        } else if (s.length() != eatWhiteSpace(s, 0) && c.urlPart == UrlPart.NONE) {
            return new Step(c.url(UrlPart.PRE_QUERY), s.length());
        }
        return new Step(c, s.length());
    }

    private static Step tJs(Context c, String s) {
        int i = indexAny(s, 0, "\"`'/{}<-#");
        if (i == -1) {
            return new Step(c.js(c.state, nextJsCtx(s, c.jsCtx)), s.length());
        }
        JsCtx j = nextJsCtx(s.substring(0, i), c.jsCtx);
        switch (s.charAt(i)) {
            case '"' -> c = c.js(State.JS_DQ_STR, JsCtx.REGEXP);
            case '\'' -> c = c.js(State.JS_SQ_STR, JsCtx.REGEXP);
            case '`' -> c = c.js(State.JS_TMPL_LIT, JsCtx.REGEXP);
            case '/' -> {
                if (i + 1 < s.length() && s.charAt(i + 1) == '/') {
                    c = c.js(State.JS_LINE_CMT, j);
                    i++;
                } else if (i + 1 < s.length() && s.charAt(i + 1) == '*') {
                    c = c.js(State.JS_BLOCK_CMT, j);
                    i++;
                } else if (j == JsCtx.REGEXP) {
                    c = c.js(State.JS_REGEXP, j);
                } else if (j == JsCtx.DIV_OP) {
                    c = c.js(c.state, JsCtx.REGEXP);
                } else {
                    return new Step(Context.error("'/' could start a division or regexp: " + GoFormat.quote(s.substring(i))), s.length());
                }
            }
            case '<' -> {
                c = c.js(c.state, j);
                if (s.startsWith("<!--", i)) {
                    c = c.state(State.JS_HTML_OPEN_CMT);
                    i += 3;
                }
            }
            case '-' -> {
                c = c.js(c.state, j);
                if (s.startsWith("-->", i)) {
                    c = c.state(State.JS_HTML_CLOSE_CMT);
                    i += 2;
                }
            }
            case '{' -> {
                // Braces are counted only inside a template literal's ${...}. A '/' after a brace
                // starts a regexp (nextJSCtx's rule; Go issue 80435: Go's first template-literal
                // code kept the context from before the brace, so "if(x){/{{.}}/" got the value escaper).
                c = c.js(c.state, JsCtx.REGEXP);
                if (!c.braces.isEmpty()) {
                    List<Integer> b = new ArrayList<>(c.braces);
                    b.set(b.size() - 1, b.get(b.size() - 1) + 1);
                    c = c.braces(c.state, b);
                }
            }
            case '}' -> {
                // A '/' after a block's '}' starts a regexp (nextJSCtx's rule).
                c = c.js(c.state, JsCtx.REGEXP);
                if (!c.braces.isEmpty()) {
                    List<Integer> b = new ArrayList<>(c.braces);
                    int depth = b.get(b.size() - 1) - 1;
                    if (depth >= 0) {
                        b.set(b.size() - 1, depth);
                        c = c.braces(c.state, b);
                    } else {
                        // The '}' closing a ${...}: back inside the template literal (the context
                        // before it kept, as Go keeps it; a '/' only matters once the literal ends).
                        b.remove(b.size() - 1);
                        c = c.js(State.JS_TMPL_LIT, j).braces(State.JS_TMPL_LIT, b);
                    }
                }
            }
            default -> {
                c = c.js(c.state, j);
                if (i + 1 < s.length() && s.charAt(i + 1) == '!') {
                    c = c.state(State.JS_LINE_CMT);
                    i++;
                }
            }
        }
        return new Step(c, i + 1);
    }

    /** Inside a JS template literal: a backquote ends it, {@code ${} opens a substitution (JS again, one brace level deeper). */
    private static Step tJsTmpl(Context c, String s) {
        int k = 0;
        while (true) {
            int i = indexAny(s, k, "`\\$");
            if (i < 0) {
                return new Step(c, s.length());
            }
            switch (s.charAt(i)) {
                case '\\' -> {
                    i++;
                    if (i == s.length()) {
                        return new Step(Context.error("unfinished escape sequence in JS string: " + GoFormat.quote(s)), s.length());
                    }
                }
                case '$' -> {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
                        List<Integer> b = new ArrayList<>(c.braces);
                        b.add(0);
                        return new Step(c.braces(State.JS, b), i + 2);
                    }
                }
                default -> {
                    // Like a string, a template literal is followed by a division (Go issue 81117).
                    return new Step(c.js(State.JS, JsCtx.DIV_OP), i + 1);
                }
            }
            k = i + 1;
        }
    }

    /** Whether a '/' after {@code preceding} starts a regexp or a division, as Go's nextJSCtx guesses it. */
    private static JsCtx nextJsCtx(String s, JsCtx preceding) {
        int end = s.length();
        while (end > 0 && JS_WHITESPACE.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        if (end == 0) {
            return preceding;
        }
        char c = s.charAt(end - 1);
        int n = end;
        switch (c) {
            case '+', '-' -> {
                int start = end - 1;
                while (start > 0 && s.charAt(start - 1) == c) {
                    start--;
                }
                return ((n - start) & 1) == 1 ? JsCtx.REGEXP : JsCtx.DIV_OP;
            }
            case '.' -> {
                return n != 1 && Character.isDigit(s.charAt(n - 2)) ? JsCtx.DIV_OP : JsCtx.REGEXP;
            }
            case ',', '<', '>', '=', '*', '%', '&', '|', '^', '?', '!', '~', '(', '[', ':', ';', '{', '}' -> {
                return JsCtx.REGEXP;
            }
            default -> {
            }
        }
        int j = n;
        while (j > 0 && isJsIdentPart(s.charAt(j - 1))) {
            j--;
        }
        if (REGEXP_PRECEDERS.contains(s.substring(j, n))) {
            return JsCtx.REGEXP;
        }
        return JsCtx.DIV_OP;
    }

    /** JS's white space, as the {@code \\s} of its regexps (Go's jsWhitespace). */
    private static final String JS_WHITESPACE = "\f\n\r\t\u000b \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
            + "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

    /** Go's regexpPrecederKeywords, and await and yield, after which a '/' starts a regexp too (Go issue 80897). */
    private static final java.util.Set<String> REGEXP_PRECEDERS = java.util.Set.of("await", "break", "case", "continue", "delete",
            "do", "else", "finally", "in", "instanceof", "return", "throw", "try", "typeof", "void", "yield");

    private static boolean isJsIdentPart(char c) {
        return c == '$' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static Step tJsDelimited(Context c, String s) {
        String specials = switch (c.state) {
            case JS_SQ_STR -> "\\'";
            case JS_REGEXP -> "\\/[]";
            default -> "\\\"";
        };
        int k = 0;
        boolean inCharset = false;
        while (true) {
            int i = indexAny(s, k, specials);
            if (i < 0) {
                break;
            }
            char ch = s.charAt(i);
            if (ch == '\\') {
                i++;
                if (i == s.length()) {
                    return new Step(Context.error("unfinished escape sequence in JS string: " + GoFormat.quote(s)), s.length());
                }
            } else if (ch == '[' && c.state == State.JS_REGEXP) {
                inCharset = true;
            } else if (ch == ']' && c.state == State.JS_REGEXP) {
                inCharset = false;
            } else if (ch == '/' && i > 0 && s.regionMatches(true, i - 1, "</script", 0, 8)) {
                // "</script" in a regexp does not end it: the text escaper writes it as \x3C/script.
                i++;
            } else if (!inCharset) {
                return new Step(c.js(State.JS, JsCtx.DIV_OP), i + 1);
            }
            k = i + 1;
        }
        if (inCharset) {
            return new Step(Context.error("unfinished JS regexp charset: " + GoFormat.quote(s)), s.length());
        }
        return new Step(c, s.length());
    }

    /**
     * A {@code <meta>} element's {@code content}: after {@code url=} (any case, spaces before the
     * {@code =}) comes a URL, as in {@code http-equiv="refresh"} (Go's fix for CVE-2026-27142).
     */
    private static Step tMetaContent(Context c, String s) {
        for (int i = 0; i + 3 <= s.length() - 1; i++) {
            if (s.regionMatches(true, i, "url", 0, 3)) {
                int j = eatWhiteSpace(s, i + 3);
                if (j < s.length() && s.charAt(j) == '=') {
                    return new Step(c.state(State.META_CONTENT_URL), j + 1);
                }
            }
        }
        return new Step(c, s.length());
    }

    private static Step tCss(Context c, String s) {
        int k = 0;
        while (true) {
            int i = indexAny(s, k, "(\"'/");
            if (i < 0) {
                return new Step(c, s.length());
            }
            switch (s.charAt(i)) {
                case '(' -> {
                    String p = s.substring(0, i).stripTrailing();
                    if (p.toLowerCase(Locale.ROOT).endsWith("url")
                            && (p.length() == 3 || !isCssNmchar(p.charAt(p.length() - 4)))) {
                        int j = i + 1;
                        while (j < s.length() && "\t\n\f\r ".indexOf(s.charAt(j)) >= 0) {
                            j++;
                        }
                        if (j != s.length() && s.charAt(j) == '"') {
                            return new Step(c.state(State.CSS_DQ_URL), j + 1);
                        } else if (j != s.length() && s.charAt(j) == '\'') {
                            return new Step(c.state(State.CSS_SQ_URL), j + 1);
                        }
                        return new Step(c.state(State.CSS_URL), j);
                    }
                }
                case '/' -> {
                    if (i + 1 < s.length()) {
                        if (s.charAt(i + 1) == '/') {
                            return new Step(c.state(State.CSS_LINE_CMT), i + 2);
                        } else if (s.charAt(i + 1) == '*') {
                            return new Step(c.state(State.CSS_BLOCK_CMT), i + 2);
                        }
                    }
                }
                case '"' -> {
                    return new Step(c.state(State.CSS_DQ_STR), i + 1);
                }
                default -> {
                    return new Step(c.state(State.CSS_SQ_STR), i + 1);
                }
            }
            k = i + 1;
        }
    }

    private static boolean isCssNmchar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c >= 0x80;
    }

    private static Step tCssStr(Context c, String s) {
        String endAndEsc = switch (c.state) {
            case CSS_DQ_STR, CSS_DQ_URL -> "\\\"";
            case CSS_SQ_STR, CSS_SQ_URL -> "\\'";
            default -> "\\\t\n\f\r )";
        };
        int k = 0;
        while (true) {
            int i = indexAny(s, k, endAndEsc);
            if (i < 0) {
                Context after = tUrl(c, decodeCss(s.substring(k))).context;
                return new Step(after, s.length());
            }
            if (s.charAt(i) == '\\') {
                i++;
                if (i == s.length()) {
                    return new Step(Context.error("unfinished escape sequence in CSS string: " + GoFormat.quote(s)), s.length());
                }
            } else {
                return new Step(c.state(State.CSS), i + 1);
            }
            c = tUrl(c, decodeCss(s.substring(0, i + 1))).context;
            k = i + 1;
        }
    }

    private static int eatAttrName(String s, int i) {
        for (int j = i; j < s.length(); j++) {
            switch (s.charAt(j)) {
                case ' ', '\t', '\n', '\f', '\r', '=', '>' -> {
                    return j;
                }
                case '\'', '"', '<' -> {
                    return -1;
                }
                default -> {
                }
            }
        }
        return s.length();
    }

    private static String badAttrName(String s, int i) {
        int j = indexAny(s, i, "'\"<");
        return GoFormat.quote(s.substring(j, j + 1)) + " in attribute name: " + GoFormat.quote(s.substring(0, Math.min(s.length(), 32)));
    }

    private static int eatTagName(String s, int i) {
        if (i == s.length() || !asciiAlpha(s.charAt(i))) {
            return i;
        }
        int j = i + 1;
        while (j < s.length()) {
            char x = s.charAt(j);
            if (asciiAlpha(x) || x >= '0' && x <= '9') {
                j++;
                continue;
            }
            if ((x == ':' || x == '-') && j + 1 < s.length() && (asciiAlpha(s.charAt(j + 1)) || Character.isDigit(s.charAt(j + 1)))) {
                j += 2;
                continue;
            }
            break;
        }
        return j;
    }

    private static Element element(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "script" -> Element.SCRIPT;
            case "style" -> Element.STYLE;
            case "textarea" -> Element.TEXTAREA;
            case "title" -> Element.TITLE;
            case "meta" -> Element.META;
            default -> Element.NONE;
        };
    }

    private static boolean asciiAlpha(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    private static int eatWhiteSpace(String s, int i) {
        for (int j = i; j < s.length(); j++) {
            if (" \t\n\f\r".indexOf(s.charAt(j)) < 0) {
                return j;
            }
        }
        return s.length();
    }

    private static int indexAny(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isJsType(String mime) {
        String m = mime;
        int semi = m.indexOf(';');
        if (semi >= 0) {
            m = m.substring(0, semi);
        }
        m = m.strip().toLowerCase(Locale.ROOT);
        return switch (m) {
            case "application/ecmascript", "application/javascript", "application/json", "application/ld+json",
                 "application/x-ecmascript", "application/x-javascript", "module", "text/ecmascript", "text/javascript",
                 "text/javascript1.0", "text/javascript1.1", "text/javascript1.2", "text/javascript1.3", "text/javascript1.4",
                 "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript", "text/x-javascript" -> true;
            default -> false;
        };
    }

    /** HTML character references decoded, for the inside of attribute values (the common named ones and numeric ones). */
    private static String unescapeEntities(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (ch == '&') {
                int semi = s.indexOf(';', i);
                if (semi > i + 1 && semi - i <= 10) {
                    String ref = s.substring(i + 1, semi);
                    String rep = null;
                    if (ref.startsWith("#x") || ref.startsWith("#X")) {
                        rep = codePoint(ref.substring(2), 16);
                    } else if (ref.startsWith("#")) {
                        rep = codePoint(ref.substring(1), 10);
                    } else {
                        rep = ENTITIES.get(ref);
                    }
                    if (rep != null) {
                        b.append(rep);
                        i = semi + 1;
                        continue;
                    }
                }
            }
            b.append(ch);
            i++;
        }
        return b.toString();
    }

    private static final Map<String, String> ENTITIES = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", "\u00a0");

    private static String codePoint(String digits, int radix) {
        try {
            return new String(Character.toChars(Integer.parseInt(digits, radix)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private enum ContentType { PLAIN, URL, CSS, JS, SRCSET, HTML, UNSAFE }

    private static final java.util.Set<String> URL_ATTRS = java.util.Set.of("action", "archive", "background", "cite", "classid",
            "codebase", "data", "formaction", "href", "icon", "longdesc", "manifest", "poster", "profile", "src", "usemap", "xmlns");
    private static final java.util.Set<String> KNOWN_OTHER_ATTRS = java.util.Set.of("accept", "accept-charset", "alt", "async",
            "autocomplete", "autofocus", "autoplay", "border", "checked", "challenge", "charset", "class", "cols", "colspan",
            "content", "contenteditable", "contextmenu", "controls", "coords", "crossorigin", "datetime", "default", "defer",
            "dir", "dirname", "disabled", "draggable", "dropzone", "enctype", "for", "form", "formenctype", "formmethod",
            "formnovalidate", "formtarget", "headers", "height", "hidden", "high", "hreflang", "http-equiv", "id", "ismap",
            "keytype", "kind", "label", "lang", "language", "list", "loop", "low", "max", "maxlength", "media", "mediagroup",
            "method", "min", "multiple", "name", "novalidate", "open", "optimum", "pattern", "placeholder", "preload", "pubdate",
            "radiogroup", "readonly", "rel", "required", "reversed", "rows", "rowspan", "sandbox", "spellcheck", "scope",
            "scoped", "seamless", "selected", "shape", "size", "sizes", "span", "srclang", "start", "step", "tabindex",
            "target", "title", "type", "value", "width", "wrap");
    private static final java.util.Set<String> UNSAFE_ATTRS = java.util.Set.of("accept-charset", "async", "challenge", "charset",
            "content", "crossorigin", "defer", "enctype", "form", "formenctype", "formmethod", "formnovalidate", "http-equiv",
            "keytype", "language", "method", "novalidate", "pattern", "rel", "sandbox", "type", "value");

    /** Go's attrType: a conservative guess at what a (lower-case) attribute's value is. */
    private static ContentType attrType(String name) {
        if (name.startsWith("data-")) {
            name = name.substring(5);
        } else {
            int colon = name.indexOf(':');
            if (colon != -1) {
                if (name.substring(0, colon).equals("xmlns")) {
                    return ContentType.URL;
                }
                name = name.substring(colon + 1);
            }
        }
        if (URL_ATTRS.contains(name)) {
            return ContentType.URL;
        }
        switch (name) {
            case "style":
                return ContentType.CSS;
            case "srcset":
                return ContentType.SRCSET;
            case "srcdoc":
                return ContentType.HTML;
            default:
                break;
        }
        if (KNOWN_OTHER_ATTRS.contains(name)) {
            return UNSAFE_ATTRS.contains(name) ? ContentType.UNSAFE : ContentType.PLAIN;
        }
        if (name.startsWith("on")) {
            return ContentType.JS;
        }
        if (name.contains("src") || name.contains("uri") || name.contains("url")) {
            return ContentType.URL;
        }
        return ContentType.PLAIN;
    }

    // ---- actions ------------------------------------------------------------------------

    /** Go's nudge: the context an action at {@code c} really starts in. */
    static Context nudge(Context c) {
        return switch (c.state) {
            case TAG -> c.state(State.ATTR_NAME);
            case BEFORE_VALUE -> new Context(attrStart(c.attr), Delim.SPACE_OR_TAG_END, c.urlPart, c.jsCtx, Attr.NONE, c.element, null, c.braces);
            case AFTER_NAME -> new Context(State.ATTR_NAME, c.delim, c.urlPart, c.jsCtx, Attr.NONE, c.element, null, c.braces);
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
    static List<Escaper> escapers(Context c, String where) throws TemplateException {
        List<Escaper> s = new ArrayList<>(3);
        switch (c.state) {
            case ERROR -> throw new TemplateException("html/template: " + where + ": " + c.error);
            case URL, CSS_DQ_STR, CSS_SQ_STR, CSS_DQ_URL, CSS_SQ_URL, CSS_URL -> {
                boolean cssString = c.state == State.CSS_DQ_STR || c.state == State.CSS_SQ_STR;
                switch (c.urlPart) {
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
                if (!c.state.comment()) {
                    throw new IllegalStateException("unexpected state " + c);
                }
                s.add(Escaper.COMMENT_ESCAPER);
            }
        }
        switch (c.delim) {
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
    static Context afterAction(Context c) {
        return switch (c.state) {
            case TAG -> c.state(State.ATTR_NAME);
            case JS -> c.js(State.JS, JsCtx.DIV_OP);
            default -> c;
        };
    }

    /** Applies one escaper to a value (a string, a {@link Typed} or any value printed as Go's fmt.Sprint). */
    static Object apply(Escaper e, Object value) {
        Typed.Kind kind = value instanceof Typed t ? t.kind() : null;
        String s = value instanceof Typed t ? t.text() : value == null ? "<nil>" : GoFormat.print(value);
        return switch (e) {
            case URL_FILTER -> kind == Typed.Kind.URL ? value : isSafeUrl(s) ? s : "#ZgotmplZ";
            case URL_NORMALIZER -> url(s, true);
            case URL_ESCAPER -> url(s, kind == Typed.Kind.URL);
            case HTML_ESCAPER -> kind == Typed.Kind.HTML ? s : replace(s, false, true, false);
            case RCDATA_ESCAPER -> kind == Typed.Kind.HTML ? replace(s, true, true, false) : replace(s, false, true, false);
            case ATTR_ESCAPER -> kind == Typed.Kind.HTML ? replace(stripTags(s), true, true, false) : replace(s, false, true, false);
            case NOSPACE_ESCAPER -> s.isEmpty() ? "ZgotmplZ"
                    : kind == Typed.Kind.HTML ? replace(stripTags(s), true, false, true) : replace(s, false, false, true);
            case HTML_NAME_FILTER -> htmlName(s);
            case COMMENT_ESCAPER -> "";
            case CSS_ESCAPER -> cssEscape(s);
            case CSS_VALUE_FILTER -> cssValue(s);
            case JS_VAL_ESCAPER -> jsVal(value);
            case JS_STR_ESCAPER -> jsReplace(s, JsTable.STRING);
            case JS_TMPL_LIT_ESCAPER -> jsReplace(s, JsTable.TEMPLATE_LITERAL);
            case JS_REGEXP_ESCAPER -> {
                String r = jsReplace(s, JsTable.REGEXP);
                // /{{.}}/ must not become a line comment when the value is empty.
                yield r.isEmpty() ? "(?:)" : r;
            }
            case SRCSET_ESCAPER -> srcset(s, kind);
        };
    }

    /**
     * Go's jsValEscaper: the value as a JS expression without side effects, which is its JSON
     * ({@code json.Marshal}: strings quoted with {@code <}, {@code >}, {@code &} as
     * {@code \u003c}...), a value with a Go {@code String} method (and no JSON marshaller) as the
     * JSON string of that; padded with spaces where it starts or ends like an identifier or a
     * number, so {@code typeof{{.}}} stays two tokens. A value JSON cannot hold becomes a comment
     * with Go's error and {@code null}.
     */
    static String jsVal(Object value) {
        Object v = value;
        if (v instanceof Typed t) {
            v = t.text();
        } else if (v instanceof GoDuration d) {
            v = GoFormat.print(d);
        } else if (v instanceof TemplateValue tv && tv.stringer() != null) {
            v = tv.stringer();
        }
        String json;
        try {
            json = Json.write(v);
        } catch (Json.UnsupportedValueException e) {
            String msg = e.getMessage().replace("*/", "* /").replace("</script", "\\x3C/script").replace("<!--", "\\x3C!--");
            return " /* " + msg + " */null ";
        }
        if (json.isEmpty()) {
            return " null ";
        }
        boolean pad = isJsIdentPart(json.charAt(0)) || isJsIdentPart(json.charAt(json.length() - 1));
        return pad ? " " + json + " " : json;
    }

    private enum JsTable { STRING, TEMPLATE_LITERAL, REGEXP }

    /** Go's replace with the JS string, template literal or regexp table (js.go), U+2028/U+2029 escaped in each. */
    private static String jsReplace(String s, JsTable table) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = jsReplacement(c, table);
            if (rep == null) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            b.append(rep);
        }
        return b == null ? s : b.toString();
    }

    private static String jsReplacement(char c, JsTable table) {
        if (c < 0x20) {
            return switch (c) {
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\f' -> "\\f";
                case '\r' -> "\\r";
                default -> String.format("\\u%04x", (int) c);
            };
        }
        if (c == '\u2028' || c == '\u2029') {
            return String.format("\\u%04x", (int) c);
        }
        if (table == JsTable.REGEXP) {
            return switch (c) {
                case '"' -> "\\u0022";
                case '&' -> "\\u0026";
                case '\'' -> "\\u0027";
                case '+' -> "\\u002b";
                case '<' -> "\\u003c";
                case '>' -> "\\u003e";
                case '$', '(', ')', '*', '-', '.', '/', '?', '[', '\\', ']', '^', '{', '|', '}' -> "\\" + c;
                default -> null;
            };
        }
        return switch (c) {
            case '"' -> "\\u0022";
            case '`' -> "\\u0060";
            case '&' -> "\\u0026";
            case '\'' -> "\\u0027";
            case '+' -> "\\u002b";
            case '/' -> "\\/";
            case '<' -> "\\u003c";
            case '>' -> "\\u003e";
            case '\\' -> "\\\\";
            case '$' -> table == JsTable.TEMPLATE_LITERAL ? "\\u0024" : null;
            case '{' -> table == JsTable.TEMPLATE_LITERAL ? "\\u007b" : null;
            case '}' -> table == JsTable.TEMPLATE_LITERAL ? "\\u007d" : null;
            default -> null;
        };
    }

    /**
     * Go's srcsetFilterAndEscaper: a typed URL is normalised with its commas encoded; any other
     * value is split at commas and each image candidate's URL filtered ({@code #ZgotmplZ} for an
     * unsafe scheme or metadata other than spaces and ASCII letters and digits) and normalised.
     */
    private static String srcset(String s, Typed.Kind kind) {
        if (kind == Typed.Kind.URL) {
            return url(s, true).replace(",", "%2c");
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        int written = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ',') {
                srcsetCandidate(s, written, i, b);
                b.append(',');
                written = i + 1;
            }
        }
        srcsetCandidate(s, written, s.length(), b);
        return b.toString();
    }

    private static void srcsetCandidate(String s, int left, int right, StringBuilder b) {
        int start = left;
        while (start < right && isHtmlSpace(s.charAt(start))) {
            start++;
        }
        int end = right;
        for (int i = start; i < right; i++) {
            if (isHtmlSpace(s.charAt(i))) {
                end = i;
                break;
            }
        }
        String u = s.substring(start, end);
        if (isSafeUrl(u)) {
            boolean metadataOk = true;
            for (int i = end; i < right; i++) {
                char c = s.charAt(i);
                if (!(isHtmlSpace(c) || c < 0x80 && (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'))) {
                    metadataOk = false;
                    break;
                }
            }
            if (metadataOk) {
                b.append(s, left, start).append(url(u, true)).append(s, end, right);
                return;
            }
        }
        b.append("#ZgotmplZ");
    }

    /** ASCII white space as WHATWG's infra defines it. */
    private static boolean isHtmlSpace(char c) {
        return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
    }

    /** Go's cssEscaper: CSS and HTML specials as {@code \<hex>} escapes, a space after one that a hex digit or space follows. */
    private static String cssEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int r = s.codePointAt(i);
            i += Character.charCount(r);
            String rep = switch (r) {
                case 0 -> "\\0";
                case '\t' -> "\\9";
                case '\n' -> "\\a";
                case '\f' -> "\\c";
                case '\r' -> "\\d";
                case '"' -> "\\22";
                case '&' -> "\\26";
                case '\'' -> "\\27";
                case '(' -> "\\28";
                case ')' -> "\\29";
                case '+' -> "\\2b";
                case '/' -> "\\2f";
                case ':' -> "\\3a";
                case ';' -> "\\3b";
                case '<' -> "\\3c";
                case '>' -> "\\3e";
                case '\\' -> "\\\\";
                case '{' -> "\\7b";
                case '}' -> "\\7d";
                default -> null;
            };
            if (rep == null) {
                b.appendCodePoint(r);
                continue;
            }
            b.append(rep);
            if (!rep.equals("\\\\") && (i == s.length() || isHex((byte) s.charAt(i)) && s.charAt(i) < 0x80
                    || " \t\n\f\r".indexOf(s.charAt(i)) >= 0)) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    /** Go's cssValueFilter: innocuous CSS values (quantities, colours, keywords, ids) pass, anything else is {@code ZgotmplZ}. */
    private static String cssValue(String s) {
        String b = decodeCss(s);
        StringBuilder id = new StringBuilder();
        byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            switch (c) {
                case 0, '"', '\'', '(', ')', '/', ';', '@', '[', '\\', ']', '`', '{', '}' -> {
                    return "ZgotmplZ";
                }
                case '-' -> {
                    if (i != 0 && bytes[i - 1] == '-') {
                        return "ZgotmplZ";
                    }
                }
                default -> {
                    if (c < 0x80 && isCssNmchar((char) c)) {
                        id.append((char) c);
                    }
                }
            }
        }
        String lower = id.toString().toLowerCase(Locale.ROOT);
        if (lower.contains("expression") || lower.contains("mozbinding")) {
            return "ZgotmplZ";
        }
        return b;
    }

    /** Go's decodeCSS: CSS escapes ({@code \\41 }, {@code \\"}) decoded. */
    static String decodeCss(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int k = s.indexOf('\\', i);
            if (k < 0) {
                b.append(s, i, s.length());
                break;
            }
            b.append(s, i, k);
            i = k;
            if (s.length() - i < 2) {
                break;
            }
            char next = s.charAt(i + 1);
            if (next < 0x80 && isHex((byte) next)) {
                int j = i + 2;
                while (j < s.length() && j < i + 7 && s.charAt(j) < 0x80 && isHex((byte) s.charAt(j))) {
                    j++;
                }
                int r = Integer.parseInt(s.substring(i + 1, j), 16);
                if (r > Character.MAX_CODE_POINT) {
                    r /= 16;
                    j--;
                }
                b.appendCodePoint(r);
                i = j;
                if (i < s.length()) {
                    char w = s.charAt(i);
                    if (w == '\t' || w == '\n' || w == '\f' || w == ' ') {
                        i++;
                    } else if (w == '\r') {
                        i += i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1;
                    }
                }
            } else {
                int n = Character.charCount(s.codePointAt(i + 1));
                b.append(s, i + 1, i + 1 + n);
                i += 1 + n;
            }
        }
        return b.toString();
    }

    private static boolean isSafeUrl(String s) {
        int colon = s.indexOf(':');
        if (colon >= 0) {
            String protocol = s.substring(0, colon);
            if (!protocol.contains("/")) {
                return protocol.equalsIgnoreCase("http") || protocol.equalsIgnoreCase("https") || protocol.equalsIgnoreCase("mailto");
            }
        }
        return true;
    }

    /** Go's urlProcessor: percent-encodes (lower-case hex) the UTF-8 bytes a URL may not hold; {@code norm} keeps reserved characters and valid escapes. */
    private static String url(String s, boolean norm) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length + 16);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean keep;
            if ("!#$&*+,/:;=?@[]".indexOf(c) >= 0 && c < 0x80) {
                keep = norm;
            } else if (c == '-' || c == '.' || c == '_' || c == '~') {
                keep = true;
            } else if (c == '%') {
                keep = norm && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2]);
            } else {
                keep = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            }
            if (keep) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        return b.toString();
    }

    private static boolean isHex(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /**
     * Go's htmlReplacer with its tables: {@code norm} leaves {@code &} alone (typed HTML),
     * {@code nospace} is the unquoted-attribute table; {@code badRunes} false encodes the
     * non-characters U+FDD0..U+FDEF and U+FFF0..U+FFFF as Go does there.
     */
    private static String replace(String s, boolean norm, boolean badRunes, boolean nospace) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int r = s.codePointAt(i);
            i += Character.charCount(r);
            String rep = switch (r) {
                case 0 -> nospace ? "&#xfffd;" : "\uFFFD";
                case '"' -> "&#34;";
                case '&' -> norm ? null : "&amp;";
                case '\'' -> "&#39;";
                case '+' -> "&#43;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '\t' -> nospace ? "&#9;" : null;
                case '\n' -> nospace ? "&#10;" : null;
                case 0x0b -> nospace ? "&#11;" : null;
                case '\f' -> nospace ? "&#12;" : null;
                case '\r' -> nospace ? "&#13;" : null;
                case ' ' -> nospace ? "&#32;" : null;
                case '=' -> nospace ? "&#61;" : null;
                case '`' -> nospace ? "&#96;" : null;
                default -> null;
            };
            if (rep != null) {
                b.append(rep);
            } else if (!badRunes && (r >= 0xfdd0 && r <= 0xfdef || r >= 0xfff0 && r <= 0xffff)) {
                b.append("&#x").append(Integer.toHexString(r)).append(';');
            } else {
                b.appendCodePoint(r);
            }
        }
        return b.toString();
    }

    private static String htmlName(String s) {
        if (s.isEmpty()) {
            return "ZgotmplZ";
        }
        s = s.toLowerCase(Locale.ROOT);
        if (attrType(s) != ContentType.PLAIN) {
            return "ZgotmplZ";
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z')) {
                return "ZgotmplZ";
            }
        }
        return s;
    }

    /** Go's stripTags: the text of typed HTML put into an attribute, its tags and comments left out. */
    static String stripTags(String html) {
        StringBuilder b = new StringBuilder();
        Context c = Context.TEXT;
        int i = 0;
        boolean allText = true;
        while (i != html.length()) {
            if (c.delim == Delim.NONE) {
                Context st = c;
                if (c.element != Element.NONE && !inTag(c.state)) {
                    st = c.state(State.RCDATA);
                }
                Step d = transition(st, html.substring(i));
                int i1 = i + d.read;
                if (c.state == State.TEXT || c.state == State.RCDATA) {
                    int j = i1;
                    if (d.context.state != c.state) {
                        for (int j1 = j - 1; j1 >= i; j1--) {
                            if (html.charAt(j1) == '<') {
                                j = j1;
                                break;
                            }
                        }
                    }
                    b.append(html, i, j);
                } else {
                    allText = false;
                }
                c = d.context;
                i = i1;
                continue;
            }
            String ends = c.delim == Delim.DOUBLE_QUOTE ? "\"" : c.delim == Delim.SINGLE_QUOTE ? "'" : "\t\n\f\r >";
            int i1 = indexAny(html, i, ends);
            if (i1 < 0) {
                break;
            }
            if (c.delim != Delim.SPACE_OR_TAG_END) {
                i1++;
            }
            c = Context.of(State.TAG, c.element);
            i = i1;
        }
        if (allText) {
            return html;
        } else if (c.state == State.TEXT || c.state == State.RCDATA) {
            b.append(html, i, html.length());
        }
        return b.toString();
    }

    private static boolean inTag(State s) {
        return switch (s) {
            case TAG, ATTR_NAME, AFTER_NAME, BEFORE_VALUE, ATTR -> true;
            default -> false;
        };
    }
}
