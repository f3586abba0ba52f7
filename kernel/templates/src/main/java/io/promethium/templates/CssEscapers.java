package io.promethium.templates;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Go's CSS escapers (css.go): cssEscaper for strings, cssValueFilter for values, and CSS escapes decoded. */
final class CssEscapers {

    private CssEscapers() {
    }

    /** Go's cssEscaper: CSS and HTML specials as {@code \<hex>} escapes, a space after one that a hex digit or space follows. */
    static String cssEscaper(String s) {
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
    static String cssValueFilter(String s) {
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

    static boolean isCssNmchar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c >= 0x80;
    }

    static boolean isHex(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
