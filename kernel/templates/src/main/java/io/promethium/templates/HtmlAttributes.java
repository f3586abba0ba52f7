package io.promethium.templates;

/** Go's attribute table (attr.go): what an attribute's value holds, judged by its name. */
final class HtmlAttributes {

    private HtmlAttributes() {
    }

    enum ContentType { PLAIN, URL, CSS, JS, SRCSET, HTML, UNSAFE }

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
    static ContentType attrType(String name) {
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
}
