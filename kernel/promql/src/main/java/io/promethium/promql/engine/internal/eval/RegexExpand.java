package io.promethium.promql.engine.internal.eval;

import java.util.regex.Matcher;

/** Expands {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}} and {@code $$} in a replacement, as Go's Regexp.Expand. */
final class RegexExpand {

    private RegexExpand() {
    }

    static String expand(String template, Matcher m) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        int n = template.length();
        while (i < n) {
            char c = template.charAt(i);
            if (c != '$') {
                sb.append(c);
                i++;
                continue;
            }
            if (i + 1 < n && template.charAt(i + 1) == '$') {
                sb.append('$');
                i += 2;
                continue;
            }
            String name;
            int next;
            if (i + 1 < n && template.charAt(i + 1) == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0 || close == i + 2 || !isName(template, i + 2, close)) {
                    sb.append('$');
                    i++;
                    continue;
                }
                name = template.substring(i + 2, close);
                next = close + 1;
            } else {
                int j = i + 1;
                while (j < n && isNameChar(template.charAt(j))) {
                    j++;
                }
                if (j == i + 1) {
                    sb.append('$');
                    i++;
                    continue;
                }
                name = template.substring(i + 1, j);
                next = j;
            }
            sb.append(group(m, name));
            i = next;
        }
        return sb.toString();
    }

    private static boolean isName(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isNameChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private static String group(Matcher m, String name) {
        boolean numeric = true;
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                numeric = false;
                break;
            }
        }
        try {
            String g;
            if (numeric) {
                if (name.length() > 9) {
                    return "";
                }
                int idx = Integer.parseInt(name);
                if (idx > m.groupCount()) {
                    return "";
                }
                g = m.group(idx);
            } else {
                g = m.group(name);
            }
            return g == null ? "" : g;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
