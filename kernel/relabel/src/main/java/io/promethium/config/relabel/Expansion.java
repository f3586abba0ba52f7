package io.promethium.config.relabel;

import java.util.Map;
import java.util.regex.MatchResult;

/**
 * Go's {@code Regexp.Expand}, which relabeling uses for {@code replacement} and
 * {@code target_label}: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}} and {@code $$}.
 * A bare name is as long as possible ({@code $1x} is the group named {@code 1x}, which is
 * empty); a reference to a group that does not exist or did not take part expands to nothing;
 * a {@code $} not followed by a valid reference is kept as is.
 */
final class Expansion {

    private Expansion() {
    }

    /** Whether {@code template} has anything to expand; templates without {@code $} are used as they are. */
    static boolean hasReference(String template) {
        return template.indexOf('$') >= 0;
    }

    static String expand(String template, MatchResult match, Map<String, Integer> namedGroups) {
        if (!hasReference(template)) {
            return template;
        }
        StringBuilder out = new StringBuilder(template.length() + 16);
        int i = 0;
        int n = template.length();
        while (i < n) {
            char c = template.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            if (i < n && template.charAt(i) == '$') {
                out.append('$');
                i++;
                continue;
            }
            boolean brace = i < n && template.charAt(i) == '{';
            int nameStart = brace ? i + 1 : i;
            int nameEnd = nameStart;
            while (nameEnd < n && isNameChar(template.charAt(nameEnd))) {
                nameEnd++;
            }
            boolean valid = nameEnd > nameStart && (!brace || (nameEnd < n && template.charAt(nameEnd) == '}'));
            if (!valid) {
                out.append('$');
                continue;
            }
            appendGroup(out, template.substring(nameStart, nameEnd), match, namedGroups);
            i = brace ? nameEnd + 1 : nameEnd;
        }
        return out.toString();
    }

    private static void appendGroup(StringBuilder out, String name, MatchResult match, Map<String, Integer> namedGroups) {
        int group = number(name);
        if (group < 0) {
            Integer named = namedGroups.get(name);
            if (named == null) {
                return;
            }
            group = named;
        }
        if (group > match.groupCount()) {
            return;
        }
        String value = match.group(group);
        if (value != null) {
            out.append(value);
        }
    }

    /** The group number a name spells, or -1 when it is not all digits (or absurdly large, as in Go). */
    private static int number(String name) {
        int number = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            number = number * 10 + (c - '0');
            if (number >= 100_000_000) {
                return -1;
            }
        }
        return number;
    }

    private static boolean isNameChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }
}
