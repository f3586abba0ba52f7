package io.promethium.templates;

import io.promethium.templates.HtmlContext.Attr;
import io.promethium.templates.HtmlContext.Delim;
import io.promethium.templates.HtmlContext.Element;
import io.promethium.templates.HtmlContext.JsCtx;
import io.promethium.templates.HtmlContext.State;
import io.promethium.templates.HtmlContext.UrlPart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Go's html/template state machine (transition.go): the context after a piece of literal text
 * met in a context, one step at a time ({@link #contextAfterText}, {@link #transition}): tags
 * and attribute names, quoted and unquoted attribute values (decoded, so {@code &quot;} counts as
 * a quote in JS and CSS), URLs and their query part, {@code <script>} with strings, template
 * literals and their {@code ${...}} substitutions, regexps, comments and the division-or-regexp
 * guess (js.go's nextJSCtx), {@code <style>} and {@code url(...)}, RCDATA elements and
 * {@code <meta content="...; url=...">}.
 */
final class HtmlTransitions {

    private HtmlTransitions() {
    }

    record Step(HtmlContext context, int read) {
    }

    static Step contextAfterText(HtmlContext c, String s) {
        if (c.delim() == Delim.NONE) {
            Step end = specialTagEnd(c, s);
            if (end.read() == 0) {
                return end;
            }
            return transition(c, s.substring(0, end.read()));
        }
        String ends = switch (c.delim()) {
            case DOUBLE_QUOTE -> "\"";
            case SINGLE_QUOTE -> "'";
            default -> "\t\n\f\r >";
        };
        int i = indexAny(s, 0, ends);
        if (i == -1) {
            i = s.length();
        }
        if (c.delim() == Delim.SPACE_OR_TAG_END) {
            int j = indexAny(s.substring(0, i), 0, "\"'<=`");
            if (j >= 0) {
                return new Step(HtmlContext.error(GoFormat.quote(s.substring(j, j + 1)) + " in unquoted attr: "
                        + GoFormat.quote(s.substring(0, i))), s.length());
            }
        }
        if (i == s.length()) {
            // Inside the value: decoded, so JS and CSS rules see &quot; as a quote.
            String u = unescapeEntities(s);
            while (!u.isEmpty()) {
                Step st = transition(c, u);
                c = st.context();
                u = u.substring(st.read());
            }
            return new Step(c, s.length());
        }
        Element element = c.element();
        if (c.state() == State.ATTR && c.element() == Element.SCRIPT && c.attr() == Attr.SCRIPT_TYPE && !isJsType(s.substring(0, i))) {
            element = Element.NONE;
        }
        if (c.delim() != Delim.SPACE_OR_TAG_END) {
            i++;
        }
        return new Step(HtmlContext.of(State.TAG, element), i);
    }

    static Step transition(HtmlContext c, String s) {
        return switch (c.state()) {
            case TEXT -> tText(c, s);
            case TAG -> tTag(c, s);
            case ATTR_NAME -> tAttrName(c, s);
            case AFTER_NAME -> tAfterName(c, s);
            case BEFORE_VALUE -> tBeforeValue(c, s);
            case HTML_CMT -> {
                int i = s.indexOf("-->");
                yield i == -1 ? new Step(c, s.length()) : new Step(HtmlContext.TEXT, i + 3);
            }
            case RCDATA -> specialTagEnd(c, s);
            case ATTR -> new Step(c, s.length());
            case URL, SRCSET -> tUrl(c, s);
            case JS -> tJs(c, s);
            case JS_DQ_STR, JS_SQ_STR, JS_REGEXP -> tJsDelimited(c, s);
            case JS_TMPL_LIT -> tJsTmpl(c, s);
            case JS_BLOCK_CMT, CSS_BLOCK_CMT -> {
                int i = s.indexOf("*/");
                yield i == -1 ? new Step(c, s.length()) : new Step(c.state(c.state() == State.JS_BLOCK_CMT ? State.JS : State.CSS), i + 2);
            }
            case JS_LINE_CMT, JS_HTML_OPEN_CMT, JS_HTML_CLOSE_CMT, CSS_LINE_CMT -> {
                boolean css = c.state() == State.CSS_LINE_CMT;
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

    private static Step tText(HtmlContext c, String s) {
        int k = 0;
        while (true) {
            int i = s.indexOf('<', k);
            if (i < 0 || i + 1 == s.length()) {
                return new Step(c, s.length());
            } else if (s.startsWith("<!--", i)) {
                return new Step(HtmlContext.of(State.HTML_CMT, Element.NONE), i + 4);
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
                return new Step(HtmlContext.of(State.TAG, e), j);
            }
            k = j;
        }
    }

    private static Step tTag(HtmlContext c, String s) {
        int i = eatWhiteSpace(s, 0);
        if (i == s.length()) {
            return new Step(c, s.length());
        }
        if (s.charAt(i) == '>') {
            if (c.element() == Element.META) {
                // <meta> has no end tag: its content is text again.
                return new Step(HtmlContext.TEXT, i + 1);
            }
            State content = switch (c.element()) {
                case NONE, META -> State.TEXT;
                case SCRIPT -> State.JS;
                case STYLE -> State.CSS;
                case TEXTAREA, TITLE -> State.RCDATA;
            };
            return new Step(HtmlContext.of(content, c.element()), i + 1);
        }
        int j = eatAttrName(s, i);
        if (j < 0) {
            return new Step(HtmlContext.error(badAttrName(s, i)), s.length());
        }
        if (i == j) {
            return new Step(HtmlContext.error("expected space, attr name, or end of tag, but got " + GoFormat.quote(s.substring(i))),
                    s.length());
        }
        String name = s.substring(i, j).toLowerCase(Locale.ROOT);
        Attr attr = Attr.NONE;
        if (c.element() == Element.SCRIPT && name.equals("type")) {
            attr = Attr.SCRIPT_TYPE;
        } else if (c.element() == Element.META && name.equals("content")) {
            attr = Attr.META_CONTENT;
        } else {
            attr = switch (HtmlAttributes.attrType(name)) {
                case URL -> Attr.URL;
                case CSS -> Attr.STYLE;
                case JS -> Attr.SCRIPT;
                case SRCSET -> Attr.SRCSET;
                default -> Attr.NONE;
            };
        }
        State state = j == s.length() ? State.ATTR_NAME : State.AFTER_NAME;
        return new Step(new HtmlContext(state, Delim.NONE, UrlPart.NONE, JsCtx.REGEXP, attr, c.element(), null), j);
    }

    private static Step tAttrName(HtmlContext c, String s) {
        int i = eatAttrName(s, 0);
        if (i < 0) {
            return new Step(HtmlContext.error(badAttrName(s, 0)), s.length());
        }
        return new Step(i != s.length() ? c.state(State.AFTER_NAME) : c, i);
    }

    private static Step tAfterName(HtmlContext c, String s) {
        int i = eatWhiteSpace(s, 0);
        if (i == s.length()) {
            return new Step(c, s.length());
        } else if (s.charAt(i) != '=') {
            return new Step(c.state(State.TAG), i);
        }
        return new Step(c.state(State.BEFORE_VALUE), i + 1);
    }

    static State attrStart(Attr attr) {
        return switch (attr) {
            case NONE, SCRIPT_TYPE -> State.ATTR;
            case SCRIPT -> State.JS;
            case STYLE -> State.CSS;
            case URL -> State.URL;
            case SRCSET -> State.SRCSET;
            case META_CONTENT -> State.META_CONTENT;
        };
    }

    private static Step tBeforeValue(HtmlContext c, String s) {
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
        return new Step(new HtmlContext(attrStart(c.attr()), delim, c.urlPart(), c.jsCtx(), c.attr(), c.element(), null, c.braces()), i);
    }

    private static Step specialTagEnd(HtmlContext c, String s) {
        if (c.element() == Element.SCRIPT && (inScriptLiteral(c.state()) || c.state().comment())) {
            // "</script" inside a JS string, regexp or comment is escaped (text) or dropped, not an end.
            return new Step(c, s.length());
        }
        if (c.element() != Element.NONE) {
            // Go's marker for <meta> is empty: any "</" then a separator ends it.
            String tag = c.element() == Element.META ? "" : c.element().name().toLowerCase(Locale.ROOT);
            int i = indexTagEnd(s, tag);
            if (i != -1) {
                return new Step(HtmlContext.TEXT, i);
            }
        }
        return new Step(c, s.length());
    }

    static boolean inScriptLiteral(State s) {
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

    private static Step tUrl(HtmlContext c, String s) {
        if (s.indexOf('#') >= 0 || s.indexOf('?') >= 0) {
            return new Step(c.url(UrlPart.QUERY_OR_FRAG), s.length());
        } else if (s.length() != eatWhiteSpace(s, 0) && c.urlPart() == UrlPart.NONE) {
            return new Step(c.url(UrlPart.PRE_QUERY), s.length());
        }
        return new Step(c, s.length());
    }

    private static Step tJs(HtmlContext c, String s) {
        int i = indexAny(s, 0, "\"`'/{}<-#");
        if (i == -1) {
            return new Step(c.js(c.state(), nextJsCtx(s, c.jsCtx())), s.length());
        }
        JsCtx j = nextJsCtx(s.substring(0, i), c.jsCtx());
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
                    c = c.js(c.state(), JsCtx.REGEXP);
                } else {
                    return new Step(HtmlContext.error("'/' could start a division or regexp: " + GoFormat.quote(s.substring(i))),
                            s.length());
                }
            }
            case '<' -> {
                c = c.js(c.state(), j);
                if (s.startsWith("<!--", i)) {
                    c = c.state(State.JS_HTML_OPEN_CMT);
                    i += 3;
                }
            }
            case '-' -> {
                c = c.js(c.state(), j);
                if (s.startsWith("-->", i)) {
                    c = c.state(State.JS_HTML_CLOSE_CMT);
                    i += 2;
                }
            }
            case '{' -> {
                // Braces are counted only inside a template literal's ${...}. A '/' after a brace
                // starts a regexp (nextJSCtx's rule; Go issue 80435: Go's first template-literal
                // code kept the context from before the brace, so "if(x){/{{.}}/" got the value escaper).
                c = c.js(c.state(), JsCtx.REGEXP);
                if (!c.braces().isEmpty()) {
                    List<Integer> b = new ArrayList<>(c.braces());
                    b.set(b.size() - 1, b.get(b.size() - 1) + 1);
                    c = c.braces(c.state(), b);
                }
            }
            case '}' -> {
                // A '/' after a block's '}' starts a regexp (nextJSCtx's rule).
                c = c.js(c.state(), JsCtx.REGEXP);
                if (!c.braces().isEmpty()) {
                    List<Integer> b = new ArrayList<>(c.braces());
                    int depth = b.get(b.size() - 1) - 1;
                    if (depth >= 0) {
                        b.set(b.size() - 1, depth);
                        c = c.braces(c.state(), b);
                    } else {
                        // The '}' closing a ${...}: back inside the template literal (the context
                        // before it kept, as Go keeps it; a '/' only matters once the literal ends).
                        b.remove(b.size() - 1);
                        c = c.js(State.JS_TMPL_LIT, j).braces(State.JS_TMPL_LIT, b);
                    }
                }
            }
            default -> {
                c = c.js(c.state(), j);
                if (i + 1 < s.length() && s.charAt(i + 1) == '!') {
                    c = c.state(State.JS_LINE_CMT);
                    i++;
                }
            }
        }
        return new Step(c, i + 1);
    }

    /** Inside a JS template literal: a backquote ends it, {@code ${} opens a substitution (JS again, one brace level deeper). */
    private static Step tJsTmpl(HtmlContext c, String s) {
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
                        return new Step(HtmlContext.error("unfinished escape sequence in JS string: " + GoFormat.quote(s)), s.length());
                    }
                }
                case '$' -> {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
                        List<Integer> b = new ArrayList<>(c.braces());
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
        while (j > 0 && JsEscapers.isJsIdentPart(s.charAt(j - 1))) {
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

    private static Step tJsDelimited(HtmlContext c, String s) {
        String specials = switch (c.state()) {
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
                    return new Step(HtmlContext.error("unfinished escape sequence in JS string: " + GoFormat.quote(s)), s.length());
                }
            } else if (ch == '[' && c.state() == State.JS_REGEXP) {
                inCharset = true;
            } else if (ch == ']' && c.state() == State.JS_REGEXP) {
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
            return new Step(HtmlContext.error("unfinished JS regexp charset: " + GoFormat.quote(s)), s.length());
        }
        return new Step(c, s.length());
    }

    /**
     * A {@code <meta>} element's {@code content}: after {@code url=} (any case, spaces before the
     * {@code =}) comes a URL, as in {@code http-equiv="refresh"} (Go's fix for CVE-2026-27142).
     */
    private static Step tMetaContent(HtmlContext c, String s) {
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

    private static Step tCss(HtmlContext c, String s) {
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
                            && (p.length() == 3 || !CssEscapers.isCssNmchar(p.charAt(p.length() - 4)))) {
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

    private static Step tCssStr(HtmlContext c, String s) {
        String endAndEsc = switch (c.state()) {
            case CSS_DQ_STR, CSS_DQ_URL -> "\\\"";
            case CSS_SQ_STR, CSS_SQ_URL -> "\\'";
            default -> "\\\t\n\f\r )";
        };
        int k = 0;
        while (true) {
            int i = indexAny(s, k, endAndEsc);
            if (i < 0) {
                HtmlContext after = tUrl(c, CssEscapers.decodeCss(s.substring(k))).context();
                return new Step(after, s.length());
            }
            if (s.charAt(i) == '\\') {
                i++;
                if (i == s.length()) {
                    return new Step(HtmlContext.error("unfinished escape sequence in CSS string: " + GoFormat.quote(s)), s.length());
                }
            } else {
                return new Step(c.state(State.CSS), i + 1);
            }
            c = tUrl(c, CssEscapers.decodeCss(s.substring(0, i + 1))).context();
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

    static int indexAny(String s, int from, String chars) {
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

    private static final Map<String, String> ENTITIES =
            Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", "\u00a0");

    private static String codePoint(String digits, int radix) {
        try {
            return new String(Character.toChars(Integer.parseInt(digits, radix)));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
