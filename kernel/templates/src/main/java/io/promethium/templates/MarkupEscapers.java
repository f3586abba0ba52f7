package io.promethium.templates;

import io.promethium.templates.HtmlContext.Delim;
import io.promethium.templates.HtmlContext.Element;
import io.promethium.templates.HtmlContext.State;
import java.util.Locale;

/**
 * Go's HTML escapers (html.go): the text, RCDATA, attribute and unquoted-attribute tables,
 * the attribute-name filter, and the tags of typed HTML stripped for an attribute.
 */
final class MarkupEscapers {

    private MarkupEscapers() {
    }

    /** Go's htmlEscaper: text; typed HTML passes as it is. */
    static String htmlEscaper(String s, HtmlEscaping.Typed.Kind kind) {
        return kind == HtmlEscaping.Typed.Kind.HTML ? s : replace(s, false, true, false);
    }

    /** Go's rcdataEscaper: {@code <textarea>} and {@code <title>}; typed HTML keeps its entities. */
    static String rcdataEscaper(String s, HtmlEscaping.Typed.Kind kind) {
        return kind == HtmlEscaping.Typed.Kind.HTML ? replace(s, true, true, false) : replace(s, false, true, false);
    }

    /** Go's attrEscaper: a quoted attribute value; typed HTML loses its tags. */
    static String attrEscaper(String s, HtmlEscaping.Typed.Kind kind) {
        return kind == HtmlEscaping.Typed.Kind.HTML ? replace(stripTags(s), true, true, false) : replace(s, false, true, false);
    }

    /** Go's htmlNospaceEscaper: an unquoted attribute value, {@code ZgotmplZ} when empty. */
    static String nospaceEscaper(String s, HtmlEscaping.Typed.Kind kind) {
        if (s.isEmpty()) {
            return "ZgotmplZ";
        }
        return kind == HtmlEscaping.Typed.Kind.HTML ? replace(stripTags(s), true, false, true) : replace(s, false, false, true);
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

    static String htmlNameFilter(String s) {
        if (s.isEmpty()) {
            return "ZgotmplZ";
        }
        s = s.toLowerCase(Locale.ROOT);
        if (HtmlAttributes.attrType(s) != HtmlAttributes.ContentType.PLAIN) {
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
        HtmlContext c = HtmlContext.TEXT;
        int i = 0;
        boolean allText = true;
        while (i != html.length()) {
            if (c.delim() == Delim.NONE) {
                HtmlContext st = c;
                if (c.element() != Element.NONE && !inTag(c.state())) {
                    st = c.state(State.RCDATA);
                }
                HtmlTransitions.Step d = HtmlTransitions.transition(st, html.substring(i));
                int i1 = i + d.read();
                if (c.state() == State.TEXT || c.state() == State.RCDATA) {
                    int j = i1;
                    if (d.context().state() != c.state()) {
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
                c = d.context();
                i = i1;
                continue;
            }
            String ends = c.delim() == Delim.DOUBLE_QUOTE ? "\"" : c.delim() == Delim.SINGLE_QUOTE ? "'" : "\t\n\f\r >";
            int i1 = HtmlTransitions.indexAny(html, i, ends);
            if (i1 < 0) {
                break;
            }
            if (c.delim() != Delim.SPACE_OR_TAG_END) {
                i1++;
            }
            c = HtmlContext.of(State.TAG, c.element());
            i = i1;
        }
        if (allText) {
            return html;
        } else if (c.state() == State.TEXT || c.state() == State.RCDATA) {
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
