package io.promethium.config.internal;

import java.util.function.UnaryOperator;

/**
 * Environment references in external label values, as Prometheus 3 expands them (Go's
 * {@code os.Expand}): {@code $NAME} and {@code ${NAME}} become the variable's value (empty when
 * unset), {@code $$} a single {@code $}; a {@code $} not followed by a name stays.
 */
final class EnvExpansion {

    private EnvExpansion() {
    }

    static String expand(String text, UnaryOperator<String> env) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                sb.append(c);
                i++;
                continue;
            }
            String rest = text.substring(i + 1);
            String name;
            int width;
            char first = rest.charAt(0);
            if (first == '{') {
                if (rest.length() > 2 && isSpecial(rest.charAt(1)) && rest.charAt(2) == '}') {
                    name = rest.substring(1, 2);
                    width = 3;
                } else {
                    int close = rest.indexOf('}');
                    if (close == 1) {
                        name = "";
                        width = 2; // "${}": bad syntax, eaten
                    } else if (close < 0) {
                        name = "";
                        width = 1; // "${" never closed: bad syntax, eaten
                    } else {
                        name = rest.substring(1, close);
                        width = close + 1;
                    }
                }
            } else if (isSpecial(first)) {
                name = rest.substring(0, 1);
                width = 1;
            } else {
                int end = 0;
                while (end < rest.length() && (Character.isLetterOrDigit(rest.charAt(end)) && rest.charAt(end) < 128
                        || rest.charAt(end) == '_')) {
                    end++;
                }
                name = rest.substring(0, end);
                width = end;
            }
            if (name.isEmpty() && width == 0) {
                sb.append('$');
            } else if (!name.isEmpty()) {
                if (name.equals("$")) {
                    sb.append('$');
                } else {
                    String value = env.apply(name);
                    sb.append(value == null ? "" : value);
                }
            }
            i += 1 + width;
        }
        return sb.toString();
    }

    private static boolean isSpecial(char c) {
        return c == '*' || c == '#' || c == '$' || c == '@' || c == '!' || c == '?' || c == '-' || (c >= '0' && c <= '9');
    }
}
